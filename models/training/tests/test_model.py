"""Model structure, batch correctness and input checks (paper and rt share one code path)."""
import json
from dataclasses import asdict

import numpy as np
import pytest
import torch

from moltrain.config import CONFIG_DIR, ConfigError, MolConfig, load_config, paper_config, rt_config
from moltrain.model import InputShapeError, build_model
from moltrain.recipe import input_clip, load_recipe_weights


@pytest.mark.parametrize("name", ["paper", "rt"])
def test_config_files_round_trip(name):
    raw = json.loads((CONFIG_DIR / f"{name}.json").read_text())
    cfg = load_config(name)
    assert cfg.to_json() == raw
    assert MolConfig.from_dict(asdict(cfg)) == cfg
    assert MolConfig.from_dict(raw) == cfg


def test_config_rejects_bad_widths():
    raw = paper_config().to_json()
    del raw["flow"]["deconv0"]
    with pytest.raises(ConfigError, match="deconv0"):
        MolConfig.from_dict(raw)
    with pytest.raises(ConfigError, match="clip_length"):
        MolConfig.from_dict({**paper_config().to_json(), "clipLength": 16})


def test_rt_keeps_every_official_entry_name():
    paper = build_model(paper_config()).state_dict()
    rt = build_model(rt_config()).state_dict()
    assert list(paper) == list(rt)


def test_batch_of_two_equals_each_alone():
    # Different clips per sample: a kNN gather that mixed batch items would break this.
    torch.set_num_threads(2)
    model = load_recipe_weights(build_model(rt_config()), 3).eval()
    clips = torch.from_numpy(np.concatenate([input_clip(1), input_clip(2)]))
    with torch.no_grad():
        both = model.trace(clips)
        for i in range(2):
            one = model.trace(clips[i:i + 1])
            assert torch.equal(both.knn1[i], one.knn1[0]) and torch.equal(both.knn2[i], one.knn2[0])
            for got, want in ((both.logits[i], one.logits[0]), (both.flow[i], one.flow[0]), (both.ldm[i], one.ldm[0])):
                rel = (got - want).double().norm() / want.double().norm()
                assert rel < 1e-6, rel
    assert not torch.allclose(both.logits[0], both.logits[1])


def test_bad_clip_shape_is_named():
    model = build_model(rt_config()).eval()
    with pytest.raises(InputShapeError, match=r"\[B,1,8,128,128\]"):
        model(torch.zeros(1, 1, 7, 128, 128))
    with pytest.raises(InputShapeError, match="float"):
        model(torch.zeros(1, 1, 8, 128, 128, dtype=torch.int64))


def test_outputs_and_gradients_reach_every_used_parameter():
    torch.manual_seed(0)
    model = build_model(rt_config()).train()
    logits, flow, ldm = model(torch.randn(2, 1, 8, 128, 128))
    assert logits.shape == (2, 3) and flow.shape == (2, 2, 128, 128, 7) and ldm.shape == (2, 136, 7)
    (logits.sum() + flow.mean() + ldm.mean()).backward()
    dead = [n for n, p in model.named_parameters() if p.grad is None and ".ffn." not in n]
    assert dead == []


def test_upconv_training_path_equals_the_stock_transposed_conv():
    from moltrain.layers.flownet import Upconv
    torch.manual_seed(1)
    m = Upconv(6, 5)
    x = torch.randn(3, 6, 7, 9, requires_grad=True)
    ref = torch.nn.functional.conv_transpose2d(x, m.weight, stride=2, padding=1)
    got = m(x)  # grad enabled on the CPU: the sub-pixel path
    assert got.shape == ref.shape == (3, 5, 14, 18)
    assert (got - ref).norm() / ref.norm() < 1e-6
    gx, gw = torch.autograd.grad(got.square().sum(), (x, m.weight))
    rx, rw = torch.autograd.grad(ref.square().sum(), (x, m.weight))
    assert (gx - rx).norm() / rx.norm() < 1e-6 and (gw - rw).norm() / rw.norm() < 1e-6
    with torch.no_grad():
        assert torch.equal(m(x), torch.nn.functional.conv_transpose2d(x, m.weight, stride=2, padding=1))


def test_circular_convs_follow_the_formula():
    from moltrain.layers.fcc import circ_h, circ_v
    torch.manual_seed(2)
    z = torch.randn(2, 3, 16, 16, dtype=torch.float64)
    kv, kh = torch.randn(3, 1, 32, 1, dtype=torch.float64), torch.randn(3, 1, 1, 32, dtype=torch.float64)
    b = torch.randn(3, dtype=torch.float64)
    want_v = torch.zeros_like(z) + b.view(1, 3, 1, 1)
    want_h = want_v.clone()
    for t in range(16):  # tap t reads row / column (i + t) mod 16; taps 16..31 are never used
        want_v += kv[:, 0, t, 0].view(1, 3, 1, 1) * torch.roll(z, -t, dims=2)
        want_h += kh[:, 0, 0, t].view(1, 3, 1, 1) * torch.roll(z, -t, dims=3)
    assert torch.allclose(circ_v(z, kv, b), want_v, rtol=0, atol=1e-12)
    assert torch.allclose(circ_h(z, kh, b), want_h, rtol=0, atol=1e-12)
