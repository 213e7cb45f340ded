"""Runs an evaluation protocol and writes a JSON report.

    cd models/training
    /usr/bin/python3 -m moltrain.evaluate --protocol loso --data .cache/clips/casme2 --classes 5 \
        --config rt --steps 1000 --batch 8 --out reports/casme2-loso.json
    /usr/bin/python3 -m moltrain.evaluate --protocol composite \
        --data .cache/clips/casme2 --data .cache/clips/samm --data .cache/clips/smic --out reports/composite.json
    /usr/bin/python3 -m moltrain.evaluate --protocol cross --train-data .cache/clips/casme2 \
        --test-data .cache/clips/samm --out reports/casme2-to-samm.json
    /usr/bin/python3 -m moltrain.evaluate --protocol checkpoint --checkpoint runs/synth-rt/final.pt \
        --data .cache/clips/casme2 --out reports/synth-rt-on-casme2.json     # score trained weights, no training

The report holds, per fold and summed over folds (the composite confusion matrix): Acc, weighted F1, UF1,
UAR, per-class F1/recall/support and the confusion matrix, at two units: `video` (one prediction per
annotated video: the mean of its clips' logits; the unit MEGC counts) and `clip` (every 8-frame clip, the
unit the official MOL code counts).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

import torch

from .data.atomic import atomic_path
from .data.cached import open_caches
from .data.classes import class_list
from .losses import DEFAULT_LAMBDA_LDM, DEFAULT_LAMBDA_OF
from .protocols import ProtocolError, clip_subjects, cross_fold, loso_folds, run_folds, score_model
from .train import TrainOptions, git_commit
from .cli import run_cli


UNITS = "video = mean of a video's clip logits (MEGC unit); clip = every 8-frame clip (official MOL unit)"


def _write_json_atomic(path: Path, obj: dict) -> None:
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="moltrain.evaluate", description="Evaluate MOL with a protocol.")
    ap.add_argument("--protocol", required=True, choices=("loso", "composite", "cross", "checkpoint"))
    ap.add_argument("--checkpoint", type=Path, help="trained weights to score (--protocol checkpoint)")
    ap.add_argument("--data", type=Path, action="append", default=[], help="cache folder (loso, composite)")
    ap.add_argument("--train-data", type=Path, action="append", default=[], help="cache folder(s) A (cross)")
    ap.add_argument("--test-data", type=Path, action="append", default=[], help="cache folder(s) B (cross)")
    ap.add_argument("--classes", type=int, default=3, choices=(3, 5))
    ap.add_argument("--config", default="rt", help="paper | rt | path to a config JSON")
    ap.add_argument("--steps", type=int, default=1000, help="optimiser steps per fold (fixed budget)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--accum", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--wd", type=float, default=1e-3)
    ap.add_argument("--lambda-of", type=float, default=DEFAULT_LAMBDA_OF)
    ap.add_argument("--lambda-ldm", type=float, default=DEFAULT_LAMBDA_LDM)
    ap.add_argument("--val-subjects", type=int, default=0,
                    help="per fold, hold this many TRAINING subjects out for model selection (0: last step)")
    ap.add_argument("--val-every", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=Path, help="keep each fold's log and checkpoints under this folder")
    ap.add_argument("--out", type=Path, required=True, help="JSON report path")
    ap.add_argument("--no-progress", action="store_true")
    return ap


def _provenance(argv: Optional[Sequence[str]]) -> dict:
    return {"command": "python3 -m moltrain.evaluate " + " ".join(sys.argv[1:] if argv is None else argv),
            "code_commit": git_commit(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _score_checkpoint(args: argparse.Namespace, argv: Optional[Sequence[str]]) -> int:
    from .checkpoint import load_checkpoint
    from .config import MolConfig
    from .model import build_model

    if args.checkpoint is None or not args.data:
        raise ProtocolError("--protocol checkpoint needs --checkpoint and --data")
    ckpt = load_checkpoint(args.checkpoint)
    classes = list(ckpt["classes"])
    ds = open_caches(args.data, len(classes))
    names = sorted({c.entry["dataset"] for c in ds.clips})
    expected = class_list(names[0] if len(names) == 1 else "composite", len(classes))
    if expected != classes:
        raise ProtocolError(f"{args.checkpoint} predicts {classes}, the data is labelled {expected}")
    cfg = MolConfig.from_dict(ckpt["config"])
    model = build_model(cfg)
    model.load_state_dict(ckpt["model"])
    result = score_model(model, ds, classes, args.device)
    report = {"protocol": "checkpoint", "checkpoint": str(args.checkpoint), "datasets": names, "classes": classes,
              "config": asdict(cfg), "checkpoint_provenance": ckpt["provenance"], "dropped": ds.dropped,
              "provenance": _provenance(argv), "units": UNITS, "summed": {"clip": result["clip"], "video": result["video"]},
              "predictions": result["predictions"]}
    _write_json_atomic(args.out, report)
    v = result["video"]
    print(json.dumps({"report": str(args.out), "acc": v["acc"], "uf1": v["uf1"], "uar": v["uar"],
                      "weighted_f1": v["weighted_f1"]}))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from .config import load_config
    from .model import build_model

    torch.set_num_threads(args.threads)
    if args.protocol == "checkpoint":
        return _score_checkpoint(args, argv)
    if args.protocol == "composite" and args.classes != 3:
        raise ProtocolError("the composite protocol is 3-class (MEGC 2019 mapping)")
    if args.protocol == "cross":
        if not args.train_data or not args.test_data:
            raise ProtocolError("--protocol cross needs --train-data and --test-data")
        train_ds = open_caches(args.train_data, args.classes)
        test_ds = open_caches(args.test_data, args.classes)
        names = sorted({c.entry["dataset"] for c in train_ds.clips} | {c.entry["dataset"] for c in test_ds.clips})
        folds = [cross_fold(clip_subjects(train_ds), clip_subjects(test_ds),
                            f"cross-{'+'.join(p.name for p in args.train_data)}-to-{'+'.join(p.name for p in args.test_data)}")]
    else:
        if not args.data:
            raise ProtocolError(f"--protocol {args.protocol} needs --data")
        train_ds = test_ds = open_caches(args.data, args.classes)
        names = sorted({c.entry["dataset"] for c in train_ds.clips})
        folds = loso_folds(clip_subjects(train_ds))
    classes = class_list(names[0] if len(names) == 1 else "composite", args.classes)
    if args.classes == 5 and len(names) > 1:
        raise ProtocolError(f"5-class labels differ between datasets {names}; use 3 classes to combine them")
    cfg = load_config(args.config, args.classes)
    opts = TrainOptions(steps=args.steps, batch_size=args.batch, accum=args.accum, lr=args.lr,
                        weight_decay=args.wd, lambda_of=args.lambda_of, lambda_ldm=args.lambda_ldm,
                        seed=args.seed, device=args.device, val_every=args.val_every if args.val_subjects else 0,
                        ckpt_every=0, progress=not args.no_progress,
                        out_dir=str(args.runs) if args.runs else None)

    def on_fold(rec: dict) -> None:
        v = rec["video"]
        print(f"{rec['fold']}: {rec['test_videos']} videos, acc {v['acc']:.3f} uf1 {v['uf1']:.3f}", file=sys.stderr)

    result = run_folds(train_ds, folds, make_model=lambda: build_model(cfg), options=opts, classes=classes,
                       config=asdict(cfg), val_subjects=args.val_subjects, test_dataset=test_ds, on_fold=on_fold)
    report = {
        "protocol": args.protocol, "datasets": names, "classes": classes, "config": asdict(cfg),
        "options": asdict(opts), "dropped": {"train": train_ds.dropped, "test": test_ds.dropped},
        "provenance": _provenance(argv), "units": UNITS,
        **result,
    }
    _write_json_atomic(args.out, report)
    s = result["summed"]["video"]
    print(json.dumps({"report": str(args.out), "folds": len(result["folds"]), "acc": s["acc"], "uf1": s["uf1"],
                      "uar": s["uar"], "weighted_f1": s["weighted_f1"]}))
    return 0


if __name__ == "__main__":
    run_cli(main)
