"""Puts models/training on sys.path so tests import `moltrain` when pytest runs from the repo root, and holds the
`face` fixture the generator tests share and the head-only runs' fixtures."""
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pytest
import torch

from moltrain.checkpoint import load_checkpoint, save_checkpoint
from moltrain.config import load_config
from moltrain.model import build_model
from moltrain.synth.faces import Face

ASTRONAUT_NPZ = Path(__file__).resolve().parents[1] / "sources" / "astronaut_face.npz"


@pytest.fixture(scope="module")
def face() -> Face:
    """The one committed source face: the public-domain astronaut, tracked and aligned by the app's analyze
    command (models/training/sources/astronaut_face.npz)."""
    with np.load(ASTRONAUT_NPZ) as z:
        return Face(image=z["image"], landmarks=z["landmarks"].astype(np.float32), identity="astronaut", split="test")


@pytest.fixture
def faces_dir(tmp_path, face):
    """A source cache with the astronaut as both a train and a val face (only for exercising the CLI)."""
    d = tmp_path / "faces"
    d.mkdir()
    entries = []
    for split in ("train", "val"):
        np.savez(d / f"astro-{split}.npz", image=face.image, landmarks=face.landmarks)
        entries.append({"face_id": f"astro-{split}", "identity": f"astro-{split}", "split": split})
    (d / "faces.json").write_text(json.dumps({"faces": entries}))
    return d


@pytest.fixture
def start_checkpoint(tmp_path):
    """A randomly initialised rt checkpoint, as moltrain.train writes them."""
    torch.manual_seed(0)
    cfg = load_config("rt", 3)
    model = build_model(cfg)
    return save_checkpoint(tmp_path / "start.pt", {
        "model": model.state_dict(), "config": asdict(cfg), "classes": ["surprise", "positive", "negative"],
        "normalisation": {"kind": "frame-standardise", "eps": 1e-6}, "provenance": {"command": "test"},
        "metrics": {}, "step": 5})


def run_then_resume(main, start_checkpoint: Path, common: list[str], out: Path):
    """Runs a head-only CLI (`main`) from `start_checkpoint` with `common` options writing to `out`, then resumes
    the finished run and checks it gives the same weights back. Returns (start, final, the names of the weights
    the run changed, the log rows)."""
    assert main(["--checkpoint", str(start_checkpoint), *common, "--ckpt-every", "1"]) == 0
    start, final = load_checkpoint(start_checkpoint), load_checkpoint(out / "final.pt")
    changed = {k for k, v in final["model"].items() if not torch.equal(v, start["model"][k])}
    rows = [json.loads(ln) for ln in (out / "log.jsonl").read_text().splitlines()]
    assert main(["--resume", str(out / "last.pt"), *common]) == 0
    again = load_checkpoint(out / "final.pt")
    assert all(torch.equal(v, final["model"][k]) for k, v in again["model"].items())
    return start, final, changed, rows
