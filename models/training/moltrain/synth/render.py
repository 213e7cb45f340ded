"""Renders a clip from one source face: the exact forward model behind frames, flow and landmarks.

Frame t shows the source face S under the mapping  Phi_t(p) = G_t(p + E_t(p)):
  E_t = sum_k s_k(t) D_k   local expression/blink fields (crop px) times their time profiles,
  G_t                      a small similarity (head motion + alignment jitter) about the crop centre.
Backward warp: I_t(q) = S(Phi_t^-1(q)), where G_t is inverted in closed form and p + E_t(p) = r by
Newton iterations (converge quickly while det(I + grad E) stays well above 0, which `fold_margin` guards). The targets then follow exactly from the same mapping:
  flow_t(q)     = Phi_{t+1}(Phi_t^-1(q)) - q       (frame t -> t+1, (u, v) px, OpenCV order)
  landmarks_t   = Phi_t(L)
All frames are processed as one batch in torch (grid_sample), and only pixels near a field's support iterate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

# Stop when |p + E(p) - r| is below this for every pixel (px); the final residual is reported per clip.
INVERSE_TOL = 1e-3
INVERSE_MAX_ITERS = 30


class RenderError(RuntimeError):
    """The warp could not be inverted (a folding field) or inputs have the wrong shape."""


@dataclass
class Rendered:
    frames: np.ndarray        # float32 [T, H, W], gray 0..255 (before photometric nuisances)
    flow: np.ndarray          # float32 [T-1, 2, H, W]
    landmarks: np.ndarray     # float32 [T, 68, 2]
    inversion_residual_px: float


def _sim_terms(params: torch.Tensor):
    tx, ty, th, ls = params.unbind(-1)
    s = torch.exp(ls)
    return tx, ty, s * torch.cos(th), s * torch.sin(th)


def similarity_apply(params: np.ndarray, pts: np.ndarray, centre: float) -> np.ndarray:
    """G(x) = c + s R(theta) (x - c) + (tx, ty); params = (tx, ty, theta, log_s); pts [..., 2] (numpy)."""
    return _sim_apply_t(torch.as_tensor(np.asarray(params, dtype=np.float64)),
                        torch.as_tensor(np.asarray(pts, dtype=np.float64)), centre).numpy()


def _sim_apply_t(params: torch.Tensor, pts: torch.Tensor, centre: float) -> torch.Tensor:
    """params [..., 4] broadcast against pts [..., N, 2] with a leading frame axis."""
    tx, ty, a, b = (v.reshape(v.shape + (1,) * (pts.dim() - 1 - v.dim())) for v in _sim_terms(params))
    x, y = pts[..., 0] - centre, pts[..., 1] - centre
    return torch.stack([centre + a * x - b * y + tx, centre + b * x + a * y + ty], dim=-1)


def _sim_inverse_t(params: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, centre: float) -> torch.Tensor:
    """Closed-form G^-1 of every grid pixel, per frame: [T, H, W, 2]."""
    tx, ty, a, b = (v[:, None, None] for v in _sim_terms(params))
    det = a * a + b * b
    x, y = xs[None] - centre - tx, ys[None] - centre - ty
    return torch.stack([centre + (a * x + b * y) / det, centre + (-b * x + a * y) / det], dim=-1)


def fold_margin(field: np.ndarray) -> float:
    """min over the grid of det(I + grad field): 1 for no motion, <= 0 where the mapping folds."""
    dxdy, dxdx = np.gradient(field[0].astype(np.float64))
    dydy, dydx = np.gradient(field[1].astype(np.float64))
    return float(((1 + dxdx) * (1 + dydy) - dxdy * dydx).min())


def _sample(img: torch.Tensor, pts: torch.Tensor) -> torch.Tensor:
    """img [T, C, H, W], pts [T, ..., 2] px (x, y) -> [T, C, ...], bilinear, border-clamped."""
    h, w = img.shape[-2:]
    t = pts.shape[0]
    grid = pts.reshape(t, 1, -1, 2) * torch.tensor([2.0 / (w - 1), 2.0 / (h - 1)], dtype=pts.dtype) - 1.0
    out = F.grid_sample(img, grid.to(img.dtype), mode="bilinear", padding_mode="border", align_corners=True)
    return out.reshape((t, img.shape[1]) + pts.shape[1:-1])


def _active_pixels(d: torch.Tensor, w: torch.Tensor, r: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(frames where some field is on, flat indices of the output pixels that may move). A pixel q can only
    map to p != r = G^-1(q) if a field is non-zero within max|E| of r; r is within max|r - q| of q, so one
    dilated union of the field supports serves every frame and the rest keeps p = r."""
    size = d.shape[-1]
    frames = torch.nonzero((w != 0).any(0))[:, 0]
    if len(frames) == 0:
        return frames, torch.zeros(0, dtype=torch.long)
    grid = torch.arange(size, dtype=r.dtype)
    shift = float((r[frames] - torch.stack(torch.meshgrid(grid, grid, indexing="xy"), -1)).abs().max())
    support = torch.zeros((size, size), dtype=torch.bool)
    reach = 0.0
    for k in range(d.shape[0]):
        if bool((w[k] != 0).any()):
            mag2 = (d[k] * d[k]).sum(0)
            support |= mag2 > 0
            reach = max(reach, float(mag2.max()) ** 0.5 * float(w[k].abs().max()))
    k = int(np.ceil(reach + shift)) + 2
    near = support.float()[None, None]
    near = F.max_pool2d(near, (2 * k + 1, 1), stride=1, padding=(k, 0))     # separable square dilation
    near = F.max_pool2d(near, (1, 2 * k + 1), stride=1, padding=(0, k))[0, 0] > 0
    return frames, torch.nonzero(near.flatten())[:, 0]


def _jacobian(e: torch.Tensor) -> torch.Tensor:
    """Central-difference Jacobian of fields [T, 2, H, W] -> [T, 4, H, W] (d ex/dx, d ex/dy, d ey/dx, d ey/dy)."""
    gx = torch.zeros_like(e)
    gy = torch.zeros_like(e)
    gx[..., 1:-1] = (e[..., 2:] - e[..., :-2]) / 2
    gy[..., 1:-1, :] = (e[..., 2:, :] - e[..., :-2, :]) / 2
    return torch.stack([gx[:, 0], gy[:, 0], gx[:, 1], gy[:, 1]], dim=1)


def _invert(e: torch.Tensor, r: torch.Tensor, frames: torch.Tensor, idx: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Solve p + e_t(p) = r_t for the given frames and flat pixel indices: e [T, 2, H, W], r [T, H, W, 2]."""
    if len(frames) == 0 or len(idx) == 0:
        return r.clone(), 0.0
    ef = e[frames]
    rf = r.flatten(1, 2)
    sel = (frames[:, None], idx[None, :])
    a = rf[sel]                                                              # [F, M, 2]
    # Newton iterations on p + e(p) = a, field and Jacobian sampled together at the current point. The fold
    # guard keeps det(I + J) well above 0, where Newton converges in a few steps (the plain fixed point
    # p <- a - e(p) needs |J| < 1, which a strong local shear can break).
    ej = torch.cat([ef, _jacobian(ef)], dim=1)                               # [F, 6, H, W]
    q = a.clone()
    for it in range(INVERSE_MAX_ITERS + 1):
        v = _sample(ej, q).transpose(1, 2)                                   # [F, M, 6]
        g = q + v[..., :2] - a                                               # residual of p + e(p) = a
        residual = float(g.abs().max())
        if residual < INVERSE_TOL or it == INVERSE_MAX_ITERS:
            break
        m00, m01, m10, m11 = 1 + v[..., 2], v[..., 3], v[..., 4], 1 + v[..., 5]
        det = torch.clamp(m00 * m11 - m01 * m10, min=0.05)
        q = q - torch.stack([(m11 * g[..., 0] - m01 * g[..., 1]) / det,
                             (-m10 * g[..., 0] + m00 * g[..., 1]) / det], dim=-1)
    pf = rf.clone()
    pf[sel] = q
    return pf.reshape(r.shape), residual


def render(source: np.ndarray, ldm: np.ndarray, fields: list[np.ndarray], weights: np.ndarray,
           similarity: np.ndarray, at_landmarks: Optional[list[np.ndarray]] = None) -> Rendered:
    """source [H, W]; ldm [68, 2]; fields: K arrays [2, H, W]; weights [K, T] (the profiles s_k(t));
    similarity [T, 4] per-frame (tx, ty, theta, log_s); at_landmarks: K arrays [68, 2], each field's exact
    value at the landmarks (default: bilinear from the grid, which clamps points outside the crop)."""
    size = source.shape[-1]
    if source.shape != (size, size):
        raise RenderError(f"source must be square [H, W], got {source.shape}")
    n_frames = similarity.shape[0]
    if len(fields) and np.shape(weights) != (len(fields), n_frames):
        raise RenderError(f"weights must be [{len(fields)}, {n_frames}], got {np.shape(weights)}")
    centre = (size - 1) / 2.0
    sim = torch.as_tensor(np.asarray(similarity, dtype=np.float64))
    if fields:
        d = torch.from_numpy(np.stack(fields).astype(np.float32))                     # [K, 2, H, W]
        w = torch.from_numpy(np.asarray(weights, dtype=np.float32))                    # [K, T]
        e = torch.einsum("kt,kchw->tchw", w, d).contiguous()
    else:
        e = torch.zeros((n_frames, 2, size, size))
    grid = torch.arange(size, dtype=torch.float32)
    ys, xs = torch.meshgrid(grid, grid, indexing="ij")
    r = _sim_inverse_t(sim.float(), xs, ys, centre)
    if fields:
        frames_on, idx = _active_pixels(d, w, r)
    else:
        frames_on, idx = torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)
    p, residual = _invert(e, r, frames_on, idx)                                              # [T, H, W, 2]
    src = torch.from_numpy(np.ascontiguousarray(source, dtype=np.float32))[None, None].expand(n_frames, 1, -1, -1)
    frames = _sample(src, p)[:, 0]
    # Landmarks: Phi_t(L) with the same (bilinear) field the frames use.
    lt = torch.as_tensor(np.asarray(ldm, dtype=np.float64))[None].expand(n_frames, -1, -1)
    if at_landmarks is not None and fields:
        dl = torch.as_tensor(np.stack(at_landmarks).astype(np.float64))                  # [K, 68, 2]
        el = torch.einsum("kt,knc->tnc", w.double(), dl)
    else:
        el = _sample(e, lt.float()).transpose(1, 2).double()
    landmarks = _sim_apply_t(sim, lt + el, centre).float()
    # Flow t -> t+1 at pixel q of frame t: Phi_{t+1}(p_t(q)) - q.
    if n_frames > 1:
        pt = p[:-1]
        moved = pt + _sample(e[1:], pt).permute(0, 2, 3, 1)
        moved = _sim_apply_t(sim[1:].float(), moved.reshape(n_frames - 1, -1, 2), centre)
        moved = moved.reshape(n_frames - 1, size, size, 2)
        flow = (moved - torch.stack([xs, ys], dim=-1)[None]).permute(0, 3, 1, 2)
    else:
        flow = torch.zeros((0, 2, size, size))
    return Rendered(frames=frames.numpy(), flow=flow.numpy(), landmarks=landmarks.numpy(),
                    inversion_residual_px=residual)
