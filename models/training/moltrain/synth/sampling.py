"""Bilinear sampling with border clamping (pixel centres at integer coordinates).

Uses torch's grid_sample (align_corners=True maps -1..1 onto pixel centres 0..W-1): on this CPU it is
about 10x faster than the same gather written in numpy.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def bilinear(img: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample `img` ([H, W] or [C, H, W], float) at float positions x, y (any equal shapes).

    Returns float32 [*x.shape] or [C, *x.shape]; positions outside the image take the nearest border value.
    """
    h, w = img.shape[-2:]
    shape = np.shape(x)
    src = torch.from_numpy(np.ascontiguousarray(img, dtype=np.float32))
    src = src.reshape(1, -1, h, w)
    gx = torch.from_numpy(np.asarray(x, dtype=np.float32).reshape(1, 1, -1)) * (2.0 / (w - 1)) - 1.0
    gy = torch.from_numpy(np.asarray(y, dtype=np.float32).reshape(1, 1, -1)) * (2.0 / (h - 1)) - 1.0
    out = F.grid_sample(src, torch.stack([gx, gy], dim=-1), mode="bilinear", padding_mode="border",
                        align_corners=True)
    out = out.reshape(-1, *shape).numpy()
    return out if img.ndim == 3 else out[0]
