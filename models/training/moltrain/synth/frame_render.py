"""Renders full video frames of a plate under planted events: the generator's forward model, in frame px.

Frame t shows the plate P under  Phi_t(x) = G_t(x + E_t(x)),  E_t = sum_k s_k(t) D_k  (the frame-space
fields of `frame_field`, times their onset-apex-offset profiles) and G_t a slow rigid head sway (a
similarity about the face centre). Backward warp as in `render.py`: I_t(q) = P(Phi_t^-1(q)), G_t inverted
in closed form and x + E_t(x) = r solved by the same Newton iterations (`render._invert`), only near the
fields. The exact flow between any two frames follows from the same mapping (`exact_flow`).

A frame is a pure function of (scene, t): lighting drift is a smooth function of t and the sensor noise of
frame t comes from its own seeded generator, so any frame can be re-rendered alone, bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Iterator, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .frame_field import frame_field, frame_field_at
from .profile import Profile
from .render import RenderError, _invert, _sample

NOISE_STREAM = 0x401


@dataclass
class SceneEvent:
    """One planted event; the field is the generator's crop-space Wendland field (centres, weights, radius)."""
    kind: str                       # micro | macro | blink
    profile: Profile
    amplitude_px: float             # crop px: largest landmark displacement at apex (blink: largest field value)
    centres: np.ndarray             # [M, 2] crop px
    weights: np.ndarray             # [M, 2]
    radius: float                   # crop px
    emotion: Optional[str] = None
    class3: Optional[str] = None
    aus: dict[int, float] = dc_field(default_factory=dict)


@dataclass
class Scene:
    size: tuple[int, int]           # (width, height)
    fps: float
    n_frames: int
    alignment: np.ndarray           # [2, 3] frame px -> crop px (the app's, on the plate)
    events: list[SceneEvent]
    head_centre: np.ndarray         # [2] frame px: the sway's fixed point
    head: np.ndarray                # [n_frames, 4]: (tx, ty, theta, log_s) frame px / rad
    light_amp: float = 0.0          # relative gain drift amplitude
    light_period_s: float = 1.0
    light_phase: float = 0.0
    noise_sigma: float = 0.0        # gray levels, per channel and pixel
    seed: int = 0

    def gain(self, t: np.ndarray) -> np.ndarray:
        return 1.0 + self.light_amp * np.sin(2 * np.pi * np.asarray(t) / (self.fps * self.light_period_s) + self.light_phase)

    def weights(self, frames: Sequence[int]) -> np.ndarray:
        """Profile values s_k(t): [K, len(frames)]."""
        t = np.asarray(frames, dtype=np.float64) / self.fps
        return np.array([e.profile.at(t) for e in self.events]).reshape(len(self.events), len(t))


class FrameRenderer:
    """Dense frame-space fields computed once; `render(frames)` gives uint8 RGB frames [F, H, W, 3]."""

    def __init__(self, scene: Scene, plate: Optional[np.ndarray] = None):
        w, h = scene.size
        if plate is not None and plate.shape != (h, w, 3):
            raise RenderError(f"plate must be [{h}, {w}, 3] RGB, got {plate.shape}")
        if scene.head.shape != (scene.n_frames, 4):
            raise RenderError(f"head motion must be [{scene.n_frames}, 4], got {scene.head.shape}")
        self.scene = scene
        self.fields = torch.from_numpy(np.stack([frame_field(scene.alignment, e.centres, e.weights, e.radius, scene.size)
                                                 for e in scene.events]) if scene.events
                                       else np.zeros((0, 2, h, w), np.float32))
        self.plate = None if plate is None else torch.from_numpy(np.ascontiguousarray(plate.transpose(2, 0, 1), dtype=np.float32))
        grid_x = torch.arange(w, dtype=torch.float32)
        grid_y = torch.arange(h, dtype=torch.float32)
        self.ys, self.xs = torch.meshgrid(grid_y, grid_x, indexing="ij")

    def _head_inverse(self, frames: Sequence[int]) -> torch.Tensor:
        """r = G_t^-1(q) for every pixel q: [F, H, W, 2]."""
        p = torch.as_tensor(self.scene.head[list(frames)], dtype=torch.float64)
        tx, ty, th, ls = (v[:, None, None] for v in p.unbind(-1))
        s = torch.exp(ls)
        cx, cy = (float(v) for v in self.scene.head_centre)
        x = self.xs.double()[None] - cx - tx
        y = self.ys.double()[None] - cy - ty
        c, sn = torch.cos(th), torch.sin(th)
        return torch.stack([cx + (c * x + sn * y) / s, cy + (-sn * x + c * y) / s], dim=-1).float()

    def _head_apply(self, frames: Sequence[int], pts: torch.Tensor) -> torch.Tensor:
        """G_t(pts) for pts [F, ..., 2] (float64 math)."""
        p = torch.as_tensor(self.scene.head[list(frames)], dtype=torch.float64)
        shape = (len(frames),) + (1,) * (pts.dim() - 2)
        tx, ty, th, ls = (v.reshape(shape) for v in p.unbind(-1))
        s = torch.exp(ls)
        cx, cy = (float(v) for v in self.scene.head_centre)
        x, y = pts[..., 0].double() - cx, pts[..., 1].double() - cy
        c, sn = torch.cos(th), torch.sin(th)
        return torch.stack([cx + s * (c * x - sn * y) + tx, cy + s * (sn * x + c * y) + ty], dim=-1)

    def backward_map(self, frames: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor, float]:
        """(p = Phi_t^-1(q) [F, H, W, 2], the fields E_t [F, 2, H, W], Newton residual px)."""
        frames = list(frames)
        r = self._head_inverse(frames)
        w = torch.from_numpy(self.scene.weights(frames).astype(np.float32))        # [K, F]
        h, wd = r.shape[1:3]
        live = [k for k in range(w.shape[0]) if bool((w[k] != 0).any())]
        if not live:
            return r, torch.zeros((len(frames), 2, h, wd)), 0.0
        d = self.fields[live]
        wl = w[live]
        e = torch.einsum("kt,kchw->tchw", wl, d).contiguous()
        # Pixels that may move: the fields' support dilated by their largest displacement plus the sway shift.
        support = ((d * d).sum(1) > 0).any(0)
        reach = float(((d * d).sum(1).amax((1, 2)).sqrt() * wl.abs().amax(1)).max())
        shift = float((r - torch.stack([self.xs, self.ys], -1)[None]).abs().max())
        k = int(np.ceil(reach + shift)) + 2
        near = support.float()[None, None]
        near = F.max_pool2d(near, (2 * k + 1, 1), stride=1, padding=(k, 0))
        near = F.max_pool2d(near, (1, 2 * k + 1), stride=1, padding=(0, k))[0, 0] > 0
        on = torch.nonzero((wl != 0).any(0))[:, 0]
        p, residual = _invert(e, r, on, torch.nonzero(near.flatten())[:, 0])
        return p, e, residual

    def render(self, frames: Sequence[int]) -> np.ndarray:
        if self.plate is None:
            raise RenderError("this renderer has no plate (geometry only)")
        frames = list(frames)
        # One frame per inversion: Newton's stopping test is over the whole batch, so a frame rendered in
        # another batch would differ in the last bits.
        maps = [self.backward_map([t]) for t in frames]
        residual = max(m[2] for m in maps)
        if residual > 0.01:
            raise RenderError(f"warp inversion left {residual:.3f} px (a folding field?)")
        p = torch.cat([m[0] for m in maps])
        src = self.plate[None].expand(len(frames), -1, -1, -1)
        img = _sample(src, p).numpy()                                                # [F, 3, H, W]
        sc = self.scene
        gain = sc.gain(np.asarray(frames, dtype=np.float64)).astype(np.float32)
        img = img * gain[:, None, None, None]
        if sc.noise_sigma > 0:
            for i, t in enumerate(frames):
                rng = np.random.default_rng([int(sc.seed), int(t), NOISE_STREAM])
                img[i] += np.float32(sc.noise_sigma) * rng.standard_normal(img[i].shape, dtype=np.float32)
        return np.clip(np.rint(img), 0, 255).astype(np.uint8).transpose(0, 2, 3, 1).copy()

    def frames(self, chunk: int = 8) -> Iterator[np.ndarray]:
        """Every frame of the scene in order, `chunk` at a time."""
        for t0 in range(0, self.scene.n_frames, chunk):
            yield from self.render(range(t0, min(t0 + chunk, self.scene.n_frames)))

    def exact_flow(self, t0: int, t1: int) -> np.ndarray:
        """Flow from frame t0 to frame t1 at every pixel q of t0: Phi_t1(Phi_t0^-1(q)) - q, [2, H, W] (u, v)."""
        p, _, _ = self.backward_map([t0])
        e1 = self._fields_at([t1])
        moved = p + _sample(e1, p).permute(0, 2, 3, 1)
        moved = self._head_apply([t1], moved)[0].float()
        return (moved - torch.stack([self.xs, self.ys], -1)).permute(2, 0, 1).numpy()

    def _fields_at(self, frames: Sequence[int]) -> torch.Tensor:
        """E_t on the frame grid: [F, 2, H, W]."""
        w = torch.from_numpy(self.scene.weights(frames).astype(np.float32))
        if w.shape[0] == 0:
            return torch.zeros((len(frames), 2) + tuple(self.xs.shape))
        return torch.einsum("kt,kchw->tchw", w, self.fields).contiguous()

    def landmarks(self, frames: Sequence[int], ldm_frame: np.ndarray) -> np.ndarray:
        """Phi_t(L) of frame-space landmarks [68, 2] for the given frames: [F, 68, 2] (exact fields)."""
        sc = self.scene
        w = sc.weights(frames)
        at = np.stack([frame_field_at(sc.alignment, e.centres, e.weights, e.radius, ldm_frame) for e in sc.events]) \
            if sc.events else np.zeros((0,) + ldm_frame.shape)
        moved = ldm_frame[None] + np.einsum("kt,knc->tnc", w, at)
        return self._head_apply(list(frames), torch.from_numpy(moved)).numpy()
