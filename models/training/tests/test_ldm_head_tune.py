"""Landmark-head-only training: the shape warp keeps image and landmarks together, the feature shortcut is the
forward's own landmark path, and a run changes the landmark head and nothing else."""
import pytest
import torch
import torch.nn.functional as F

from moltrain.config import load_config
from moltrain.data.shape_warp import random_shape_warp
from moltrain.ldm_head_tune import HeadTuneError, main
from moltrain.model import build_model

from conftest import run_then_resume


def smooth_image(seed: int, size: int = 128) -> torch.Tensor:
    """A smooth random texture, so intensity identifies a point well below a pixel."""
    g = torch.Generator().manual_seed(seed)
    return F.interpolate(torch.randn(1, 1, 8, 8, generator=g), size=(size, size), mode="bicubic",
                         align_corners=True)[0, 0]


def sample(img: torch.Tensor, pts: torch.Tensor) -> torch.Tensor:
    grid = (pts / (img.shape[-1] - 1) * 2 - 1).reshape(1, -1, 1, 2)
    return F.grid_sample(img[None, None], grid, align_corners=True).reshape(-1)


def clip_with_landmarks(b: int = 3, t: int = 8):
    g = torch.Generator().manual_seed(3)
    frames = torch.stack([torch.stack([smooth_image(10 * i + k) for k in range(t)]) for i in range(b)])  # [B,T,H,H]
    pts = 30 + torch.rand(b, 68, 2, t, generator=g) * 68     # well inside the crop
    return frames.unsqueeze(1), pts.reshape(b, 136, t)


def test_warped_landmarks_sit_on_the_same_image_content():
    video, ldm = clip_with_landmarks()
    out, moved = random_shape_warp(video, ldm, torch.Generator().manual_seed(1), strength=1.5)
    assert out.shape == video.shape and moved.shape == ldm.shape
    for i in range(video.shape[0]):
        for k in (0, 7):
            p0 = ldm[i, :, k].reshape(68, 2)
            p1 = moved[i, :, k].reshape(68, 2)
            before = sample(video[i, 0, k], p0)
            spread = (before - sample(out[i, 0, k], p0)).abs().mean()      # content that did not follow
            assert (before - sample(out[i, 0, k], p1)).abs().mean() < 0.1 * spread
            assert (p1 - p0).norm(dim=1).mean() > 1.0                        # and the warp did move them


def test_one_warp_per_clip_for_every_frame():
    video, ldm = clip_with_landmarks(b=2)
    video[:, :, 1:] = video[:, :, :1]          # a still clip
    ldm[..., 1:] = ldm[..., :1]
    out, moved = random_shape_warp(video, ldm, torch.Generator().manual_seed(2))
    assert torch.equal(out[:, :, 3], out[:, :, 0]) and torch.allclose(moved[..., 5], moved[..., 0])


def test_strength_zero_is_the_identity_and_a_seed_repeats():
    video, ldm = clip_with_landmarks(b=2)
    same_v, same_l = random_shape_warp(video, ldm, torch.Generator().manual_seed(0), strength=0)
    assert same_v is video and same_l is ldm
    a = random_shape_warp(video, ldm, torch.Generator().manual_seed(9))
    b = random_shape_warp(video, ldm, torch.Generator().manual_seed(9))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_shape_errors_name_the_expected_layout():
    video, ldm = clip_with_landmarks(b=2)
    with pytest.raises(ValueError, match=r"\[B,1,T,H,H\]"):
        random_shape_warp(video[:, 0], ldm, torch.Generator())
    with pytest.raises(ValueError, match=r"\[B,136,T\]"):
        random_shape_warp(video, ldm[..., :7], torch.Generator())


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
