"""The iBUG-300W 68-point layout (dlib's order, 0-based), as the app's `landmarks68Crop` uses it.

Image coordinates: x to the right, y down, pixel centres at integer coordinates (OpenCV convention).
"Left"/"right" below mean image left/right, not the subject's.
"""
from __future__ import annotations

import numpy as np

N_POINTS = 68

JAW = list(range(0, 17))
BROW_L = list(range(17, 22))      # 17 outer .. 21 inner
BROW_R = list(range(22, 27))      # 22 inner .. 26 outer
NOSE_BRIDGE = list(range(27, 31))
NOSTRILS = list(range(31, 36))
EYE_L = list(range(36, 42))       # 36 outer corner, 37-38 upper lid, 39 inner corner, 40-41 lower lid
EYE_R = list(range(42, 48))       # 42 inner corner, 43-44 upper lid, 45 outer corner, 46-47 lower lid
LIP_OUTER = list(range(48, 60))   # 48 left corner, 51 top centre, 54 right corner, 57 bottom centre
LIP_INNER = list(range(60, 68))   # 60 left corner, 62 top centre, 64 right corner, 66 bottom centre

UPPER_LIDS = [37, 38, 43, 44]
LOWER_LIDS = [40, 41, 46, 47]


def _mirror_permutation() -> np.ndarray:
    pairs = [(i, 16 - i) for i in range(17)]
    pairs += [(17 + i, 26 - i) for i in range(5)]
    pairs += [(27, 27), (28, 28), (29, 29), (30, 30), (31, 35), (32, 34), (33, 33)]
    pairs += [(36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46)]
    pairs += [(48, 54), (49, 53), (50, 52), (51, 51), (55, 59), (56, 58), (57, 57)]
    pairs += [(60, 64), (61, 63), (62, 62), (65, 67), (66, 66)]
    perm = np.full(N_POINTS, -1, dtype=np.int64)
    for a, b in pairs:
        perm[a], perm[b] = b, a
    assert (perm >= 0).all() and sorted(perm.tolist()) == list(range(N_POINTS))
    return perm


# MIRROR[i] is the index that point i becomes after a horizontal flip.
MIRROR = _mirror_permutation()


def eye_centres(ldm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image-left eye centre, image-right eye centre) as the means of the six eye points."""
    return ldm[EYE_L].mean(axis=0), ldm[EYE_R].mean(axis=0)


def inter_ocular(ldm: np.ndarray) -> float:
    """Distance between the outer eye corners (36, 45): the NME normaliser of 300-W and MOL."""
    return float(np.linalg.norm(ldm[45] - ldm[36]))


def mirror_points(ldm: np.ndarray, width: int) -> np.ndarray:
    """Landmarks of the horizontally flipped image: x -> width-1-x, then re-index left<->right."""
    out = np.array(ldm, dtype=np.float32, copy=True)
    out[..., 0] = (width - 1) - out[..., 0]
    return out[..., MIRROR, :]
