"""Micro-expression recognition metrics as the MOL paper and the MEGC challenges report them.

Every figure is computed from ONE confusion matrix (rows = true class, columns = predicted class). For
leave-one-subject-out and the composite protocol that matrix is the sum of the per-fold matrices, which is
the same as pooling every fold's predictions (MEGC composite practice), not an average of per-fold scores.

Definitions (K classes, C the confusion matrix, n = C.sum()):
  Acc (= WAR)   trace(C) / n
  F1_k          2 TP_k / (2 TP_k + FP_k + FN_k)
  recall_k      TP_k / (TP_k + FN_k)
  UF1           mean of F1_k over the PRESENT classes
  UAR           mean of recall_k over the PRESENT classes
  weighted F1   sum_k support_k F1_k / n   (support_k = row sum; sklearn's average='weighted')

Absent classes: a class is present when it has at least one ground-truth sample in the evaluated matrix.
A class with no ground truth is left out of UF1 and UAR, even if it was predicted (those wrong
predictions are still false negatives of the true classes, so they lower those classes' F1 and recall).
This is what the MEGC 2019 reference evaluation does (its per-class recall raises on 0/0 and the class is
skipped for both F1 and recall), and it keeps a fold without, say, surprise from being scored as if the
model had failed on a class it was never shown. A present class that is never predicted correctly gets
F1 = 0 and recall = 0, never skipped.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np


class MetricInputError(ValueError):
    """Labels or predictions that cannot be scored (out of range, mismatched lengths, empty)."""


def confusion_matrix(y_true: Iterable[int], y_pred: Iterable[int], num_classes: int) -> np.ndarray:
    """Counts as int64 [K, K], rows = true class, columns = predicted class."""
    t = np.asarray(list(y_true), dtype=np.int64)
    p = np.asarray(list(y_pred), dtype=np.int64)
    if t.shape != p.shape:
        raise MetricInputError(f"{t.size} labels but {p.size} predictions")
    for name, v in (("label", t), ("prediction", p)):
        bad = (v < 0) | (v >= num_classes)
        if bad.any():
            raise MetricInputError(f"{name} {int(v[bad][0])} outside 0..{num_classes - 1}")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def sum_confusions(matrices: Sequence[np.ndarray]) -> np.ndarray:
    """The composite matrix: per-fold matrices added element-wise."""
    if not matrices:
        raise MetricInputError("no confusion matrices to sum")
    shapes = {m.shape for m in matrices}
    if len(shapes) != 1:
        raise MetricInputError(f"confusion matrices of different shapes: {sorted(shapes)}")
    return np.sum(np.stack(matrices), axis=0)


def scores_from_confusion(cm: np.ndarray) -> dict:
    """Acc, weighted F1, UF1, UAR plus per-class F1/recall/support from a confusion matrix."""
    cm = np.asarray(cm, dtype=np.int64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise MetricInputError(f"confusion matrix must be square, got shape {cm.shape}")
    n = int(cm.sum())
    if n == 0:
        raise MetricInputError("confusion matrix is empty (no samples)")
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1).astype(np.float64)      # true samples per class
    predicted = cm.sum(axis=0).astype(np.float64)    # predictions per class
    fp = predicted - tp
    fn = support - tp
    present = support > 0
    f1_den = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, f1_den, out=np.zeros_like(tp), where=f1_den > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=present)
    return {
        "n": n,
        "acc": float(tp.sum() / n),
        "weighted_f1": float((support * f1).sum() / n),
        "uf1": float(f1[present].mean()),
        "uar": float(recall[present].mean()),
        "per_class": {
            "f1": [float(v) if p else None for v, p in zip(f1, present)],
            "recall": [float(v) if p else None for v, p in zip(recall, present)],
            "support": [int(v) for v in support],
        },
        "present_classes": [int(i) for i in np.flatnonzero(present)],
        "confusion": cm.tolist(),
    }


def scores(y_true: Iterable[int], y_pred: Iterable[int], num_classes: int) -> dict:
    return scores_from_confusion(confusion_matrix(y_true, y_pred, num_classes))
