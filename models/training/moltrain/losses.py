"""MOL's joint loss (MOL_SPEC sections 6-7) without the official code's bugs (section 11).

    L = CE(logits, label) + lambda_of * L_of + lambda_ldm * L_ldm

L_of   mean squared error between predicted and target flow [B,2,128,128,7], averaged over every element
       of the samples that HAVE a flow target. The official code divides that mean once more by 7; we do
       not (a loss should not depend on how many pairs a clip has), and fold the 1/7 into the default
       weight instead, so the default reproduces the official effective weight: 10 / 7.
L_ldm  inter-ocular-normalised L1 landmark error: for every sample with landmarks and every predicted frame
       t = 1..7, sum over the 68 points of (|dx| + |dy|) divided by the ground-truth eye-centre distance
       (mean of points 42-47 minus mean of points 36-41), divided by 68, then averaged over frames and
       samples. The official code SUMS over the 7 frames; we average, and again fold the 7 into the
       default weight: 0.5 (main.py default) * 7 = 3.5.
A sample without a flow (or landmark) target contributes nothing to that term; a batch with none gives
exactly 0 for the term (MER-only training on real datasets, where no TV-L1 flow is available here).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

DEFAULT_LAMBDA_OF = 10.0 / 7.0
DEFAULT_LAMBDA_LDM = 0.5 * 7.0

# Eye indices in the iBUG 68-point layout (0-based): 36-41 one eye, 42-47 the other.
_EYE_A = slice(36, 42)
_EYE_B = slice(42, 48)
# A ground-truth eye distance below this (crop pixels) is not a face; clamp so one bad label cannot
# blow the loss up to inf. 128-px crops have an inter-ocular distance of roughly 40-50 px.
_MIN_IOD_PX = 1.0


class LossInputError(ValueError):
    """Predictions and targets whose shapes do not match the MOL contract."""


@dataclass(frozen=True)
class LossWeights:
    flow: float = DEFAULT_LAMBDA_OF
    landmarks: float = DEFAULT_LAMBDA_LDM


def flow_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Masked mean squared error; pred/target [B,2,H,W,T-1], mask [B] bool."""
    if pred.shape != target.shape:
        raise LossInputError(f"flow prediction {tuple(pred.shape)} vs target {tuple(target.shape)}")
    if mask.shape != (pred.shape[0],):
        raise LossInputError(f"flow mask {tuple(mask.shape)} for batch {pred.shape[0]}")
    if not bool(mask.any()):
        return pred.sum() * 0.0  # keeps the graph (and device) without contributing
    per_sample = (pred[mask] - target[mask]).pow(2).flatten(1).mean(dim=1)
    return per_sample.mean()


def interocular_distance(ldm: torch.Tensor) -> torch.Tensor:
    """Eye-centre distance per sample and frame; ldm [B,136,T] as x0,y0,x1,y1,... -> [B,T]."""
    pts = ldm.reshape(ldm.shape[0], 68, 2, ldm.shape[-1])
    a = pts[:, _EYE_A].mean(dim=1)
    b = pts[:, _EYE_B].mean(dim=1)
    return (b - a).pow(2).sum(dim=1).sqrt()


def landmark_loss(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """pred [B,136,T-1] for frames 1..T-1; target [B,136,T] for all frames; mask [B] bool."""
    if pred.ndim != 3 or pred.shape[1] != 136:
        raise LossInputError(f"landmark prediction must be [B,136,T-1], got {tuple(pred.shape)}")
    if target.shape != (pred.shape[0], 136, pred.shape[2] + 1):
        raise LossInputError(f"landmark target {tuple(target.shape)} does not match prediction {tuple(pred.shape)}")
    if mask.shape != (pred.shape[0],):
        raise LossInputError(f"landmark mask {tuple(mask.shape)} for batch {pred.shape[0]}")
    if not bool(mask.any()):
        return pred.sum() * 0.0
    gt = target[mask][..., 1:]  # the head predicts the second frame of every pair
    p = pred[mask]
    iod = interocular_distance(gt).clamp_min(_MIN_IOD_PX)      # [b, T-1]
    err = (p - gt).abs().sum(dim=1) / 68.0                       # [b, T-1], L1 per point
    return (err / iod).mean()


def mol_loss(outputs, batch: dict, weights: LossWeights = LossWeights()) -> dict:
    """outputs = (logits, flow, ldm) from MOL.forward; batch from data.collate_clips. Returns the terms."""
    logits, flow, ldm = outputs
    ce = F.cross_entropy(logits, batch["label"])
    lof = flow_loss(flow, batch["flow"], batch["flow_mask"])
    lldm = landmark_loss(ldm, batch["ldm"], batch["ldm_mask"])
    total = ce + weights.flow * lof + weights.landmarks * lldm
    return {"total": total, "mer": ce, "flow": lof, "ldm": lldm}
