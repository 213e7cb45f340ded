"""The one preprocessing path: annotated video -> Y4M -> the app's tracking/alignment -> cached crops.

    cd models/training && /usr/bin/python3 -m moltrain.data.preprocess \
        --dataset casme2 --root /data/CASME2/CASME2_RAW_selected --sheet /data/CASME2/CASME2-coding-20140508.xlsx \
        --cache .cache/clips

Per video it tracks every frame from onset to offset (so the app's temporal smoothing sees the real
motion) and caches <cache>/<key>.npz with the crops, the 68 crop-pixel landmarks and the per-frame face
flag; <key> is a SHA-256 of the frame bytes, the dataset identity, the frame rate and the version of the
app's tracking code, so a changed input or tracker is never served from a stale cache. 8-frame clips are cut
at load time (data.cached). Every file is written to a temporary name and renamed into place, so an
interrupted run leaves no half-written cache entry or index.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from .atomic import atomic_path
from .casme2 import read_casme2
from .records import VideoRecord
from .samm import read_samm
from .smic import read_smic
from .tracking import read_analyze_output, run_analyze, tracker_version
from .y4m import write_y4m
from ..cli import run_cli

PREPROCESS_VERSION = 1
FPS = {"casme2": 200, "samm": 200, "smic": 100}  # recording rates of the distributed datasets
INDEX_NAME = "index.jsonl"


class PreprocessError(RuntimeError):
    """A video that could not be turned into a cache entry (the message names it)."""


def read_records(dataset: str, root: Path, sheet: Path | None) -> list[VideoRecord]:
    if dataset == "smic":
        return read_smic(root)
    if sheet is None:
        raise PreprocessError(f"--sheet is required for {dataset}")
    return read_casme2(root, sheet) if dataset == "casme2" else read_samm(root, sheet)


def cache_key(record: VideoRecord, fps: int, tracker: str) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([PREPROCESS_VERSION, record.dataset, record.video_id, fps, tracker]).encode())
    for f in record.frames:
        h.update(Path(f).name.encode())
        h.update(hashlib.sha256(Path(f).read_bytes()).digest())
    return h.hexdigest()[:32]


def _atomic_save_npz(path: Path, **arrays) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


def preprocess_record(record: VideoRecord, cache_dir: Path, tracker: str, fps: int | None = None,
                      timeout_s: float | None = None) -> dict:
    """Tracks one video (or finds it in the cache); returns its index entry."""
    fps = fps or FPS[record.dataset]
    key = cache_key(record, fps, tracker)
    target = cache_dir / f"{key}.npz"
    n = len(record.frames)
    if not target.is_file():
        work = Path(tempfile.mkdtemp(prefix=".work-", dir=cache_dir))
        try:
            y4m = work / "clip.y4m"
            write_y4m(record.frames, y4m, fps)
            run_analyze(y4m, work / "out", timeout_s or 120.0 + 3.0 * n)
            tracked = read_analyze_output(work / "out", n)
        except Exception as e:
            raise PreprocessError(f"{record.source} ({record.key}): {e}") from e
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _atomic_save_npz(target, crops=tracked.crops, landmarks=tracked.landmarks, face_found=tracked.face_found)
    with np.load(target) as z:
        faces = int(z["face_found"].sum())
    return {"dataset": record.dataset, "subject": record.subject, "video_id": record.video_id,
            "emotion": record.emotion, "onset": record.onset, "apex": record.apex, "offset": record.offset,
            "frames": n, "face_frames": faces, "fps": fps, "file": target.name, "source": record.source}


def write_index(cache_dir: Path, entries: Sequence[dict], name: str = INDEX_NAME) -> Path:
    path = cache_dir / name
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        for e in entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="moltrain.data.preprocess", description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", required=True, choices=sorted(FPS))
    ap.add_argument("--root", required=True, type=Path, help="dataset folder in its distributed layout")
    ap.add_argument("--sheet", type=Path, help="annotation sheet (.xlsx or .csv); not used for SMIC-HS")
    ap.add_argument("--cache", required=True, type=Path, help="output folder (cache + index.jsonl)")
    ap.add_argument("--index-name", default=INDEX_NAME)
    args = ap.parse_args(argv)
    records = read_records(args.dataset, args.root, args.sheet)
    args.cache.mkdir(parents=True, exist_ok=True)
    tracker = tracker_version()
    entries = []
    for i, rec in enumerate(records, 1):
        entries.append(preprocess_record(rec, args.cache, tracker))
        print(f"\r[{i}/{len(records)}] {rec.key}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    path = write_index(args.cache, entries, args.index_name)
    print(f"{len(entries)} videos -> {path}")
    return 0


if __name__ == "__main__":
    run_cli(main)
