"""FlowNetC-style flow head (MOL_SPEC §5, golden README §3.9), widths from the config.

Encoder unit = conv (no bias) -> BN -> LeakyReLU(0.1); decoder = transposed convs, LeakyReLU on the
deconvs only. F5C features (256 channels) join at 1/8 scale; the raw first frame joins at full scale.
"""
from __future__ import annotations

from typing import Mapping

import torch
import torch.nn.functional as F
from torch import nn

from .correlation import PATCH, Correlation

FEAT_CHANNELS = 256  # cat(F5C_1(x_p), F5C_2(x_{p+1}))


def enc(c_in: int, c_out: int, k: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, k, stride=stride, padding=(k - 1) // 2, bias=False),
        nn.BatchNorm2d(c_out),
        nn.LeakyReLU(0.1, inplace=True),
    )


# Sub-pixel form of a k4 s2 p1 transposed conv: output phase a (row parity) of row 2m+a reads input rows
# m-1, m, m+1 (offset index 0, 1, 2) through kernel taps _PHASE_TAPS[a][offset]; -1 = no tap.
_PHASE_TAPS = ((3, 1, -1), (-1, 2, 0))
_SELECT = torch.tensor([[[1.0 if t == k else 0.0 for k in range(4)] for t in row] for row in _PHASE_TAPS])  # [2,3,4]


class Upconv(nn.ConvTranspose2d):
    """ConvTranspose2d(k4, s2, p1, no bias) with the official parameter layout [in, out, 4, 4].

    Training on the CPU runs it as one 3x3 conv with 4x the output channels plus a pixel shuffle: the same
    function (up to float summation order), but torch 1.13's CPU transposed-conv kernels are 4-6x slower,
    backward included. Inference (no grad) and other devices use the stock op, which the FLOP counts and
    golden parity measure."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__(c_in, c_out, 4, 2, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        if x.device.type != "cpu" or not torch.is_grad_enabled():
            return super().forward(x)
        sel = _SELECT.to(dtype=self.weight.dtype)
        k = torch.einsum("ayk,bxl,cokl->oabcyx", sel, sel, self.weight)
        k = k.reshape(self.out_channels * 4, self.in_channels, 3, 3)
        return F.pixel_shuffle(F.conv2d(x, k, padding=1), 2)


def dec(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(Upconv(c_in, c_out), nn.LeakyReLU(0.1, inplace=True))


def predict_flow(c_in: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, 2, 3, 1, 1, bias=False)


def up_flow() -> nn.ConvTranspose2d:
    return Upconv(2, 2)


class FlowNet(nn.Module):
    def __init__(self, w: Mapping[str, int]) -> None:
        super().__init__()
        self.conv1 = enc(1, w["conv1"], 6, 2)
        self.conv2 = enc(w["conv1"], w["conv2"], 4, 2)
        self.conv3 = enc(w["conv2"], w["conv3"], 2, 2)
        self.conv_redir = enc(w["conv3"], w["redir"], 1, 1)
        self.conv3_1 = enc(w["redir"] + PATCH * PATCH + FEAT_CHANNELS, w["conv3_1"], 3)
        self.conv4 = enc(w["conv3_1"], w["conv4"], 3, 2)
        self.conv4_1 = enc(w["conv4"], w["conv4_1"], 3)
        self.conv5 = enc(w["conv4_1"], w["conv5"], 3, 2)
        self.conv5_1 = enc(w["conv5"], w["conv5_1"], 3)
        self.conv6 = enc(w["conv5_1"], w["conv6"], 3, 2)
        self.conv6_1 = enc(w["conv6"], w["conv6_1"], 3)
        cat5 = w["conv5_1"] + w["deconv5"] + 2
        cat4 = w["conv4_1"] + w["deconv4"] + 2
        cat3 = w["conv3_1"] + w["deconv3"] + 2
        cat2 = w["conv2"] + w["deconv2"] + 2
        cat1 = w["conv1"] + w["deconv1"] + 2
        cat0 = 1 + w["deconv0"] + 2
        self.deconv5 = dec(w["conv6_1"], w["deconv5"])
        self.deconv4 = dec(cat5, w["deconv4"])
        self.deconv3 = dec(cat4, w["deconv3"])
        self.deconv2 = dec(cat3, w["deconv2"])
        self.deconv1 = dec(cat2, w["deconv1"])
        self.deconv0 = dec(cat1, w["deconv0"])
        self.predict_flow6 = predict_flow(w["conv6_1"])
        self.predict_flow5 = predict_flow(cat5)
        self.predict_flow4 = predict_flow(cat4)
        self.predict_flow3 = predict_flow(cat3)
        self.predict_flow2 = predict_flow(cat2)
        self.predict_flow1 = predict_flow(cat1)
        self.predict_flow0 = predict_flow(cat0)
        self.upsampled_flow6_to_5 = up_flow()
        self.upsampled_flow5_to_4 = up_flow()
        self.upsampled_flow4_to_3 = up_flow()
        self.upsampled_flow3_to_2 = up_flow()
        self.upsampled_flow2_to_1 = up_flow()
        self.upsampled_flow1_to_0 = up_flow()
        self.corr = Correlation()
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # FlowNetPytorch's init, as the official code inherits it.
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, a=0.1)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def encode(self, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Shared-weight encoder for one frame: [N,1,128,128] -> (conv1, conv2, conv3) outputs."""
        c1 = self.conv1(frames)
        c2 = self.conv2(c1)
        return c1, c2, self.conv3(c2)

    def decode(self, frame_a: torch.Tensor, enc_a: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
               conv3b: torch.Tensor, feat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Flow for the pair (a -> b) from a's encoder outputs, b's conv3 and the F5C features.

        Returns (flow [N,2,H,W], correlation [N,441,h,w])."""
        c1a, c2a, c3a = enc_a
        corr = self.corr(c3a, conv3b)
        x = self.conv3_1(torch.cat([self.conv_redir(c3a), corr, feat], dim=1))
        out4 = self.conv4_1(self.conv4(x))
        out5 = self.conv5_1(self.conv5(out4))
        out6 = self.conv6_1(self.conv6(out5))
        flow6 = self.predict_flow6(out6)
        cat5 = torch.cat([out5, self.deconv5(out6), self.upsampled_flow6_to_5(flow6)], dim=1)
        flow5 = self.predict_flow5(cat5)
        cat4 = torch.cat([out4, self.deconv4(cat5), self.upsampled_flow5_to_4(flow5)], dim=1)
        flow4 = self.predict_flow4(cat4)
        cat3 = torch.cat([x, self.deconv3(cat4), self.upsampled_flow4_to_3(flow4)], dim=1)
        flow3 = self.predict_flow3(cat3)
        cat2 = torch.cat([c2a, self.deconv2(cat3), self.upsampled_flow3_to_2(flow3)], dim=1)
        flow2 = self.predict_flow2(cat2)
        cat1 = torch.cat([c1a, self.deconv1(cat2), self.upsampled_flow2_to_1(flow2)], dim=1)
        flow1 = self.predict_flow1(cat1)
        cat0 = torch.cat([frame_a, self.deconv0(cat1), self.upsampled_flow1_to_0(flow1)], dim=1)
        return self.predict_flow0(cat0), corr

    def forward(self, frame_a: torch.Tensor, frame_b: torch.Tensor, feat: torch.Tensor) -> torch.Tensor:
        enc_a = self.encode(frame_a)
        _, _, c3b = self.encode(frame_b)
        return self.decode(frame_a, enc_a, c3b, feat)[0]
