"""FlowNetC correlation (kernel 1, patch 21, dilation 2), pure torch, as one batched matmul + gather.

corr[d,y,x] = LeakyReLU_0.1( sum_c a[c,y,x] * b[c,y+dy,x+dx] / C ), d = ph*21+pw, (dy,dx) = 2*(ph-10, pw-10),
zero where (y+dy, x+dx) falls outside the map. All-pairs products a^T b cost H*W*H*W*C MACs, less than
the 441*H*W*C of shift-and-multiply at 16x16, and every displacement is then one gather.
"""
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

PATCH = 21
DILATION = 2


@functools.lru_cache(maxsize=8)
def _displacement_index(h: int, w: int) -> torch.Tensor:
    """[H*W, 441] index into the flattened second map; H*W (one past the end) marks 'outside'."""
    r = PATCH // 2
    d = (torch.arange(PATCH) - r) * DILATION
    y = torch.arange(h).view(h, 1, 1, 1)
    x = torch.arange(w).view(1, w, 1, 1)
    yy = y + d.view(1, 1, PATCH, 1)
    xx = x + d.view(1, 1, 1, PATCH)
    inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
    flat = torch.where(inside, yy * w + xx, torch.full_like(yy * w + xx, h * w))
    return flat.reshape(h * w, PATCH * PATCH)


def correlate(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a, b [B,C,H,W] -> [B,441,H,W]."""
    if a.shape != b.shape:
        raise ValueError(f"correlation inputs differ in shape: {tuple(a.shape)} vs {tuple(b.shape)}")
    bsz, c, h, w = a.shape
    prod = torch.bmm(a.reshape(bsz, c, h * w).transpose(1, 2), b.reshape(bsz, c, h * w))  # [B,HW,HW]
    prod = F.pad(prod, (0, 1))  # the 'outside' column, zero
    idx = _displacement_index(h, w).to(a.device)
    out = prod.gather(2, idx.unsqueeze(0).expand(bsz, -1, -1))  # [B,HW,441]
    out = out.transpose(1, 2).reshape(bsz, PATCH * PATCH, h, w) / c
    return F.leaky_relu(out, 0.1)


class Correlation(nn.Module):
    """Module wrapper (no parameters, so no state_dict entries) so hooks and FLOP counters see the op."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return correlate(a, b)
