"""Training checkpoints: one torch.save'd dict that both resumes training and feeds the web-weight exporter.

    {'model': state_dict, 'config': asdict(MolConfig), 'classes': [...],
     'normalisation': {'kind': 'frame-standardise', 'eps': 1e-6},
     'provenance': {...}, 'metrics': {...},
     'optimizer': optimizer state_dict, 'step': completed optimiser steps,
     'rng': {'torch', 'numpy', 'python', 'cuda'}, 'train': {...options...}, 'best': {...} or None}

Written to a temporary file and renamed, so a crash mid-save never leaves a truncated checkpoint.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .data.atomic import atomic_path

REQUIRED_KEYS = ("model", "config", "classes", "normalisation", "provenance", "metrics", "step")


class CheckpointError(ValueError):
    """A file that is not a MOL training checkpoint, or one missing a required entry."""


def rng_state() -> dict:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: Path | str, payload: dict[str, Any]) -> Path:
    missing = [k for k in REQUIRED_KEYS if k not in payload]
    if missing:
        raise CheckpointError(f"checkpoint payload lacks {missing}")
    path = Path(path)
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return path


def load_start(path: Path | str) -> dict:
    """The weights a new run starts from: a training checkpoint, or an exported web model folder (model.json and
    its shards, e.g. the shipped models/mol/rt-synth-3cls) read back as a checkpoint-shaped dict. An export
    lacks only the entries the forward pass never reads (`weights_io.is_exported`), so the model keeps its own
    values for those."""
    path = Path(path)
    if not path.is_dir():
        return load_checkpoint(path)
    from dataclasses import asdict

    from .config import MolConfig
    from .weights_io import read_model_dir
    doc, weights = read_model_dir(path)
    return {"model": {k: torch.from_numpy(v) for k, v in weights.items()},
            "config": asdict(MolConfig.from_dict(doc["config"])), "classes": list(doc["classes"]),
            "normalisation": doc["input"]["normalisation"], "step": int(doc.get("metrics", {}).get("heldout", {}).get("checkpointStep", 0)),
            "provenance": doc.get("provenance", {}) | {"model_dir": str(path), "modelId": doc.get("modelId")},
            "metrics": doc.get("metrics", {}), "partial": True}


def load_checkpoint(path: Path | str, map_location: str | torch.device = "cpu") -> dict:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        ckpt = torch.load(path, map_location=map_location)
    except Exception as e:  # pickle/zip errors on a foreign or truncated file
        raise CheckpointError(f"{path}: not a readable torch checkpoint ({type(e).__name__}: {e})") from None
    if not isinstance(ckpt, dict):
        raise CheckpointError(f"{path}: expected a dict, found {type(ckpt).__name__}")
    missing = [k for k in REQUIRED_KEYS if k not in ckpt]
    if missing:
        raise CheckpointError(f"{path}: missing {missing}")
    return ckpt
