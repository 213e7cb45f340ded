"""Per-class log-prior offsets fitted after training (logit adjustment).

A recognition head trained on balanced class sets can still prefer one class on faces it never saw: the shipped
model calls 56 % of held-out clips negative when a third are. Adding a constant b_k to class k's logit (the same
as multiplying its probability by exp(b_k) and renormalising) moves the decision boundaries without touching the
weights. The offsets are fitted on the **val** identities' clips only (grid search for the best UF1, then UAR,
then the smallest offsets), stored in the exported model.json as `classBias`, and applied by the held-out
evaluation and by the app alike, so the test figures stay figures on unseen faces with a rule chosen elsewhere.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .metrics import confusion_matrix, scores_from_confusion


def apply_class_bias(probs: np.ndarray, bias: Sequence[float]) -> np.ndarray:
    """Probabilities [N, K] with log-offsets `bias` [K] added to their logits, renormalised."""
    p = np.asarray(probs, dtype=np.float64)
    b = np.asarray(bias, dtype=np.float64)
    if p.ndim != 2 or b.shape != (p.shape[1],):
        raise ValueError(f"probabilities {p.shape} and bias {b.shape} do not match")
    w = p * np.exp(b - b.max())
    return w / w.sum(axis=1, keepdims=True)


def scores_with_bias(probs: np.ndarray, labels: Sequence[int], bias: Sequence[float]) -> dict:
    k = np.asarray(probs).shape[1]
    pred = apply_class_bias(probs, bias).argmax(axis=1)
    return scores_from_confusion(confusion_matrix(labels, pred.tolist(), k))


def fit_class_bias(probs: np.ndarray, labels: Sequence[int], span: float = 3.0, step: float = 0.1) -> list[float]:
    """Offsets (class 0's fixed at 0) in [-span, span] on a `step` grid that maximise UF1 on these clips, ties
    broken by UAR and then by the smallest largest offset (no offset at all when nothing beats it)."""
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != len(labels) or p.shape[0] == 0:
        raise ValueError(f"need [N, K] probabilities for N labels, got {p.shape} for {len(labels)}")
    k = p.shape[1]
    grid = np.round(np.arange(-span, span + step / 2, step), 6)
    logp = np.log(np.clip(p, 1e-12, None))
    y = np.asarray(labels)
    best_key, best = None, [0.0] * k
    # Exhaustive over K-1 free offsets: 61^2 = 3,721 settings for 3 classes, a second in numpy.
    for idx in np.ndindex(*([len(grid)] * (k - 1))):
        b = np.concatenate([[0.0], grid[list(idx)]])
        pred = (logp + b).argmax(axis=1)
        cm = np.zeros((k, k), dtype=np.int64)
        np.add.at(cm, (y, pred), 1)
        sc = scores_from_confusion(cm)
        key = (round(sc["uf1"], 9), round(sc["uar"], 9), -float(np.abs(b).max()))
        if best_key is None or key > best_key:
            best_key, best = key, [float(v) for v in b]
    return best


def cross_validated(probs: np.ndarray, labels: Sequence[int], folds: int = 2) -> dict:
    """Whether fitting pays off on clips it was not fitted on: UF1 of each fold's clips with the offsets fitted
    on the other folds, pooled, against the same clips without offsets (clips dealt to folds in turn)."""
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels)
    k = p.shape[1]
    pred_raw = p.argmax(axis=1)
    pred_cv = np.empty_like(pred_raw)
    for f in range(folds):
        test = np.arange(len(y)) % folds == f
        b = fit_class_bias(p[~test], y[~test].tolist())
        pred_cv[test] = apply_class_bias(p[test], b).argmax(axis=1)
    raw = scores_from_confusion(confusion_matrix(y.tolist(), pred_raw.tolist(), k))
    cv = scores_from_confusion(confusion_matrix(y.tolist(), pred_cv.tolist(), k))
    return {"folds": folds, "uf1_raw": raw["uf1"], "uf1_cv": cv["uf1"], "uar_raw": raw["uar"], "uar_cv": cv["uar"]}
