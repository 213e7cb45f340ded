"""Training loop: sample order, checkpoint format, exact resume, inner validation, the CLI on the real rt MOL."""
import json

import pytest
import torch
from torch import nn

from fake_datasets import make_cache
from moltrain.checkpoint import CheckpointError, load_checkpoint
from moltrain.data.clip import NORMALISATION
from moltrain.train import (TrainOptions, TrainingError, micro_batch_indices, pool_by_video, predict,
                            seed_everything, train)
from moltrain.train import main as train_main
from tiny_model import TinyMol, random_clips, single_thread

one_thread = pytest.fixture(autouse=True)(single_thread)

CLASSES = ["surprise", "positive", "negative"]
CONFIG = {"name": "tiny", "num_classes": 3}


def test_sample_order_walks_seeded_epochs():
    n, batch = 5, 2
    stream = [i for m in range(5) for i in micro_batch_indices(n, batch, seed=7, micro=m)]
    assert sorted(stream[:5]) == list(range(5)) and sorted(stream[5:10]) == list(range(5))
    assert stream == [i for m in range(5) for i in micro_batch_indices(n, batch, seed=7, micro=m)]
    assert stream != [i for m in range(5) for i in micro_batch_indices(n, batch, seed=8, micro=m)]


def test_set_batches_hold_whole_sets_and_walk_every_set():
    n, group, batch = 12, 3, 6
    stream = [i for m in range(4) for i in micro_batch_indices(n, batch, seed=7, micro=m, group=group)]
    sets = [stream[k:k + group] for k in range(0, len(stream), group)]
    assert all(s == list(range(s[0], s[0] + group)) and s[0] % group == 0 for s in sets)
    assert sorted(s[0] // group for s in sets[:4]) == [0, 1, 2, 3]
    with pytest.raises(TrainingError):
        micro_batch_indices(n, 4, seed=7, micro=0, group=group)


def run(tmp, steps, data, resume=None, val=None, **kw):
    seed_everything(3)
    model = TinyMol()
    opts = TrainOptions(steps=steps, batch_size=2, accum=2, seed=3, ckpt_every=2, progress=False, out_dir=str(tmp), **kw)
    return model, train(model, data, opts, classes=CLASSES, config=CONFIG, resume=resume, val_set=val,
                        provenance={"data": "random_clips"})


def test_checkpoint_format(tmp_path):
    data = random_clips(6)
    _, final = run(tmp_path, 2, data)
    ckpt = load_checkpoint(tmp_path / "final.pt")
    for key in ("model", "config", "classes", "normalisation", "provenance", "metrics", "optimizer", "step", "rng"):
        assert key in ckpt
    assert ckpt["classes"] == CLASSES and ckpt["config"] == CONFIG and ckpt["step"] == 2
    assert ckpt["normalisation"] == NORMALISATION == {"kind": "frame-standardise", "eps": 1e-6}
    assert ckpt["provenance"]["data"] == "random_clips" and "code_commit" in ckpt["provenance"]
    log = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2]
    assert all(r["loss_total"] > 0 and r["loss_flow"] > 0 and r["loss_ldm"] > 0 for r in log)


def test_resume_gives_the_uninterrupted_result(tmp_path):
    data = random_clips(7)
    full_model, full = run(tmp_path / "full", 4, data)
    run(tmp_path / "part", 2, data)
    resumed_model, resumed = run(tmp_path / "part", 4, data, resume=load_checkpoint(tmp_path / "part" / "last.pt"))
    assert resumed["step"] == 4
    for k, v in full["model"].items():
        assert torch.equal(v, resumed["model"][k]), k
    full_log = (tmp_path / "full" / "log.jsonl").read_text().splitlines()
    part_log = (tmp_path / "part" / "log.jsonl").read_text().splitlines()
    strip = lambda lines: [{k: v for k, v in json.loads(x).items() if k != "sec"} for x in lines]
    assert strip(part_log) == strip(full_log)
    # a run that died after its last checkpoint: resuming drops the log lines past that checkpoint
    import shutil
    crash = tmp_path / "crash"
    run(crash, 2, data)
    shutil.copy(crash / "last.pt", tmp_path / "crash2.pt")
    run(crash, 3, data, resume=load_checkpoint(crash / "last.pt"))          # logs step 3, then "dies"
    run(crash, 4, data, resume=load_checkpoint(tmp_path / "crash2.pt"))
    assert strip((crash / "log.jsonl").read_text().splitlines()) == strip(full_log)
    # and the run really depends on the restored RNG: a different seed diverges
    seed_everything(4)
    other = TinyMol()
    diff = train(other, data, TrainOptions(steps=4, batch_size=2, accum=2, seed=4, progress=False),
                 classes=CLASSES, config=CONFIG)
    assert not all(torch.equal(v, diff["model"][k]) for k, v in full["model"].items())


def test_inner_validation_keeps_the_best_step(tmp_path):
    data = random_clips(6, subjects=("a", "b"))
    val = random_clips(3, subjects=("v",), seed=1)
    model, final = run(tmp_path, 4, data, val=val, val_every=1)
    m = final["metrics"]
    assert 1 <= m["inner_val_step"] <= 4 and set(m["inner_val"]) >= {"acc", "uf1", "uar", "weighted_f1"}
    vals = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines() if "inner_val" in x]
    assert [v["step"] for v in vals] == [1, 2, 3, 4]
    best = max(vals, key=lambda v: v["inner_val"]["uf1"])     # first maximum wins ties
    assert m["inner_val_step"] == best["step"]
    # the returned weights are the selected step's: re-scoring them reproduces its UF1
    model.load_state_dict(final["model"])
    pred = pool_by_video(predict(model, val))
    from moltrain.metrics import scores
    assert scores(pred["labels"], pred["logits"].argmax(1), 3)["uf1"] == pytest.approx(best["inner_val"]["uf1"])


def test_bad_runs_are_named(tmp_path):
    with pytest.raises(TrainingError, match="empty"):
        train(TinyMol(), [], TrainOptions(steps=1, progress=False), classes=CLASSES, config=CONFIG)
    (tmp_path / "x.pt").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="not a readable torch checkpoint"):
        load_checkpoint(tmp_path / "x.pt")


def test_cli_trains_the_real_rt_model_on_a_cache(tmp_path):
    cache = make_cache(tmp_path, [("smic", "s1", "s1_po_01", "positive", 8, ()),
                                  ("smic", "s2", "s2_ne_01", "negative", 9, ())])
    out = tmp_path / "run"
    # one thread: on a machine shared with other test runs, two OpenMP threads mostly wait for each other
    assert train_main(["--config", "rt", "--classes", "3", "--data", str(cache), "--steps", "1", "--batch", "1",
                       "--threads", "1", "--out", str(out), "--no-progress"]) == 0
    ckpt = load_checkpoint(out / "final.pt")
    assert ckpt["config"]["name"] == "rt" and ckpt["classes"] == CLASSES and ckpt["step"] == 1
    assert ckpt["provenance"]["data"]["datasets"] == ["smic"]
    from moltrain.config import load_config
    from moltrain.model import build_model
    build_model(load_config("rt", 3)).load_state_dict(ckpt["model"])   # loads back with strict names/shapes
    # the checkpoint is what the web-weight exporter consumes
    from moltrain.export import export_checkpoint
    from moltrain.weights_io import read_model_dir
    export_checkpoint(ckpt, tmp_path / "web", float16=True, expect_config="rt")
    doc, weights = read_model_dir(tmp_path / "web")
    assert doc["classes"] == CLASSES and doc["config"]["name"] == "rt"
    assert doc["input"]["normalisation"] == NORMALISATION
    assert doc["provenance"]["data"]["datasets"] == ["smic"]


def test_video_pooling_averages_clip_logits():
    import numpy as np
    pred = {"logits": np.array([[2.0, 0, 0], [0, 3.0, 0], [0, 0, 1.0]]), "labels": np.array([1, 1, 2]),
            "video_ids": ["v1", "v1", "v2"]}
    pooled = pool_by_video(pred)
    assert pooled["video_ids"] == ["v1", "v2"] and pooled["labels"].tolist() == [1, 2]
    np.testing.assert_allclose(pooled["logits"][0], [1.0, 1.5, 0.0])
    pred["labels"] = np.array([1, 0, 2])
    with pytest.raises(TrainingError, match="clips of video v1 carry different labels"):
        pool_by_video(pred)


def test_lr_schedule_is_a_function_of_the_step():
    from moltrain.train import lr_at
    o = TrainOptions(steps=110, lr=1e-3, warmup=10, schedule="cosine")
    lrs = [lr_at(s, o) for s in range(110)]
    assert lrs[0] == pytest.approx(1e-5 + (1e-3 - 1e-5) / 10) and lrs[9] == pytest.approx(1e-3)
    assert all(a <= b for a, b in zip(lrs[:10], lrs[1:10]))          # warm-up rises
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:]))           # cosine falls
    assert lrs[-1] == pytest.approx(1e-5, rel=0.05)
    assert lr_at(50, TrainOptions(steps=110, lr=2e-4)) == 2e-4      # constant by default


def _one_step_run(tmp_path):
    """A 2-video cache, the common arguments of a 1-step rt run on it, and that run's checkpoint (in tmp/a)."""
    cache = make_cache(tmp_path, [("smic", "s1", "s1_po_01", "positive", 8, ()),
                                  ("smic", "s2", "s2_ne_01", "negative", 9, ())])
    common = ["--config", "rt", "--classes", "3", "--data", str(cache), "--steps", "1", "--batch", "1",
              "--threads", "1", "--no-progress"]
    assert train_main(common + ["--out", str(tmp_path / "a")]) == 0
    return cache, common, load_checkpoint(tmp_path / "a" / "final.pt")


def test_init_from_starts_a_new_stage_from_weights(tmp_path):
    cache, common, first = _one_step_run(tmp_path)
    assert train_main(common + ["--out", str(tmp_path / "b"), "--init-from", str(tmp_path / "a" / "final.pt"),
                                "--lr", "0"]) == 0
    second = load_checkpoint(tmp_path / "b" / "final.pt")
    assert second["step"] == 1 and second["provenance"]["init_from"]["step"] == 1
    # lr 0: the weights are the first stage's, untouched (BN running stats aside)
    for k, v in first["model"].items():
        if "running" not in k and "num_batches" not in k:
            assert torch.equal(v, second["model"][k]), k
    with pytest.raises(TrainingError, match="give one"):
        train_main(common + ["--out", str(tmp_path / "c"), "--init-from", str(tmp_path / "a" / "final.pt"),
                             "--resume", str(tmp_path / "a" / "last.pt")])
    with pytest.raises(TrainingError, match="cannot re-initialise 'nope'"):
        train_main(common + ["--out", str(tmp_path / "e"), "--init-from", str(tmp_path / "a" / "final.pt"),
                             "--reinit", "nope"])
    assert train_main(common + ["--out", str(tmp_path / "f"), "--init-from", str(tmp_path / "a" / "final.pt"),
                                "--reinit", "mer_3dcnn", "--lr", "0"]) == 0
    fresh = load_checkpoint(tmp_path / "f" / "final.pt")
    assert not torch.equal(fresh["model"]["mer_3dcnn.fc2.weight"], first["model"]["mer_3dcnn.fc2.weight"])
    kept = next(k for k in first["model"] if k.startswith("FCC_1") and k.endswith("weight"))
    assert torch.equal(fresh["model"][kept], first["model"][kept])        # only the named part starts afresh
    with pytest.raises(TrainingError, match="not paper"):
        train_main(["--config", "paper", "--classes", "3", "--data", str(cache), "--steps", "1", "--batch", "1",
                    "--threads", "1", "--no-progress", "--out", str(tmp_path / "d"),
                    "--init-from", str(tmp_path / "a" / "final.pt")])


def test_init_from_an_exported_model_folder(tmp_path):
    """A run can start from shipped web weights (models/mol/...): the exported entries are taken as they are."""
    from moltrain import export
    from moltrain.weights_io import is_exported
    cache, common, first = _one_step_run(tmp_path)
    export.export_checkpoint(first, tmp_path / "web", float16=False, model_id="t")
    assert train_main(common + ["--out", str(tmp_path / "b"), "--init-from", str(tmp_path / "web"),
                                "--lr", "0"]) == 0
    second = load_checkpoint(tmp_path / "b" / "final.pt")
    assert second["provenance"]["init_from"]["checkpoint"] == str(tmp_path / "web")
    for k, v in first["model"].items():
        if is_exported(k) and "running" not in k:
            assert torch.equal(v, second["model"][k]), k
    shard = sorted((tmp_path / "web").glob("weights-*.bin"))[0]
    shard.write_bytes(b"x" + shard.read_bytes()[1:])
    with pytest.raises(Exception, match="SHA-256"):
        train_main(common + ["--out", str(tmp_path / "c"), "--init-from", str(tmp_path / "web")])


def test_freeze_keeps_a_part_fixed(tmp_path):
    data = random_clips(6)
    seed_everything(3)
    model = TinyMol()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opts = TrainOptions(steps=2, batch_size=2, seed=3, progress=False, freeze=("fc",), lr=1e-2)
    final = train(model, data, opts, classes=CLASSES, config=CONFIG)
    assert torch.equal(final["model"]["fc.weight"], before["fc.weight"])
    assert not torch.equal(final["model"]["cls.weight"], before["cls.weight"])
    with pytest.raises(TrainingError, match="cannot freeze"):
        train(TinyMol(), data, TrainOptions(steps=1, progress=False, freeze=("nope",)), classes=CLASSES, config=CONFIG)


def test_mer_dropout_sets_the_heads_dropout_while_training(tmp_path):
    data = random_clips(4)
    seed_everything(3)
    model = TinyMol()
    model.mer_3dcnn = nn.Sequential(nn.Dropout(0.5), nn.Dropout(0.5))
    opts = TrainOptions(steps=1, batch_size=2, seed=3, progress=False, out_dir=str(tmp_path), mer_dropout=0.0)
    train(model, data, opts, classes=CLASSES, config=CONFIG)
    assert [m.p for m in model.mer_3dcnn] == [0.0, 0.0]
    with pytest.raises(TrainingError):
        train(model, data, TrainOptions(steps=1, batch_size=2, progress=False, mer_dropout=1.0), classes=CLASSES, config=CONFIG)
    with pytest.raises(TrainingError):
        train(TinyMol(), data, TrainOptions(steps=1, batch_size=2, progress=False, mer_dropout=0.1), classes=CLASSES, config=CONFIG)
