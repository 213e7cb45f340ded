"""Reality check helpers: the app's crop warp rebuilt in numpy, and the landmark-based expression states."""
import numpy as np

from moltrain.synth.reality_check import BORDER, expression_state, warp_crop


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
