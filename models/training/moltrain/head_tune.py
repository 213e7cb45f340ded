"""The run loop shared by the head-only stages (moltrain.ldm_head_tune, moltrain.mer_head_tune): one of MOL's
heads trains on frozen features while every other weight stays bit for bit that of the start checkpoint.

A `HeadSpec` says which head, what a step renders and how its loss is computed, and what the fixed val clips
are scored by; this module does the rest: options, start or resume, a linear warm-up times a cosine decay to 0,
`log.jsonl`, resumable `last.pt` and the `final.pt` that moltrain.export and moltrain.synth.heldout read.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import torch

from .checkpoint import load_checkpoint, load_start, restore_rng, rng_state, save_checkpoint
from .config import MolConfig
from .data.clip import collate_clips
from .model import build_model
from .train import _truncate_log, git_commit, seed_everything

_VAL_STREAM = 5_000_011
_AUG_STREAM = 7_000_003


class HeadTuneError(ValueError):
    """Bad options or a start checkpoint this run cannot continue."""


@dataclass(frozen=True)
class HeadSpec:
    module: str                 # the trained submodule of MOL: "ldm_predictor" | "mer_3dcnn"
    key: str                    # the checkpoint's train/metrics key for this stage
    title: str                  # "landmark-head", in messages
    val_metric: str             # "val_nme" | "val_uf1", in the log and metrics
    # (args, train faces, classes) -> the step dataset, read in order, `--batch` items a step
    train_set: Callable
    # (args, val faces, classes) -> the fixed val clips
    val_clips: Callable
    # (model, head, collated batch, augmentation generator, args) -> scalar loss
    loss: Callable
    # (model, val clips) -> the val figure
    score: Callable
    # (args) -> what this run trained on, for the checkpoint's provenance
    describe: Callable
    # extra options: (parser) -> None
    add_options: Callable = lambda ap: None
    check: Callable = lambda args, classes: None


def build_parser(prog: str, description: str, spec: HeadSpec, batch: int, warmup: int, lr: float,
                 val_clips: int) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    start = ap.add_mutually_exclusive_group(required=True)
    start.add_argument("--checkpoint", type=Path, help="start weights: a training checkpoint or an exported model folder")
    start.add_argument("--resume", type=Path, help="continue this run from its last.pt")
    ap.add_argument("--out", type=Path, required=True, help="run folder: log.jsonl, last.pt, final.pt")
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--batch", type=int, default=batch, help="clips per step")
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--warmup", type=int, default=warmup, help="steps of linear lr warm-up (Adam's first steps jolt the head)")
    ap.add_argument("--wd", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--val-clips", type=int, default=val_clips, help="val-identity clips scored during the run")
    ap.add_argument("--faces", type=Path, default=None, help="built source faces (default: the source cache)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--val-every", type=int, default=100, help="0 = only at the end")
    ap.add_argument("--ckpt-every", type=int, default=100)
    spec.add_options(ap)
    return ap


def cli_main(spec: HeadSpec, module: str, description: str, argv: Optional[Sequence[str]], **defaults) -> int:
    """A head-only stage's command line: `python3 -m <module>` with the shared options at `defaults` (batch,
    warmup, lr, val_clips) and the spec's own, run and recorded as typed."""
    args = build_parser(f"python3 -m {module}", description, spec, **defaults).parse_args(argv)
    command = f"python3 -m {module} " + " ".join(sys.argv[1:] if argv is None else argv)
    return run(spec, args, command)


def warmup_cosine_lr(step: int, steps: int, lr: float, warmup: int) -> float:
    """Linear warm-up times a cosine decay to 0 (the tenth session's landmark-head schedule)."""
    return lr * min(1.0, (step + 1) / warmup if warmup else 1.0) * 0.5 * (1 + math.cos(math.pi * step / steps))


def run(spec: HeadSpec, args: argparse.Namespace, command: str) -> int:
    from .synth.dataset import BUILT_FACES
    from .synth.faces import load_faces

    if args.steps < 1 or args.batch < 1 or args.val_clips < 1 or args.lr <= 0:
        raise HeadTuneError("--steps, --batch, --val-clips and --lr must be positive")
    torch.set_num_threads(args.threads)
    resume = load_checkpoint(args.resume) if args.resume else None
    if resume is not None:
        if spec.key not in resume.get("train", {}):
            raise HeadTuneError(f"{args.resume}: not a {spec.title} run (resume moltrain.train runs with it)")
        opts = resume["train"][spec.key]
        if opts["steps"] != args.steps or opts["batch"] != args.batch or opts["seed"] != args.seed:
            raise HeadTuneError(f"{args.resume}: that run had steps {opts['steps']}, batch {opts['batch']}, "
                                f"seed {opts['seed']}; resume it with the same")
        start = resume
    else:
        start = load_start(args.checkpoint)
    classes = list(start["classes"])
    spec.check(args, classes)
    seed_everything(args.seed)
    model = build_model(MolConfig.from_dict(start["config"]))
    model.load_state_dict(start["model"], strict=not start.get("partial"))
    model.eval()  # frozen parts stay in eval mode; neither head has norm layers, and eval turns dropout off
    for p in model.parameters():
        p.requires_grad_(False)
    head = getattr(model, spec.module)
    for p in head.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=args.wd)
    step = 0
    if resume is not None:
        opt.load_state_dict(resume["optimizer"])
        restore_rng(resume["rng"])
        step = int(resume["step_in_run"])

    faces_dir = args.faces or BUILT_FACES
    train_set = spec.train_set(args, load_faces(faces_dir, ("train",)), classes)
    val_clips = spec.val_clips(args, load_faces(faces_dir, ("val",)), classes)

    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "log.jsonl"
    if resume is None:
        log_path.write_text("")
        started = {"checkpoint": str(args.checkpoint), "step": int(start["step"]),
                   "command": start.get("provenance", {}).get("command"), "modelId": start.get("provenance", {}).get("modelId")}
        provenance = {"command": command, "git": git_commit(), "data": train_set.provenance, "seed": args.seed,
                      "init_from": started, "trained": f"{spec.module} only (every other weight frozen)",
                      **spec.describe(args), "before": start.get("provenance", {})}
        metrics = {**start.get("metrics", {}), spec.key: {f"{spec.val_metric}_start": spec.score(model, val_clips)}}
    else:
        provenance, metrics = resume["provenance"], resume["metrics"]
        _truncate_log(log_path, step)
    total_step0 = int(start["step"]) - step   # the start checkpoint's step count before this run
    aug_gen = torch.Generator().manual_seed(args.seed + _AUG_STREAM)
    if resume is not None:
        aug_gen.set_state(resume["warp_rng"])
    options = {k: getattr(args, k) for k in ("steps", "batch", "seed", "lr", "wd", "warmup")}

    def payload() -> dict:
        return {"model": model.state_dict(), "config": start["config"], "classes": classes,
                "normalisation": start.get("normalisation", {"kind": "frame-standardise", "eps": 1e-6}),
                "provenance": provenance, "metrics": metrics, "optimizer": opt.state_dict(),
                "step": total_step0 + step, "step_in_run": step, "rng": rng_state(), "warp_rng": aug_gen.get_state(),
                "train": {spec.key: {**options, **spec.describe(args)}}}

    t0, recent = time.monotonic(), []
    while step < args.steps:
        lr = warmup_cosine_lr(step, args.steps, args.lr, args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        b = collate_clips([train_set[i] for i in range(step * args.batch, (step + 1) * args.batch)])
        loss = spec.loss(model, head, b, aug_gen, args)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        recent.append(float(loss))
        row = {"step": step, "loss": float(loss), "lr": lr, "s": round(time.monotonic() - t0, 1)}
        if args.val_every and step % args.val_every == 0 and step < args.steps:
            row[spec.val_metric] = spec.score(model, val_clips)
            print(f"step {step}/{args.steps} loss {np.mean(recent):.4f} {spec.val_metric} {row[spec.val_metric]:.4f} "
                  f"({row['s']:.0f} s)", file=sys.stderr, flush=True)
            recent = []
        with log_path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if step % args.ckpt_every == 0 and step < args.steps:
            save_checkpoint(args.out / "last.pt", payload())
    metrics[spec.key] |= {f"{spec.val_metric}_end": spec.score(model, val_clips), "val_clips": args.val_clips,
                          "steps": args.steps}
    final = payload()
    save_checkpoint(args.out / "last.pt", final)
    save_checkpoint(args.out / "final.pt", final)
    print(json.dumps({"final": str(args.out / "final.pt"), **metrics[spec.key]}))
    return 0


def val_stream(seed: int) -> int:
    """The seed of a run's fixed val clips: a stream its training clips never draw from."""
    return seed + _VAL_STREAM
