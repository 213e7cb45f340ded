"""The clip contract: normalisation, MOL's uniform sampling, collation with missing targets."""
import numpy as np
import pytest

from moltrain.data.clip import (ClipFormatError, collate_clips, normalise_frames, uniform_clip_indices,
                                validate_sample)


def test_normalise_frames_standardises_each_frame_on_its_own():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(8, 128, 128), dtype=np.uint8)
    frames[3] = frames[3] // 4 + 100          # a dimmer, lower-contrast frame
    x = normalise_frames(frames)
    assert x.dtype == np.float32 and x.shape == (8, 128, 128)
    np.testing.assert_allclose(x.mean(axis=(1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(x.std(axis=(1, 2)), 1.0, atol=1e-4)
    # the formula, written out for one frame (population std)
    g = frames[5].astype(np.float64) / 255.0
    np.testing.assert_allclose(x[5], (g - g.mean()) / (g.std() + 1e-6), rtol=1e-5, atol=1e-5)
    # one frame's content does not change another's normalisation
    frames2 = frames.copy()
    frames2[0] = 0
    np.testing.assert_array_equal(normalise_frames(frames2)[1:], x[1:])


def test_constant_frame_becomes_zero_not_nan():
    x = normalise_frames(np.full((2, 128, 128), 77, dtype=np.uint8))
    assert np.isfinite(x).all() and np.abs(x).max() == 0.0


def test_uniform_sampling_is_mols():
    assert uniform_clip_indices(7) == []
    assert uniform_clip_indices(8) == [list(range(8))]
    # 17 frames: stride 2, offsets 0 and 1; frame 16 is never used
    assert uniform_clip_indices(17) == [list(range(0, 16, 2)), list(range(1, 16, 2))]
    clips = uniform_clip_indices(40)
    assert len(clips) == 5 and clips[4] == [4, 9, 14, 19, 24, 29, 34, 39]


def sample(**over):
    s = {"video": np.zeros((1, 8, 128, 128), np.float32), "label": 1, "flow": None, "ldm": None,
         "subject": "a", "sample_id": "a/1"}
    s.update(over)
    return s


def test_collate_masks_missing_targets():
    ldm = np.arange(136 * 8, dtype=np.float32).reshape(136, 8)
    b = collate_clips([sample(), sample(ldm=ldm, sample_id="a/2", label=2)])
    assert b["video"].shape == (2, 1, 8, 128, 128)
    assert b["label"].tolist() == [1, 2]
    assert b["flow_mask"].tolist() == [False, False] and b["flow"].shape == (2, 2, 128, 128, 7)
    assert b["ldm_mask"].tolist() == [False, True]
    np.testing.assert_array_equal(b["ldm"][1].numpy(), ldm)
    assert b["video_id"] == ["a/1", "a/2"]


def test_bad_samples_are_named():
    with pytest.raises(ClipFormatError, match="video has shape"):
        validate_sample(sample(video=np.zeros((8, 128, 128), np.float32)))
    with pytest.raises(ClipFormatError, match="flow has shape"):
        validate_sample(sample(flow=np.zeros((2, 7, 128, 128), np.float32)))
    with pytest.raises(ClipFormatError, match="missing field 'subject'"):
        s = sample()
        del s["subject"]
        validate_sample(s)
    with pytest.raises(ClipFormatError, match="NaN"):
        validate_sample(sample(ldm=np.full((136, 8), np.nan, np.float32)))
