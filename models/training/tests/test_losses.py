"""Joint loss: masks for absent targets, inter-ocular normalisation, weights."""
import numpy as np
import pytest
import torch

from moltrain.losses import (DEFAULT_LAMBDA_LDM, DEFAULT_LAMBDA_OF, LossInputError, LossWeights, flow_loss,
                             interocular_distance, landmark_loss, mol_loss)


def face_ldm(iod: float, frames: int = 8) -> torch.Tensor:
    """68 points at 0 except the eyes: points 36-41 at x=10, points 42-47 at x=10+iod (same y)."""
    pts = torch.zeros(68, 2)
    pts[36:42, 0] = 10.0
    pts[42:48, 0] = 10.0 + iod
    return pts.reshape(136, 1).repeat(1, frames)


def test_interocular_distance_uses_eye_centres():
    ldm = face_ldm(40.0)[None]
    ldm = ldm.reshape(1, 68, 2, 8)
    ldm[0, 36, 1] += 6.0   # moves the first eye's centre by 1 px in y
    d = interocular_distance(ldm.reshape(1, 136, 8))
    assert d.shape == (1, 8)
    assert d[0, 0].item() == pytest.approx(float(np.hypot(40.0, 1.0)), rel=1e-6)


def test_landmark_loss_hand_computed():
    target = face_ldm(40.0)[None]                     # [1,136,8]
    pred = target[..., 1:].clone()
    pred[0, 0, :] += 3.0                              # point 0: dx = 3 on every predicted frame
    pred[0, 1, 2] -= 4.0                              # point 0: dy = -4 on one frame only
    loss = landmark_loss(pred, target, torch.tensor([True]))
    # per frame: (|dx|+|dy|)/68/iod ; frames: 6 x 3 and 1 x 7 -> mean over 7 frames
    expected = (6 * 3.0 + 7.0) / 7 / 68 / 40.0
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_landmark_loss_ignores_first_frame_and_masked_samples():
    target = torch.stack([face_ldm(40.0), face_ldm(50.0)])
    target[:, :, 0] = 999.0                           # frame 0 has no prediction; must not matter
    pred = target[..., 1:].clone()
    pred[1] += 100.0                                  # sample 1 is masked out
    loss = landmark_loss(pred, target, torch.tensor([True, False]))
    assert loss.item() == 0.0


def test_flow_loss_is_mean_over_samples_with_targets():
    pred = torch.zeros(3, 2, 128, 128, 7)
    target = torch.zeros_like(pred)
    target[0] = 2.0          # MSE 4
    target[1] = 100.0        # masked out
    target[2] = 1.0          # MSE 1
    loss = flow_loss(pred, target, torch.tensor([True, False, True]))
    assert loss.item() == pytest.approx(2.5)   # no extra /7


def test_missing_targets_contribute_zero_and_keep_gradients_flowing():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, requires_grad=True)
    flow = torch.randn(2, 2, 128, 128, 7, requires_grad=True)
    ldm = torch.randn(2, 136, 7, requires_grad=True)
    batch = {"label": torch.tensor([0, 2]), "flow": torch.zeros(2, 2, 128, 128, 7),
             "flow_mask": torch.tensor([False, False]), "ldm": torch.zeros(2, 136, 8),
             "ldm_mask": torch.tensor([False, False])}
    terms = mol_loss((logits, flow, ldm), batch)
    assert terms["flow"].item() == 0.0 and terms["ldm"].item() == 0.0
    assert terms["total"].item() == pytest.approx(torch.nn.functional.cross_entropy(logits, batch["label"]).item())
    terms["total"].backward()
    assert logits.grad is not None and flow.grad is not None and float(flow.grad.abs().sum()) == 0.0


def test_total_applies_the_weights():
    logits = torch.zeros(1, 3)
    flow = torch.zeros(1, 2, 128, 128, 7)
    target_ldm = face_ldm(40.0)[None]
    pred_ldm = target_ldm[..., 1:] + torch.tensor(68 * 40.0 / 136)  # every coordinate off: L1/68/iod = 1
    batch = {"label": torch.tensor([1]), "flow": torch.ones(1, 2, 128, 128, 7), "flow_mask": torch.tensor([True]),
             "ldm": target_ldm, "ldm_mask": torch.tensor([True])}
    terms = mol_loss((logits, flow, pred_ldm), batch, LossWeights(flow=2.0, landmarks=3.0))
    assert terms["flow"].item() == pytest.approx(1.0)
    assert terms["ldm"].item() == pytest.approx(1.0, rel=1e-5)
    assert terms["total"].item() == pytest.approx(np.log(3) + 2.0 + 3.0, rel=1e-5)
    assert LossWeights() == LossWeights(flow=DEFAULT_LAMBDA_OF, landmarks=DEFAULT_LAMBDA_LDM)
    assert DEFAULT_LAMBDA_OF == pytest.approx(10 / 7) and DEFAULT_LAMBDA_LDM == pytest.approx(3.5)


def test_shape_mismatch_is_named():
    with pytest.raises(LossInputError, match="flow prediction"):
        flow_loss(torch.zeros(1, 2, 128, 128, 7), torch.zeros(1, 2, 64, 64, 7), torch.tensor([True]))
    with pytest.raises(LossInputError, match="landmark target"):
        landmark_loss(torch.zeros(1, 136, 7), torch.zeros(1, 136, 7), torch.tensor([True]))
