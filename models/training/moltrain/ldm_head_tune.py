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
cosine schedule decays the learning rate to 0. Every `--val-every` steps it scores NME (outer-eye-corner normalised, the model card's
metric) on a fixed set of val-identity micro clips. Writes `log.jsonl`, `last.pt` (resume with `--resume`) and
`final.pt`, checkpoints moltrain.export and moltrain.synth.heldout read.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from .checkpoint import load_checkpoint, load_start, restore_rng, rng_state, save_checkpoint
from .cli import run_cli
from .config import MolConfig
from .data.clip import collate_clips
from .data.shape_warp import random_shape_warp
from .losses import landmark_loss
from .model import build_model
from .train import _truncate_log, git_commit, seed_everything

VAL_CLIPS = 96
_VAL_STREAM = 5_000_011
_WARP_STREAM = 7_000_003


class HeadTuneError(ValueError):
    """Bad options or a start checkpoint this run cannot continue."""


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


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python3 -m moltrain.ldm_head_tune", description=__doc__.split("\n\n")[0])
    start = ap.add_mutually_exclusive_group(required=True)
    start.add_argument("--checkpoint", type=Path, help="start weights: a training checkpoint or an exported model folder")
    start.add_argument("--resume", type=Path, help="continue this run from its last.pt")
    ap.add_argument("--out", type=Path, required=True, help="run folder: log.jsonl, last.pt, final.pt")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--batch", type=int, default=16, help="clips per step (7 predicted frames each)")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=int, default=50, help="steps of linear lr warm-up (Adam's first steps jolt the head)")
    ap.add_argument("--wd", type=float, default=1e-3)
    ap.add_argument("--warp", type=float, default=1.0, help="shape-warp strength (0 = none; data/shape_warp.py)")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--val-clips", type=int, default=VAL_CLIPS, help="val-identity micro clips scored for NME")
    ap.add_argument("--faces", type=Path, default=None, help="built source faces (default: the source cache)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--val-every", type=int, default=100, help="0 = only at the end")
    ap.add_argument("--ckpt-every", type=int, default=100)
    return ap


def main(argv: Optional[Sequence[str]] = None) -> int:
    from .synth.clip import SynthConfig
    from .synth.dataset import BUILT_FACES, SynthClipDataset
    from .synth.faces import load_faces

    args = build_parser().parse_args(argv)
    if args.steps < 1 or args.batch < 1 or args.val_clips < 1 or args.lr <= 0 or args.warp < 0:
        raise HeadTuneError("--steps, --batch, --val-clips and --lr must be positive and --warp not negative")
    torch.set_num_threads(args.threads)
    resume = load_checkpoint(args.resume) if args.resume else None
    if resume is not None:
        if "head_tune" not in resume.get("train", {}):
            raise HeadTuneError(f"{args.resume}: not a landmark-head run (resume moltrain.train runs with it)")
        opts = resume["train"]["head_tune"]
        if opts["steps"] != args.steps or opts["batch"] != args.batch or opts["seed"] != args.seed:
            raise HeadTuneError(f"{args.resume}: that run had steps {opts['steps']}, batch {opts['batch']}, "
                                f"seed {opts['seed']}; resume it with the same")
        start = resume
    else:
        start = load_start(args.checkpoint)
    seed_everything(args.seed)
    model = build_model(MolConfig.from_dict(start["config"]))
    model.load_state_dict(start["model"], strict=not start.get("partial"))
    model.eval()  # frozen parts stay in eval mode; the head has no dropout or norm layers
    for p in model.parameters():
        p.requires_grad_(False)
    head = model.ldm_predictor
    for p in head.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=args.wd)
    step = 0
    if resume is not None:
        opt.load_state_dict(resume["optimizer"])
        restore_rng(resume["rng"])
        step = int(resume["step_in_run"])

    classes = list(start["classes"])
    faces_dir = args.faces or BUILT_FACES
    train_faces = load_faces(faces_dir, ("train",))
    train_set = SynthClipDataset(train_faces, seed=args.seed, length=args.steps * args.batch,
                                 num_classes=len(classes), macro_fraction=0.1)
    val_faces = load_faces(faces_dir, ("val",))
    val_set = SynthClipDataset(val_faces, seed=args.seed + _VAL_STREAM, length=args.val_clips,
                               num_classes=len(classes), cfg=replace(SynthConfig(), morph_prob=0.0))
    val_clips = [val_set[i] for i in range(args.val_clips)]

    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "log.jsonl"
    if resume is None:
        log_path.write_text("")
        started = {"checkpoint": str(args.checkpoint), "step": int(start["step"]),
                   "command": start.get("provenance", {}).get("command"), "modelId": start.get("provenance", {}).get("modelId")}
        provenance = {"command": "python3 -m moltrain.ldm_head_tune " + " ".join(sys.argv[1:] if argv is None else argv),
                      "git": git_commit(), "data": train_set.provenance, "seed": args.seed, "init_from": started,
                      "trained": "ldm_predictor only (every other weight frozen)", "shape_warp": args.warp,
                      "before": start.get("provenance", {})}
        metrics = {**start.get("metrics", {}), "head_tune": {"val_nme_start": val_nme(model, val_clips)}}
    else:
        provenance, metrics = resume["provenance"], resume["metrics"]
        _truncate_log(log_path, step)
    total_step0 = int(start["step"]) - step   # the start checkpoint's step count before this run
    warp_gen = torch.Generator().manual_seed(args.seed + _WARP_STREAM)
    if resume is not None:
        warp_gen.set_state(resume["warp_rng"])

    def payload() -> dict:
        return {"model": model.state_dict(), "config": start["config"], "classes": classes,
                "normalisation": start.get("normalisation", {"kind": "frame-standardise", "eps": 1e-6}),
                "provenance": provenance, "metrics": metrics, "optimizer": opt.state_dict(),
                "step": total_step0 + step, "step_in_run": step, "rng": rng_state(), "warp_rng": warp_gen.get_state(),
                "train": {"head_tune": {"steps": args.steps, "batch": args.batch, "seed": args.seed, "lr": args.lr,
                                        "wd": args.wd, "warp": args.warp, "warmup": args.warmup}}}

    t0, recent = time.monotonic(), []
    while step < args.steps:
        lr = args.lr * min(1.0, (step + 1) / args.warmup if args.warmup else 1.0) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        b = collate_clips([train_set[i] for i in range(step * args.batch, (step + 1) * args.batch)])
        video, ldm = random_shape_warp(b["video"], b["ldm"], warp_gen, args.warp)
        with torch.no_grad():
            feats = model.landmark_features(video)
        pred = head(feats).reshape(args.batch, -1, 136).transpose(1, 2)
        loss = landmark_loss(pred, ldm, b["ldm_mask"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        recent.append(float(loss))
        row = {"step": step, "loss": float(loss), "lr": lr, "s": round(time.monotonic() - t0, 1)}
        if args.val_every and step % args.val_every == 0 and step < args.steps:
            row["val_nme"] = val_nme(model, val_clips)
            print(f"step {step}/{args.steps} loss {np.mean(recent):.4f} val NME {row['val_nme']:.4f} "
                  f"({row['s']:.0f} s)", file=sys.stderr, flush=True)
            recent = []
        with log_path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if step % args.ckpt_every == 0 and step < args.steps:
            save_checkpoint(args.out / "last.pt", payload())
    metrics["head_tune"] |= {"val_nme_end": val_nme(model, val_clips), "val_clips": args.val_clips, "steps": args.steps}
    final = payload()
    save_checkpoint(args.out / "last.pt", final)
    save_checkpoint(args.out / "final.pt", final)
    print(json.dumps({"final": str(args.out / "final.pt"), **metrics["head_tune"]}))
    return 0


if __name__ == "__main__":
    run_cli(main)
