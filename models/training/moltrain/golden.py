"""Golden tensors of the `paper` model on the recipe weights and input, in the shared/golden file layout.

    /usr/bin/python3 -m moltrain.golden --seed S --out DIR [--cls 5]

writes golden-seedS-<name>.bin (raw little-endian C-order, float32 or int32 for knn_idx_all) and
golden-seedS.json (name, file, dtype, shape, layout, sha256, stats, ...), like shared/golden.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .config import paper_config
from .model import MOL, MolTrace, build_model
from .recipe import input_clip, load_recipe_weights

REPO_ROOT = Path(__file__).resolve().parents[3]
GOLDEN_ENV = "MOL_GOLDEN_DIR"
TIE_THRESHOLD = 1e-5
ALL_CALLS = list(range(14))
ODD_CALLS = list(range(1, 14, 2))


class GoldenDirMissing(FileNotFoundError):
    """The shared golden folder is not where it should be."""


def golden_dir() -> Path:
    """$MOL_GOLDEN_DIR, else <repo>/../shared/golden."""
    d = Path(os.environ.get(GOLDEN_ENV) or REPO_ROOT.parent / "shared" / "golden")
    if not (d / "golden-seed1.json").is_file():
        raise GoldenDirMissing(f"golden fixtures not found in {d} (set {GOLDEN_ENV} to the folder)")
    return d


@dataclass(frozen=True)
class Spec:
    layout: str
    description: str
    knn_calls: list[int]


SPECS: dict[str, Spec] = {
    "input": Spec("B,C,T,H,W", "recipe input clip; flat index = t*16384 + y*128 + x", []),
    "stem_f0": Spec("B,C,H,W", "stem output, frame 0", []),
    "fcc1_f0": Spec("B,C,H,W", "FCC_1 output, frame 0 (before CCC)", []),
    "ccc1_edge_f0": Spec("B,C,H,W", "CCC_1 max-aggregated edge features, frame 0, before the residual", [0]),
    "f5c1_f0": Spec("B,C,H,W", "F5C_1 output, frame 0 = fcc1_f0 + ccc1_edge_f0", [0]),
    "fcc2_f1": Spec("B,C,H,W", "FCC_2 output, frame 1 (before CCC)", []),
    "ccc2_edge_f1": Spec("B,C,H,W", "CCC_2 edge features, frame 1, before the residual", [1]),
    "f5c2_f1": Spec("B,C,H,W", "F5C_2 output, frame 1 = fcc2_f1 + ccc2_edge_f1", [1]),
    "fcc_out_all": Spec("CALL,B,C,H,W", "all 14 FCC outputs; CALL 2p = FCC_1 on frame p, 2p+1 = FCC_2 on frame p+1", []),
    "knn_idx_all": Spec("CALL,B,N,K", "kNN indices (descending cosine similarity, self included), CALL order as fcc_out_all; only the set per node matters", ALL_CALLS),
    "knn_gap_all": Spec("CALL,B,N", "similarity margin sim(k-th) - sim(k+1-th) per node (small = near-tie)", []),
    "mer_input": Spec("B,C,H,W,S", "MER head input; slot 2p = F5C_1(frame p), 2p+1 = F5C_2(frame p+1)", ALL_CALLS),
    "flow_conv3a_pair0": Spec("B,C,H,W", "FlowNet conv3 output, frame 0", []),
    "flow_conv3b_pair0": Spec("B,C,H,W", "FlowNet conv3 output, frame 1", []),
    "corr_pair0": Spec("B,D,H,W", "correlation of pair 0 after /C and LeakyReLU(0.1); d = ph*21+pw, (dy,dx) = 2*(ph-10, pw-10)", []),
    "mer_logits": Spec("B,CLS", "MER logits (no softmax)", ALL_CALLS),
    "ldm": Spec("B,136,P", "landmarks per pair p (frame p+1); 136 = x0,y0,x1,y1,...", ODD_CALLS),
    "flow": Spec("B,2,H,W,P", "flow per pair p (frame p -> p+1); channel 0 = u (x), 1 = v (y)", ALL_CALLS),
    "mer_logits_3cls": Spec("B,CLS", "3-class model logits (same recipe, fc2 has 3 rows)", ALL_CALLS),
}


# Which kNN calls pair p's output depends on: ldm reads F5C_2(frame p+1) only; flow reads both F5C features.
PER_PAIR_CALLS = {"ldm": lambda p: [2 * p + 1], "flow": lambda p: [2 * p, 2 * p + 1]}


def calls(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-pair [B,7,...] of F5C_1 (frames 0..6) and F5C_2 (frames 1..7) -> CALL-major [14,B,...]."""
    return torch.stack([a, b], dim=2).flatten(1, 2).transpose(0, 1)


def knn_gaps(fcc_calls: torch.Tensor, k: int) -> torch.Tensor:
    """[14,B,C,H,W] -> margin between the k-th and (k+1)-th similarity per node, [14,B,N]."""
    v = fcc_calls.flatten(3)
    vn = F.normalize(v, dim=2, eps=1e-12)
    sims = torch.matmul(vn.transpose(2, 3), vn)
    top = sims.topk(k + 1, dim=-1).values
    return top[..., k - 1] - top[..., k]


def golden_tensors(model: MOL, clip: torch.Tensor, t: MolTrace | None = None) -> dict[str, np.ndarray]:
    """The manifest's tensors (all but mer_logits_3cls) from one traced forward."""
    with torch.no_grad():
        t = t or model.trace(clip)
        fcc_all = calls(t.fcc1, t.fcc2)
        out = {
            "input": clip,
            "stem_f0": t.stem[:, 0],
            "fcc1_f0": t.fcc1[:, 0],
            "ccc1_edge_f0": t.edge1[:, 0],
            "f5c1_f0": t.f5c1[:, 0],
            "fcc2_f1": t.fcc2[:, 0],
            "ccc2_edge_f1": t.edge2[:, 0],
            "f5c2_f1": t.f5c2[:, 0],
            "fcc_out_all": fcc_all,
            "knn_idx_all": calls(t.knn1, t.knn2).to(torch.int32),
            "knn_gap_all": knn_gaps(fcc_all, model.config.neighbor_num),
            "mer_input": t.mer_input,
            "flow_conv3a_pair0": t.conv3[:, 0],
            "flow_conv3b_pair0": t.conv3[:, 1],
            "corr_pair0": t.corr[:, 0],
            "mer_logits": t.logits,
            "ldm": t.ldm,
            "flow": t.flow,
        }
    return {k: v.contiguous().numpy() for k, v in out.items()}


def recipe_model(seed: int, num_classes: int) -> MOL:
    torch.manual_seed(0)  # init values are all overwritten; this only keeps construction cheap and repeatable
    return load_recipe_weights(build_model(paper_config(num_classes)), seed).eval()


def compute(seed: int, num_classes: int = 5) -> dict[str, np.ndarray]:
    clip = torch.from_numpy(input_clip(seed))
    tensors = golden_tensors(recipe_model(seed, num_classes), clip)
    if num_classes == 5:
        with torch.no_grad():
            tensors["mer_logits_3cls"] = recipe_model(seed, 3)(clip)[0].numpy()
    return tensors


def _stats(a: np.ndarray) -> dict[str, object]:
    f = a.astype(np.float64).ravel()
    return {"min": float(f.min()), "max": float(f.max()), "mean": float(f.mean()),
            "l2": float(np.sqrt(np.dot(f, f))), "first5": f[:5].tolist()}


def write(seed: int, tensors: dict[str, np.ndarray], out: Path, num_classes: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    gaps = tensors["knn_gap_all"][:, 0]  # [14,N]
    min_gap = gaps.min(axis=1)
    rows = []
    for name, arr in tensors.items():
        spec = SPECS[name]
        arr = np.ascontiguousarray(arr.astype("<i4" if arr.dtype.kind == "i" else "<f4"))
        data = arr.tobytes()
        file = f"golden-seed{seed}-{name}.bin"
        (out / file).write_bytes(data)
        risk = bool(spec.knn_calls) and float(min_gap[spec.knn_calls].min()) < TIE_THRESHOLD
        row = {
            "name": name, "file": file, "dtype": "int32" if arr.dtype.kind == "i" else "float32",
            "byte_order": "little", "shape": list(arr.shape), "layout": spec.layout,
            "description": spec.description, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "stats": _stats(arr), "knn_calls_used": spec.knn_calls, "knn_tie_risk": risk,
        }
        if spec.knn_calls:
            row["knn_min_gap"] = float(min_gap[spec.knn_calls].min())
        if name in PER_PAIR_CALLS:
            row["knn_min_gap_per_pair"] = [float(min_gap[PER_PAIR_CALLS[name](p)].min()) for p in range(7)]
        rows.append(row)
    manifest = {
        "seed": seed,
        "model": f"moltrain MOL paper configuration, cls={num_classes}, neighbor_num=4, eval mode, batch 1, float32, no_grad",
        "weights": "shared/golden/RECIPE.md with this seed (moltrain.recipe)",
        "environment": {"torch": torch.__version__, "python": sys.version.split()[0], "device": "CPU",
                        "threads": torch.get_num_threads()},
        "knn": {
            "per_call_min_gap": [{"call": c, "ccc": "CCC_1" if c % 2 == 0 else "CCC_2", "frame": c // 2 + c % 2,
                                  "min_gap": float(min_gap[c]),
                                  "nodes_below_1e_5": int((gaps[c] < TIE_THRESHOLD).sum())} for c in range(14)],
            "overall_min_gap": float(min_gap.min()),
        },
        "total_bytes": sum(r["bytes"] for r in rows),
        "tensors": rows,
    }
    path = out / f"golden-seed{seed}.json"
    path.write_text(json.dumps(manifest, indent=1))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="moltrain.golden", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cls", type=int, default=5, choices=(3, 5))
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    path = write(args.seed, compute(args.seed, args.cls), args.out, args.cls)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
