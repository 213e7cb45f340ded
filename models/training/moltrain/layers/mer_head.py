"""MER head (MOL_SPEC §4): Conv3d over (H, W, 14 time slots), max-pool, two FCs; no activation after the conv."""
from __future__ import annotations

import torch
from torch import nn


class MER3dCNN(nn.Module):
    def __init__(self, num_classes: int, channels: int = 128) -> None:
        super().__init__()
        self.conv3d = nn.Conv3d(channels, 32, kernel_size=(2, 2, 5), stride=(2, 2, 1))
        self.pool = nn.MaxPool3d(2)
        self.drop1 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(2560, 256)
        self.drop2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(256, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [B,128,16,16,14] (B,C,H,W,S) -> logits [B,classes]."""
        y = self.drop1(self.pool(self.conv3d(x))).flatten(1)
        return self.fc2(self.drop2(torch.relu(self.fc1(y))))
