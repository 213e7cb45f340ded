"""The clip contract every data source (real datasets, the synthetic generator) yields, and the one
input normalisation that training uses and the app mirrors.

A clip sample is a dict:
    video      float32 [1, 8, 128, 128]  frames after normalise_frames
    label      int                       class index in the protocol's class list
    flow       float32 [2, 128, 128, 7] or None   (u, v) in crop pixels from frame t to t+1
    ldm        float32 [136, 8] or None           68 points x0,y0,x1,y1,... in crop pixels, per frame
    subject    str                       identity; splits never put one subject on both sides
    sample_id  str                       unique; clips cut from the same video share video_id
    video_id   str (optional)            defaults to sample_id; used to pool clip logits per video
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

CLIP_LENGTH = 8
CROP = 128
NORMALISATION = {"kind": "frame-standardise", "eps": 1e-6}


class ClipFormatError(ValueError):
    """A sample that does not follow the clip contract above."""


def normalise_frames(gray_u8: np.ndarray, eps: float = NORMALISATION["eps"]) -> np.ndarray:
    """gray/255, minus each frame's own mean, divided by that frame's population std + eps.

    Works on [..., H, W]; every frame stands alone, so a streaming window can normalise each new
    frame once (the app's WebGPU path does the same arithmetic).
    """
    x = np.asarray(gray_u8, dtype=np.float32) / np.float32(255.0)
    mean = x.mean(axis=(-2, -1), keepdims=True, dtype=np.float64).astype(np.float32)
    x = x - mean
    std = np.sqrt((x.astype(np.float64) ** 2).mean(axis=(-2, -1), keepdims=True)).astype(np.float32)
    return (x / (std + np.float32(eps))).astype(np.float32)


def uniform_clip_indices(length: int, clip_length: int = CLIP_LENGTH) -> list[list[int]]:
    """MOL's sampling of a video of `length` frames (onset..offset): stride s = length // 8, and one clip
    per offset j = 0..s-1 with frames j, j+s, ..., j+7s. The trailing length - 8s frames are unused;
    a video shorter than 8 frames yields nothing (the caller reports it)."""
    s = length // clip_length
    return [[j + k * s for k in range(clip_length)] for j in range(s)]


def validate_sample(sample: dict, where: str = "sample") -> None:
    """Raises ClipFormatError naming the field; cheap enough to run on every item."""
    def check(name: str, value: Any, shape: tuple) -> None:
        if not isinstance(value, (np.ndarray, torch.Tensor)):
            raise ClipFormatError(f"{where}: {name} must be an array, got {type(value).__name__}")
        if tuple(value.shape) != shape:
            raise ClipFormatError(f"{where}: {name} has shape {tuple(value.shape)}, expected {shape}")
        if not bool(np.isfinite(np.asarray(value)).all()):
            raise ClipFormatError(f"{where}: {name} contains NaN or inf")

    for key in ("video", "label", "subject", "sample_id"):
        if key not in sample:
            raise ClipFormatError(f"{where}: missing field '{key}'")
    check("video", sample["video"], (1, CLIP_LENGTH, CROP, CROP))
    if sample.get("flow") is not None:
        check("flow", sample["flow"], (2, CROP, CROP, CLIP_LENGTH - 1))
    if sample.get("ldm") is not None:
        check("ldm", sample["ldm"], (136, CLIP_LENGTH))
    if not isinstance(sample["label"], (int, np.integer)) or int(sample["label"]) < 0:
        raise ClipFormatError(f"{where}: label must be a non-negative int, got {sample['label']!r}")


def collate_clips(samples: Sequence[dict]) -> dict:
    """Stacks samples into a batch; a missing flow/ldm becomes zeros with its mask False."""
    if not samples:
        raise ClipFormatError("cannot collate an empty batch")
    for s in samples:
        validate_sample(s, where=f"sample {s.get('sample_id', '?')}")

    def stack(key: str, shape: tuple) -> tuple[torch.Tensor, torch.Tensor]:
        mask = torch.tensor([s.get(key) is not None for s in samples], dtype=torch.bool)
        out = torch.zeros((len(samples),) + shape, dtype=torch.float32)
        for i, s in enumerate(samples):
            if s.get(key) is not None:
                out[i] = torch.as_tensor(np.asarray(s[key], dtype=np.float32))
        return out, mask

    flow, flow_mask = stack("flow", (2, CROP, CROP, CLIP_LENGTH - 1))
    ldm, ldm_mask = stack("ldm", (136, CLIP_LENGTH))
    return {
        "video": torch.stack([torch.as_tensor(np.asarray(s["video"], dtype=np.float32)) for s in samples]),
        "label": torch.tensor([int(s["label"]) for s in samples], dtype=torch.long),
        "flow": flow,
        "flow_mask": flow_mask,
        "ldm": ldm,
        "ldm_mask": ldm_mask,
        "subject": [str(s["subject"]) for s in samples],
        "sample_id": [str(s["sample_id"]) for s in samples],
        "video_id": [str(s.get("video_id", s["sample_id"])) for s in samples],
    }


def batch_to(batch: dict, device: torch.device) -> dict:
    return {k: (v.to(device) if isinstance(v, torch.Tensor) else v) for k, v in batch.items()}
