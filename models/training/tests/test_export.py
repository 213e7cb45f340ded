"""Web weight format: export -> read round trip, float16, checksum and structure errors, CLI entry points."""
import json
from dataclasses import asdict

import numpy as np
import pytest
import torch

from moltrain import export
from moltrain.config import paper_config, rt_config
from moltrain.model import build_model
from moltrain.recipe import load_recipe_weights
from moltrain.weights_io import (SHARD_BYTES, MissingWeightError, WeightsChecksumError, WeightsConfigMismatchError,
                                 WeightsVersionError, WeightShapeError, is_exported, read_model_dir)

NORM = {"kind": "frame-standardise", "eps": 1e-6}


@pytest.fixture(scope="module")
def rt_model():
    return load_recipe_weights(build_model(rt_config()), 5).eval()


def checkpoint(model, cfg, classes=("surprise", "positive", "negative")):
    return {"model": model.state_dict(), "config": asdict(cfg), "classes": list(classes), "normalisation": NORM,
            "provenance": {"data": "unit test"}, "metrics": {"uf1": 0.5}, "step": 7}


def test_round_trip_float32_is_identical(tmp_path, rt_model):
    export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=False)
    doc, weights = read_model_dir(tmp_path)
    sd = {k: v.numpy() for k, v in rt_model.state_dict().items() if is_exported(k)}
    assert list(weights) == list(sd)  # state_dict order, dead entries omitted
    assert all(np.array_equal(weights[k], sd[k]) for k in sd)
    assert not any(".ffn." in k or "num_batches_tracked" in k for k in weights)
    assert doc["config"] == rt_config().to_json() and doc["classes"] == ["surprise", "positive", "negative"]
    assert doc["input"] == {"frames": 8, "height": 128, "width": 128, "channels": 1, "layout": "B,C,T,H,W",
                            "normalisation": NORM}
    assert doc["metrics"] == {"uf1": 0.5} and doc["provenance"]["data"] == "unit test"
    assert all(w["dtype"] == "float32" and "quantization" not in w for w in doc["weightsManifest"][0]["weights"])


def test_float16_round_trip_and_forward(tmp_path, rt_model):
    export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=True)
    doc, weights = read_model_dir(tmp_path)
    specs = doc["weightsManifest"][0]["weights"]
    assert all(s["quantization"] == {"dtype": "float16", "original_dtype": "float32"} for s in specs)
    sd = rt_model.state_dict()
    for k, v in weights.items():
        assert np.array_equal(v, sd[k].numpy().astype(np.float16).astype(np.float32)), k
    payload = sum(p.stat().st_size for p in tmp_path.glob("weights-shard*.bin"))
    assert payload == 2 * sum(v.size for v in weights.values())
    assert payload <= 8_000_000  # rt budget: <= 8 MB of float16 weights


def test_shards_are_at_most_4_mib(tmp_path, rt_model):
    path = export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=False)  # ~10.6 MB
    shards = json.loads(path.read_text())["weightsManifest"][0]["paths"]
    sizes = [(tmp_path / s).stat().st_size for s in shards]
    assert len(shards) > 1 and max(sizes) <= SHARD_BYTES and all(s == SHARD_BYTES for s in sizes[:-1])
    assert shards[0] == f"weights-shard1of{len(shards)}.bin"
    read_model_dir(tmp_path)


def test_corrupted_byte_is_a_checksum_error(tmp_path, rt_model):
    path = export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=False)
    shard = tmp_path / json.loads(path.read_text())["weightsManifest"][0]["paths"][-1]
    data = bytearray(shard.read_bytes())
    data[1234] ^= 0x40
    shard.write_bytes(bytes(data))
    with pytest.raises(WeightsChecksumError, match="SHA-256"):
        read_model_dir(tmp_path)


def _edit(tmp_path, fn):
    p = tmp_path / "model.json"
    doc = json.loads(p.read_text())
    fn(doc)
    p.write_text(json.dumps(doc))


def test_structure_errors_are_named(tmp_path, rt_model):
    export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=False)
    _edit(tmp_path, lambda d: d.update(formatVersion=2))
    with pytest.raises(WeightsVersionError, match="formatVersion 2"):
        read_model_dir(tmp_path)
    _edit(tmp_path, lambda d: d.update(formatVersion=1, classes=["a", "b"]))
    with pytest.raises(WeightsConfigMismatchError, match="2 class names"):
        read_model_dir(tmp_path)
    _edit(tmp_path, lambda d: (d.update(classes=["a", "b", "c"]), d["config"]["flow"].update(conv3_1=48)))
    with pytest.raises(WeightShapeError, match="conv3_1"):
        read_model_dir(tmp_path)
    _edit(tmp_path, lambda d: (d["config"]["flow"].update(conv3_1=32), d["weightsManifest"][0]["weights"].pop()))
    with pytest.raises(MissingWeightError, match="ldm_predictor.fc2.bias"):
        read_model_dir(tmp_path)


def test_checkpoint_must_fit_its_config(tmp_path, rt_model):
    ck = checkpoint(rt_model, paper_config(3))
    with pytest.raises(export.ExportError, match="does not fit config 'paper'"):
        export.export_checkpoint(ck, tmp_path, float16=True)
    with pytest.raises(export.ExportError, match="--config says 'paper'"):
        export.export_checkpoint(checkpoint(rt_model, rt_config()), tmp_path, float16=True, expect_config="paper")


def test_cli_official_state_dict(tmp_path):
    model = build_model(paper_config(3))
    torch.save({"module." + k: v for k, v in model.state_dict().items()}, tmp_path / "official.pth")
    out = tmp_path / "m"
    export.main(["--checkpoint", str(tmp_path / "official.pth"), "--official", "--classes", "surprise,positive,negative",
                 "--affine", "0.00392156862745098", "-0.5", "--float16", "--out", str(out)])
    doc, weights = read_model_dir(out)
    assert doc["config"]["name"] == "paper" and doc["config"]["numClasses"] == 3
    assert doc["input"]["normalisation"] == {"kind": "affine", "scale": 0.00392156862745098, "offset": -0.5}
    assert np.array_equal(weights["flownet.conv1.0.weight"],
                          model.state_dict()["flownet.conv1.0.weight"].numpy().astype(np.float16).astype(np.float32))


def test_cli_rejects_a_bare_state_dict_without_official(tmp_path):
    torch.save(build_model(rt_config()).state_dict(), tmp_path / "bare.pth")
    with pytest.raises(SystemExit, match="--official"):
        export.main(["--checkpoint", str(tmp_path / "bare.pth"), "--out", str(tmp_path / "m")])


def test_cli_exports_a_trainer_checkpoint(tmp_path, rt_model):
    from moltrain.checkpoint import save_checkpoint
    save_checkpoint(tmp_path / "final.pt", checkpoint(rt_model, rt_config()))
    export.main(["--checkpoint", str(tmp_path / "final.pt"), "--config", "rt", "--float16", "--out", str(tmp_path / "m")])
    doc, _ = read_model_dir(tmp_path / "m")
    assert doc["modelId"] == "mol-rt-3cls-step7" and doc["provenance"]["exported"]["float16"] is True
