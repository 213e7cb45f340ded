"""Writes a look at generated clips: one PNG row per clip (8 frames, then the 7 flows colour-coded, hue =
direction, brightness = magnitude against the clip's peak) and the clips' ground truth as JSON.

    cd models/training && /usr/bin/python3 -m moltrain.synth.preview --out /tmp/synth-preview [--clips 8] [--seed 0]
"""
from __future__ import annotations

import argparse
import colorsys
import json
from pathlib import Path

import numpy as np
from PIL import Image

from .bench import bench_faces
from .clip import SynthConfig, generate_clip


def flow_rgb(flow: np.ndarray, peak: float) -> np.ndarray:
    """[2, H, W] -> uint8 [H, W, 3]."""
    u, v = flow
    mag = np.hypot(u, v) / max(peak, 1e-6)
    hue = (np.arctan2(v, u) / (2 * np.pi)) % 1.0
    rgb = np.array([colorsys.hsv_to_rgb(h, 1.0, 1.0) for h in np.linspace(0, 1, 64, endpoint=False)])
    lut = rgb[(hue * 64).astype(int) % 64]
    return (np.clip(mag, 0, 1)[..., None] * lut * 255).astype(np.uint8)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    faces, what = bench_faces()
    args.out.mkdir(parents=True, exist_ok=True)
    rows, truth = [], []
    for i in range(args.clips):
        c = generate_clip(args.seed, i, faces, SynthConfig())
        peak = float(np.hypot(c.flow[0], c.flow[1]).max())
        frames = [np.repeat(f[..., None], 3, axis=2) for f in c.frames]
        flows = [flow_rgb(c.flow[:, t], peak) for t in range(c.flow.shape[1])]
        rows.append(np.concatenate(frames + flows, axis=1))
        truth.append({"index": i, "identity": c.identity, "fps": c.fps, "kind": c.meta["kind"],
                      "events": [e.describe(c.fps) for e in c.events], "peak_flow_px": peak,
                      "photometric": c.meta["photometric"], "mirrored": bool(c.meta.get("mirrored")),
                      "morph": c.meta.get("morph")})
    Image.fromarray(np.concatenate(rows, axis=0)).save(args.out / "clips.png")
    (args.out / "clips.json").write_text(json.dumps({"faces": what, "seed": args.seed, "clips": truth}, indent=1))
    print(f"wrote {args.out / 'clips.png'} and clips.json ({args.clips} clips, faces: {what})")


if __name__ == "__main__":
    main()
