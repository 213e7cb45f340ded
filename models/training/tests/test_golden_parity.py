"""The paper model with the recipe weights reproduces every official golden tensor (shared/golden, seed 1)."""
import hashlib
import json

import numpy as np
import pytest
import torch

from moltrain import golden
from moltrain.config import paper_config
from moltrain.model import build_model
from moltrain.recipe import entries, entry_values, input_clip, sequential_checksum

REL_L2 = 1e-5  # shared/golden README §4: faithful float32 re-implementation


@pytest.fixture(scope="module")
def gdir():
    return golden.golden_dir()  # raises GoldenDirMissing: a missing folder fails, never skips


@pytest.fixture(scope="module")
def manifest(gdir):
    return json.loads((gdir / "golden-seed1.json").read_text())


@pytest.fixture(scope="module")
def ours():
    torch.set_num_threads(2)
    return golden.compute(1, 5)


def load(gdir, row):
    dt = np.int32 if row["dtype"] == "int32" else np.float32
    return np.fromfile(gdir / row["file"], dtype=dt).reshape(row["shape"])


def test_every_golden_tensor_is_covered(manifest, ours):
    names = {r["name"] for r in manifest["tensors"]}
    assert names <= set(ours), names - set(ours)


@pytest.mark.parametrize("name", [
    "stem_f0", "fcc1_f0", "ccc1_edge_f0", "f5c1_f0", "fcc2_f1", "ccc2_edge_f1", "f5c2_f1", "fcc_out_all",
    "mer_input", "flow_conv3a_pair0", "flow_conv3b_pair0", "corr_pair0", "mer_logits", "mer_logits_3cls",
    "ldm", "flow",
])
def test_tensor_matches_golden(gdir, manifest, ours, name):
    row = next(r for r in manifest["tensors"] if r["name"] == name)
    want = load(gdir, row).astype(np.float64)
    got = ours[name].astype(np.float64)
    assert got.shape == want.shape
    rel = np.linalg.norm(got - want) / np.linalg.norm(want)
    assert rel <= REL_L2, f"{name}: relative L2 {rel:.3e} > {REL_L2}"


def test_knn_neighbour_sets_identical(gdir, manifest, ours):
    row = next(r for r in manifest["tensors"] if r["name"] == "knn_idx_all")
    want = np.sort(load(gdir, row), axis=-1)
    got = np.sort(ours["knn_idx_all"], axis=-1)
    bad = np.argwhere((want != got).any(-1))
    assert bad.size == 0, f"neighbour sets differ at (call, b, node): {bad.tolist()[:10]}"


def test_input_clip_is_bit_exact(gdir, manifest):
    row = next(r for r in manifest["tensors"] if r["name"] == "input")
    assert np.array_equal(input_clip(1), load(gdir, row))


@pytest.mark.parametrize("cls,seed", [(5, 1), (3, 1), (5, 2)])
def test_recipe_weights_match_params_checksums(gdir, cls, seed):
    params = json.loads((gdir / f"params-{cls}cls.json").read_text())["entries"]
    ours = entries(build_model(paper_config(cls)))
    assert [(e.name, list(e.shape), e.role) for e in ours] == [(p["name"], p["shape"], p["role"]) for p in params]
    for e, p in zip(ours, params):
        v, want = entry_values(seed, e), p[f"seed{seed}"]
        assert v.ravel()[:5].astype(np.float64).tolist() == want["first5"][:5], e.name
        assert sequential_checksum(v) == want["checksum"], e.name
        raw = v.astype("<f4" if v.dtype.kind == "f" else "<i8").tobytes()
        assert hashlib.sha256(raw).hexdigest() == want["sha256_le"], e.name


def test_golden_command_writes_the_manifest_layout(tmp_path, gdir, manifest, ours):
    path = golden.write(1, ours, tmp_path, 5)
    written = json.loads(path.read_text())
    theirs = {r["name"]: r for r in manifest["tensors"]}
    for row in written["tensors"]:
        assert set(theirs[row["name"]]) - {"relL2_official_fp32_vs_fp64"} <= set(row), row["name"]
        assert row["shape"] == theirs[row["name"]]["shape"] and row["dtype"] == theirs[row["name"]]["dtype"]
        assert (tmp_path / row["file"]).stat().st_size == row["bytes"]
    inp = next(r for r in written["tensors"] if r["name"] == "input")
    assert inp["sha256"] == theirs["input"]["sha256"]


def test_missing_golden_dir_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv(golden.GOLDEN_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(golden.GoldenDirMissing, match="nowhere"):
        golden.golden_dir()


def test_injected_golden_neighbours_reproduce_the_logits(gdir, manifest):
    # The knn_override path (for telling a near-tie flip from a real discrepancy) gives the same result.
    row = next(r for r in manifest["tensors"] if r["name"] == "knn_idx_all")
    idx = torch.from_numpy(load(gdir, row).astype(np.int64))[:, 0]  # [14,256,4]
    knn1, knn2 = idx[0::2].unsqueeze(0), idx[1::2].unsqueeze(0)
    model = golden.recipe_model(1, 5)
    with torch.no_grad():
        t = model.trace(torch.from_numpy(input_clip(1)), knn_override=(knn1, knn2))
    want = load(gdir, next(r for r in manifest["tensors"] if r["name"] == "mer_logits")).astype(np.float64)
    got = t.logits.numpy().astype(np.float64)
    assert np.linalg.norm(got - want) / np.linalg.norm(want) <= REL_L2
