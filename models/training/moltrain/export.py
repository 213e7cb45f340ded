"""Exports MOL weights to the web weight format (models/README.md).

    # a checkpoint from moltrain.train (config, classes, normalisation, provenance, metrics inside)
    /usr/bin/python3 -m moltrain.export --checkpoint runs/x/final.pt --out public/models/mol-rt --float16
    # a bare official state_dict (paper architecture); classes in logit order, normalisation given explicitly
    /usr/bin/python3 -m moltrain.export --checkpoint mol.pth --official --classes surprise,positive,negative \
        --affine 0.0039215686 -0.5 --out DIR
    # the golden recipe weights (float32) for the TypeScript parity tests
    /usr/bin/python3 -m moltrain.export --golden-seed 1 --out ../.cache/golden-seed1-paper
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import torch

from .config import ConfigError, MolConfig, paper_config
from .model import build_model
from .recipe import recipe_state_dict
from .weights_io import WeightsFormatError, is_exported, write_model_dir

FRAME_STANDARDISE = {"kind": "frame-standardise", "eps": 1e-6}
# Class lists of the golden fixtures (MOL_SPEC §9; CASME II order for 5 classes).
GOLDEN_CLASSES = {5: ["surprise", "happiness", "disgust", "repression", "others"],
                  3: ["surprise", "positive", "negative"]}


class ExportError(ValueError):
    """The checkpoint or the command line cannot produce a valid export."""


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _strip_prefix(sd: Mapping[str, Any]) -> dict[str, torch.Tensor]:
    """DataParallel / DDP save keys as 'module.<name>'."""
    if sd and all(k.startswith("module.") for k in sd):
        return {k[len("module."):]: v for k, v in sd.items()}
    return dict(sd)


def checked_weights(config: MolConfig, state_dict: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Loads the state_dict into a MOL of this config (strict, dead entries optional) and returns the exported
    entries as float32 arrays: a checkpoint that does not fit the config fails here, naming the entries."""
    model = build_model(config)
    sd = _strip_prefix(state_dict)
    try:
        result = model.load_state_dict(sd, strict=False)
    except RuntimeError as e:  # size mismatches
        raise ExportError(f"checkpoint does not fit config '{config.name}' ({config.num_classes} classes): "
                          f"{str(e).strip().splitlines()[-1].strip()}") from None
    missing = [k for k in result.missing_keys if is_exported(k)]
    if missing or result.unexpected_keys:
        raise ExportError(f"checkpoint does not fit config '{config.name}' ({config.num_classes} classes): "
                          f"missing {missing[:5]}, unexpected {list(result.unexpected_keys)[:5]}")
    return {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items() if is_exported(k)}


def export_checkpoint(ckpt: Mapping[str, Any], out: Path, *, float16: bool, model_id: str | None = None,
                      expect_config: str | None = None, checkpoint_name: str = "") -> Path:
    """A moltrain.train checkpoint dict -> model folder."""
    for key in ("model", "config", "classes", "normalisation", "provenance", "metrics"):
        if key not in ckpt:
            raise ExportError(f"checkpoint {checkpoint_name} lacks '{key}' (use --official for a bare state_dict)")
    try:
        config = MolConfig.from_dict(ckpt["config"])
    except ConfigError as e:
        raise ExportError(f"checkpoint {checkpoint_name}: {e}") from e
    if expect_config and config.name != expect_config:
        raise ExportError(f"checkpoint {checkpoint_name} holds config '{config.name}', --config says '{expect_config}'")
    weights = checked_weights(config, ckpt["model"])
    prov = {**dict(ckpt["provenance"]), "exported": _export_note(checkpoint_name, float16)}
    mid = model_id or f"mol-{config.name}-{config.num_classes}cls-step{ckpt.get('step', 'x')}"
    return write_model_dir(out, weights, model_id=mid, config=config, classes=list(ckpt["classes"]),
                           normalisation=ckpt["normalisation"], provenance=prov, metrics=ckpt["metrics"],
                           float16=float16)


def export_official(state_dict: Mapping[str, Any], out: Path, *, classes: list[str], normalisation: Mapping[str, Any],
                    float16: bool, model_id: str | None = None, checkpoint_name: str = "") -> Path:
    config = paper_config(len(classes))
    weights = checked_weights(config, state_dict)
    prov = {"source": "official MOL state_dict (github CYF-cuber/MOL architecture)",
            "exported": _export_note(checkpoint_name, float16)}
    return write_model_dir(out, weights, model_id=model_id or f"mol-official-paper-{len(classes)}cls", config=config,
                           classes=classes, normalisation=normalisation, provenance=prov, metrics={},
                           float16=float16)


def export_golden(seed: int, out: Path, *, num_classes: int = 5, float16: bool = False) -> Path:
    config = paper_config(num_classes)
    model = build_model(config)
    weights = {k: v.numpy() for k, v in recipe_state_dict(model, seed).items() if is_exported(k)}
    prov = {"source": f"golden recipe weights, seed {seed} (shared/golden/RECIPE.md, moltrain.recipe); untrained",
            "note": "the golden input clip is fed to the model as is; normalisation here is nominal",
            "exported": _export_note(f"--golden-seed {seed}", float16)}
    return write_model_dir(out, weights, model_id=f"golden-seed{seed}-paper-{num_classes}cls", config=config,
                           classes=GOLDEN_CLASSES[num_classes], normalisation=FRAME_STANDARDISE, provenance=prov,
                           metrics={}, float16=float16)


def _export_note(source: str, float16: bool) -> dict[str, Any]:
    return {"from": source, "float16": float16, "codeCommit": _git_commit(),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _load(path: Path) -> Any:
    if not path.is_file():
        raise ExportError(f"checkpoint {path} not found")
    try:
        return torch.load(path, map_location="cpu")
    except Exception as e:  # pickle/zip errors on a foreign or truncated file
        raise ExportError(f"{path}: not a readable torch file ({type(e).__name__}: {e})") from None


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="moltrain.export", description="Export MOL weights to the web weight format.")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path, help="moltrain.train checkpoint, or an official state_dict with --official")
    src.add_argument("--golden-seed", type=int, help="export the golden recipe weights for this seed (paper, float32)")
    ap.add_argument("--out", type=Path, required=True, help="model folder to write (model.json + shards)")
    ap.add_argument("--float16", action="store_true", help="store weights as float16 (tfjs quantization entries)")
    ap.add_argument("--config", choices=("paper", "rt"), help="expected configuration (checked against the checkpoint)")
    ap.add_argument("--model-id", help="modelId written to model.json")
    ap.add_argument("--official", action="store_true", help="the checkpoint is a bare official state_dict (paper)")
    ap.add_argument("--classes", help="comma-separated class names in logit order (with --official)")
    ap.add_argument("--affine", nargs=2, type=float, metavar=("SCALE", "OFFSET"),
                    help="normalisation x = gray_u8*SCALE + OFFSET (with --official; default frame-standardise)")
    ap.add_argument("--cls", type=int, default=5, choices=(3, 5), help="class count of the golden model")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(2)
    try:
        if args.golden_seed is not None:
            if args.config not in (None, "paper"):
                raise ExportError("golden weights exist for the paper configuration only")
            path = export_golden(args.golden_seed, args.out, num_classes=args.cls, float16=args.float16)
        elif args.official:
            if not args.classes:
                raise ExportError("--official needs --classes (names in logit order)")
            if args.config not in (None, "paper"):
                raise ExportError("an official state_dict is the paper configuration")
            raw = _load(args.checkpoint)
            sd = raw.get("state_dict", raw) if isinstance(raw, dict) else raw
            if not isinstance(sd, dict):
                raise ExportError(f"{args.checkpoint}: expected a state_dict, found {type(sd).__name__}")
            norm = ({"kind": "affine", "scale": args.affine[0], "offset": args.affine[1]} if args.affine
                    else FRAME_STANDARDISE)
            path = export_official(sd, args.out, classes=[c.strip() for c in args.classes.split(",") if c.strip()],
                                   normalisation=norm, float16=args.float16, model_id=args.model_id,
                                   checkpoint_name=args.checkpoint.name)
        else:
            raw = _load(args.checkpoint)
            if not isinstance(raw, dict) or "model" not in raw:
                raise ExportError(f"{args.checkpoint}: not a moltrain checkpoint (no 'model'); "
                                  "for an official state_dict pass --official --classes ...")
            path = export_checkpoint(raw, args.out, float16=args.float16, model_id=args.model_id,
                                     expect_config=args.config, checkpoint_name=args.checkpoint.name)
    except (ExportError, WeightsFormatError, ConfigError) as e:
        raise SystemExit(f"moltrain.export: {type(e).__name__}: {e}")
    size = sum(p.stat().st_size for p in path.parent.glob("weights-shard*.bin"))
    print(f"wrote {path} ({size / 1e6:.2f} MB of weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
