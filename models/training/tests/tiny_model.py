"""A tiny network with MOL's forward contract, for tests that train many steps (the real rt MOL takes
seconds per step on this CPU; it is exercised once per CLI test instead)."""
import numpy as np
import torch
from torch import nn


class TinyMol(nn.Module):
    def __init__(self, num_classes: int = 3):
        super().__init__()
        self.pool = nn.AvgPool3d((1, 16, 16))
        self.fc = nn.Linear(8 * 8 * 8, 16)
        self.drop = nn.Dropout(0.5)           # exercises the RNG state a resume must restore
        self.cls = nn.Linear(16, num_classes)
        self.flow = nn.Conv2d(2, 2, 3, padding=1)
        self.ldm = nn.Linear(16, 136 * 7)

    def forward(self, x):
        b = x.shape[0]
        h = self.drop(torch.relu(self.fc(self.pool(x).flatten(1))))
        pairs = torch.stack([x[:, 0, :-1], x[:, 0, 1:]], dim=2).flatten(0, 1)   # [B*7,2,128,128]
        flow = self.flow(pairs).reshape(b, 7, 2, 128, 128).permute(0, 2, 3, 4, 1)
        return self.cls(h), flow, 64.0 + self.ldm(h).reshape(b, 136, 7)


def random_clips(n: int, subjects=("a", "b", "c"), num_classes: int = 3, seed: int = 0, with_targets=True):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        label = i % num_classes
        video = rng.normal(0, 1, (1, 8, 128, 128)).astype(np.float32)
        video[0, :, :16, :16] += label          # a learnable cue
        pts = np.tile(rng.uniform(30, 100, (136, 1)), (1, 8)).astype(np.float32)
        out.append({"video": video, "label": label, "subject": subjects[i % len(subjects)],
                    "sample_id": f"s{i}", "video_id": f"v{i}",
                    "flow": rng.normal(0, 1, (2, 128, 128, 7)).astype(np.float32) if with_targets and i % 2 else None,
                    "ldm": pts if with_targets else None})
    return out


def single_thread():
    """Generator for a pytest fixture: one torch thread for the test (the CI machine is shared; two
    OpenMP threads then mostly wait for each other), the previous setting restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
