"""Onset-apex-offset time profile of one event.

Raised-cosine rise from 0 at onset to 1 at apex, raised-cosine fall back to 0 at offset; exactly 0 outside
(onset, offset). Times are in seconds; frame k of a clip is at k / fps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class ProfileError(ValueError):
    """Onset/apex/offset not in order."""


@dataclass(frozen=True)
class Profile:
    onset_s: float
    apex_s: float
    offset_s: float

    def __post_init__(self) -> None:
        if not (self.onset_s < self.apex_s < self.offset_s):
            raise ProfileError(f"need onset < apex < offset, got {self.onset_s}, {self.apex_s}, {self.offset_s}")

    @property
    def duration_s(self) -> float:
        return self.offset_s - self.onset_s

    def at(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=np.float64)
        rise = 0.5 - 0.5 * np.cos(np.pi * (t - self.onset_s) / (self.apex_s - self.onset_s))
        fall = 0.5 + 0.5 * np.cos(np.pi * (t - self.apex_s) / (self.offset_s - self.apex_s))
        s = np.where(t <= self.apex_s, rise, fall)
        return np.where((t > self.onset_s) & (t < self.offset_s), s, 0.0)

    def frames(self, n_frames: int, fps: float) -> np.ndarray:
        return self.at(np.arange(n_frames) / fps)

    def in_frames(self, fps: float) -> dict[str, float]:
        """Onset, apex and offset as fractional frame indices."""
        return {"onset": self.onset_s * fps, "apex": self.apex_s * fps, "offset": self.offset_s * fps}


def sample_profile(rng: np.random.Generator, duration_s: float, apex_frame: float, fps: float) -> Profile:
    """A profile of the given total duration whose apex falls at fractional frame `apex_frame`; the rise takes
    30-60% of the duration (MEs rise a little faster than they fade)."""
    rise = duration_s * rng.uniform(0.3, 0.6)
    apex = apex_frame / fps
    return Profile(onset_s=apex - rise, apex_s=apex, offset_s=apex - rise + duration_s)
