"""Recognition-head-only training: the feature shortcut is the forward's own recognition path, and a run changes
the recognition head and nothing else."""
import pytest
import torch

from moltrain.config import load_config
from moltrain.mer_head_tune import HeadTuneError, main
from moltrain.model import build_model

from conftest import run_then_resume


def test_recognition_features_are_the_forward_recognition_path():
    torch.manual_seed(0)
    model = build_model(load_config("rt", 3)).eval()
    x = torch.randn(2, 1, 8, 128, 128)
    with torch.no_grad():
        logits, _, _ = model(x)
        feats = model.recognition_features(x)
        short = model.mer_3dcnn(feats)
    assert feats.shape == (2, 128, 16, 16, 14)
    assert torch.allclose(short, logits, atol=1e-5)


def test_a_run_trains_the_recognition_head_only_and_resumes(tmp_path, faces_dir, start_checkpoint):
    out = tmp_path / "run"
    common = ["--steps", "2", "--batch", "3", "--val-clips", "2", "--faces", str(faces_dir), "--out", str(out),
              "--warmup", "1", "--threads", "1", "--span-jitter", "3"]
    start, final, changed, rows = run_then_resume(main, start_checkpoint, common, out)
    assert changed and all(k.startswith("mer_3dcnn.") for k in changed)
    assert final["step"] == 7 and final["train"]["mer_head_tune"]["span_jitter_frames"] == 3
    assert "mer_head_tune" in final["provenance"]["command"]
    assert final["provenance"]["data"]["classSets"] and "val_uf1_end" in final["metrics"]["mer_head_tune"]
    assert [r["step"] for r in rows] == [1, 2]
    with pytest.raises(HeadTuneError, match="not a recognition-head run"):
        main(["--resume", str(start_checkpoint), *common])


def test_a_batch_must_hold_whole_class_sets(tmp_path, faces_dir, start_checkpoint):
    with pytest.raises(HeadTuneError, match="class sets of 3"):
        main(["--checkpoint", str(start_checkpoint), "--steps", "1", "--batch", "4", "--faces", str(faces_dir),
              "--out", str(tmp_path / "run")])
