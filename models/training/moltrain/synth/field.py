"""Dense displacement fields from sparse point displacements.

* `local_field`: Wendland C2 compactly supported RBF interpolation. phi(r) = (1-r)^4 (4r+1) for r < 1 is
  positive definite in 2-D, so the interpolant through every centre exists; the field is exactly zero
  farther than `radius` from every centre that carries weight. Expression and blink motion use it, which
  keeps motion where the AUs act (a global TPS overshoots into the rest of the face).
* `tps_field`: thin-plate spline with an affine part, for identity morphs (a global shape change).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

# Centres closer than this share one averaged target (coincident lips of a closed mouth would make the
# interpolation matrix singular).
MERGE_PX = 0.75
# Centres whose weight is below this are dropped from the evaluation: each contributes at most this many
# px anywhere. Landmark targets are read from the evaluated field, so they stay consistent with the frames.
WEIGHT_EPS = 1e-5


class FieldError(ValueError):
    """Bad centres or targets for a field."""


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # torch's LAPACK call is ~25x faster here than numpy's (OpenBLAS thread start-up on small systems).
    return torch.linalg.solve(torch.from_numpy(a), torch.from_numpy(b)).numpy()


def _wendland(r: np.ndarray) -> np.ndarray:
    t = np.clip(1.0 - r, 0.0, None)
    return t ** 4 * (4.0 * r + 1.0)


def _merge_close(centres: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dist = np.linalg.norm(centres[:, None, :] - centres[None, :, :], axis=-1)
    close = dist < MERGE_PX
    if close.sum() == len(centres):          # nothing to merge (only the diagonal)
        return centres, targets
    keep = np.ones(len(centres), dtype=bool)
    c, t = centres.copy(), targets.copy()
    for i in np.nonzero(close.sum(1) > 1)[0]:
        if not keep[i]:
            continue
        group = close[i] & keep
        c[i], t[i] = centres[group].mean(0), targets[group].mean(0)
        group[i] = False
        keep &= ~group
    return c[keep], t[keep]


@dataclass(frozen=True)
class LocalField:
    """A Wendland RBF displacement field: sampled on the crop grid, and exact anywhere through `at`."""
    grid: np.ndarray       # float32 [2, size, size]: (dx, dy) at pixel (y, x)
    centres: np.ndarray    # [M, 2] centres that carry weight
    weights: np.ndarray    # [M, 2]
    radius: float

    def at(self, points: np.ndarray) -> np.ndarray:
        """Exact field values at [N, 2] points (also outside the crop, e.g. a chin below it)."""
        pts = np.asarray(points, dtype=np.float64)
        if len(self.centres) == 0:
            return np.zeros_like(pts)
        r = np.linalg.norm(pts[:, None, :] - self.centres[None, :, :], axis=-1) / self.radius
        return _wendland(r) @ self.weights

    def scaled(self, k: float) -> "LocalField":
        return LocalField((self.grid * np.float32(k)).astype(np.float32), self.centres, self.weights * k, self.radius)


def local_field(centres: np.ndarray, targets: np.ndarray, radius: float, size: int) -> LocalField:
    """The field that equals `targets` at `centres` (both [N, 2], x/y px), zero beyond `radius` of them."""
    centres = np.asarray(centres, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if centres.shape != targets.shape or centres.ndim != 2 or centres.shape[1] != 2:
        raise FieldError(f"centres {centres.shape} and targets {targets.shape} must both be [N, 2]")
    if radius <= 0:
        raise FieldError(f"radius must be positive, got {radius}")
    out = np.zeros((2, size, size), dtype=np.float64)
    if not np.any(targets):
        return LocalField(out.astype(np.float32), np.zeros((0, 2)), np.zeros((0, 2)), float(radius))
    c, t = _merge_close(centres, targets)
    k = _wendland(np.linalg.norm(c[:, None, :] - c[None, :, :], axis=-1) / radius)
    w = _solve(k + 1e-9 * np.eye(len(c)), t)
    active = np.abs(w).max(axis=1) > WEIGHT_EPS
    c, w = c[active], w[active]
    r_int = int(np.ceil(radius))
    for (cx, cy), (wx, wy) in zip(c, w):
        x0, x1 = max(int(np.floor(cx)) - r_int, 0), min(int(np.ceil(cx)) + r_int + 1, size)
        y0, y1 = max(int(np.floor(cy)) - r_int, 0), min(int(np.ceil(cy)) + r_int + 1, size)
        if x0 >= x1 or y0 >= y1:
            continue
        xs = np.arange(x0, x1) - cx
        ys = np.arange(y0, y1) - cy
        phi = _wendland(np.sqrt(ys[:, None] ** 2 + xs[None, :] ** 2) / radius)
        out[0, y0:y1, x0:x1] += wx * phi
        out[1, y0:y1, x0:x1] += wy * phi
    return LocalField(out.astype(np.float32), c, w, float(radius))


def _tps_kernel(r2: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r2 > 0, 0.5 * r2 * np.log(r2), 0.0)


def tps_field(centres: np.ndarray, targets: np.ndarray, size: int, regularisation: float = 1e-3,
              coarse: int = 33) -> np.ndarray:
    """Thin-plate spline interpolation of `targets` at `centres`, on the grid: [2, size, size].

    A TPS is smooth, so it is evaluated on a `coarse` x `coarse` lattice spanning the crop and upsampled
    bilinearly (about 15x cheaper; the error is far below a pixel for face-shape changes)."""
    c = np.asarray(centres, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64)
    if len(c) < 3 or c.shape != t.shape:
        raise FieldError(f"a TPS needs at least 3 matching centres/targets, got {c.shape} and {t.shape}")
    c, t = _merge_close(c, t)
    n = len(c)
    k = _tps_kernel(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1)) + regularisation * np.eye(n)
    p = np.hstack([np.ones((n, 1)), c])
    a = np.zeros((n + 3, n + 3))
    a[:n, :n], a[:n, n:], a[n:, :n] = k, p, p.T
    b = np.zeros((n + 3, 2))
    b[:n] = t
    sol = _solve(a, b)
    w, aff = sol[:n], sol[n:]
    g = np.linspace(0.0, size - 1.0, coarse)
    ys, xs = np.meshgrid(g, g, indexing="ij")
    q = np.stack([xs.ravel(), ys.ravel()], axis=1)
    u = _tps_kernel(((q[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    val = torch.from_numpy((u @ w + aff[0] + q @ aff[1:]).T.reshape(1, 2, coarse, coarse))
    up = torch.nn.functional.interpolate(val, size=(size, size), mode="bilinear", align_corners=True)
    return up[0].numpy().astype(np.float32)
