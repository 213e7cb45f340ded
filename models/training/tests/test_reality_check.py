"""Reality check helpers: the app's crop warp rebuilt in numpy, the landmark-based expression states, and the
windows cut in one alignment."""
import numpy as np
import pytest

from moltrain.synth.reality_check import BORDER, RealityCheckError, expression_state, warp_crop, window_clips


def test_warp_crop_samples_the_inverse_affine_like_the_app():
    rng = np.random.default_rng(0)
    gray = rng.uniform(0, 255, (200, 300)).astype(np.float32)
    crop = warp_crop(gray, (1.0, 0.0, -10.0, 0.0, 1.0, -20.0))     # video (x, y) -> crop (x - 10, y - 20)
    assert np.array_equal(crop, np.floor(gray[20:148, 10:138] + 0.5).astype(np.uint8))
    half = warp_crop(gray, (2.0, 0.0, 0.0, 0.0, 2.0, 0.0))          # crop (u, v) samples video (u/2, v/2)
    assert half[0, 1] == np.floor(0.5 * gray[0, 0] + 0.5 * gray[0, 1] + 0.5)
    outside = warp_crop(gray, (1.0, 0.0, 500.0, 0.0, 1.0, 0.0))
    assert (outside == BORDER).all()


def test_expression_state_marks_raised_brows_and_open_mouth():
    base = np.zeros((68, 2))
    base[36], base[45] = (40, 60), (88, 60)                          # eyes, inter-ocular 48
    base[36:48, 1] = 60
    base[17:27, 1] = 45
    base[62], base[66] = (64, 100), (64, 101)
    frames = np.repeat(base[None], 10, axis=0)
    frames[7, 17:27, 1] -= 6                                         # brows up by 6/48 = 0.125 IOD
    frames[8, 66, 1] += 5                                            # mouth opens by ~0.1 IOD
    frames[9, 17:27, 1] -= 2                                         # 0.04: in between
    _, _, state = expression_state(frames)
    assert state.tolist() == [0] * 7 + [2, 2, 1]


def test_window_clips_cut_each_window_in_one_alignment_on_request():
    yy, xx = np.mgrid[0:120, 0:160].astype(np.float32)
    still = 128 + 60 * np.sin(xx / 5) * np.cos(yy / 7)
    gray = np.stack([still] * 12)  # a still face...
    # ...whose alignment drifts 0.5 px a frame, as it does when the tracker's points follow an expression
    aligns = [[0.9, 0.0, -10 + 0.5 * i, 0.0, 0.9, -5.0] for i in range(12)]
    for mode in ("first", "last"):
        starts, clips = window_clips(gray, aligns, 4, mode)
        assert list(starts) == [0, 4]
        for clip in clips:
            assert clip.shape == (8, 128, 128) and all(np.array_equal(c, clip[0]) for c in clip)  # no motion at all
    _, own = window_clips(gray, aligns, 4, "frame")
    _, first = window_clips(gray, aligns, 4, "first")
    _, last = window_clips(gray, aligns, 4, "last")
    assert np.array_equal(first[0][5], own[0][0]) and np.array_equal(last[0][0], own[0][7])  # the reference frames
    assert np.abs(own[0][7].astype(int) - own[0][0].astype(int)).max() > 20  # the drift shows as motion
    with pytest.raises(RealityCheckError, match="window alignment"):
        window_clips(gray, aligns, 4, "middle")


def test_landmark_agreement_is_nme_against_the_tracker():
    from moltrain.synth.reality_check import landmark_agreement
    tracker = np.zeros((2, 68, 2))
    tracker[:, 36], tracker[:, 45] = (40, 60), (90, 60)                 # inter-ocular 50
    pred = tracker.copy()
    pred[0] += (0.0, 1.0)                                               # window 0: every point 1 px off
    pred[1, :17] += (5.0, 0.0)                                          # window 1: only the jaw, 5 px off
    a = landmark_agreement(pred, tracker)
    assert a["windows"] == 2
    assert np.isclose(a["nme_mean"], (1 / 50 + 17 * 5 / 68 / 50) / 2)
    assert np.isclose(a["nme_inner_mean"], (1 / 50 + 0) / 2)
