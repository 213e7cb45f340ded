"""Parameters and compute of the MOL configurations, measured on the real modules.

    /usr/bin/python3 -m moltrain.flops [--json]

Compute is counted twice, independently, and the two must agree exactly:
* measured: a TorchDispatchMode sees every aten convolution / mm / addmm / bmm the forward executes;
* analytic: forward hooks apply closed-form counts to each module's actual input/output shapes.
MACs are multiply-accumulates (FLOPs = 2 x MACs); element-wise ops (BN, activations, adds, max) are not
counted (well under 1 %). Per clip = one 8-frame forward as the model computes it (stem and flow encoder
once per frame). Streaming per new frame = what one new frame costs once the previous frames are cached:
stem + FCC/CCC of both F5C blocks for the new frame, the flow encoder for the new frame, the flow decoder
and landmarks for the newest pair, and the whole MER head over the last 7 pairs (14 slots).
"""
from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from typing import Any, Callable

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from .config import MolConfig, paper_config, rt_config
from .layers.ccc import CCC
from .layers.correlation import Correlation
from .layers.fcc import FCC
from .model import FEAT_SIZE, FRAME_SIZE, MOL, build_model
from .weights_io import is_exported

TOP = ("conv_stack", "FCC_1", "FCC_2", "CCC_1", "CCC_2", "flownet", "mer_3dcnn", "ldm_predictor")


def _op_macs(name: str, args: tuple, out: Any) -> int:
    if name == "convolution":
        x, w, transposed = args[0], args[1], args[6]
        per = math.prod(w.shape[1:])  # [O, I/g, k...] or, transposed, [I, O/g, k...]
        return (x.numel() if transposed else out.numel()) * per
    if name in ("mm", "addmm"):
        a, b = args[-2], args[-1]
        return a.shape[0] * a.shape[1] * b.shape[1]
    if name == "bmm":
        a, b = args
        return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
    return 0


class MacCounter(TorchDispatchMode):
    """Counts MACs of every matmul/conv, attributed to the innermost module running it."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.owner = ["(outside)"]
        self.macs: dict[str, int] = defaultdict(int)
        self.analytic: dict[str, int] = defaultdict(int)
        self.handles = []
        for name, m in model.named_modules():
            if not name:
                continue
            self.handles.append(m.register_forward_pre_hook(lambda _m, _i, n=name: self.owner.append(n)))
            self.handles.append(m.register_forward_hook(self._post(name)))

    def _post(self, name: str) -> Callable:
        def hook(m: nn.Module, inputs: tuple, out: Any) -> None:
            self.owner.pop()
            self.analytic[name] += analytic_macs(m, inputs, out)
        return hook

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001 (torch protocol)
        out = func(*args, **(kwargs or {}))
        m = _op_macs(func.overloadpacket.__name__, args, out)
        if m:
            self.macs[self.owner[-1]] += m
        return out

    def close(self) -> None:
        for h in self.handles:
            h.remove()


def analytic_macs(m: nn.Module, inputs: tuple, out: Any) -> int:
    """Closed-form MACs of one module call from its real shapes (leaf ops only, no double counting)."""
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return out.numel() * (m.in_channels // m.groups) * math.prod(m.kernel_size)
    if isinstance(m, nn.ConvTranspose2d):
        return inputs[0].numel() * (m.out_channels // m.groups) * math.prod(m.kernel_size)
    if isinstance(m, nn.Linear):
        return out.numel() * m.in_features
    if isinstance(m, FCC):
        b, c, h, w = inputs[0].shape
        return 2 * (b * (c // 2) * h * w * h + b * (c // 2) * h * w * w)  # V then H, H then V; H (W) taps each
    if isinstance(m, CCC):
        b, c, h, w = inputs[0].shape
        n = h * w
        return b * (n * c * n + c * n * n + m.k * c * n * n)  # kNN similarity, Θ once, Φ per neighbour
    if isinstance(m, Correlation):
        b, c, h, w = inputs[0].shape
        return b * (h * w) ** 2 * c  # all-pairs products, then a gather per displacement
    return 0


def _roll(d: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for name, v in d.items():
        top = name.split(".")[0]
        out[top] += v
        if name == "flownet.corr":
            out["flownet.corr"] += v
    return dict(out)


def measure(model: MOL, run: Callable[[], Any]) -> dict[str, int]:
    counter = MacCounter(model)
    try:
        with torch.no_grad(), counter:
            run()
    finally:
        counter.close()
    measured, analytic = _roll(counter.macs), _roll(counter.analytic)
    if measured != analytic:
        raise AssertionError(f"MAC counts disagree: measured {measured} vs analytic {analytic}")
    return measured


def clip_macs(model: MOL) -> dict[str, int]:
    x = torch.zeros(1, 1, model.config.clip_length, FRAME_SIZE, FRAME_SIZE)
    return measure(model, lambda: model(x))


def streaming_macs(model: MOL) -> dict[str, int]:
    frame = torch.zeros(1, 1, FRAME_SIZE, FRAME_SIZE)
    feat = torch.zeros(1, 128, FEAT_SIZE, FEAT_SIZE)

    def step() -> None:
        model.conv_stack(frame)
        model.CCC_1(model.FCC_1(feat))
        model.CCC_2(model.FCC_2(feat))
        enc = model.flownet.encode(frame)  # the new frame; the previous frame's encoding is cached
        model.flownet.decode(frame, enc, enc[2], torch.cat([feat, feat], dim=1))
        model.ldm_predictor(feat)
        model.mer_3dcnn(torch.zeros(1, 128, FEAT_SIZE, FEAT_SIZE, 2 * (model.config.clip_length - 1)))

    return measure(model, step)


def param_counts(model: MOL) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {t: {"params": 0, "exported": 0} for t in TOP}
    for name, p in model.named_parameters():
        out[name.split(".")[0]]["params"] += p.numel()
    for name, t in model.state_dict().items():
        if is_exported(name):
            out[name.split(".")[0]]["exported"] += t.numel()
    return out


def report(config: MolConfig) -> dict[str, Any]:
    torch.manual_seed(0)
    model = build_model(config).eval()
    params = param_counts(model)
    clip, stream = clip_macs(model), streaming_macs(model)
    rows = {t: {**params[t], "clipMacs": clip.get(t, 0), "streamMacs": stream.get(t, 0)} for t in TOP}
    rows["flownet.corr"] = {"params": 0, "exported": 0, "clipMacs": clip.get("flownet.corr", 0),
                            "streamMacs": stream.get("flownet.corr", 0)}
    total = {k: sum(rows[t][k] for t in TOP) for k in ("params", "exported", "clipMacs", "streamMacs")}
    return {"config": config.to_json(), "modules": rows, "total": total,
            "float16Bytes": 2 * total["exported"], "clipGflops": 2 * total["clipMacs"] / 1e9,
            "streamGflopsPerFrame": 2 * total["streamMacs"] / 1e9}


def table(r: dict[str, Any]) -> str:
    c = r["config"]
    lines = [f"== {c['name']} ({c['numClasses']} classes, ldmHidden {c['ldmHidden']})",
             f"{'module':<22}{'params':>12}{'exported':>12}{'MMAC/clip':>12}{'MMAC/frame':>12}"]
    for name, row in r["modules"].items():
        label = "  of which correlation" if name == "flownet.corr" else name
        lines.append(f"{label:<22}{row['params']:>12,}{row['exported']:>12,}"
                     f"{row['clipMacs'] / 1e6:>12.1f}{row['streamMacs'] / 1e6:>12.1f}")
    t = r["total"]
    lines.append(f"{'total':<22}{t['params']:>12,}{t['exported']:>12,}{t['clipMacs'] / 1e6:>12.1f}"
                 f"{t['streamMacs'] / 1e6:>12.1f}")
    lines.append(f"per 8-frame clip: {r['clipGflops']:.3f} GFLOP; streaming: {r['streamGflopsPerFrame']:.3f} "
                 f"GFLOP per new frame; exported weights: {r['float16Bytes'] / 1e6:.2f} MB float16, "
                 f"{2 * r['float16Bytes'] / 1e6:.2f} MB float32")
    return "\n".join(lines)


def train_step_seconds(config: MolConfig, batch: int = 8, steps: int = 2) -> tuple[float, float]:
    """(wall, process CPU) seconds of one optimiser step (forward + backward + AdamW) at this batch, median
    over `steps` after a warm-up step, with the training loss (moltrain.losses.mol_loss: CE + flow MSE +
    landmark loss) on random targets. CPU seconds / threads approximates the wall time on an idle machine."""
    import time

    from .losses import mol_loss
    torch.manual_seed(0)
    model = build_model(config).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-3)
    pairs = config.clip_length - 1
    x = torch.randn(batch, 1, config.clip_length, FRAME_SIZE, FRAME_SIZE)
    target = {"label": torch.randint(0, config.num_classes, (batch,)),
              "flow": torch.randn(batch, 2, FRAME_SIZE, FRAME_SIZE, pairs), "flow_mask": torch.ones(batch, dtype=torch.bool),
              "ldm": torch.rand(batch, 136, config.clip_length) * FRAME_SIZE, "ldm_mask": torch.ones(batch, dtype=torch.bool)}
    times = []
    for _ in range(steps + 1):  # the first step warms allocators and AdamW state
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        mol_loss(model(x), target)["total"].backward()
        opt.step()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return sorted(times[1:])[len(times[1:]) // 2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="moltrain.flops", description="Parameters and MACs/FLOPs of paper and rt.")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--train-step", type=int, metavar="BATCH", help="also time one training step at this batch size")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    if args.train_step:
        for cfg in (paper_config(), rt_config()):
            wall, cpu = train_step_seconds(cfg, args.train_step)
            print(f"{cfg.name}: training step at batch {args.train_step} (forward+backward+AdamW, "
                  f"{torch.get_num_threads()} threads): {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    reports = [report(paper_config()), report(rt_config())]
    if args.json:
        print(json.dumps(reports, indent=1))
    else:
        print("\n\n".join(table(r) for r in reports))
        print("\nMACs counted by an aten dispatch counter and checked equal to closed-form per-module counts; "
              "FLOPs = 2 x MACs; element-wise ops excluded.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
