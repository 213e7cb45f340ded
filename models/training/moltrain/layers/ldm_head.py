"""Landmark head (MOL_SPEC §6): conv 3x3 valid + ReLU, fc1 + ReLU, fc2 -> 68 (x, y) in crop pixels."""
from __future__ import annotations

import torch
from torch import nn


class LDMPredictor(nn.Module):
    def __init__(self, hidden: int = 512, channels: int = 128) -> None:
        super().__init__()
        self.convldm = nn.Conv2d(channels, 32, 3)
        self.fc1 = nn.Linear(32 * 14 * 14, hidden)
        self.fc2 = nn.Linear(hidden, 136)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [N,128,16,16] -> [N,136]."""
        y = torch.relu(self.convldm(x)).flatten(1)
        return self.fc2(torch.relu(self.fc1(y)))
