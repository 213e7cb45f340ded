"""Metric definitions against hand-computed confusion matrices."""
import numpy as np
import pytest

from moltrain.metrics import MetricInputError, confusion_matrix, scores, scores_from_confusion, sum_confusions


def test_confusion_rows_are_truth_columns_are_predictions():
    cm = confusion_matrix([0, 0, 1, 2], [1, 0, 1, 1], 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_perfect():
    s = scores([0, 1, 2, 2], [0, 1, 2, 2], 3)
    assert (s["acc"], s["uf1"], s["uar"], s["weighted_f1"]) == (1.0, 1.0, 1.0, 1.0)


def test_all_wrong_scores_zero_not_skipped():
    s = scores([0, 0, 1, 1, 2], [1, 2, 0, 2, 0], 3)
    assert (s["acc"], s["uf1"], s["uar"], s["weighted_f1"]) == (0.0, 0.0, 0.0, 0.0)
    assert s["present_classes"] == [0, 1, 2]


def test_mixed_hand_computed():
    # cm = [[2,1,0],[0,1,1],[0,0,1]]: F1 = 4/5, 2/4, 2/3; recall = 2/3, 1/2, 1; support 3, 2, 1
    s = scores([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3)
    assert s["acc"] == pytest.approx(4 / 6)
    assert s["uf1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert s["uar"] == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    assert s["weighted_f1"] == pytest.approx((3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6)
    assert s["per_class"]["f1"] == pytest.approx([0.8, 0.5, 2 / 3])


def test_absent_class_is_left_out_of_uf1_and_uar_even_when_predicted():
    # class 2 has no ground truth but is predicted once: cm = [[1,0,1],[0,2,0],[0,0,0]]
    s = scores([0, 0, 1, 1], [0, 2, 1, 1], 3)
    assert s["present_classes"] == [0, 1]
    assert s["uf1"] == pytest.approx((2 / 3 + 1.0) / 2)     # not (2/3 + 1 + 0) / 3
    assert s["uar"] == pytest.approx((0.5 + 1.0) / 2)
    assert s["acc"] == pytest.approx(0.75)
    assert s["weighted_f1"] == pytest.approx((2 * 2 / 3 + 2 * 1.0) / 4)
    assert s["per_class"]["f1"][2] is None and s["per_class"]["support"] == [2, 2, 0]


def test_present_but_never_predicted_class_counts_as_zero():
    # class 2 has one sample, always missed: F1_2 = 0 and recall_2 = 0 enter the means
    s = scores([0, 1, 2], [0, 1, 0], 3)
    assert s["uf1"] == pytest.approx((2 / 3 + 1.0 + 0.0) / 3)
    assert s["uar"] == pytest.approx((1.0 + 1.0 + 0.0) / 3)


def test_composite_scores_come_from_the_summed_matrix_not_the_fold_mean():
    f1 = confusion_matrix([0, 1], [0, 0], 3)
    f2 = confusion_matrix([2, 2], [2, 1], 3)
    summed = sum_confusions([f1, f2])
    assert summed.tolist() == confusion_matrix([0, 1, 2, 2], [0, 0, 2, 1], 3).tolist()
    pooled = scores_from_confusion(summed)["uf1"]
    fold_mean = np.mean([scores_from_confusion(f1)["uf1"], scores_from_confusion(f2)["uf1"]])
    # F1 over the pooled matrix: class 0 = 2/3, class 1 = 0, class 2 = 2/3
    assert pooled == pytest.approx((2 / 3 + 0 + 2 / 3) / 3)
    assert pooled != pytest.approx(fold_mean)


def test_bad_inputs_are_named():
    with pytest.raises(MetricInputError, match="label 3 outside 0..2"):
        confusion_matrix([3], [0], 3)
    with pytest.raises(MetricInputError, match="2 labels but 1 predictions"):
        confusion_matrix([0, 1], [0], 3)
    with pytest.raises(MetricInputError, match="empty"):
        scores_from_confusion(np.zeros((3, 3), dtype=np.int64))
    with pytest.raises(MetricInputError, match="different shapes"):
        sum_confusions([np.zeros((3, 3)), np.zeros((5, 5))])
