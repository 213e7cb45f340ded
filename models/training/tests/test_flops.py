"""Counts agree with MOL_SPEC's hand arithmetic for paper, and rt meets its budgets."""
import pytest
import torch

from moltrain import flops
from moltrain.config import paper_config, rt_config
from moltrain.model import build_model


@pytest.fixture(scope="module")
def paper():
    torch.manual_seed(0)
    return build_model(paper_config()).eval()


def test_paper_parameters_match_the_official_counts(paper):
    p = flops.param_counts(paper)
    assert sum(v["params"] for v in p.values()) == 44_105_379  # MOL_SPEC §8.1, 5 classes
    assert p["flownet"]["params"] == 39_730_282
    assert p["mer_3dcnn"]["params"] == 738_853 and p["ldm_predictor"]["params"] == 3_318_440
    assert p["FCC_1"]["params"] == 17_794 and p["CCC_1"]["params"] == 131_584 and p["conv_stack"]["params"] == 19_048


def test_paper_streaming_macs_match_the_spec(paper):
    s = flops.streaming_macs(paper)  # also asserts measured == analytic
    assert s["conv_stack"] == 6_916_480
    assert s["FCC_1"] == 1_048_576
    assert s["CCC_1"] == 8_388_608 + 5 * 8_388_608  # kNN similarity + Θ once + Φ for 4 neighbours
    encoder_pass = 9_437_184 + 134_217_728 + 33_554_432
    assert s["flownet"] - s["flownet.corr"] == 2_120_414_272 - encoder_pass  # one new frame through the encoder
    assert s["flownet.corr"] == 256 * 256 * 256
    assert s["mer_3dcnn"] == 53_085_440
    assert s["ldm_predictor"] == 7_225_344 + 3_280_896


def test_rt_meets_its_budgets():
    r = flops.report(rt_config())
    assert r["streamGflopsPerFrame"] <= 0.6
    assert r["float16Bytes"] <= 8_000_000
