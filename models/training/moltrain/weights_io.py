"""The MOL web weight format, version 1 (models/README.md): writer and reader.

model.json (tfjs weights-manifest convention + MOL metadata) and weights-shardXofN.bin (<= 4 MiB each,
concatenated = the payload: every weight in manifest order, little-endian float32, or float16 where the
entry carries `quantization: {dtype: float16, original_dtype: float32}`). payloadSha256 covers the payload.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .config import CLIP_LENGTH, ConfigError, MolConfig

FORMAT = "mol-web-weights"
FORMAT_VERSION = 1
SHARD_BYTES = 4 * 1024 * 1024
FLOAT16_MAX = 65504.0


class WeightsFormatError(ValueError):
    """A model folder does not follow the MOL web weight format."""


class WeightsVersionError(WeightsFormatError):
    """formatVersion is not one this reader knows."""


class WeightsChecksumError(WeightsFormatError):
    """The shards' bytes do not hash to payloadSha256."""


class MissingWeightError(WeightsFormatError):
    """A weight the config needs is absent."""


class UnexpectedWeightError(WeightsFormatError):
    """A weight is not part of MOL for this config (or is a dead entry)."""


class WeightShapeError(WeightsFormatError):
    """A weight's shape disagrees with the config."""


class WeightsConfigMismatchError(WeightsFormatError):
    """config, classes or the weights disagree with each other."""


def is_exported(name: str) -> bool:
    """False for entries the forward pass never reads: the FCC's dead FFN and BN counters."""
    return ".ffn." not in name and not name.endswith("num_batches_tracked")


def expected_shapes(config: MolConfig) -> "OrderedDict[str, tuple[int, ...]]":
    """Exported entry names and shapes for a config, in state_dict order."""
    return OrderedDict(_shapes(json.dumps(config.to_json(), sort_keys=True)))


@functools.lru_cache(maxsize=8)
def _shapes(config_json: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    from .model import build_model  # torch only where shapes are needed
    sd = build_model(MolConfig.from_dict(json.loads(config_json))).state_dict()
    return tuple((k, tuple(v.shape)) for k, v in sd.items() if is_exported(k))


def input_spec(normalisation: Mapping[str, Any]) -> dict[str, Any]:
    return {"frames": CLIP_LENGTH, "height": 128, "width": 128, "channels": 1, "layout": "B,C,T,H,W",
            "normalisation": dict(normalisation)}


def check_normalisation(n: Mapping[str, Any]) -> None:
    kind = n.get("kind")
    if kind == "frame-standardise":
        ok = isinstance(n.get("eps"), (int, float))
    elif kind == "affine":
        ok = isinstance(n.get("scale"), (int, float)) and isinstance(n.get("offset"), (int, float))
    else:
        ok = False
    if not ok:
        raise WeightsFormatError(
            f"normalisation {dict(n)} is neither {{kind: frame-standardise, eps}} nor {{kind: affine, scale, offset}}")


def check_weights(config: MolConfig, weights: Mapping[str, tuple[int, ...]]) -> None:
    want = expected_shapes(config)
    for name, shape in weights.items():
        if name not in want:
            raise UnexpectedWeightError(f"weight {name} is not an exported MOL weight for config '{config.name}'")
        if tuple(shape) != want[name]:
            raise WeightShapeError(f"weight {name} has shape {list(shape)}, config '{config.name}' "
                                   f"({config.num_classes} classes) needs {list(want[name])}")
    missing = [n for n in want if n not in weights]
    if missing:
        raise MissingWeightError(f"weights missing for config '{config.name}': {missing[:5]}"
                                 f"{' ...' if len(missing) > 5 else ''}")


def write_model_dir(out: Path, weights: Mapping[str, np.ndarray], *, model_id: str, config: MolConfig,
                    classes: list[str], normalisation: Mapping[str, Any], provenance: Mapping[str, Any],
                    metrics: Mapping[str, Any], float16: bool = False, shard_bytes: int = SHARD_BYTES) -> Path:
    """Writes model.json + shards into `out` (created; existing shard files of ours are replaced)."""
    if len(classes) != config.num_classes:
        raise WeightsConfigMismatchError(f"{len(classes)} class names for a config with {config.num_classes} classes")
    check_normalisation(normalisation)
    check_weights(config, {k: v.shape for k, v in weights.items()})
    order = [n for n in expected_shapes(config)]  # state_dict order, independent of the caller's dict order
    specs, chunks = [], []
    for name in order:
        a = np.asarray(weights[name], dtype=np.float32)
        if not np.isfinite(a).all():
            raise WeightsFormatError(f"weight {name} has non-finite values")
        spec: dict[str, Any] = {"name": name, "shape": list(a.shape), "dtype": "float32"}
        if float16:
            if np.abs(a).max(initial=0.0) > FLOAT16_MAX:
                raise WeightsFormatError(f"weight {name} exceeds the float16 range (max |v| {np.abs(a).max():.4g})")
            chunks.append(a.astype("<f2").tobytes())
            spec["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
        else:
            chunks.append(a.astype("<f4").tobytes())
        specs.append(spec)
    payload = b"".join(chunks)
    n = max(1, -(-len(payload) // shard_bytes))
    paths = [f"weights-shard{i + 1}of{n}.bin" for i in range(n)]
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("weights-shard*of*.bin"):
        old.unlink()
    for i, p in enumerate(paths):
        (out / p).write_bytes(payload[i * shard_bytes:(i + 1) * shard_bytes])
    doc = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "modelId": model_id,
        "config": config.to_json(),
        "classes": list(classes),
        "input": input_spec(normalisation),
        "provenance": dict(provenance),
        "metrics": dict(metrics),
        "weightsManifest": [{"paths": paths, "weights": specs}],
        "payloadSha256": hashlib.sha256(payload).hexdigest(),
    }
    path = out / "model.json"
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def read_model_dir(folder: Path) -> tuple[dict[str, Any], "OrderedDict[str, np.ndarray]"]:
    """-> (model.json document, weights as float32 arrays). Verifies everything the loader verifies."""
    path = Path(folder) / "model.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError as e:
        raise WeightsFormatError(f"{path} does not exist") from e
    except json.JSONDecodeError as e:
        raise WeightsFormatError(f"{path} is not JSON: {e}") from e
    if doc.get("format") != FORMAT:
        raise WeightsFormatError(f"{path}: format is {doc.get('format')!r}, expected {FORMAT!r}")
    if doc.get("formatVersion") != FORMAT_VERSION:
        raise WeightsVersionError(f"{path}: formatVersion {doc.get('formatVersion')!r} is not supported "
                                  f"(this reader knows {FORMAT_VERSION})")
    try:
        config = MolConfig.from_dict(doc["config"])
    except (KeyError, ConfigError) as e:
        raise WeightsFormatError(f"{path}: bad config: {e}") from e
    if len(doc.get("classes", [])) != config.num_classes:
        raise WeightsConfigMismatchError(f"{path}: {len(doc.get('classes', []))} class names for "
                                         f"numClasses {config.num_classes}")
    check_normalisation(doc.get("input", {}).get("normalisation", {}))
    paths, specs = [], []
    for group in doc.get("weightsManifest", []):
        paths += group["paths"]
        specs += group["weights"]
    shape_of = OrderedDict()
    for s in specs:
        if s["name"] in shape_of:
            raise WeightsFormatError(f"{path}: weight {s['name']} is listed twice")
        shape_of[s["name"]] = tuple(s["shape"])
    check_weights(config, shape_of)
    blobs = []
    for p in paths:
        shard = Path(folder) / p
        if not shard.is_file():
            raise WeightsFormatError(f"{path}: shard {p} is missing")
        data = shard.read_bytes()
        if len(data) > SHARD_BYTES:
            raise WeightsFormatError(f"{shard}: {len(data)} bytes, more than the {SHARD_BYTES}-byte shard limit")
        blobs.append(data)
    payload = b"".join(blobs)
    digest = hashlib.sha256(payload).hexdigest()
    if digest != doc.get("payloadSha256"):
        raise WeightsChecksumError(f"{path}: payload SHA-256 is {digest}, model.json says "
                                   f"{doc.get('payloadSha256')} (corrupted or mismatched shards)")
    out: OrderedDict[str, np.ndarray] = OrderedDict()
    off = 0
    for s in specs:
        if s.get("dtype") != "float32":
            raise WeightsFormatError(f"{path}: weight {s['name']} has dtype {s.get('dtype')!r}, expected float32")
        q = s.get("quantization")
        if q is not None and q.get("dtype") != "float16":
            raise WeightsFormatError(f"{path}: weight {s['name']} uses quantization {q.get('dtype')!r}; only float16")
        dt = np.dtype("<f2") if q else np.dtype("<f4")
        count = int(np.prod(s["shape"], dtype=np.int64))
        end = off + count * dt.itemsize
        if end > len(payload):
            raise WeightsFormatError(f"{path}: payload ends inside weight {s['name']}")
        out[s["name"]] = np.frombuffer(payload, dt, count, off).astype(np.float32).reshape(s["shape"])
        off = end
    if off != len(payload):
        raise WeightsFormatError(f"{path}: {len(payload) - off} payload bytes after the last weight")
    return doc, out
