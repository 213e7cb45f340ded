"""MOL: joint micro-expression recognition, optical flow and landmarks, as the official code computes it.

Parameter names and shapes equal the official state_dict (official checkpoints load with strict=True).
Exact in eval mode; two structural savings that do not change any output:
* the stem runs once per frame (the official code runs it twice for the middle frames, same weights);
* the FlowNet encoder (conv1..conv3, shared weights) runs once per frame.
Every F5C/FlowNet call is batched over the 7 pairs, so in train mode the BatchNorm statistics pool over
B*7 (FCC, flow decoder) or B*8 (flow encoder) maps instead of the official per-pair B; a training-only
difference (running-stat updates), never a forward difference in eval.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .config import MolConfig
from .layers.ccc import CCC
from .layers.fcc import FCC
from .layers.flownet import FlowNet
from .layers.ldm_head import LDMPredictor
from .layers.mer_head import MER3dCNN
from .layers.stem import ConvStack

FRAME_SIZE = 128
FEAT_SIZE = 16


class InputShapeError(ValueError):
    """The clip is not [B,1,8,128,128] float."""


@dataclass
class MolTrace:
    """Intermediates of one forward (golden capture and debugging); per-frame lists hold [B,...] tensors."""
    stem: torch.Tensor          # [B,8,128,16,16]
    fcc1: torch.Tensor          # [B,7,128,16,16] FCC_1 on frames 0..6
    fcc2: torch.Tensor          # [B,7,128,16,16] FCC_2 on frames 1..7
    edge1: torch.Tensor         # CCC_1 output before the residual
    edge2: torch.Tensor
    knn1: torch.Tensor          # [B,7,256,k]
    knn2: torch.Tensor
    f5c1: torch.Tensor
    f5c2: torch.Tensor
    mer_input: torch.Tensor     # [B,128,16,16,14]
    conv3: torch.Tensor         # [B,8,C3,16,16] FlowNet conv3 per frame
    corr: torch.Tensor          # [B,7,441,16,16]
    logits: torch.Tensor
    flow: torch.Tensor
    ldm: torch.Tensor


def check_clip(x: torch.Tensor, clip_length: int) -> None:
    want = (1, clip_length, FRAME_SIZE, FRAME_SIZE)
    if x.dim() != 5 or tuple(x.shape[1:]) != want:
        raise InputShapeError(f"MOL expects [B,{','.join(map(str, want))}] (B,C,T,H,W), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise InputShapeError(f"MOL expects a float tensor, got {x.dtype}")


class MOL(nn.Module):
    def __init__(self, config: MolConfig) -> None:
        super().__init__()
        self.config = config
        # Registration order = official state_dict order.
        self.conv_stack = ConvStack()
        self.FCC_1 = FCC()
        self.FCC_2 = FCC()
        self.CCC_1 = CCC(FEAT_SIZE * FEAT_SIZE, config.neighbor_num)
        self.CCC_2 = CCC(FEAT_SIZE * FEAT_SIZE, config.neighbor_num)
        self.flownet = FlowNet(config.flow)
        self.mer_3dcnn = MER3dCNN(config.num_classes)
        self.ldm_predictor = LDMPredictor(config.ldm_hidden)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x [B,1,8,128,128] -> (logits [B,cls], flow [B,2,128,128,7], ldm [B,136,7])."""
        t = self.trace(x)
        return t.logits, t.flow, t.ldm

    def _stem(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x [B,1,8,128,128] (checked) -> (frames [B*8,1,128,128], stem features [B,8,128,16,16])."""
        check_clip(x, self.config.clip_length)
        b, _, n_frames = x.shape[:3]
        frames = x.transpose(1, 2).reshape(b * n_frames, 1, FRAME_SIZE, FRAME_SIZE)
        return frames, self.conv_stack(frames).reshape(b, n_frames, 128, FEAT_SIZE, FEAT_SIZE)

    def landmark_features(self, x: torch.Tensor) -> torch.Tensor:
        """The landmark head's input alone, f5c2 of every pair: x [B,1,8,128,128] -> [B*7,128,16,16]. Skips the
        flow and recognition branches, so a landmark-head-only run (moltrain.ldm_head_tune) costs a third."""
        _, stem = self._stem(x)
        b, n_frames = stem.shape[:2]
        fcc2 = self.FCC_2(stem[:, 1:].reshape(b * (n_frames - 1), 128, FEAT_SIZE, FEAT_SIZE))
        edge2, _ = self.CCC_2(fcc2)
        return fcc2 + edge2

    def _f5c_pairs(self, stem: torch.Tensor, knn_override=None) -> tuple[torch.Tensor, ...]:
        """Both F5C branches over the frame pairs: stem [B,8,128,16,16] -> (fcc1, edge1, idx1, fcc2, edge2,
        idx2), each [B*7,...]; branch 1 sees each pair's first frame, branch 2 its second."""
        b, n_frames = stem.shape[:2]
        pairs = n_frames - 1
        fcc1 = self.FCC_1(stem[:, :pairs].reshape(b * pairs, 128, FEAT_SIZE, FEAT_SIZE))
        fcc2 = self.FCC_2(stem[:, 1:].reshape(b * pairs, 128, FEAT_SIZE, FEAT_SIZE))
        k1 = k2 = None
        if knn_override is not None:
            k1, k2 = (k.reshape(b * pairs, *k.shape[2:]) for k in knn_override)
        edge1, idx1 = self.CCC_1(fcc1, k1)
        edge2, idx2 = self.CCC_2(fcc2, k2)
        return fcc1, edge1, idx1, fcc2, edge2, idx2

    @staticmethod
    def _mer_input(f5c1: torch.Tensor, f5c2: torch.Tensor, b: int) -> torch.Tensor:
        """The recognition head's input: the MER slots interleaved [F1(x0), F2(x1), F1(x1), F2(x2), ...] on the
        last axis, [B,128,16,16,14]."""
        pairs = f5c1.shape[0] // b
        return torch.stack([f5c1.reshape(b, pairs, *f5c1.shape[1:]), f5c2.reshape(b, pairs, *f5c2.shape[1:])],
                           dim=2).reshape(b, 2 * pairs, 128, FEAT_SIZE, FEAT_SIZE).permute(0, 2, 3, 4, 1)

    def recognition_features(self, x: torch.Tensor) -> torch.Tensor:
        """The recognition head's input alone: x [B,1,8,128,128] -> [B,128,16,16,14]. Skips the flow and
        landmark branches, so a recognition-head-only run (moltrain.mer_head_tune) costs about half."""
        _, stem = self._stem(x)
        fcc1, edge1, _, fcc2, edge2, _ = self._f5c_pairs(stem)
        return self._mer_input(fcc1 + edge1, fcc2 + edge2, stem.shape[0])

    def trace(self, x: torch.Tensor, knn_override: tuple[torch.Tensor, torch.Tensor] | None = None) -> MolTrace:
        """The forward pass, keeping its intermediates. `knn_override` = (knn1, knn2) [B,7,256,k] forces
        the neighbour sets (to tell a kNN near-tie flip from a real discrepancy)."""
        frames, stem = self._stem(x)
        b, n_frames = stem.shape[:2]
        pairs = n_frames - 1
        fcc1, edge1, idx1, fcc2, edge2, idx2 = self._f5c_pairs(stem, knn_override)
        f5c1 = fcc1 + edge1
        f5c2 = fcc2 + edge2

        def per_pair(z: torch.Tensor) -> torch.Tensor:
            return z.reshape(b, pairs, *z.shape[1:])

        mer_input = self._mer_input(f5c1, f5c2, b)
        logits = self.mer_3dcnn(mer_input)

        ldm = self.ldm_predictor(f5c2).reshape(b, pairs, 136).transpose(1, 2)

        c1, c2, c3 = self.flownet.encode(frames)
        c1, c2, c3 = (z.reshape(b, n_frames, *z.shape[1:]) for z in (c1, c2, c3))

        def firsts(z: torch.Tensor) -> torch.Tensor:
            return z[:, :pairs].reshape(b * pairs, *z.shape[2:])

        frames_t = frames.reshape(b, n_frames, 1, FRAME_SIZE, FRAME_SIZE)
        feat = torch.cat([f5c1, f5c2], dim=1)
        flow, corr = self.flownet.decode(
            firsts(frames_t), (firsts(c1), firsts(c2), firsts(c3)),
            c3[:, 1:].reshape(b * pairs, *c3.shape[2:]), feat)
        flow = flow.reshape(b, pairs, 2, FRAME_SIZE, FRAME_SIZE).permute(0, 2, 3, 4, 1)

        return MolTrace(
            stem=stem, fcc1=per_pair(fcc1), fcc2=per_pair(fcc2), edge1=per_pair(edge1), edge2=per_pair(edge2),
            knn1=per_pair(idx1), knn2=per_pair(idx2), f5c1=per_pair(f5c1), f5c2=per_pair(f5c2),
            mer_input=mer_input, conv3=c3, corr=per_pair(corr), logits=logits, flow=flow, ldm=ldm,
        )


def build_model(config: MolConfig) -> MOL:
    return MOL(config)
