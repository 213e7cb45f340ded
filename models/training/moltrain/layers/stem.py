"""Per-frame conv stem (MOL_SPEC §2): four plain convs, no norm or activation (purely affine)."""
from __future__ import annotations

import torch
from torch import nn


class ConvStack(nn.Module):
    """[N,1,128,128] -> [N,128,16,16]. Names give `conv_stack.conv_stack.{0..3}` like the official code."""

    def __init__(self) -> None:
        super().__init__()
        self.conv_stack = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=4, stride=2, padding=0),
            nn.Conv2d(8, 32, kernel_size=3, stride=2, padding=0),
            nn.Conv2d(32, 64, kernel_size=2, stride=2, padding=1),
            nn.Conv2d(64, 128, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_stack(x)
