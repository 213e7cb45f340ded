"""Per-class log-offsets fitted on val clips (moltrain/class_bias.py) and their round trip through model.json."""
import json

import numpy as np
import pytest

from moltrain.class_bias import apply_class_bias, cross_validated, fit_class_bias, scores_with_bias
from moltrain.synth.heldout import evaluate_checkpoint, read_class_bias, write_class_bias


def _biased_classifier(n=300, seed=0):
    """Probabilities that carry the class but lean towards class 2 (as the shipped head leans to negative)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    logits = rng.normal(0, 1.0, (n, 3))
    logits[np.arange(n), y] += 1.5
    logits[:, 2] += 1.2
    p = np.exp(logits)
    return p / p.sum(1, keepdims=True), y.tolist()


def test_apply_class_bias_is_adding_to_the_logits():
    p = np.array([[0.2, 0.3, 0.5]])
    b = [0.0, 0.5, -1.0]
    expected = np.exp(np.log(p) + b)
    assert np.allclose(apply_class_bias(p, b), expected / expected.sum())
    assert np.allclose(apply_class_bias(p, [0.0, 0.0, 0.0]), p)
    with pytest.raises(ValueError):
        apply_class_bias(p, [0.0, 1.0])


def test_fit_removes_a_lean_towards_one_class_and_generalises_to_fresh_clips():
    p, y = _biased_classifier(seed=0)
    before = scores_with_bias(p, y, [0, 0, 0])
    b = fit_class_bias(p, y)
    assert b[0] == 0.0 and b[2] < -0.5                 # class 2's logit is pulled down
    assert scores_with_bias(p, y, b)["uf1"] > before["uf1"] + 0.05
    p2, y2 = _biased_classifier(seed=1)                 # fitted on one set, better on another
    assert scores_with_bias(p2, y2, b)["uf1"] > scores_with_bias(p2, y2, [0, 0, 0])["uf1"]


def test_fit_keeps_zero_offsets_for_an_unbiased_classifier_it_cannot_improve():
    y = [0, 1, 2] * 10
    p = np.eye(3)[y] * 0.9 + 0.1 / 3
    assert fit_class_bias(p, y) == [0.0, 0.0, 0.0]


def test_fitting_on_test_identities_is_refused():
    with pytest.raises(ValueError, match="val identities only"):
        evaluate_checkpoint(None, "test", 1, 0, fit_bias=True)


def test_class_bias_round_trips_through_model_json_and_checks_the_class_order(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "mol-web-weights", "payloadSha256": "ab"}))
    report = {"classes": ["surprise", "positive", "negative"], "split": "val", "identities": ["v1"], "seed": 0,
              "checkpoint_step": 9, "overall": {"uf1": 0.5, "uar": 0.5},
              "class_bias_fit": {"bias": [0.0, 0.31234, -0.8], "clips": 30, "uf1": 0.6, "uar": 0.62}}
    write_class_bias(path, report)
    doc = json.loads(path.read_text())
    assert doc["payloadSha256"] == "ab"
    assert doc["classBias"]["logOffsets"] == [0.0, 0.3123, -0.8]
    assert doc["classBias"]["fittedOn"]["split"] == "val"
    assert read_class_bias(path, ["surprise", "positive", "negative"]) == [0.0, 0.3123, -0.8]
    with pytest.raises(ValueError, match="classes"):
        read_class_bias(path, ["positive", "surprise", "negative"])


def test_cross_validation_scores_each_fold_with_offsets_fitted_on_the_others():
    p, y = _biased_classifier(n=400, seed=3)
    cv = cross_validated(p, y)
    assert cv["folds"] == 2 and abs(cv["uf1_raw"] - scores_with_bias(p, y, [0, 0, 0])["uf1"]) < 1e-12
    assert cv["uf1_cv"] > cv["uf1_raw"]          # the lean is real, so fitting pays off out of sample
