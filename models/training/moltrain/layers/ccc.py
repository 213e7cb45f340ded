"""CCC: the official code's EdgeConv over spatial positions (MOL_SPEC §3.2, golden README §3.5-3.6).

Nodes are the H*W positions with their C-dim feature; the kNN (cosine, self included) picks k neighbours;
Θ and Φ are dense (H*W)x(H*W) maps applied to every channel's spatial map, the centre is subtracted twice
as in the official code, and the edges are max-aggregated. Fully vectorised and batch-correct.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def knn_positions(v: torch.Tensor, k: int) -> torch.Tensor:
    """v [B,C,N] -> neighbour indices [B,N,k] by cosine similarity between positions (self included)."""
    vn = F.normalize(v, p=2.0, dim=1, eps=1e-12)
    sim = torch.bmm(vn.transpose(1, 2), vn)
    return sim.topk(k, dim=-1).indices


class CCC(nn.Module):
    def __init__(self, nodes: int = 256, neighbor_num: int = 4) -> None:
        super().__init__()
        self.k = neighbor_num
        self.nodes = nodes
        self.conv1 = nn.Conv1d(1, nodes, kernel_size=nodes)  # Θ: [out, 1, in]
        self.conv2 = nn.Conv1d(1, nodes, kernel_size=nodes)  # Φ

    def forward(self, u: torch.Tensor, knn_idx: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """u [B,C,H,W] -> (edge features [B,C,H,W] before the residual, neighbour indices [B,N,k]).

        `knn_idx` overrides the neighbour choice (tie debugging against the goldens)."""
        b, c, h, w = u.shape
        n = h * w
        if n != self.nodes:
            raise ValueError(f"CCC was built for {self.nodes} positions, got {h}x{w}")
        v = u.reshape(b, c, n)
        idx = knn_positions(v, self.k) if knn_idx is None else knn_idx
        gathered = v.gather(2, idx.reshape(b, 1, n * self.k).expand(b, c, n * self.k)).reshape(b, c, n, self.k)
        centre = v.unsqueeze(-1)
        edge = (gathered - centre) - centre  # the official double subtraction
        theta = self.conv1.weight[:, 0, :]
        phi = self.conv2.weight[:, 0, :]
        own = F.linear(v, theta, self.conv1.bias)                          # [B,C,O]
        nbr = F.linear(edge.transpose(2, 3), phi, self.conv2.bias)         # [B,C,k,O]
        out = torch.relu(own.unsqueeze(2) + nbr).amax(dim=2)               # [B,C,O]; O is the output position
        return out.reshape(b, c, h, w), idx
