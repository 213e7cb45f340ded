"""Renders a clip from one source face: the exact forward model behind frames, flow and landmarks.

Frame t shows the source face S under the mapping  Phi_t(p) = G_t(p + E_t(p)):
  E_t = sum_k s_k(t) D_k   local expression/blink fields (crop px) times their time profiles,
  G_t                      a small similarity (head motion + alignment jitter) about the crop centre.
Backward warp: I_t(q) = S(Phi_t^-1(q)), where G_t is inverted in closed form and p + E_t(p) = r by
fixed-point iteration p <- r - E_t(p) (converges while the field's Lipschitz constant is below 1, which
`fold_margin` guards). The targets then follow exactly from the same mapping:
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

# Stop when an iteration moves no pixel by more than this (px); the final residual is reported per clip.
FIXED_POINT_TOL = 1e-3
FIXED_POINT_MAX_ITERS = 60


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


def _near_masks(d: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Per frame, the pixels within reach of a moving field: [T, H, W] bool. A pixel r can only map to a
    p != r if some field is non-zero within max|E| of r, so everything else skips the iteration."""
    n_frames = w.shape[1]
    size = d.shape[-1]
    near = torch.zeros((n_frames, size, size), dtype=torch.bool)
    for k in range(d.shape[0]):
        active = w[k] != 0
        if not bool(active.any()):
            continue
        mag2 = (d[k] * d[k]).sum(0)
        reach = int(np.ceil(float(mag2.max()) ** 0.5 * float(w[k].abs().max()))) + 2
        dil = F.max_pool2d((mag2 > 0).float()[None, None], 2 * reach + 1, stride=1, padding=reach)[0, 0] > 0
        near |= active[:, None, None] & dil[None]
    return near


def _invert(e: torch.Tensor, r: torch.Tensor, near: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Solve p + e_t(p) = r_t for every frame t and pixel: e [T, 2, H, W], r [T, H, W, 2] (float32)."""
    size = e.shape[-1]
    idx = torch.clamp(torch.round(r), 0, size - 1).long()
    t_idx = torch.arange(e.shape[0])[:, None, None].expand(r.shape[:3])
    sel = near[t_idx, idx[..., 1], idx[..., 0]].flatten(1)         # [T, H*W]: target pixel near a field
    counts = sel.sum(1)
    frames = torch.nonzero(counts > 0)[:, 0]          # frames where nothing moves keep p = r
    if len(frames) == 0:
        return r.clone(), 0.0
    sel, counts, ef = sel[frames], counts[frames], e[frames]
    m = int(counts.max())
    # Pad each frame's active list to the same length so all frames iterate in one batch.
    order = torch.argsort(sel.to(torch.int8), dim=1, descending=True)[:, :m]
    valid = torch.arange(m)[None] < counts[:, None]
    rf = r.flatten(1, 2)
    a = torch.gather(rf[frames], 1, order[..., None].expand(-1, -1, 2))     # [F, M, 2]
    q = a.clone()
    for _ in range(FIXED_POINT_MAX_ITERS):
        nq = a - _sample(ef, q).transpose(1, 2)
        step = float((nq - q).abs().amax())
        q = nq
        if step < FIXED_POINT_TOL:
            break
    resid = (q + _sample(ef, q).transpose(1, 2) - a).abs().amax(-1)
    residual = float(resid[valid].max())
    q = torch.where(valid[..., None], q, a)
    pf = rf.clone()
    sub = pf[frames]
    sub.scatter_(1, order[..., None].expand(-1, -1, 2), q)
    pf[frames] = sub
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
        near = _near_masks(d, w)
    else:
        e = torch.zeros((n_frames, 2, size, size))
        near = torch.zeros((n_frames, size, size), dtype=torch.bool)
    grid = torch.arange(size, dtype=torch.float64)
    ys, xs = torch.meshgrid(grid, grid, indexing="ij")
    r = _sim_inverse_t(sim, xs, ys, centre).float()
    p, residual = _invert(e, r, near)                                                        # [T, H, W, 2]
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
        moved = _sim_apply_t(sim[1:], moved.double().reshape(n_frames - 1, -1, 2), centre)
        moved = moved.reshape(n_frames - 1, size, size, 2)
        flow = (moved - torch.stack([xs, ys], dim=-1)[None]).permute(0, 3, 1, 2).float()
    else:
        flow = torch.zeros((0, 2, size, size))
    return Rendered(frames=frames.numpy(), flow=flow.numpy(), landmarks=landmarks.numpy(),
                    inversion_residual_px=residual)
