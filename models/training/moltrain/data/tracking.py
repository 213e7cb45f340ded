"""Face tracking and alignment through the app itself: `npm run analyze -- <clip.y4m> --out <dir> --crops`.

Training crops must be the crops the app makes at inference, so this module never tracks or aligns on its
own: it hands a Y4M to the app's headless command and reads back what the command documents:
  <dir>/frames.jsonl  one JSON object per frame (faceFound, landmarks68Crop = 68 [x, y] in crop pixels, ...)
  <dir>/crops.u8      N x 128 x 128 uint8 aligned grayscale crops, frame order
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CROP = 128
REPO_ROOT = Path(__file__).resolve().parents[4]


class TrackingError(RuntimeError):
    """The app's analyze command failed or wrote output that does not match its documented format."""


@dataclass(frozen=True)
class TrackedFrames:
    crops: np.ndarray        # uint8 [N, 128, 128]
    landmarks: np.ndarray    # float32 [N, 68, 2], NaN where no face
    face_found: np.ndarray   # bool [N]


def analyze_command(y4m: Path, out_dir: Path) -> list[str]:
    return ["npm", "run", "--silent", "analyze", "--", str(y4m), "--out", str(out_dir), "--crops"]


def run_analyze(y4m: Path, out_dir: Path, timeout_s: float) -> None:
    """Runs the command in its own process group, so a timeout or Ctrl-C also ends the Chromium it started."""
    cmd = analyze_command(y4m, out_dir)
    try:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    except FileNotFoundError:
        raise TrackingError("npm not found on PATH (the preprocessing runs the app's `npm run analyze`)") from None
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _end_group(proc)
        raise TrackingError(f"`{' '.join(cmd)}` did not finish within {timeout_s:.0f} s") from None
    except BaseException:
        _end_group(proc)
        raise
    if proc.returncode != 0:
        tail = (stderr or stdout or "").strip()[-2000:]
        raise TrackingError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n{tail}")


def _end_group(proc: subprocess.Popen) -> None:
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def read_analyze_output(out_dir: Path, expected_frames: int) -> TrackedFrames:
    jsonl, crops_path = out_dir / "frames.jsonl", out_dir / "crops.u8"
    for p in (jsonl, crops_path):
        if not p.is_file():
            raise TrackingError(f"{p}: missing (was `--crops` honoured?)")
    lines = [ln for ln in jsonl.read_text().splitlines() if ln.strip()]
    if len(lines) != expected_frames:
        raise TrackingError(f"{jsonl}: {len(lines)} frames, the clip has {expected_frames}")
    landmarks = np.full((expected_frames, 68, 2), np.nan, dtype=np.float32)
    found = np.zeros(expected_frames, dtype=bool)
    for i, ln in enumerate(lines):
        try:
            rec = json.loads(ln)
        except json.JSONDecodeError as e:
            raise TrackingError(f"{jsonl}, line {i + 1}: not JSON ({e})") from None
        pts = rec.get("landmarks68Crop")
        if rec.get("faceFound") and pts is not None:
            arr = np.asarray(pts, dtype=np.float32).reshape(-1)
            if arr.size != 136 or not np.isfinite(arr).all():
                raise TrackingError(f"{jsonl}, line {i + 1}: landmarks68Crop is not 68 finite points")
            landmarks[i] = arr.reshape(68, 2)
            found[i] = True
    raw = np.fromfile(crops_path, dtype=np.uint8)
    if raw.size != expected_frames * CROP * CROP:
        raise TrackingError(
            f"{crops_path}: {raw.size} bytes, expected {expected_frames} x {CROP} x {CROP} = {expected_frames * CROP * CROP}")
    return TrackedFrames(raw.reshape(expected_frames, CROP, CROP), landmarks, found)


# What decides the crops and landmarks `npm run analyze` writes: the tracking chain, the analyze command and
# page, the input decoding and the face models.
TRACKER_PATHS = ("src/tracking", "src/alignment", "src/pipeline", "src/ingest", "src/cli/analyze",
                 "src/cli/analyze.ts", "models/face")


def tracker_version() -> str:
    """Git object ids (committed state) of TRACKER_PATHS, part of the cache key; 'unversioned' outside git."""
    ids = []
    for rel in TRACKER_PATHS:
        try:
            p = subprocess.run(["git", "rev-parse", f"HEAD:{rel}"], cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "unversioned"
        ids.append(p.stdout.strip() if p.returncode == 0 else "absent")
    if all(i == "absent" for i in ids):
        return "unversioned"
    return ",".join(ids)
