"""Random face-shape warps: new face geometry from the few identities we have.

The landmark head generalises poorly to unseen people (NME 2.9% on the training identities, 5.7% on held-out
ones, models/README.md): with 26 faces it partly recalls where each person's points sit instead of finding them.
A warp that reshapes the face, the same for all 8 frames of a clip, with the labels moved to match, makes
every clip a new geometry: a random similarity (scale, rotation, shift) plus a smooth random displacement field
(a 4x4 grid of control offsets, bicubically interpolated).

The image is resampled backwards, out(x) = in(T(x)). A point p of the input lands where T(q) = p; q is found by
fixed-point iteration (T is a similarity plus a small smooth field, so it converges in a few steps). Landmarks
move that way. The flow needs the same inverse: output pixel y shows input point T(y), which moves to
T(y) + F(T(y)) in the next input frame, so its flow is T^-1(T(y) + F(T(y))) - y, exact rather than the
first-order Jacobian transform. `random_shape_warp` warps video and landmarks (the landmark head alone,
moltrain.ldm_head_tune); `ShapeWarp.flow` makes the warp usable for full training as well.
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


def _sample(maps: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """maps [B,C,H,H] at points [B,N,2] (px) -> [B,N,C], bilinear, edges repeated."""
    h = maps.shape[-1]
    return F.grid_sample(maps, _to_grid(points, h).unsqueeze(2), mode="bilinear", padding_mode="border",
                         align_corners=True)[..., 0].permute(0, 2, 1)


@dataclass(frozen=True)
class ShapeWarp:
    """One drawn warp per clip: T(x) = A (x - c) + c + shift + field(x), in crop pixels."""
    a: torch.Tensor       # [B,2,2]
    shift: torch.Tensor   # [B,2]
    field: torch.Tensor   # [B,2,H,H] px
    size: int

    @property
    def batch(self) -> int:
        return self.a.shape[0]

    def _affine(self, points: torch.Tensor) -> torch.Tensor:
        """T's similarity part, A (p - c) + c + shift, at points [B,N,2]."""
        c = (self.size - 1) / 2
        return torch.einsum("bij,bnj->bni", self.a, points - c) + c + self.shift[:, None]

    def forward_map(self, points: torch.Tensor) -> torch.Tensor:
        """T at points [B,N,2] -> [B,N,2]."""
        return self._affine(points) + _sample(self.field, points)

    def inverse_map(self, points: torch.Tensor) -> torch.Tensor:
        """q with T(q) = p for points p [B,N,2] (fixed-point iteration on the field)."""
        c = (self.size - 1) / 2
        a_inv = torch.linalg.inv(self.a)
        target = points - c - self.shift[:, None]
        q = torch.einsum("bij,bnj->bni", a_inv, target) + c
        for _ in range(_FIXED_POINT_STEPS):
            q = torch.einsum("bij,bnj->bni", a_inv, target - _sample(self.field, q)) + c
        return q

    def _pixels(self) -> torch.Tensor:
        h = self.size
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(h, dtype=torch.float32),
                                indexing="ij")
        return torch.stack([xs, ys], -1).reshape(1, -1, 2).expand(self.batch, -1, -1)   # [B,HW,2]

    def _source_of_pixels(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Every output pixel y [B,HW,2] and T(y), the field read at its own grid points rather than sampled."""
        y = self._pixels()
        return y, self._affine(y) + self.field.permute(0, 2, 3, 1).reshape(self.batch, -1, 2)

    def _resample(self, maps: torch.Tensor, src: torch.Tensor) -> torch.Tensor:
        """maps [B,K,C,H,H] read at src [B,HW,2] for every k -> [B,K,C,H,H]."""
        b, k, ch, h, _ = maps.shape
        grid = _to_grid(src, h).reshape(b, 1, h, h, 2).expand(b, k, h, h, 2).reshape(b * k, h, h, 2)
        out = F.grid_sample(maps.reshape(b * k, ch, h, h), grid, mode="bilinear", padding_mode="border",
                            align_corners=True)
        return out.reshape(b, k, ch, h, h)

    def video(self, video: torch.Tensor) -> torch.Tensor:
        """video [B,1,T,H,H] -> warped, every frame by the clip's warp."""
        return self._resample(video.transpose(1, 2), self._source_of_pixels()[1]).transpose(1, 2)

    def landmarks(self, ldm: torch.Tensor) -> torch.Tensor:
        """ldm [B,136,T] (x0,y0,x1,... px) -> the points where the warped video shows them."""
        b, _, t = ldm.shape
        pts = ldm.reshape(b, 68, 2, t).permute(0, 3, 1, 2).reshape(b, t * 68, 2)
        return self.inverse_map(pts).reshape(b, t, 68, 2).permute(0, 2, 3, 1).reshape(b, 136, t)

    def flow(self, flow: torch.Tensor) -> torch.Tensor:
        """flow [B,2,H,H,T-1] ((u, v) px from frame t to t+1 at frame t's pixels) -> the warped video's flow."""
        b, _, h, _, n = flow.shape
        y, src = self._source_of_pixels()                                         # [B,HW,2] each
        moved = self._resample(flow.permute(0, 4, 1, 2, 3), src)                  # [B,T-1,2,H,H]: F(T(y))
        dest = src[:, None] + moved.flatten(3).transpose(2, 3)                    # [B,T-1,HW,2]
        back = self.inverse_map(dest.reshape(b, n * h * h, 2)).reshape(b, n, h * h, 2)
        out = (back - y[:, None]).transpose(2, 3).reshape(b, n, 2, h, h)
        return out.permute(0, 2, 3, 4, 1).contiguous()


def draw_shape_warp(batch: int, size: int, generator: torch.Generator, strength: float = 1.0,
                    ranges: ShapeWarpRange = ShapeWarpRange()) -> ShapeWarp:
    """`batch` independent warps of a `size`-pixel crop, all randomness from `generator`."""
    def uniform(*shape: int) -> torch.Tensor:
        return (torch.rand(*shape, generator=generator) * 2 - 1) * strength

    s = 1 + uniform(batch) * ranges.scale
    r = uniform(batch) * ranges.rotation_rad
    shift = uniform(batch, 2) * ranges.shift_px
    cos, sin = s * torch.cos(r), s * torch.sin(r)
    a = torch.stack([torch.stack([cos, -sin], 1), torch.stack([sin, cos], 1)], 1)
    ctrl = torch.randn(batch, 2, ranges.field_grid, ranges.field_grid, generator=generator) * ranges.field_sigma_px * strength
    field = F.interpolate(ctrl, size=(size, size), mode="bicubic", align_corners=True)
    return ShapeWarp(a=a, shift=shift, field=field, size=size)


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
    warp = draw_shape_warp(b, h, generator, strength, ranges)
    return warp.video(video), warp.landmarks(ldm)
