"""Random face-shape warps (moltrain/data/shape_warp.py): image, landmarks and flow move together, one warp per
clip, and the set dataset warps whole sets so their clips still share one face."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from moltrain.data.shape_warp import draw_shape_warp, random_shape_warp
from moltrain.synth.clip import SynthConfig, SynthError, generate_clip
from moltrain.synth.dataset import SynthClipSetDataset
from moltrain.synth.sampling import bilinear
from test_synth_generator import interior, photometric_errors

MOVING = SynthConfig(photometric=False, blink_prob=0.0, morph_prob=0.0)   # expression plus head motion


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


def test_inverse_map_undoes_the_forward_map():
    """At strength 1 (what training uses) the fixed point is within 0.01 px (measured: 0.007 max, 0.0004 mean)."""
    warp = draw_shape_warp(2, 128, torch.Generator().manual_seed(4), strength=1.0)
    p = 10 + torch.rand(2, 500, 2, generator=torch.Generator().manual_seed(5)) * 108
    error = (warp.inverse_map(warp.forward_map(p)) - p).norm(dim=-1)
    assert error.max() < 0.01 and error.mean() < 1e-3
    assert (warp.forward_map(p) - p).norm(dim=-1).mean() > 1.0


def as_batch(clip):
    """A generator Clip as the warp's batch of one: video [1,1,T,H,H], flow [1,2,H,H,T-1], ldm [1,136,T]."""
    t = clip.frames.shape[0]
    return (torch.from_numpy(clip.frames.astype(np.float32))[None, None],
            torch.from_numpy(clip.flow.transpose(0, 2, 3, 1).copy())[None],
            torch.from_numpy(clip.landmarks.reshape(t, 136).T.copy())[None])


@pytest.mark.parametrize("index", [0, 2])
def test_warped_flow_explains_the_warped_frames(face, index):
    """Warping frame t+1 back by the warped flow explains the warped frames as well as the generator's flow
    explains its own, and better than the stale (unwarped) flow does."""
    clip = generate_clip(11, index, [face], MOVING)
    video, flow, _ = as_batch(clip)
    warp = draw_shape_warp(1, 128, torch.Generator().manual_seed(index), strength=1.5)
    w_frames = warp.video(video)[0, 0].numpy()
    w_flow = warp.flow(flow)[0].permute(0, 3, 1, 2).numpy()
    mask = np.zeros((128, 128), dtype=bool)
    mask[14:-14, 14:-14] = True     # the warp moves up to ~10 px of repeated edge into the crop
    raw_orig, orig = photometric_errors(clip, interior(), min_flow=0.25)
    warped = replace(clip, frames=w_frames, flow=w_flow)
    raw, err = photometric_errors(warped, mask, min_flow=0.25)
    stale = replace(clip, frames=w_frames)
    _, stale_err = photometric_errors(stale, mask, min_flow=0.25)
    assert err < 0.5 * raw and err < 1.2 * orig / raw_orig * raw, (raw, err, raw_orig, orig)
    assert err < 0.9 * stale_err, (err, stale_err)


def test_warped_landmarks_follow_the_warped_flow(face):
    """A landmark of frame t plus the warped flow there lands on the warped landmark of frame t+1."""
    clip = generate_clip(11, 0, [face], MOVING)
    video, flow, ldm = as_batch(clip)
    warp = draw_shape_warp(1, 128, torch.Generator().manual_seed(7), strength=1.0)
    w_flow, pts = warp.flow(flow)[0].numpy(), warp.landmarks(ldm)[0].numpy().reshape(68, 2, 8)
    residual, motion = [], []
    for t in range(7):
        p, q = pts[:, :, t], pts[:, :, t + 1]
        inside = (p.min(1) > 2) & (p.max(1) < 125)
        step = np.stack([bilinear(w_flow[c, :, :, t], p[:, 0], p[:, 1]) for c in (0, 1)], 1)
        residual.append(np.linalg.norm(p + step - q, axis=1)[inside])
        motion.append(np.linalg.norm(q - p, axis=1)[inside])
    assert np.concatenate(motion).mean() > 0.1
    residual = np.concatenate(residual)    # the flow is read bilinearly between pixels, hence not exactly 0
    assert residual.mean() < 0.005 and residual.max() < 0.05, (residual.mean(), residual.max())


def test_zero_strength_keeps_the_flow():
    flow = torch.randn(2, 2, 32, 32, 7, generator=torch.Generator().manual_seed(3))
    warp = draw_shape_warp(2, 32, torch.Generator().manual_seed(0), strength=0.0)
    torch.testing.assert_close(warp.flow(flow), flow, atol=1e-4, rtol=0)


def test_set_dataset_warps_whole_sets_at_the_requested_share(face):
    plain = SynthClipSetDataset([face], seed=31, length=3 * 24, event_fraction=0.5)
    warped = SynthClipSetDataset([face], seed=31, length=3 * 24, event_fraction=0.5, shape_warp=1.0,
                                 shape_warp_fraction=0.5)
    assert warped.provenance["shapeWarp"] == 1.0 and warped.provenance["shapeWarpFraction"] == 0.5
    changed = []
    for j in range(24):
        a = [plain[3 * j + k] for k in range(3)]
        b = [warped[3 * j + k] for k in range(3)]
        same = [np.array_equal(x["video"], y["video"]) and np.array_equal(x["ldm"], y["ldm"]) for x, y in zip(a, b)]
        assert len(set(same)) == 1, "a set is warped as a whole or not at all"
        changed.append(not same[0])
        if changed[-1]:   # one warp for the set: its clips' first-frame landmarks moved alike
            moves = [y["ldm"][:, 0] - x["ldm"][:, 0] for x, y in zip(a, b)]
            assert np.abs(moves[1] - moves[0]).max() < 0.5 and np.abs(moves[0]).mean() > 0.5
            assert [y["label"] for y in b] == [0, 1, 2] and b[0]["flow"].dtype == np.float32
    assert 6 <= sum(changed) <= 18
    again = SynthClipSetDataset([face], seed=31, length=3 * 24, event_fraction=0.5, shape_warp=1.0,
                                shape_warp_fraction=0.5)
    j = changed.index(True)
    assert np.array_equal(again[3 * j + 1]["video"], warped[3 * j + 1]["video"])


def test_set_dataset_refuses_a_negative_warp(face):
    with pytest.raises(SynthError, match="shape warp"):
        SynthClipSetDataset([face], seed=1, length=3, shape_warp=-1.0)
