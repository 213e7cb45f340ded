"""Clip datasets over a preprocessed cache (data.preprocess): videos -> MOL's 8-frame clips -> clip dicts.

Labels are assigned here, from the annotated emotion and the protocol's class setting, so one cache
serves the 5-class, 3-class and composite protocols. Clips containing a frame where the app found no face
are dropped (counted in `dropped`), since their crops are not aligned faces.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from torch.utils.data import Dataset

from .classes import map_emotion
from .clip import normalise_frames, uniform_clip_indices
from .preprocess import INDEX_NAME


class CacheIndexError(ValueError):
    """A cache folder without a readable index, or an index line that does not match its npz file."""


def load_index(cache_dir: Path | str, name: str = INDEX_NAME) -> list[dict]:
    cache_dir = Path(cache_dir)
    path = cache_dir / name
    if not path.is_file():
        raise CacheIndexError(f"{path}: no index (run `python3 -m moltrain.data.preprocess` first)")
    entries = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
            for k in ("dataset", "subject", "video_id", "emotion", "file", "frames"):
                if k not in e:
                    raise KeyError(k)
        except (json.JSONDecodeError, KeyError) as err:
            raise CacheIndexError(f"{path}, line {i}: malformed entry ({err})") from None
        e["cache_dir"] = str(cache_dir)
        entries.append(e)
    return entries


@dataclass
class _ClipRef:
    entry: dict
    indices: list
    label: int


@dataclass
class CachedClips(Dataset):
    """Map-style dataset of clip dicts (data.clip contract); flow is None (no TV-L1 targets here)."""
    entries: Sequence[dict]
    num_classes: int
    clips: list = field(default_factory=list, init=False)
    dropped: dict = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._arrays: dict[str, dict] = {}
        self.dropped = {"unmapped_emotion": 0, "too_short": 0, "no_face": 0}
        for e in self.entries:
            label = map_emotion(e["dataset"], e["emotion"], self.num_classes)
            if label is None:
                self.dropped["unmapped_emotion"] += 1
                continue
            windows = uniform_clip_indices(int(e["frames"]))
            if not windows:
                self.dropped["too_short"] += 1
                continue
            found = self._load(e)["face_found"]
            for idx in windows:
                if not found[idx].all():
                    self.dropped["no_face"] += 1
                    continue
                self.clips.append(_ClipRef(e, idx, label))

    def _load(self, e: dict) -> dict:
        path = Path(e["cache_dir"]) / e["file"]
        if str(path) not in self._arrays:
            if not path.is_file():
                raise CacheIndexError(f"{path}: cache file named in the index is missing")
            with np.load(path) as z:
                arrays = {k: z[k] for k in ("crops", "landmarks", "face_found")}
            if arrays["crops"].shape[0] != int(e["frames"]):
                raise CacheIndexError(f"{path}: {arrays['crops'].shape[0]} frames, index says {e['frames']}")
            self._arrays[str(path)] = arrays
        return self._arrays[str(path)]

    def __len__(self) -> int:
        return len(self.clips)

    def __getitem__(self, i: int) -> dict:
        ref = self.clips[i]
        a = self._load(ref.entry)
        e = ref.entry
        video_id = f"{e['dataset']}/{e['video_id']}"
        return {
            "video": normalise_frames(a["crops"][ref.indices])[None],
            "label": ref.label,
            "flow": None,
            "ldm": np.ascontiguousarray(a["landmarks"][ref.indices].reshape(8, 136).T),
            "subject": subject_id(e),
            "sample_id": f"{video_id}#{ref.indices[0]}",
            "video_id": video_id,
        }

    def subject_of(self, i: int) -> str:
        return subject_id(self.clips[i].entry)


def subject_id(entry: dict) -> str:
    """Dataset-qualified subject, so subject '01' of two datasets never merges in composite protocols."""
    return f"{entry['dataset']}:{entry['subject']}"


@dataclass
class ClipSubset(Dataset):
    base: Dataset
    indices: list

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> dict:
        return self.base[self.indices[i]]

    def subject_of(self, i: int) -> str:
        return subject_of(self.base, self.indices[i])


def subject_of(dataset, i: int) -> str:
    """Subject of clip i without decoding the clip when the dataset can tell it directly."""
    return dataset.subject_of(i) if hasattr(dataset, "subject_of") else str(dataset[i]["subject"])


def open_caches(dirs: Sequence[Path | str], num_classes: int, index_name: Optional[str] = None) -> CachedClips:
    entries = []
    for d in dirs:
        entries.extend(load_index(d, index_name or INDEX_NAME))
    return CachedClips(entries, num_classes)
