"""Training loop for MOL (any configuration) on any clip dataset (data.clip contract).

    cd models/training && /usr/bin/python3 -m moltrain.train --config rt --classes 3 \
        --data .cache/clips/casme2 --steps 1000 --batch 8 --accum 4 --out runs/casme2-rt

AdamW (lr 1e-4, weight decay 1e-3: the official code's values), a fixed budget of optimiser steps, each
made of `accum` micro-batches of `batch` clips. Sample order is a pure function of (seed, micro-batch
number): epoch e is a seeded permutation, and the micro-batches walk through the epochs back to back. So a
run resumed from a checkpoint (which also restores the model, the optimiser and every RNG used by dropout)
continues exactly where the uninterrupted run would be. An optional inner validation set (subjects held out
of the TRAINING subjects by the caller; never the test subject) selects the checkpoint with the best UF1.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import math
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch
from torch import nn

from .checkpoint import load_checkpoint, load_start, restore_rng, rng_state, save_checkpoint
from .data.atomic import atomic_path
from .data.clip import NORMALISATION, batch_to, collate_clips
from .losses import DEFAULT_LAMBDA_LDM, DEFAULT_LAMBDA_OF, LossWeights, mol_loss
from .metrics import confusion_matrix, scores_from_confusion
from .cli import run_cli

REPO_ROOT = Path(__file__).resolve().parents[3]


class TrainingError(RuntimeError):
    """A training run that cannot start or continue (empty data, mismatched resume checkpoint, NaN loss)."""


@dataclass
class TrainOptions:
    steps: int
    batch_size: int = 8
    accum: int = 1
    lr: float = 1e-4
    weight_decay: float = 1e-3
    lambda_of: float = DEFAULT_LAMBDA_OF
    lambda_ldm: float = DEFAULT_LAMBDA_LDM
    seed: int = 2023
    device: str = "cpu"
    val_every: int = 0          # steps between inner-validation passes (0: only at the end, if a val set is given)
    ckpt_every: int = 0         # steps between checkpoints to out_dir/last.pt (0: only at the end)
    log_every: int = 1
    eval_batch: int = 16
    progress: bool = True
    out_dir: Optional[str] = None
    warmup: int = 0             # steps of linear lr warm-up from lr/100
    schedule: str = "constant"  # "constant" | "cosine" (decays to lr/100 at the last step)
    freeze: tuple = ()          # top-level submodules kept fixed (no gradients, BN statistics frozen)
    head_lr_mult: float = 1.0   # the recognition head (mer_3dcnn) learns at lr x this
    mer_dropout: Optional[float] = None  # the recognition head's dropout while training (None: the official 0.5)
    extra: dict = field(default_factory=dict)


def lr_at(step: int, options: TrainOptions) -> float:
    """The learning rate of optimiser step `step` (0-based): a pure function of the step, so a resumed run
    continues the same schedule without storing scheduler state."""
    base, floor = options.lr, options.lr / 100.0
    if options.warmup and step < options.warmup:
        return floor + (base - floor) * (step + 1) / options.warmup
    if options.schedule == "cosine":
        span = max(1, options.steps - options.warmup)
        t = min(1.0, (step - options.warmup) / span)
        return floor + (base - floor) * 0.5 * (1.0 + math.cos(math.pi * t))
    return base


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


@functools.lru_cache(maxsize=4)
def epoch_permutation(n: int, seed: int, epoch: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return torch.randperm(n, generator=g)


def micro_batch_indices(n: int, batch: int, seed: int, micro: int, group: int = 1) -> list[int]:
    """Dataset indices of micro-batch number `micro` (0-based) in the endless seeded epoch stream. With
    `group` > 1 (a dataset whose items come in sets, e.g. SynthClipSetDataset) whole sets of `group`
    consecutive items are shuffled, so a batch (a multiple of `group`) holds complete sets."""
    if group > 1:
        if batch % group:
            raise TrainingError(f"batch {batch} must be a multiple of the dataset's set size {group}")
        sets = micro_batch_indices(n // group, batch // group, seed, micro)
        return [s * group + k for s in sets for k in range(group)]
    out = []
    for pos in range(micro * batch, (micro + 1) * batch):
        epoch, k = divmod(pos, n)
        out.append(int(epoch_permutation(n, seed, epoch)[k]))
    return out


@torch.no_grad()
def predict(model: nn.Module, dataset, device: str = "cpu", batch_size: int = 16) -> dict:
    """Eval-mode logits for every clip, in dataset order."""
    was_training = model.training
    model.eval()
    logits, labels, videos, ids = [], [], [], []
    try:
        for start in range(0, len(dataset), batch_size):
            batch = collate_clips([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
            out = model(batch["video"].to(device))
            logits.append(out[0].float().cpu())
            labels.extend(batch["label"].tolist())
            videos.extend(batch["video_id"])
            ids.extend(batch["sample_id"])
    finally:
        model.train(was_training)
    return {"logits": torch.cat(logits).numpy() if logits else np.zeros((0, 0), np.float32),
            "labels": np.asarray(labels, dtype=np.int64), "video_ids": videos, "sample_ids": ids}


def pool_by_video(pred: dict) -> dict:
    """One prediction per video: the mean of its clips' logits (clips of a video share its label)."""
    order: dict[str, list[int]] = {}
    for i, v in enumerate(pred["video_ids"]):
        order.setdefault(v, []).append(i)
    logits = np.stack([pred["logits"][ix].mean(axis=0) for ix in order.values()]) if order else pred["logits"]
    for v, ix in order.items():
        if len(set(pred["labels"][ix].tolist())) != 1:
            raise TrainingError(f"clips of video {v} carry different labels {sorted(set(pred['labels'][ix].tolist()))}")
    labels = np.asarray([pred["labels"][ix[0]] for ix in order.values()], dtype=np.int64)
    return {"logits": logits, "labels": labels, "video_ids": list(order)}


def confusion_of(pred: dict, num_classes: int) -> np.ndarray:
    return confusion_matrix(pred["labels"], pred["logits"].argmax(axis=1) if len(pred["labels"]) else [], num_classes)


def git_commit() -> str:
    try:
        p = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        return p.stdout.strip() if p.returncode == 0 else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


class _Progress:
    """A plain stderr progress line: carriage-return updates on a terminal, one line per update otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.first_step: Optional[int] = None

    def update(self, step: int, text: str) -> None:
        if not self.enabled:
            return
        if self.first_step is None:
            self.first_step = step - 1
        done = step - self.first_step
        per = (time.monotonic() - self.t0) / max(done, 1)
        width = 24
        filled = int(width * step / max(self.total, 1))
        if not self.tty and step % max(1, self.total // 100) and step != self.total:
            return  # a log file gets about 100 progress lines per run, a terminal every step
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {step}/{self.total} {text} "
                f"{per:.2f} s/step eta {per * (self.total - step) / 60:.1f} min")
        print(("\r" + line) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)


def train(model: nn.Module, train_set, options: TrainOptions, *, classes: Sequence[str], config: dict,
          val_set=None, resume: Optional[dict] = None, provenance: Optional[dict] = None) -> dict:
    """Runs (or continues) a training run; returns the final checkpoint payload.

    The caller seeds (seed_everything) and builds the model before calling, so initial weights follow
    the seed. `resume` is a checkpoint dict from load_checkpoint.
    """
    n = len(train_set)
    set_size = int(getattr(train_set, "group_size", 1))
    if n == 0:
        raise TrainingError("the training set is empty")
    if options.steps < 1 or options.batch_size < 1 or options.accum < 1:
        raise TrainingError("steps, batch size and accumulation must be >= 1")
    device = torch.device(options.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise TrainingError("--device cuda requested but CUDA is not available")
    model.to(device)
    children = dict(model.named_children())
    unknown = [name for name in options.freeze if name not in children]
    if unknown:
        raise TrainingError(f"cannot freeze {unknown}: the model's parts are {sorted(children)}")
    for name in options.freeze:
        children[name].requires_grad_(False)
    if options.mer_dropout is not None:   # training only: dropout is the identity at inference and in the export
        if not 0.0 <= options.mer_dropout < 1.0:
            raise TrainingError(f"--mer-dropout must be in [0, 1), got {options.mer_dropout}")
        if "mer_3dcnn" not in children:
            raise TrainingError("--mer-dropout: the model has no mer_3dcnn recognition head")
        for mod in children["mer_3dcnn"].modules():
            if isinstance(mod, nn.Dropout):
                mod.p = options.mer_dropout
    head = children.get("mer_3dcnn")
    head_ids = {id(p) for p in head.parameters()} if head is not None and options.head_lr_mult != 1.0 else set()
    trainable = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in trainable if id(p) not in head_ids], "lr_mult": 1.0}]
    if head_ids:
        groups.append({"params": [p for p in trainable if id(p) in head_ids], "lr_mult": options.head_lr_mult})
    opt = torch.optim.AdamW(groups, lr=options.lr, weight_decay=options.weight_decay)
    weights = LossWeights(flow=options.lambda_of, landmarks=options.lambda_ldm)
    step, best = 0, None
    if resume is not None:
        if list(resume["classes"]) != list(classes):
            raise TrainingError(f"resume checkpoint classes {resume['classes']} != {list(classes)}")
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["optimizer"])
        step = int(resume["step"])
        best = resume.get("best")
        restore_rng(resume["rng"])
    out_dir = Path(options.out_dir) if options.out_dir else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir:   # a fresh run starts a fresh log; a resumed one drops lines past its checkpoint
        _truncate_log(out_dir / "log.jsonl", step)
    log = open(out_dir / "log.jsonl", "a") if out_dir else None
    prov = dict(provenance or {})
    prov.setdefault("code_commit", git_commit())
    prov.setdefault("started", datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def payload(final: bool) -> dict:
        chosen = model.state_dict()
        metrics = {}
        if best is not None:
            metrics = {"inner_val": best["scores"], "inner_val_step": best["step"]}
            if final:
                chosen = best["state"]
        return {
            "model": {k: v.detach().cpu().clone() for k, v in chosen.items()},
            "config": dict(config), "classes": list(classes), "normalisation": dict(NORMALISATION),
            "provenance": prov, "metrics": metrics, "optimizer": opt.state_dict(), "step": step,
            "rng": rng_state(), "train": asdict(options), "best": best,
        }

    def validate() -> None:
        nonlocal best
        pred = pool_by_video(predict(model, val_set, options.device, options.eval_batch))
        sc = scores_from_confusion(confusion_of(pred, len(classes)))
        if log:
            log.write(json.dumps({"step": step, "inner_val": {k: sc[k] for k in ("acc", "uf1", "uar", "weighted_f1")}}) + "\n")
        if best is None or sc["uf1"] > best["scores"]["uf1"]:
            best = {"step": step, "scores": sc,
                    "state": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}}

    bar = _Progress(options.steps, options.progress)
    model.train()
    try:
        while step < options.steps:
            t0 = time.monotonic()
            lr = lr_at(step, options)
            for name in options.freeze:      # again every step: validation's predict() sets train mode back
                children[name].eval()
            for group in opt.param_groups:
                group["lr"] = lr * group.get("lr_mult", 1.0)
            opt.zero_grad(set_to_none=True)
            sums = {"total": 0.0, "mer": 0.0, "flow": 0.0, "ldm": 0.0}
            for a in range(options.accum):
                micro = step * options.accum + a
                idx = micro_batch_indices(n, options.batch_size, options.seed, micro, set_size)
                batch = batch_to(collate_clips([train_set[i] for i in idx]), device)
                terms = mol_loss(model(batch["video"]), batch, weights)
                if not torch.isfinite(terms["total"]):
                    raise TrainingError(f"non-finite loss at step {step + 1} (micro-batch {micro}): "
                                        f"{ {k: float(v) for k, v in terms.items()} }")
                (terms["total"] / options.accum).backward()
                for k in sums:
                    sums[k] += float(terms[k]) / options.accum
            opt.step()
            step += 1
            rec = {"step": step, **{f"loss_{k}": round(v, 6) for k, v in sums.items()}, "lr": lr,
                   "sec": round(time.monotonic() - t0, 3)}
            if log and (step % options.log_every == 0 or step == options.steps):
                log.write(json.dumps(rec) + "\n")
                log.flush()
            bar.update(step, f"loss {sums['total']:.4f} (mer {sums['mer']:.3f})")
            if val_set is not None and options.val_every and step % options.val_every == 0 and step < options.steps:
                validate()
            if out_dir and options.ckpt_every and step % options.ckpt_every == 0 and step < options.steps:
                save_checkpoint(out_dir / "last.pt", payload(final=False))
        if val_set is not None:
            validate()
    finally:
        bar.close()
        if log:
            log.close()
    final = payload(final=True)
    if out_dir:
        save_checkpoint(out_dir / "last.pt", payload(final=False))
        save_checkpoint(out_dir / "final.pt", final)
    return final


def _truncate_log(path: Path, step: int) -> None:
    """Drops log lines past the resumed step (a run that died after its last checkpoint logged them)."""
    if not path.is_file():
        return
    keep = [ln for ln in path.read_text().splitlines() if ln.strip() and json.loads(ln).get("step", 0) <= step]
    with atomic_path(path) as tmp:
        tmp.write_text("".join(ln + "\n" for ln in keep))


def _load_data_module(spec: str, num_classes: int, seed: int):
    """'package.module:factory' -> factory(num_classes=..., seed=...) returning a map-style clip dataset."""
    mod_name, _, fn_name = spec.partition(":")
    if not fn_name:
        raise TrainingError(f"--data-module must be 'module:function', got {spec!r}")
    factory = getattr(importlib.import_module(mod_name), fn_name)
    return factory(num_classes=num_classes, seed=seed)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="moltrain.train", description="Train MOL on clip data.")
    ap.add_argument("--config", default="rt", help="paper | rt | path to a config JSON")
    ap.add_argument("--classes", type=int, default=3, choices=(3, 5))
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", type=Path, action="append", help="preprocessed cache folder (repeatable)")
    src.add_argument("--data-module", help="module:function returning a clip dataset (e.g. the synthetic generator)")
    ap.add_argument("--val-subjects", type=int, default=0,
                    help="hold this many training subjects out as the inner validation set (model selection)")
    ap.add_argument("--steps", type=int, required=True, help="optimiser steps (fixed budget)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--accum", type=int, default=1, help="micro-batches per optimiser step")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--wd", type=float, default=1e-3)
    ap.add_argument("--lambda-of", type=float, default=DEFAULT_LAMBDA_OF)
    ap.add_argument("--lambda-ldm", type=float, default=DEFAULT_LAMBDA_LDM)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    ap.add_argument("--val-every", type=int, default=0)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True, help="run folder: log.jsonl, last.pt, final.pt")
    ap.add_argument("--resume", type=Path, help="checkpoint to continue from (usually <out>/last.pt)")
    ap.add_argument("--init-from", type=Path,
                    help="start from this checkpoint's weights, or an exported model folder's (e.g. ../mol/rt-synth-3cls), "
                         "with a fresh optimiser and step 0 (a curriculum stage)")
    ap.add_argument("--reinit", action="append", default=[],
                    help="with --init-from: start this top-level part afresh (e.g. a collapsed mer_3dcnn); repeatable")
    ap.add_argument("--warmup", type=int, default=0, help="steps of linear lr warm-up")
    ap.add_argument("--schedule", default="constant", choices=("constant", "cosine"))
    ap.add_argument("--head-lr-mult", type=float, default=1.0,
                    help="the recognition head (mer_3dcnn) learns at lr x this (it lags the flow and landmark terms)")
    ap.add_argument("--freeze", action="append", default=[],
                    help="keep this top-level part fixed (e.g. flownet while a stage trains recognition); repeatable")
    ap.add_argument("--mer-dropout", type=float, default=None,
                    help="the recognition head's dropout while training (official 0.5). On synthetic motion the "
                         "class lives in ~2%% of the MER input's spread and 0.5 dropout drowns it: models/README.md")
    ap.add_argument("--no-progress", action="store_true")
    return ap


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from .config import load_config
    from .data.classes import THREE_CLASSES, class_list
    from .model import build_model
    from .protocols import inner_validation_split

    torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.classes)
    if args.data:
        from .data.cached import open_caches

        dataset = open_caches(args.data, args.classes)
        datasets = sorted({c.entry["dataset"] for c in dataset.clips})
        classes = class_list(datasets[0] if len(datasets) == 1 else "composite", args.classes)
        data_desc = {"caches": [str(p) for p in args.data], "datasets": datasets, "dropped": dataset.dropped}
    else:
        dataset = _load_data_module(args.data_module, args.classes, args.seed)
        classes = list(getattr(dataset, "classes", THREE_CLASSES if args.classes == 3 else []))
        if len(classes) != args.classes:
            raise TrainingError(f"{args.data_module} gives no 'classes' list of length {args.classes}")
        data_desc = {"module": args.data_module, **getattr(dataset, "provenance", {})}
    train_set, val_set, val_subjects = dataset, None, []
    if args.val_subjects:
        train_set, val_set, val_subjects = inner_validation_split(dataset, args.val_subjects, args.seed)
    opts = TrainOptions(steps=args.steps, batch_size=args.batch, accum=args.accum, lr=args.lr,
                        weight_decay=args.wd, lambda_of=args.lambda_of, lambda_ldm=args.lambda_ldm,
                        seed=args.seed, device=args.device, val_every=args.val_every,
                        ckpt_every=args.ckpt_every, progress=not args.no_progress, out_dir=str(args.out),
                        warmup=args.warmup, schedule=args.schedule, freeze=tuple(args.freeze),
                        head_lr_mult=args.head_lr_mult, mer_dropout=args.mer_dropout)
    if args.resume and args.init_from:
        raise TrainingError("--resume continues a run, --init-from starts a new one from weights: give one")
    seed_everything(args.seed)
    model = build_model(cfg)
    resume = load_checkpoint(args.resume) if args.resume else None
    if resume is not None and resume["config"] != asdict(cfg):
        raise TrainingError(f"{args.resume}: trained with config {resume['config']['name']}, not {cfg.name}")
    init_from = None
    if args.init_from:
        start = load_start(args.init_from)
        if start["config"] != asdict(cfg) or list(start["classes"]) != list(classes):
            raise TrainingError(f"{args.init_from}: trained as {start['config']['name']} / {start['classes']}, "
                                f"not {cfg.name} / {classes}")
        if start.get("partial"):
            # An exported folder: only the never-read entries may be absent (the export checked the rest).
            model.load_state_dict(start["model"], strict=False)
        else:
            model.load_state_dict(start["model"])
        parts = dict(model.named_children())
        for name in args.reinit:
            if name not in parts:
                raise TrainingError(f"cannot re-initialise {name!r}: the model's parts are {sorted(parts)}")
            for mod in parts[name].modules():
                if hasattr(mod, "reset_parameters"):
                    mod.reset_parameters()
        init_from = {"checkpoint": str(args.init_from), "step": int(start["step"]), "reinit": list(args.reinit),
                     "command": start.get("provenance", {}).get("command"),
                     "from": start.get("provenance", {}).get("init_from")}
    provenance = {"command": "python3 -m moltrain.train " + " ".join(sys.argv[1:] if argv is None else argv),
                  "data": data_desc, "inner_val_subjects": val_subjects, "seed": args.seed,
                  "train_clips": len(train_set), "init_from": init_from}
    final = train(model, train_set, opts, classes=classes, config=asdict(cfg), val_set=val_set,
                  resume=resume, provenance=provenance)
    print(json.dumps({"step": final["step"], "final": str(args.out / "final.pt"), "metrics": {
        k: v for k, v in final["metrics"].items() if k != "inner_val"} | (
        {"inner_val_uf1": final["metrics"]["inner_val"]["uf1"]} if "inner_val" in final["metrics"] else {})}))
    return 0


if __name__ == "__main__":
    run_cli(main)
