"""FCC: global circular convolutions with positional embeddings (MOL_SPEC §3.1, golden README §3.4).

The channels split in two halves; half a runs vertical-then-horizontal, half b horizontal-then-vertical.
Kernels and PEs are stored 32 long (the official meta size) and cropped to the feature size (16).
The FFN exists only so that official checkpoints load strictly: the official forward never calls it.
"""
from __future__ import annotations

import torch
from torch import nn

META_SIZE = 32


def _circulant(kernel: torch.Tensor, n: int) -> torch.Tensor:
    """Kernel taps [C, >=n] -> circulant matrices M[c,i,r] = taps[c,(r-i) mod n], [C,n,n]."""
    i = torch.arange(n, device=kernel.device)
    return kernel[:, (i.view(1, n) - i.view(n, 1)) % n]


# A circular depthwise conv is a per-channel circulant matmul: the same MACs as the official pad-and-conv,
# but torch 1.13's CPU depthwise-conv backward is several times slower than a batched matmul.
def circ_v(z: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """out[c,i,j] = bias[c] + sum_t kernel[c,t] * z[c,(i+t) mod H, j] (depthwise, forward wrap)."""
    m = _circulant(kernel.reshape(kernel.shape[0], -1), z.shape[2])
    return torch.einsum("cir,bcrj->bcij", m, z) + bias.view(1, -1, 1, 1)


def circ_h(z: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """out[c,i,j] = bias[c] + sum_t kernel[c,t] * z[c,i,(j+t) mod W]."""
    m = _circulant(kernel.reshape(kernel.shape[0], -1), z.shape[3])
    return torch.einsum("cjs,bcis->bcij", m, z) + bias.view(1, -1, 1, 1)


class FCC(nn.Module):
    def __init__(self, channels: int = 128) -> None:
        super().__init__()
        dim = channels // 2
        self.dim = dim
        # Registration order = official state_dict order (k indices of the golden recipe).
        self.meta_kernel_1_H = nn.Parameter(torch.empty(dim, 1, META_SIZE, 1))
        self.meta_kernel_1_W = nn.Parameter(torch.empty(dim, 1, 1, META_SIZE))
        self.meta_kernel_2_H = nn.Parameter(torch.empty(dim, 1, META_SIZE, 1))
        self.meta_kernel_2_W = nn.Parameter(torch.empty(dim, 1, 1, META_SIZE))
        self.meta_1_H_bias = nn.Parameter(torch.empty(dim))
        self.meta_1_W_bias = nn.Parameter(torch.empty(dim))
        self.meta_2_H_bias = nn.Parameter(torch.empty(dim))
        self.meta_2_W_bias = nn.Parameter(torch.empty(dim))
        self.meta_pe_1_H = nn.Parameter(torch.empty(1, dim, META_SIZE, 1))
        self.meta_pe_1_W = nn.Parameter(torch.empty(1, dim, 1, META_SIZE))
        self.meta_pe_2_H = nn.Parameter(torch.empty(1, dim, META_SIZE, 1))
        self.meta_pe_2_W = nn.Parameter(torch.empty(1, dim, 1, META_SIZE))
        self.pre_Norm_1 = nn.BatchNorm2d(dim)
        self.pre_Norm_2 = nn.BatchNorm2d(dim)
        # Dead in the official forward; kept for strict state_dict compatibility only.
        self.ffn = nn.Sequential(
            nn.BatchNorm2d(channels),
            nn.Conv2d(channels, 2, 1),
            nn.Hardswish(),
            nn.Dropout(0.0),
            nn.Conv2d(2, channels, 1),
            nn.Dropout(0.0),
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # Official init: conv-default uniform for the kernels, N(0,1) for biases and PEs.
        bound = 1.0 / META_SIZE ** 0.5
        for k in (self.meta_kernel_1_H, self.meta_kernel_1_W, self.meta_kernel_2_H, self.meta_kernel_2_W):
            nn.init.uniform_(k, -bound, bound)
        for p in (self.meta_1_H_bias, self.meta_1_W_bias, self.meta_2_H_bias, self.meta_2_W_bias,
                  self.meta_pe_1_H, self.meta_pe_1_W, self.meta_pe_2_H, self.meta_pe_2_W):
            nn.init.normal_(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[2], x.shape[3]
        if h > META_SIZE or w > META_SIZE:
            raise ValueError(f"FCC supports feature maps up to {META_SIZE}x{META_SIZE}, got {h}x{w}")
        a, b = torch.split(x, self.dim, dim=1)
        za = self.pre_Norm_1(a + self.meta_pe_1_H[:, :, :h, :])
        ya = circ_v(za, self.meta_kernel_1_H, self.meta_1_H_bias) + self.meta_pe_2_W[:, :, :, :w]
        ya = circ_h(ya, self.meta_kernel_2_W, self.meta_2_W_bias)
        zb = self.pre_Norm_2(b + self.meta_pe_1_W[:, :, :, :w])
        yb = circ_h(zb, self.meta_kernel_1_W, self.meta_1_W_bias) + self.meta_pe_2_H[:, :, :h, :]
        yb = circ_v(yb, self.meta_kernel_2_H, self.meta_2_H_bias)
        return torch.cat([a + ya, b + yb], dim=1)
