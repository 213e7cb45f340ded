"""Integration: the real preprocessing path on a real face. A few frames of the public-domain astronaut photo
(NASA, via Debian's python3-skimage) in the SMIC-HS layout go through Y4M -> `npm run analyze --crops` (the
app's tracking and alignment in headless Chromium) -> the npz cache -> a clip."""
import subprocess
import time
from pathlib import Path

import numpy as np
from PIL import Image

from moltrain.data.cached import CachedClips, load_index
from moltrain.data.preprocess import preprocess_record, write_index
from moltrain.data.smic import read_smic
from moltrain.data.tracking import REPO_ROOT, tracker_version

SKIMAGE_PNG = Path("usr/lib/python3/dist-packages/skimage/data/astronaut.png")
CACHE = REPO_ROOT / "models" / "training" / ".cache" / "python3-skimage"


def astronaut_png() -> Path:
    """The photo from a copy other tools already unpacked, else `apt-get download` + `dpkg-deb -x` (gitignored cache)."""
    for root in (REPO_ROOT / "e2e" / ".cache" / "python3-skimage" / "root", CACHE / "root"):
        if (root / SKIMAGE_PNG).is_file():
            return root / SKIMAGE_PNG
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "python3-skimage"], cwd=CACHE, check=True, capture_output=True)
    deb = sorted(CACHE.glob("python3-skimage_*.deb"))[-1]
    subprocess.run(["dpkg-deb", "-x", str(deb), str(CACHE / "root")], check=True, capture_output=True)
    return CACHE / "root" / SKIMAGE_PNG


def test_real_face_through_the_apps_tracking(tmp_path):
    face = Image.open(astronaut_png()).convert("RGB").crop((40, 0, 360, 320))
    clip_dir = tmp_path / "SMIC" / "HS" / "s1" / "micro" / "positive" / "s1_po_01"
    clip_dir.mkdir(parents=True)
    for k in range(8):  # a slow 0.5 px/frame drift, like a still subject
        face.transform(face.size, Image.AFFINE, (1, 0, 0.5 * k, 0, 1, 0), resample=Image.BILINEAR).save(
            clip_dir / f"image{100 + k:03d}.png")
    (record,) = read_smic(tmp_path / "SMIC")
    cache = tmp_path / "cache"
    cache.mkdir()
    tracker = tracker_version()  # once: other commits may land while the app runs
    entry = preprocess_record(record, cache, tracker, fps=30, timeout_s=600)
    assert entry["frames"] == 8 and entry["face_frames"] == 8
    assert sorted(p.name for p in cache.iterdir()) == [entry["file"]]        # no work folder or temp left
    with np.load(cache / entry["file"]) as z:
        crops, lm = z["crops"], z["landmarks"]
    assert crops.shape == (8, 128, 128) and crops.dtype == np.uint8 and crops.std() > 20
    eye_a, eye_b = lm[:, 36:42].mean(axis=1), lm[:, 42:48].mean(axis=1)
    iod = np.linalg.norm(eye_b - eye_a, axis=1)
    assert ((iod > 25) & (iod < 80)).all(), iod                               # a face-sized crop
    assert (np.abs(eye_b[:, 1] - eye_a[:, 1]) < 0.1 * iod).all()              # aligned: eyes level
    # crop pixels, face upright and centred (the jaw may leave the 128 crop, as in MOL's own crops)
    nose, mouth = lm[:, 30], lm[:, 48:68].mean(axis=1)
    assert (np.abs((eye_a[:, 0] + eye_b[:, 0]) / 2 - 64) < 12).all() and (np.abs(nose[:, 0] - 64) < 12).all()
    assert ((eye_a[:, 1] < nose[:, 1]) & (nose[:, 1] < mouth[:, 1]) & (mouth[:, 1] < 128)).all()
    # a second pass is served from the cache without running the app again
    t0 = time.monotonic()
    assert preprocess_record(record, cache, tracker, fps=30) == entry
    assert time.monotonic() - t0 < 5
    write_index(cache, [entry])
    ds = CachedClips(load_index(cache), 3)
    (sample,) = [ds[i] for i in range(len(ds))]
    assert sample["label"] == 1 and sample["video"].shape == (1, 8, 128, 128) and sample["ldm"].shape == (136, 8)
