"""Held-out figures of a trained checkpoint on synthetic clips of identities it never saw (the model card's
numbers): 3-class Acc / UF1 / UAR and the confusion matrix per micro-intensity band, flow end-point error
against the exact flow, and landmark error normalised by the inter-ocular distance with the failure rate.

    cd models/training
    /usr/bin/python3 -m moltrain.synth.heldout --checkpoint runs/NAME/final.pt --split test --per-band 120 \\
        --out ../mol/rt-synth-3cls/heldout.json

Clips are the generator's micro clips (no morphs) of the chosen split's identities, drawn from a stream no
training run uses (seed offset per band), so the figures are reproducible from (checkpoint, split, seed).
`--placement window` (default) puts each expression anywhere in 8 consecutive camera frames; `--placement
event` scores the clips the app classifies: a spotted event's onset..offset resampled to 8 frames.

Class bias (moltrain/class_bias.py): `--split val --fit-class-bias --model-json M` fits per-class log-offsets on
the val identities' clips and stores them in M as `classBias`; `--class-bias-from M` (any split) applies M's
offsets, as the app does, and reports the figures without them under `raw`.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import torch

from ..checkpoint import load_start
from ..class_bias import apply_class_bias, cross_validated, fit_class_bias
from ..cli import run_cli
from ..config import MolConfig
from ..data.clip import collate_clips
from ..metrics import confusion_matrix, scores_from_confusion
from ..model import build_model
from .clip import SynthConfig
from .dataset import BUILT_FACES, SynthClipDataset
from .faces import load_faces

# Micro intensity bands (apex landmark displacement in the 128-px crop) the card reports separately.
BANDS: tuple[tuple[float, float], ...] = ((0.3, 0.8), (0.8, 1.5), (1.5, 2.5))
# A frame whose mean landmark error exceeds this fraction of the inter-ocular distance counts as a failure.
NME_FAILURE = 0.10
# iBUG-68 points 17..67 (brows, nose, eyes, mouth); 0..16 are the jaw outline, partly outside the 128 crop.
INNER_POINTS = slice(17, 68)
_STREAM = 3_000_017


def outer_interocular(ldm: np.ndarray) -> np.ndarray:
    """Outer eye-corner distance (points 36 and 45, the 300-W convention) of [..., 68, 2] landmarks."""
    return np.linalg.norm(ldm[..., 45, :] - ldm[..., 36, :], axis=-1)


def as_points(ldm: np.ndarray) -> np.ndarray:
    """Landmarks as the model and the clips carry them, [B, 136, T] (x0, y0, x1, ...), -> [B, T, 68, 2]."""
    return ldm.transpose(0, 2, 1).reshape(ldm.shape[0], ldm.shape[2], 68, 2)


def landmark_nme(pred: np.ndarray, target: np.ndarray, points: slice = slice(None)) -> np.ndarray:
    """Per-frame mean point-to-point error / outer inter-ocular distance; pred/target [..., 68, 2]. `points`
    picks the points averaged (the normaliser is always the outer eye corners)."""
    return np.linalg.norm(pred - target, axis=-1)[..., points].mean(axis=-1) / outer_interocular(target)


def flow_epe(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-clip mean end-point error; pred/target [B, 2, H, W, T-1] (u, v in px)."""
    return np.sqrt(((pred - target) ** 2).sum(axis=1)).reshape(pred.shape[0], -1).mean(axis=1)


@torch.no_grad()
def evaluate_band(model, faces, band: tuple[float, float], n: int, num_classes: int, seed: int,
                  batch: int = 8, class_bias: Optional[Sequence[float]] = None, placement: str = "window",
                  span_jitter: int = 1) -> dict:
    cfg = replace(SynthConfig(), micro_amplitude_px=band, morph_prob=0.0, placement=placement,
                  span_jitter_frames=span_jitter)
    ds = SynthClipDataset(faces, seed=seed, length=n, num_classes=num_classes, cfg=cfg)
    y_true, y_pred, probs, epe, nme, nme_inner = [], [], [], [], [], []
    for start in range(0, n, batch):
        b = collate_clips([ds[i] for i in range(start, min(n, start + batch))])
        logits, flow, ldm = model(b["video"])
        p = torch.softmax(logits, dim=1).numpy()
        probs.append(p)
        y_pred += p.argmax(1).tolist()
        y_true += b["label"].tolist()
        epe.append(flow_epe(flow.numpy(), b["flow"].numpy()))
        # The landmark head predicts frames 1..T-1.
        pred = as_points(ldm.numpy())
        gt = as_points(b["ldm"].numpy()[..., 1:])
        nme.append(landmark_nme(pred, gt).ravel())
        nme_inner.append(landmark_nme(pred, gt, INNER_POINTS).ravel())
    p_all = np.concatenate(probs)
    raw = scores_from_confusion(confusion_matrix(y_true, y_pred, num_classes))
    sc = raw if class_bias is None else scores_from_confusion(
        confusion_matrix(y_true, apply_class_bias(p_all, class_bias).argmax(1).tolist(), num_classes))
    nme_all = np.concatenate(nme)
    return {
        "band_px": list(band), "clips": n,
        "acc": sc["acc"], "uf1": sc["uf1"], "uar": sc["uar"], "confusion": sc["confusion"],
        **({} if class_bias is None else {"raw": {k: raw[k] for k in ("acc", "uf1", "uar", "confusion")}}),
        "mean_max_prob": float(p_all.max(1).mean()),
        "flow_epe_px": float(np.concatenate(epe).mean()),
        "landmark_nme": float(nme_all.mean()), "landmark_failure_rate": float((nme_all > NME_FAILURE).mean()),
        "landmark_nme_inner": float(np.concatenate(nme_inner).mean()),
        # for fitting a class bias; evaluate_checkpoint takes them out of the report
        "_probs": p_all, "_labels": y_true,
    }


def evaluate_checkpoint(path: Path, split: str, per_band: int, seed: int,
                        bands: Sequence[tuple[float, float]] = BANDS, class_bias: Optional[Sequence[float]] = None,
                        fit_bias: bool = False, placement: str = "window", span_jitter: int = 1) -> dict:
    """The report; with `class_bias`, figures after those offsets (and `raw` without); with `fit_bias` (val
    only), the offsets fitted on these clips are added as `class_bias_fit`."""
    if fit_bias and split != "val":
        raise ValueError("a class bias is fitted on the val identities only (fitting on test would choose on test)")
    ck = load_start(path)  # a training checkpoint, or an exported web model folder (e.g. the shipped one)
    model = build_model(MolConfig.from_dict(ck["config"]))
    model.load_state_dict(ck["model"], strict=not ck.get("partial"))
    model.eval()
    faces = load_faces(BUILT_FACES, (split,))
    classes = list(ck["classes"])
    rows = [evaluate_band(model, faces, band, per_band, len(classes), seed + _STREAM * (k + 1), class_bias=class_bias,
                          placement=placement, span_jitter=span_jitter)
            for k, band in enumerate(bands)]
    probs = np.concatenate([r.pop("_probs") for r in rows])
    labels = [y for r in rows for y in r.pop("_labels")]
    cm = np.sum([np.asarray(r["confusion"]) for r in rows], axis=0)
    overall = scores_from_confusion(cm)
    clips = sum(r["clips"] for r in rows)
    extra: dict = {}
    if class_bias is not None:
        raw = scores_from_confusion(np.sum([np.asarray(r["raw"]["confusion"]) for r in rows], axis=0))
        extra["class_bias"] = [float(b) for b in class_bias]
        extra["raw"] = {k: raw[k] for k in ("acc", "uf1", "uar", "confusion")}
    if fit_bias:
        fitted = fit_class_bias(probs, labels)
        fit_sc = scores_from_confusion(confusion_matrix(labels, apply_class_bias(probs, fitted).argmax(1).tolist(), len(classes)))
        extra["class_bias_fit"] = {"bias": fitted, "clips": len(labels), "uf1": fit_sc["uf1"], "uar": fit_sc["uar"],
                                   "acc": fit_sc["acc"], "confusion": fit_sc["confusion"],
                                   "cross_validated": cross_validated(probs, labels)}
    return {
        "checkpoint_step": int(ck["step"]), "classes": classes, "split": split,
        "identities": sorted({f.identity for f in faces}), "seed": seed, "placement": placement,
        **({"span_jitter_frames": span_jitter} if placement == "event" else {}),
        "bands": rows, **extra,
        "overall": {"clips": clips, "acc": overall["acc"], "uf1": overall["uf1"], "uar": overall["uar"],
                    "confusion": overall["confusion"],
                    "flow_epe_px": sum(r["flow_epe_px"] * r["clips"] for r in rows) / clips,
                    "landmark_nme": sum(r["landmark_nme"] * r["clips"] for r in rows) / clips,
                    "landmark_failure_rate": sum(r["landmark_failure_rate"] * r["clips"] for r in rows) / clips,
                    "landmark_nme_inner": sum(r["landmark_nme_inner"] * r["clips"] for r in rows) / clips},
    }


def markdown_table(report: dict) -> str:
    lines = ["| band (px) | clips | Acc | UF1 | UAR | flow EPE (px) | NME | fail@10% |",
             "|---|---|---|---|---|---|---|---|"]
    for r in report["bands"] + [dict(report["overall"], band_px=["all", ""])]:
        lo, hi = r["band_px"]
        band = f"{lo}-{hi}" if hi != "" else "all"
        lines.append(f"| {band} | {r['clips']} | {r['acc']:.3f} | {r['uf1']:.3f} | {r['uar']:.3f} | "
                     f"{r['flow_epe_px']:.3f} | {100 * r['landmark_nme']:.2f}% | {100 * r['landmark_failure_rate']:.1f}% |")
    return "\n".join(lines)


def model_json_metrics(report: dict) -> dict:
    """The card's headline figures as model.json's `metrics.heldout` (window placement) or
    `metrics.heldoutEvents` (event placement); the app's weights notice reads them."""
    o = report["overall"]
    return {"split": report["split"], "placement": report.get("placement", "window"),
            "identities": report["identities"], "clips": o["clips"],
            "checkpointStep": report["checkpoint_step"], "chanceUar": 1.0 / len(report["classes"]),
            "acc": round(o["acc"], 4), "uf1": round(o["uf1"], 4), "uar": round(o["uar"], 4),
            "flowEpePx": round(o["flow_epe_px"], 4), "landmarkNme": round(o["landmark_nme"], 4),
            "landmarkFailureRate": round(o["landmark_failure_rate"], 4),
            **({"landmarkNmeInner": round(o["landmark_nme_inner"], 4)} if "landmark_nme_inner" in o else {}),
            "bands": [{"bandPx": r["band_px"], "uf1": round(r["uf1"], 4), "uar": round(r["uar"], 4)}
                      for r in report["bands"]]}


def write_into_model_json(path: Path, report: dict) -> None:
    """Adds the figures to an exported model.json. Only `metrics` changes: the payload checksum covers the
    weight shards, which stay as they are."""
    doc = json.loads(path.read_text())
    key = "heldoutEvents" if report.get("placement") == "event" else "heldout"
    doc.setdefault("metrics", {})[key] = model_json_metrics(report)
    path.write_text(json.dumps(doc, indent=1) + "\n")


def write_class_bias(path: Path, report: dict) -> None:
    """Stores a val report's fitted offsets in an exported model.json as `classBias` (read by the app and by
    `--class-bias-from`); like the metrics, outside the weights' checksum."""
    fit = report["class_bias_fit"]
    doc = json.loads(path.read_text())
    doc["classBias"] = {
        "logOffsets": [round(b, 4) for b in fit["bias"]], "classes": report["classes"],
        "fittedOn": {"split": report["split"], "identities": report["identities"], "clips": fit["clips"],
                     "seed": report["seed"], "checkpointStep": report["checkpoint_step"]},
        "val": {"uf1Before": round(report["overall"]["uf1"], 4), "uf1After": round(fit["uf1"], 4),
                "uarBefore": round(report["overall"]["uar"], 4), "uarAfter": round(fit["uar"], 4),
                **({"crossValidated": {k: round(v, 4) if isinstance(v, float) else v for k, v in fit["cross_validated"].items()}}
                   if "cross_validated" in fit else {})},
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")


def read_class_bias(path: Path, classes: Sequence[str]) -> list[float]:
    """The offsets stored in a model.json, checked against the checkpoint's class order."""
    doc = json.loads(path.read_text())
    cb = doc.get("classBias")
    if cb is None:
        raise ValueError(f"{path}: no classBias (fit one with --split val --fit-class-bias --model-json {path})")
    if list(cb["classes"]) != list(classes):
        raise ValueError(f"{path}: classBias is for classes {cb['classes']}, the checkpoint has {list(classes)}")
    return [float(b) for b in cb["logOffsets"]]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="moltrain.synth.heldout", description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", type=Path, required=True, help="a training checkpoint or an exported model folder")
    ap.add_argument("--split", default="test", choices=("val", "test"))
    ap.add_argument("--per-band", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, help="write the report as JSON here")
    ap.add_argument("--model-json", type=Path, help="also record the headline figures in this exported model.json "
                    "(with --fit-class-bias: the fitted offsets instead)")
    ap.add_argument("--fit-class-bias", action="store_true", help="val only: fit per-class log-offsets on these clips")
    ap.add_argument("--class-bias-from", type=Path, help="apply the classBias stored in this model.json")
    ap.add_argument("--placement", default="window", choices=("window", "event"),
                    help="window: the expression anywhere in 8 consecutive frames; event: the 8 frames the app "
                    "classifies a spotted event on (onset..offset resampled, spotting off by up to --span-jitter frames)")
    ap.add_argument("--span-jitter", type=int, default=1, help="event placement: the spotted onset and offset "
                    "each off the true ones by up to this many frames (on the planted test videos the app's spotted spans are off by up to 2)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    bias = None
    if args.class_bias_from:
        classes = load_start(args.checkpoint)["classes"]
        bias = read_class_bias(args.class_bias_from, classes)
    report = evaluate_checkpoint(args.checkpoint, args.split, args.per_band, args.seed, class_bias=bias,
                                 fit_bias=args.fit_class_bias, placement=args.placement,
                                 span_jitter=args.span_jitter)
    print(markdown_table(report))
    print("confusion (rows true, cols predicted; " + ", ".join(report["classes"]) + "):", report["overall"]["confusion"])
    if "raw" in report:
        r = report["raw"]
        print(f"without the class bias {report['class_bias']}: UF1 {r['uf1']:.3f}, UAR {r['uar']:.3f}, confusion {r['confusion']}")
    if args.fit_class_bias:
        f = report["class_bias_fit"]
        cv = f["cross_validated"]
        print(f"class bias fitted on {f['clips']} val clips: {f['bias']} -> UF1 {f['uf1']:.3f}, UAR {f['uar']:.3f}, "
              f"confusion {f['confusion']}; {cv['folds']}-fold cross-validated on val: UF1 {cv['uf1_raw']:.3f} -> "
              f"{cv['uf1_cv']:.3f}, UAR {cv['uar_raw']:.3f} -> {cv['uar_cv']:.3f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n")
    if args.model_json:
        if args.fit_class_bias:
            write_class_bias(args.model_json, report)
        else:
            write_into_model_json(args.model_json, report)
    return 0


if __name__ == "__main__":
    run_cli(main)
