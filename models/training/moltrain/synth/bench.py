"""Generator speed on one core:  cd models/training && /usr/bin/python3 -m moltrain.synth.bench [--clips N]

Uses the built source faces when they exist (else the committed astronaut face), the default SynthConfig
(every nuisance on, morphs drawn from the per-process cache), one torch thread. Prints wall and CPU ms/clip.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from .clip import SynthConfig, generate_clip
from .faces import Face, FaceSourceError, load_faces

TRAINING = Path(__file__).resolve().parents[2]


def bench_faces() -> tuple[list[Face], str]:
    try:
        return load_faces(TRAINING / ".cache" / "sources" / "built", ("train",)), "built train faces"
    except FaceSourceError:
        with np.load(TRAINING / "sources" / "astronaut_face.npz") as z:
            return [Face(image=z["image"], landmarks=z["landmarks"], identity="astronaut", split="test")], \
                "the committed astronaut face"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    faces, what = bench_faces()
    cfg = SynthConfig()
    for i in range(5):                                  # warm-up (imports, allocator)
        generate_clip(args.seed + 1, i, faces, cfg)
    wall, cpu = time.perf_counter(), time.process_time()
    kinds: dict[str, int] = {}
    for i in range(args.clips):
        c = generate_clip(args.seed, i, faces, cfg)
        kinds[c.meta["kind"]] = kinds.get(c.meta["kind"], 0) + 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"clips": args.clips, "faces": f"{len(faces)} ({what})", "kinds": kinds,
                      "wall_ms_per_clip": round(1000 * wall / args.clips, 1),
                      "cpu_ms_per_clip": round(1000 * cpu / args.clips, 1), "torch_threads": 1}))


if __name__ == "__main__":
    main()
