"""CASME II reader.

Layout as distributed: <root>/sub01/EP02_01f/img46.jpg (the CASME2_RAW_selected folder, or the cropped
one, which has the same tree), and the coding sheet CASME2-coding-*.xlsx with the columns Subject,
Filename, OnsetFrame, ApexFrame, OffsetFrame, Action Units, Estimated Emotion. Subject is a number
(1 -> folder sub01); ApexFrame is "/" for a few clips (kept as None: sampling does not need it).
"""
from __future__ import annotations

from pathlib import Path

from .records import DatasetLayoutError, VideoRecord, sheet_clip
from .sheets import read_sheet

COLUMNS = ("Subject", "Filename", "OnsetFrame", "ApexFrame", "OffsetFrame", "Estimated Emotion")


def _subject_folder(raw: str) -> str:
    digits = raw.lower().removeprefix("sub")
    if not digits.isdigit():
        raise ValueError(raw)
    return f"sub{int(digits):02d}"


def read_casme2(root: Path | str, sheet: Path | str) -> list[VideoRecord]:
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"{root}: CASME II root folder not found")
    records = []
    for row in read_sheet(sheet, COLUMNS):
        try:
            folder = _subject_folder(row.text("Subject"))
        except ValueError:
            raise row.error(f"Subject {row.get('Subject')!r} is not a subject number") from None
        name = row.text("Filename")
        onset, offset = row.integer("OnsetFrame"), row.integer("OffsetFrame")
        where = f"{row.path}, row {row.row}"
        clip = sheet_clip(root / folder / name, r"img(\d+)", onset, offset, where)
        records.append(VideoRecord(
            dataset="casme2", subject=folder.removeprefix("sub"), video_id=f"{folder}/{name}",
            emotion=row.text("Estimated Emotion"), frames=clip, onset=onset,
            apex=row.integer("ApexFrame", optional=True), offset=offset, source=where))
    return records
