"""What a dataset reader returns: one annotated micro-expression video as an ordered list of frame files."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class DatasetLayoutError(ValueError):
    """A dataset folder that does not match the distributed layout (missing folder, unnumbered frames, ...)."""


@dataclass(frozen=True)
class VideoRecord:
    dataset: str            # casme2 | samm | smic
    subject: str            # dataset-native id: "01", "006", "s1"
    video_id: str           # unique within the dataset: "sub01/EP02_01f", "006_1_2", "s1_po_01"
    emotion: str            # as annotated (canonicalised later by classes.canonical_emotion)
    frames: tuple           # Paths, onset..offset inclusive, in time order
    onset: int
    apex: Optional[int]
    offset: int
    source: str             # "<sheet>, row N" or the folder, for error messages and provenance

    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.video_id}"


def numbered_frames(folder: Path, pattern: str) -> dict[int, Path]:
    """Frame number -> file for every image in `folder` whose stem matches `pattern` (one group: the number)."""
    if not folder.is_dir():
        raise DatasetLayoutError(f"{folder}: sample folder not found")
    rx = re.compile(pattern)
    frames: dict[int, Path] = {}
    for f in folder.iterdir():
        if f.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        m = rx.fullmatch(f.stem)
        if m is None:
            raise DatasetLayoutError(f"{f}: frame file name does not match the layout ('{pattern}')")
        n = int(m.group(1))
        if n in frames:
            raise DatasetLayoutError(f"{f}: frame number {n} also used by {frames[n].name}")
        frames[n] = f
    if not frames:
        raise DatasetLayoutError(f"{folder}: no frame images")
    return frames


def frames_between(frames: dict[int, Path], onset: int, offset: int, where: str) -> tuple:
    """Frames numbered onset..offset; every number in the range must exist (a gap is a broken copy)."""
    if offset < onset:
        raise DatasetLayoutError(f"{where}: offset frame {offset} before onset frame {onset}")
    missing = [n for n in range(onset, offset + 1) if n not in frames]
    if missing:
        raise DatasetLayoutError(
            f"{where}: {len(missing)} frame(s) between onset {onset} and offset {offset} are missing "
            f"(first: {missing[0]}; folder has {min(frames)}..{max(frames)})")
    return tuple(frames[n] for n in range(onset, offset + 1))


def sheet_clip(folder: Path, pattern: str, onset: int, offset: int, where: str) -> tuple:
    """The onset..offset frames of one annotated video; any layout error is prefixed with the sheet row `where`."""
    try:
        return frames_between(numbered_frames(folder, pattern), onset, offset, where)
    except DatasetLayoutError as e:
        raise DatasetLayoutError(f"{where}: {e}") from None
