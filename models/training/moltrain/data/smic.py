"""SMIC-HS reader.

Layout as distributed: <root>/HS/s1/micro/{positive,negative,surprise}/s1_po_01/image133805.bmp (root may
also be the HS folder itself). SMIC-HS ships no onset/offset sheet: each clip folder already spans the
micro-expression, so every frame is used and the class is the folder name.
"""
from __future__ import annotations

import re
from pathlib import Path

from .records import DatasetLayoutError, VideoRecord, numbered_frames

CLASS_FOLDERS = ("positive", "negative", "surprise")
_SUBJECT = re.compile(r"s(\d+)")


def read_smic(root: Path | str) -> list[VideoRecord]:
    root = Path(root)
    hs = root / "HS" if (root / "HS").is_dir() else root
    if not hs.is_dir():
        raise DatasetLayoutError(f"{root}: SMIC root folder not found")
    subjects = sorted((d for d in hs.iterdir() if d.is_dir() and _SUBJECT.fullmatch(d.name)),
                      key=lambda d: int(d.name[1:]))
    if not subjects:
        raise DatasetLayoutError(f"{hs}: no subject folders s1, s2, ... (expected HS/sN/micro/<class>/<clip>)")
    records = []
    for sdir in subjects:
        micro = sdir / "micro"
        if not micro.is_dir():
            raise DatasetLayoutError(f"{micro}: missing 'micro' folder")
        for cdir in sorted(micro.iterdir()):
            if not cdir.is_dir():
                continue
            if cdir.name not in CLASS_FOLDERS:
                raise DatasetLayoutError(f"{cdir}: unknown class folder (expected one of {CLASS_FOLDERS})")
            for clip in sorted(d for d in cdir.iterdir() if d.is_dir()):
                if not clip.name.startswith(sdir.name + "_"):
                    raise DatasetLayoutError(f"{clip}: clip folder does not belong to subject {sdir.name}")
                frames = numbered_frames(clip, r"image(\d+)")
                order = sorted(frames)
                records.append(VideoRecord(
                    dataset="smic", subject=sdir.name, video_id=clip.name, emotion=cdir.name,
                    frames=tuple(frames[n] for n in order), onset=order[0], apex=None, offset=order[-1],
                    source=str(clip)))
    if not records:
        raise DatasetLayoutError(f"{hs}: no clip folders found")
    return records
