"""SAMM reader.

Layout as distributed: <root>/006/006_1_2/006_05562.jpg (subject folder, clip folder, frames named
<subject>_<frame number>), and SAMM_Micro_FACS_Codes_v2.xlsx, whose table starts below a block of notes,
with the columns Subject, Filename, Inducement Code, Onset Frame, Apex Frame, Offset Frame, Duration, Type,
Action Units, Notes, Estimated Emotion, Objective Classes. Frame numbers in the sheet are the numbers in
the file names.
"""
from __future__ import annotations

from pathlib import Path

from .records import DatasetLayoutError, VideoRecord, sheet_clip
from .sheets import read_sheet

COLUMNS = ("Subject", "Filename", "Onset Frame", "Apex Frame", "Offset Frame", "Estimated Emotion")


def read_samm(root: Path | str, sheet: Path | str) -> list[VideoRecord]:
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"{root}: SAMM root folder not found")
    records = []
    for row in read_sheet(sheet, COLUMNS):
        raw_subject = row.text("Subject")
        if not raw_subject.isdigit():
            raise row.error(f"Subject {raw_subject!r} is not a subject number")
        subject = f"{int(raw_subject):03d}"
        name = row.text("Filename")
        if not name.startswith(subject + "_"):
            raise row.error(f"Filename {name!r} does not belong to subject {subject}")
        onset, offset = row.integer("Onset Frame"), row.integer("Offset Frame")
        where = f"{row.path}, row {row.row}"
        clip = sheet_clip(root / subject / name, rf"{subject}_(\d+)", onset, offset, where)
        records.append(VideoRecord(
            dataset="samm", subject=subject, video_id=name, emotion=row.text("Estimated Emotion"),
            frames=clip, onset=onset, apex=row.integer("Apex Frame", optional=True), offset=offset,
            source=where))
    return records
