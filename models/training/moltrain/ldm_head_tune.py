"""Trains MOL's landmark head alone, on frozen features, with random face-shape warps.

    cd models/training
    /usr/bin/python3 -m moltrain.ldm_head_tune --checkpoint runs/s9-events/final.pt --steps 2400 \\
        --out runs/ldm-head --seed 41

Everything but `ldm_predictor` stays frozen, so recognition and flow are bit-for-bit those of the start
checkpoint; only the 68 landmarks change. Each step renders `--batch` synthetic clips of the train-split
identities (every nuisance, morphs, 10% macro: `synth.dataset.train_dataset`'s distribution), warps each
clip's face shape (data/shape_warp.py; the head learns to find the points rather than recall the training
faces), computes the landmark features without the flow and recognition branches, and takes one AdamW step on
the training loss's landmark term (inter-ocular-normalised L1, losses.landmark_loss). After a linear warm-up a
cosine schedule decays the learning rate to 0. Every `--val-every` steps it scores NME (outer-eye-corner
normalised, the model card's metric) on a fixed set of val-identity micro clips. Writes `log.jsonl`, `last.pt`
(resume with `--resume`) and `final.pt`, checkpoints moltrain.export and moltrain.synth.heldout read; the loop
is moltrain/head_tune.py's.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import numpy as np
import torch

from .cli import run_cli
from .data.clip import collate_clips
from .data.shape_warp import random_shape_warp
from .head_tune import HeadSpec, HeadTuneError, cli_main, val_stream
from .losses import landmark_loss

VAL_CLIPS = 96

__all__ = ["HeadTuneError", "main", "val_nme"]


@torch.no_grad()
def val_nme(model, clips: Sequence[dict], batch: int = 16) -> float:
    """Mean per-frame NME (outer eye corners) of the predicted frames 1..T-1 over `clips`."""
    from .synth.heldout import as_points, landmark_nme
    errs = []
    for start in range(0, len(clips), batch):
        b = collate_clips(clips[start:start + batch])
        n = b["video"].shape[0]
        pred = model.ldm_predictor(model.landmark_features(b["video"])).reshape(n, -1, 136).transpose(1, 2)
        errs.append(landmark_nme(as_points(pred.numpy()), as_points(b["ldm"][..., 1:].numpy())).ravel())
    return float(np.concatenate(errs).mean())


def _train_set(args, faces, classes):
    from .synth.dataset import SynthClipDataset
    return SynthClipDataset(faces, seed=args.seed, length=args.steps * args.batch, num_classes=len(classes),
                            macro_fraction=0.1)


def _val_clips(args, faces, classes):
    from .synth.clip import SynthConfig
    from .synth.dataset import SynthClipDataset
    ds = SynthClipDataset(faces, seed=val_stream(args.seed), length=args.val_clips, num_classes=len(classes),
                          cfg=replace(SynthConfig(), morph_prob=0.0))
    return [ds[i] for i in range(args.val_clips)]


def _loss(model, head, b, gen, args):
    video, ldm = random_shape_warp(b["video"], b["ldm"], gen, args.warp)
    with torch.no_grad():
        feats = model.landmark_features(video)
    pred = head(feats).reshape(video.shape[0], -1, 136).transpose(1, 2)
    return landmark_loss(pred, ldm, b["ldm_mask"])


def _check(args, classes):
    if args.warp < 0:
        raise HeadTuneError("--warp must not be negative")


SPEC = HeadSpec(
    module="ldm_predictor", key="head_tune", title="landmark-head", val_metric="val_nme",
    train_set=_train_set, val_clips=_val_clips, loss=_loss, score=val_nme,
    describe=lambda args: {"shape_warp": args.warp},
    add_options=lambda ap: ap.add_argument("--warp", type=float, default=1.0,
                                           help="shape-warp strength (0 = none; data/shape_warp.py)"),
    check=_check)


def main(argv: Optional[Sequence[str]] = None) -> int:
    return cli_main(SPEC, "moltrain.ldm_head_tune", __doc__.split("\n\n")[0], argv, batch=16, warmup=50, lr=3e-4,
                    val_clips=VAL_CLIPS)


if __name__ == "__main__":
    run_cli(main)
