"""Source faces: an aligned 128x128 gray crop with its 68 landmarks, as the app's analyze command writes them,
plus the two identity augmentations (mirroring, morphing two faces)."""
from __future__ import annotations

import json
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from . import ibug68
from .field import tps_field
from .photometric import gaussian_blur
from .sampling import bilinear

CROP = 128


class FaceSourceError(ValueError):
    """A face crop or landmark set that is missing, mis-shaped, or not in the source cache."""


@dataclass(frozen=True, eq=False)
class Face:
    image: np.ndarray       # uint8 [128, 128]
    landmarks: np.ndarray   # float32 [68, 2], crop px
    identity: str
    split: str = "train"

    def __post_init__(self) -> None:
        if self.image.shape != (CROP, CROP) or self.image.dtype != np.uint8:
            raise FaceSourceError(f"{self.identity}: image must be uint8 [{CROP}, {CROP}], got "
                                  f"{self.image.dtype} {self.image.shape}")
        if self.landmarks.shape != (ibug68.N_POINTS, 2) or not np.isfinite(self.landmarks).all():
            raise FaceSourceError(f"{self.identity}: landmarks must be finite [68, 2], got {self.landmarks.shape}")

    def __hash__(self) -> int:
        return hash(self.identity)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Face) and other.identity == self.identity

    def mirrored(self) -> "Face":
        return Face(image=np.ascontiguousarray(self.image[:, ::-1]),
                    landmarks=ibug68.mirror_points(self.landmarks, CROP), identity=self.identity + "~m",
                    split=self.split)


def _border_anchors(n: int = 6) -> np.ndarray:
    t = np.linspace(0, CROP - 1, n)
    e = np.full(n, 0.0)
    f = np.full(n, CROP - 1.0)
    return np.concatenate([np.stack([t, e], 1), np.stack([t, f], 1), np.stack([e, t], 1)[1:-1],
                           np.stack([f, t], 1)[1:-1]])


def _warp_to_shape(face: Face, target: np.ndarray) -> np.ndarray:
    """The face's crop warped so its landmarks land on `target` (backward TPS; the crop border stays put)."""
    anchors = _border_anchors()
    centres = np.concatenate([target, anchors])
    disp = np.concatenate([face.landmarks - target, np.zeros_like(anchors)])
    f = tps_field(centres, disp, CROP)
    ys, xs = np.mgrid[0:CROP, 0:CROP].astype(np.float32)
    return bilinear(face.image.astype(np.float32), xs + f[0], ys + f[1])


# Morph weights come from this lattice so morphs can be cached (276 pairs of 24 faces x 7 weights).
MORPH_ALPHAS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@lru_cache(maxsize=4096)
def _cached_morph(a: Face, b: Face, alpha: float) -> Face:
    return morph(a, b, alpha)


def cached_morph(a: Face, b: Face, alpha: float) -> Face:
    """`morph`, memoised per process (faces hash by identity)."""
    return _cached_morph(a, b, alpha)


def _face_mask(ldm: np.ndarray, feather: float = 3.0) -> np.ndarray:
    """Soft mask of the face inside jaw and brows, float32 [128, 128] in [0, 1]."""
    outline = np.concatenate([ldm[0:17], ldm[26:16:-1]])
    img = Image.new("L", (CROP, CROP), 0)
    ImageDraw.Draw(img).polygon([tuple(map(float, p)) for p in outline], fill=255)
    m = np.asarray(img, dtype=np.float32)[None] / 255.0
    return gaussian_blur(m, feather)[0]


def morph(a: Face, b: Face, alpha: float) -> Face:
    """A new identity: both faces warped to the blended shape (1-alpha) La + alpha Lb, then cross-dissolved
    inside the face outline (hair and background stay a's, so pose differences leave no ghost around it)."""
    if not 0.0 <= alpha <= 1.0:
        raise FaceSourceError(f"morph weight must be in [0, 1], got {alpha}")
    shape = ((1 - alpha) * a.landmarks.astype(np.float64) + alpha * b.landmarks.astype(np.float64))
    k = alpha * _face_mask(shape)
    img = (1 - k) * _warp_to_shape(a, shape) + k * _warp_to_shape(b, shape)
    return Face(image=np.clip(np.rint(img), 0, 255).astype(np.uint8), landmarks=shape.astype(np.float32),
                identity=f"{a.identity}+{b.identity}@{alpha:.2f}", split=a.split)


def load_faces(built_dir: Path, splits: tuple[str, ...] = ("train",)) -> list[Face]:
    """Faces of the given splits from the source cache written by `models/training/sources/build_sources.py`
    (`faces.json` + one `<id>.npz` per face with `image` and `landmarks`)."""
    index_path = Path(built_dir) / "faces.json"
    if not index_path.exists():
        raise FaceSourceError(f"{index_path} not found: build the source faces first "
                              f"(/usr/bin/python3 models/training/sources/build_sources.py)")
    index = json.loads(index_path.read_text())
    faces = []
    for entry in index["faces"]:
        if entry["split"] not in splits:
            continue
        with np.load(Path(built_dir) / f"{entry['face_id']}.npz") as z:
            faces.append(Face(image=z["image"], landmarks=z["landmarks"].astype(np.float32),
                              identity=entry["identity"], split=entry["split"]))
    if not faces:
        raise FaceSourceError(f"no faces of split(s) {splits} in {index_path}")
    return faces
