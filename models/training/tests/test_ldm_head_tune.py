"""Landmark-head-only training: the feature shortcut is the forward's own landmark path, and a run changes the
landmark head and nothing else (the shape warp it trains on: test_shape_warp.py)."""
import pytest
import torch

from moltrain.config import load_config
from moltrain.ldm_head_tune import HeadTuneError, main
from moltrain.model import build_model

from conftest import run_then_resume


def test_landmark_features_are_the_forward_landmark_path():
    torch.manual_seed(0)
    model = build_model(load_config("rt", 3)).eval()
    x = torch.randn(1, 1, 8, 128, 128)
    with torch.no_grad():
        _, _, ldm = model(x)
        short = model.ldm_predictor(model.landmark_features(x)).reshape(1, 7, 136).transpose(1, 2)
    assert torch.allclose(short, ldm, atol=1e-5)


def test_a_run_trains_the_landmark_head_only_and_resumes(tmp_path, faces_dir, start_checkpoint, capsys):
    out = tmp_path / "run"
    common = ["--steps", "2", "--batch", "1", "--val-clips", "1", "--faces", str(faces_dir), "--out", str(out),
              "--warmup", "1", "--threads", "1"]
    # A finished run resumed gives the same weights back (run_then_resume checks it).
    start, final, changed, rows = run_then_resume(main, start_checkpoint, common, out)
    assert changed and all(k.startswith("ldm_predictor.") for k in changed)
    assert final["step"] == 7 and final["classes"] == start["classes"]
    assert "ldm_head_tune" in final["provenance"]["command"] and "val_nme_end" in final["metrics"]["head_tune"]
    assert [r["step"] for r in rows] == [1, 2]

    # A different run's options are refused.
    with pytest.raises(HeadTuneError, match="resume it with the same"):
        main(["--resume", str(out / "last.pt"), "--steps", "3", *common[2:]])
    with pytest.raises(HeadTuneError, match="not a landmark-head run"):
        main(["--resume", str(start_checkpoint), *common])
