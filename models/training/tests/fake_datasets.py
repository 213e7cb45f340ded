"""Tiny fake copies of the distributed dataset layouts and annotation sheets (real column names)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
from PIL import Image

from moltrain.data.preprocess import write_index

CASME2_HEADER = ["Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Action Units", "Estimated Emotion"]
SAMM_HEADER = ["Subject", "Filename", "Inducement Code", "Onset Frame", "Apex Frame", "Offset Frame", "Duration",
               "Type", "Action Units", "Notes", "Estimated Emotion", "Objective Classes"]
SAMM_NOTES_ROWS = 13   # SAMM_Micro_FACS_Codes_v2.xlsx: the table header is on row 14


def write_image(path: Path, value: int, size=(20, 14), suffix_mode="RGB") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.full((size[1], size[0], 3), value % 256, dtype=np.uint8)
    arr[:, : size[0] // 2, 0] = 200  # some colour so decoding is not trivially gray
    Image.fromarray(arr, suffix_mode).save(path)


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def make_casme2(tmp: Path, rows=None, skip_frames=()) -> tuple[Path, list[list]]:
    root = tmp / "CASME2_RAW_selected"
    rows = rows if rows is not None else [
        ["01", "EP02_01f", 46, 59, 61, "AU12", "happiness"],
        [1, "EP03_02", 10, "/", 25, "AU4", "repression"],
        ["02", "EP01_11f", 5, 9, 14, "AU1+2", "surprise"],
        ["02", "EP05_03", 1, 4, 9, "AU14", "others"],
    ]
    for r in rows:
        folder = root / f"sub{int(r[0]):02d}" / str(r[1])
        for n in range(int(r[2]) - 2, int(r[4]) + 3):   # a few frames outside onset..offset too
            if n not in skip_frames and n >= 0:
                write_image(folder / f"img{n}.jpg", n)
    return root, [CASME2_HEADER] + rows


def make_samm(tmp: Path, rows=None) -> tuple[Path, list[list]]:
    root = tmp / "SAMM"
    rows = rows if rows is not None else [
        [6, "006_1_2", "1_2", 5562, 5588, 5600, 39, "Micro - 1/2", "R12", "", "Happiness", "Class I"],
        [6, "006_1_5", "1_5", 1000, 1010, 1020, 21, "Micro - 1/2", "4+7", "", "Anger", "Class III"],
        [7, "007_3_1", "3_1", 200, 210, 215, 16, "Micro - 1/2", "1+2", "", "Surprise", "Class V"],
        [7, "007_5_2", "5_2", 300, 305, 311, 12, "Micro - 1/2", "14", "", "Other", "Class VI"],
    ]
    for r in rows:
        subject = f"{int(r[0]):03d}"
        for n in range(int(r[3]) - 1, int(r[5]) + 2):
            write_image(root / subject / str(r[1]) / f"{subject}_{n:05d}.jpg", n)
    notes = [["SAMM micro-movement coding (fake)"]] + [[f"note {i}"] for i in range(SAMM_NOTES_ROWS - 1)]
    return root, notes + [SAMM_HEADER] + rows


def make_smic(tmp: Path) -> Path:
    root = tmp / "SMIC"
    clips = {("s1", "positive", "s1_po_01"): 12, ("s1", "negative", "s1_ne_02"): 9,
             ("s2", "surprise", "s2_sur_01"): 16, ("s3", "negative", "s3_ne_01"): 8}
    for (s, cls, name), n in clips.items():
        for k in range(n):
            write_image(root / "HS" / s / "micro" / cls / name / f"image{133800 + k:06d}.bmp", k)
    return root


def make_cache(tmp_path, videos, name="cache"):
    """videos: list of (dataset, subject, video_id, emotion, n_frames, no_face) -> cache folder with index."""
    cache = tmp_path / name
    cache.mkdir()
    entries = []
    rng = np.random.default_rng(0)
    for ds, subj, vid, emo, n, no_face in videos:
        crops = rng.integers(0, 256, (n, 128, 128), dtype=np.uint8)
        lm = rng.uniform(20, 100, (n, 68, 2)).astype(np.float32)
        found = np.ones(n, bool)
        found[list(no_face)] = False
        name = f"{ds}-{vid.replace('/', '_')}.npz"
        np.savez(cache / name, crops=crops, landmarks=lm, face_found=found)
        entries.append({"dataset": ds, "subject": subj, "video_id": vid, "emotion": emo, "frames": n,
                        "file": name, "onset": 0, "apex": None, "offset": n - 1})
    write_index(cache, entries)
    return cache
