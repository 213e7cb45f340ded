"""Adapter from the generator to the trainer's clip contract (`moltrain.data.clip`): an indexable,
deterministic stream of labelled clips rendered on the fly."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import torch

from ..data.classes import FIVE_CLASSES, THREE_CLASSES
from ..data.clip import normalise_frames
from . import facs
from .clip import Clip, SynthConfig, SynthError, generate_clip
from .faces import Face


def class_emotions(num_classes: int) -> list[list[str]]:
    """For each class index of the protocol, the generator's emotions that carry it."""
    if num_classes == 3:
        return [[e for e, (c3, _) in facs.EMOTIONS.items() if c3 == name] for name in THREE_CLASSES]
    if num_classes == 5:
        return [[name] for name in FIVE_CLASSES["casme2"]]
    raise SynthError(f"synthetic clips come in 3 or 5 classes, not {num_classes}")


def subject_of(identity: str) -> str:
    """The person(s) behind a rendered identity: mirroring is the same person, a morph 'a+b@0.40' is 'a+b'."""
    return identity.replace("~m", "").split("@")[0]


def clip_to_sample(clip: Clip, label: int, sample_id: str) -> dict:
    """One rendered clip as the trainer's sample dict (video normalised, flow [2,H,W,T-1], ldm [136,T])."""
    n = clip.frames.shape[0]
    return {
        "video": normalise_frames(clip.frames)[None].astype(np.float32),
        "label": int(label),
        "flow": np.ascontiguousarray(clip.flow.transpose(0, 2, 3, 1)),
        "ldm": np.ascontiguousarray(clip.landmarks.reshape(n, 136).T),
        "subject": subject_of(clip.identity),
        "sample_id": sample_id,
    }


class SynthClipDataset(torch.utils.data.Dataset):
    """`length` clips of stream `seed`, classes balanced (class = index-seeded draw, then an emotion of it).

    Item i is the same on every call and in every worker: all randomness comes from (seed, i)."""

    def __init__(self, faces: Sequence[Face], seed: int, length: int, num_classes: int = 3,
                 cfg: SynthConfig = SynthConfig(), macro_fraction: float = 0.0) -> None:
        if not faces:
            raise SynthError("no source faces given")
        self.faces = list(faces)
        self.seed = int(seed)
        self.length = int(length)
        self.classes = class_emotions(num_classes)
        self.cfg = replace(cfg, kind_probs=(("micro", 1.0 - macro_fraction), ("macro", macro_fraction)))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> dict:
        if not 0 <= i < self.length:
            raise IndexError(f"clip {i} out of range (0..{self.length - 1})")
        rng = np.random.default_rng([self.seed, int(i), 0xC1A55])
        label = int(rng.integers(len(self.classes)))
        options = self.classes[label]
        emotion = options[int(rng.integers(len(options)))]
        kind = "macro" if rng.random() < dict(self.cfg.kind_probs)["macro"] else "micro"
        clip = generate_clip(self.seed, i, self.faces, self.cfg, kind=kind, emotion=emotion)
        return clip_to_sample(clip, label, f"synth-{self.seed}-{i}")
