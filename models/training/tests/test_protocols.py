"""Protocols: folds never test on a training subject, inner validation comes from training subjects only,
summed metrics equal the metrics of the pooled predictions; the evaluate CLI on the real rt MOL."""
import json

import numpy as np
import pytest

from fake_datasets import make_cache
from moltrain.evaluate import main as evaluate_main
from moltrain.metrics import confusion_matrix, scores_from_confusion
from moltrain.protocols import (ProtocolError, clip_subjects, cross_fold, inner_validation_split, loso_folds,
                                run_folds)
from moltrain.train import TrainOptions
from tiny_model import TinyMol, random_clips, single_thread

one_thread = pytest.fixture(autouse=True)(single_thread)

CLASSES = ["surprise", "positive", "negative"]


def test_loso_folds_hold_out_each_subject_once():
    folds = loso_folds(["b", "a", "c", "a"])
    assert [f.test_subjects for f in folds] == [("a",), ("b",), ("c",)]
    for f in folds:
        assert set(f.train_subjects) == {"a", "b", "c"} - set(f.test_subjects)
    with pytest.raises(ProtocolError, match="at least 2 subjects"):
        loso_folds(["a", "a"])


def test_cross_fold_rejects_shared_subjects():
    f = cross_fold(["casme2:01", "casme2:02"], ["samm:006"], "c2s")
    assert f.train_subjects == ("casme2:01", "casme2:02") and f.test_subjects == ("samm:006",)
    with pytest.raises(ProtocolError, match="subjects on both sides"):
        cross_fold(["x:1"], ["x:1"], "bad")


def test_inner_validation_draws_whole_training_subjects():
    data = random_clips(12, subjects=("a", "b", "c", "d"))
    train, val, val_subs = inner_validation_split(data, 1, seed=5)
    assert len(val_subs) == 1
    assert set(clip_subjects(val)) == set(val_subs)
    assert not set(clip_subjects(train)) & set(val_subs) and len(train) + len(val) == 12
    assert inner_validation_split(data, 1, seed=5)[2] == val_subs
    with pytest.raises(ProtocolError, match="cannot hold out 4 of 4"):
        inner_validation_split(data, 4, seed=5)


def test_run_folds_sums_fold_confusions(tmp_path):
    data = random_clips(9, subjects=("a", "b", "c"))
    seen_train = []

    def make_model():
        return TinyMol()

    opts = TrainOptions(steps=2, batch_size=2, seed=1, progress=False)
    result = run_folds(data, loso_folds(clip_subjects(data)), make_model=make_model, options=opts,
                       classes=CLASSES, config={"name": "tiny"}, val_subjects=1,
                       on_fold=lambda rec: seen_train.append(rec))
    assert [f["test_subjects"] for f in result["folds"]] == [["a"], ["b"], ["c"]]
    for f in result["folds"]:
        assert f["test_subjects"][0] not in f["inner_val_subjects"] and len(f["inner_val_subjects"]) == 1
        assert f["test_clips"] == 3 and f["train_clips"] == 3     # 6 other clips minus one validation subject
    pooled = [(p["label"], p["pred"]) for f in result["folds"] for p in f["predictions"]]
    cm = confusion_matrix([l for l, _ in pooled], [p for _, p in pooled], 3)
    assert result["summed"]["video"]["confusion"] == cm.tolist()
    assert result["summed"]["video"]["uf1"] == scores_from_confusion(cm)["uf1"]
    assert np.sum(result["summed"]["clip"]["confusion"]) == 9
    assert len(seen_train) == 3


def test_evaluate_cli_composite_on_the_real_rt_model(tmp_path):
    c2 = make_cache(tmp_path, [("casme2", "01", "sub01/EP01", "happiness", 8, ()),
                               ("casme2", "02", "sub02/EP03", "repression", 8, ()),
                               ("casme2", "02", "sub02/EP04", "others", 8, ())], name="casme2")
    smic = make_cache(tmp_path, [("smic", "s1", "s1_sur_01", "surprise", 8, ())], name="smic")
    out = tmp_path / "report.json"
    assert evaluate_main(["--protocol", "composite", "--data", str(c2), "--data", str(smic), "--config", "rt",
                          "--steps", "1", "--batch", "1", "--threads", "1", "--out", str(out),
                          "--no-progress"]) == 0
    rep = json.loads(out.read_text())
    assert rep["protocol"] == "composite" and rep["classes"] == CLASSES and rep["datasets"] == ["casme2", "smic"]
    assert [f["test_subjects"] for f in rep["folds"]] == [["casme2:01"], ["casme2:02"], ["smic:s1"]]
    assert rep["dropped"]["train"]["unmapped_emotion"] == 1            # 'others' is not in the 3-class setting
    summed = rep["summed"]["video"]
    assert summed["n"] == 3 and sum(summed["per_class"]["support"]) == 3
    assert summed["per_class"]["support"] == [1, 1, 1]                 # surprise, positive, negative
    assert set(summed) >= {"acc", "uf1", "uar", "weighted_f1", "confusion"}
    with pytest.raises(ProtocolError, match="composite protocol is 3-class"):
        evaluate_main(["--protocol", "composite", "--data", str(c2), "--classes", "5", "--out", str(out)])


def test_evaluate_cli_scores_a_trained_checkpoint_without_training(tmp_path):
    import torch
    from moltrain.checkpoint import save_checkpoint
    from moltrain.config import load_config
    from moltrain.data.clip import NORMALISATION
    from moltrain.model import build_model
    from dataclasses import asdict

    cfg = load_config("rt", 3)
    torch.manual_seed(0)
    model = build_model(cfg)
    ckpt = tmp_path / "w.pt"
    save_checkpoint(ckpt, {"model": model.state_dict(), "config": asdict(cfg), "classes": CLASSES,
                           "normalisation": NORMALISATION, "provenance": {"data": "none"}, "metrics": {}, "step": 0})
    cache = make_cache(tmp_path, [("samm", "006", "006_1_2", "Happiness", 8, ()),
                                  ("samm", "007", "007_1_1", "Anger", 17, ())], name="samm")
    out = tmp_path / "r.json"
    assert evaluate_main(["--protocol", "checkpoint", "--checkpoint", str(ckpt), "--data", str(cache),
                          "--threads", "1", "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert rep["summed"]["video"]["n"] == 2 and rep["summed"]["clip"]["n"] == 3      # 1 + 2 clips
    assert rep["checkpoint_provenance"] == {"data": "none"}
    from moltrain.data.cached import open_caches
    from moltrain.train import predict
    logits = predict(model, open_caches([cache], 3))["logits"]     # clip 0: video 006_1_2; clips 1-2: 007_1_1
    assert [p["pred"] for p in rep["predictions"]] == [int(logits[0].argmax()), int(logits[1:].mean(0).argmax())]
    with pytest.raises(ProtocolError, match="predicts .* the data is labelled"):
        save_checkpoint(ckpt, {"model": {}, "config": asdict(cfg), "classes": ["a", "b", "c"],
                               "normalisation": NORMALISATION, "provenance": {}, "metrics": {}, "step": 0})
        evaluate_main(["--protocol", "checkpoint", "--checkpoint", str(ckpt), "--data", str(cache), "--out", str(out)])
