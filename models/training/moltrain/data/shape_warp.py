"""Random face-shape warps for landmark training: new face geometry from the few identities we have.

The landmark head generalises poorly to unseen people (NME 2.9% on the training identities, 5.7% on held-out
ones, models/README.md): with 26 faces it partly recalls where each person's points sit instead of finding them.
A warp that reshapes the face, the same for all 8 frames of a clip, with the landmarks moved to match, makes
every clip a new geometry: a random similarity (scale, rotation, shift) plus a smooth random displacement field
(a 4x4 grid of control offsets, bicubically interpolated).

The image is resampled backwards, out(x) = in(T(x)), so a landmark p of the input lands where T(q) = p; q is
found by fixed-point iteration (T is a similarity plus a small smooth field, so it converges in a few steps).
Only video and landmarks are warped: the flow target would need its own transform, so this is for runs that
train the landmark head alone (moltrain.ldm_head_tune).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

_FIXED_POINT_STEPS = 5


@dataclass(frozen=True)
class ShapeWarpRange:
    """Ranges at strength 1; `strength` scales them all (0 = identity)."""
    scale: float = 0.08          # relative, +-
    rotation_rad: float = 0.12   # +-
    shift_px: float = 5.0        # +-, per axis
    field_sigma_px: float = 2.5  # std of each control offset
    field_grid: int = 4          # control points per side


def _to_grid(points: torch.Tensor, size: int) -> torch.Tensor:
    """Pixel coordinates (x, y) -> grid_sample's [-1, 1] (align_corners=True)."""
    return points / (size - 1) * 2 - 1


def random_shape_warp(video: torch.Tensor, ldm: torch.Tensor, generator: torch.Generator, strength: float = 1.0,
                      ranges: ShapeWarpRange = ShapeWarpRange()) -> tuple[torch.Tensor, torch.Tensor]:
    """video [B,1,T,H,H], ldm [B,136,T] (x0,y0,x1,... in crop pixels) -> both warped, one warp per clip."""
    if video.ndim != 5 or video.shape[1] != 1 or video.shape[3] != video.shape[4]:
        raise ValueError(f"video must be [B,1,T,H,H], got {tuple(video.shape)}")
    b, _, t, h, _ = video.shape
    if ldm.shape != (b, 136, t):
        raise ValueError(f"landmarks must be [B,136,T] = {(b, 136, t)}, got {tuple(ldm.shape)}")
    if strength == 0:
        return video, ldm

    def uniform(*shape: int) -> torch.Tensor:
        return (torch.rand(*shape, generator=generator) * 2 - 1) * strength

    s = 1 + uniform(b) * ranges.scale
    r = uniform(b) * ranges.rotation_rad
    shift = uniform(b, 2) * ranges.shift_px
    cos, sin = s * torch.cos(r), s * torch.sin(r)
    a = torch.stack([torch.stack([cos, -sin], 1), torch.stack([sin, cos], 1)], 1)   # [B,2,2]
    ctrl = torch.randn(b, 2, ranges.field_grid, ranges.field_grid, generator=generator) * ranges.field_sigma_px * strength
    field = F.interpolate(ctrl, size=(h, h), mode="bicubic", align_corners=True)    # [B,2,H,H] px

    centre = (h - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(h, dtype=torch.float32), indexing="ij")
    pix = torch.stack([xs, ys], -1).reshape(1, -1, 2) - centre                         # [1,HW,2]
    src = (torch.einsum("bij,bnj->bni", a, pix.expand(b, -1, -1)) + centre + shift[:, None]
           + field.permute(0, 2, 3, 1).reshape(b, -1, 2))
    grid = _to_grid(src, h).reshape(b, 1, h, h, 2).expand(b, t, h, h, 2).reshape(b * t, h, h, 2)
    frames = video[:, 0].reshape(b * t, 1, h, h)
    warped = F.grid_sample(frames, grid, mode="bilinear", padding_mode="border", align_corners=True)

    pts = ldm.reshape(b, 68, 2, t).permute(0, 3, 1, 2).reshape(b, t * 68, 2)
    a_inv = torch.linalg.inv(a)
    target = pts - centre - shift[:, None]
    q = torch.einsum("bij,bnj->bni", a_inv, target) + centre
    for _ in range(_FIXED_POINT_STEPS):   # solve A(q - c) + c + shift + field(q) = p for q
        at_q = F.grid_sample(field, _to_grid(q, h).unsqueeze(2), mode="bilinear", padding_mode="border",
                             align_corners=True)[..., 0].permute(0, 2, 1)
        q = torch.einsum("bij,bnj->bni", a_inv, target - at_q) + centre
    moved = q.reshape(b, t, 68, 2).permute(0, 2, 3, 1).reshape(b, 136, t)
    return warped.reshape(b, 1, t, h, h), moved
