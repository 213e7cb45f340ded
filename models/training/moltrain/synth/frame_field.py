"""Crop-space displacement fields carried into full-frame pixels through the app's alignment.

The app aligns a frame with a similarity A (frame px -> crop px): A x = M x + b. A crop-space motion
p_c -> p_c + D(p_c) moves the frame point x = A^-1 p_c to A^-1(A x + D(A x)) = x + M^-1 D(A x), so the
frame-space field is  D_frame(x) = M^-1 D_crop(A x).  Conjugating by a similarity keeps det(I + grad D),
so the generator's fold guard (in crop space) holds in the frame too. D_crop is the generator's Wendland
field, evaluated exactly from its centres and weights (also outside the 128 crop, e.g. a chin below it).
"""
from __future__ import annotations

import numpy as np

from .field import _wendland


class FrameFieldError(ValueError):
    """A malformed alignment or field description."""


def _check_alignment(alignment: np.ndarray) -> np.ndarray:
    m = np.asarray(alignment, dtype=np.float64)
    if m.shape != (2, 3) or not np.isfinite(m).all() or abs(np.linalg.det(m[:, :2])) < 1e-9:
        raise FrameFieldError(f"alignment must be a finite invertible [2, 3] similarity, got {m.tolist()}")
    return m


def crop_field_at(centres: np.ndarray, weights: np.ndarray, radius: float, pts: np.ndarray) -> np.ndarray:
    """The crop-space Wendland field at crop points pts [N, 2] -> [N, 2] (what LocalField.at computes)."""
    c = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    w = np.asarray(weights, dtype=np.float64).reshape(-1, 2)
    pts = np.asarray(pts, dtype=np.float64)
    out = np.zeros_like(pts)
    if len(c) == 0:
        return out
    for i in range(0, len(pts), 65536):          # bounded memory: N x M distances per block
        p = pts[i:i + 65536]
        r = np.linalg.norm(p[:, None, :] - c[None, :, :], axis=-1) / radius
        out[i:i + 65536] = _wendland(r) @ w
    return out


def frame_field(alignment: np.ndarray, centres: np.ndarray, weights: np.ndarray, radius: float,
                size: tuple[int, int]) -> np.ndarray:
    """D_frame on the frame grid: float32 [2, H, W] (dx, dy) at pixel (y, x); size = (width, height).
    Only pixels whose crop position lies within `radius` of a centre's bounding box are evaluated (the field
    is exactly zero elsewhere)."""
    m = _check_alignment(alignment)
    width, height = size
    out = np.zeros((2, height, width), dtype=np.float32)
    c = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    if len(c) == 0:
        return out
    lo, hi = c.min(0) - radius, c.max(0) + radius
    corners = np.array([[lo[0], lo[1]], [hi[0], lo[1]], [lo[0], hi[1]], [hi[0], hi[1]]])
    fc = (corners - m[:, 2]) @ np.linalg.inv(m[:, :2]).T            # crop box -> frame (rotated) box
    x0, y0 = np.maximum(np.floor(fc.min(0)).astype(int) - 1, 0)
    x1 = min(int(np.ceil(fc[:, 0].max())) + 2, width)
    y1 = min(int(np.ceil(fc[:, 1].max())) + 2, height)
    if x0 >= x1 or y0 >= y1:
        return out
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    pts = np.stack([xs.ravel(), ys.ravel()], 1)
    d_crop = crop_field_at(c, weights, radius, pts @ m[:, :2].T + m[:, 2])
    d = d_crop @ np.linalg.inv(m[:, :2]).T
    out[:, y0:y1, x0:x1] = d.T.reshape(2, y1 - y0, x1 - x0)
    return out


def frame_field_at(alignment: np.ndarray, centres: np.ndarray, weights: np.ndarray, radius: float,
                   pts: np.ndarray) -> np.ndarray:
    """D_frame exactly at frame points pts [N, 2] (landmarks)."""
    m = _check_alignment(alignment)
    pts = np.asarray(pts, dtype=np.float64)
    return crop_field_at(centres, weights, radius, pts @ m[:, :2].T + m[:, 2]) @ np.linalg.inv(m[:, :2]).T
