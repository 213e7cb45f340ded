"""The model card's held-out metrics: landmark NME (outer inter-ocular) and flow end-point error."""
import numpy as np

from moltrain.synth.heldout import INNER_POINTS, flow_epe, landmark_nme, markdown_table, outer_interocular


def test_landmark_nme_is_mean_point_error_over_outer_eye_corners():
    gt = np.zeros((68, 2))
    gt[36] = (10.0, 50.0)
    gt[45] = (60.0, 50.0)                      # inter-ocular 50 px
    pred = gt.copy()
    pred[:, 0] += 3.0                          # every point 3 px off
    assert outer_interocular(gt) == 50.0
    assert np.isclose(landmark_nme(pred, gt), 3.0 / 50.0)
    assert landmark_nme(gt, gt) == 0.0
    pred[:17] = gt[:17] + 30.0                 # the jaw outline far off: the inner points' figure ignores it
    assert np.isclose(landmark_nme(pred, gt, INNER_POINTS), 3.0 / 50.0)
    assert landmark_nme(pred, gt) > 0.2


def test_flow_epe_is_mean_vector_length():
    target = np.zeros((2, 2, 4, 4, 7))
    pred = target.copy()
    pred[0, 0] += 3.0
    pred[0, 1] += 4.0                          # clip 0: every vector off by (3, 4) -> 5 px
    assert np.allclose(flow_epe(pred, target), [5.0, 0.0])


def test_markdown_table_lists_every_band_and_the_total():
    row = {"band_px": [0.3, 0.8], "clips": 4, "acc": 0.5, "uf1": 0.4, "uar": 0.5, "flow_epe_px": 0.2,
           "landmark_nme": 0.03, "landmark_failure_rate": 0.01}
    report = {"bands": [row], "overall": {k: v for k, v in row.items() if k != "band_px"}}
    table = markdown_table(report)
    assert "| 0.3-0.8 | 4 | 0.500 |" in table and "| all | 4 |" in table and "3.00%" in table


def test_figures_go_into_model_json_metrics_only(tmp_path):
    from moltrain.synth.heldout import write_into_model_json
    doc = {"format": "mol-web-weights", "payloadSha256": "ab", "metrics": {"inner_val": 1}}
    path = tmp_path / "model.json"
    import json
    path.write_text(json.dumps(doc))
    row = {"band_px": [0.3, 0.8], "clips": 4, "acc": 0.5, "uf1": 0.4, "uar": 0.5, "flow_epe_px": 0.2,
           "landmark_nme": 0.03, "landmark_failure_rate": 0.01, "confusion": [[1]]}
    report = {"split": "test", "identities": ["a"], "checkpoint_step": 7, "classes": ["x", "y", "z"],
              "bands": [row], "overall": {k: v for k, v in row.items() if k != "band_px"}}
    write_into_model_json(path, report)
    out = json.loads(path.read_text())
    assert out["payloadSha256"] == "ab" and out["metrics"]["inner_val"] == 1
    h = out["metrics"]["heldout"]
    assert h["uar"] == 0.5 and h["chanceUar"] == 1 / 3 and h["checkpointStep"] == 7 and h["bands"][0]["bandPx"] == [0.3, 0.8]
