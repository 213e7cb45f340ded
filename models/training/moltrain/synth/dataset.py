"""Adapter from the generator to the trainer's clip contract (`moltrain.data.clip`): an indexable,
deterministic stream of labelled clips rendered on the fly."""
from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from ..data.classes import FIVE_CLASSES, THREE_CLASSES
from ..data.clip import normalise_frames
from ..data.shape_warp import draw_shape_warp
from . import facs
from .clip import Clip, SynthConfig, SynthError, _draw_head, clip_identity, generate_clip, generate_clip_set
from .faces import Face, load_faces


def class_emotions(num_classes: int) -> list[list[str]]:
    """For each class index of the protocol, the generator's emotions that carry it."""
    if num_classes == 3:
        return [[e for e, (c3, _) in facs.EMOTIONS.items() if c3 == name] for name in THREE_CLASSES]
    if num_classes == 5:
        return [[name] for name in FIVE_CLASSES["casme2"]]
    raise SynthError(f"synthetic clips come in 3 or 5 classes, not {num_classes}")


def subject_of(identity: str) -> str:
    """The person(s) behind a rendered identity: mirroring is the same person, a morph 'a+b@0.40' is 'a+b'."""
    return identity.replace("~m", "").split("@")[0]


def clip_to_sample(clip: Clip, label: int, sample_id: str) -> dict:
    """One rendered clip as the trainer's sample dict (video normalised, flow [2,H,W,T-1], ldm [136,T])."""
    n = clip.frames.shape[0]
    return {
        "video": normalise_frames(clip.frames)[None].astype(np.float32),
        "label": int(label),
        "flow": np.ascontiguousarray(clip.flow.transpose(0, 2, 3, 1)),
        "ldm": np.ascontiguousarray(clip.landmarks.reshape(n, 136).T),
        "subject": subject_of(clip.identity),
        "sample_id": sample_id,
    }


class SynthClipDataset(torch.utils.data.Dataset):
    """`length` clips of stream `seed`, classes balanced (class = index-seeded draw, then an emotion of it).

    Item i is the same on every call and in every worker: all randomness comes from (seed, i). `classes`,
    `provenance` and `subject_of(i)` (no rendering) are what moltrain.train's --data-module asks of a dataset."""

    def __init__(self, faces: Sequence[Face], seed: int, length: int, num_classes: int = 3,
                 cfg: SynthConfig = SynthConfig(), macro_fraction: float = 0.0) -> None:
        if not faces:
            raise SynthError("no source faces given")
        self.faces = list(faces)
        self.seed = int(seed)
        self.length = int(length)
        self.num_classes = num_classes
        self.class_emotions = class_emotions(num_classes)
        self.classes = list(THREE_CLASSES) if num_classes == 3 else list(FIVE_CLASSES["casme2"])
        self.cfg = replace(cfg, kind_probs=(("micro", 1.0 - macro_fraction), ("macro", macro_fraction)))
        self.macro_fraction = macro_fraction
        self.provenance = {
            "generator": "moltrain.synth", "seed": self.seed, "length": self.length, "numClasses": num_classes,
            "macroFraction": macro_fraction, "config": {k: v for k, v in asdict(self.cfg).items()},
            "identities": sorted({f.identity for f in self.faces}),
            "splits": sorted({f.split for f in self.faces}),
        }

    def __len__(self) -> int:
        return self.length

    def _plan(self, i: int) -> tuple[int, str, str]:
        if not 0 <= i < self.length:
            raise IndexError(f"clip {i} out of range (0..{self.length - 1})")
        rng = np.random.default_rng([self.seed, int(i), 0xC1A55])
        label = int(rng.integers(len(self.class_emotions)))
        options = self.class_emotions[label]
        emotion = options[int(rng.integers(len(options)))]
        kind = "macro" if rng.random() < self.macro_fraction else "micro"
        return label, emotion, kind

    def subject_of(self, i: int) -> str:
        kind = self._plan(i)[2]
        return subject_of(clip_identity(self.seed, i, self.faces, self.cfg, kind=kind))

    def __getitem__(self, i: int) -> dict:
        label, emotion, kind = self._plan(i)
        clip = generate_clip(self.seed, i, self.faces, self.cfg, kind=kind, emotion=emotion)
        return clip_to_sample(clip, label, f"synth-{self.seed}-{i}")


class SynthClipSetDataset(SynthClipDataset):
    """A class-contrastive stream: items g*j .. g*j+g-1 (g = number of classes, `group_size`) are set j of
    `generate_clip_set`, one clip per class on the same face, timing and nuisances. moltrain.train shuffles
    whole sets, so every batch asks the head which motion it saw, never which face: appearance carries no
    class information inside a batch. Item i's label is i % g; the emotion of each class is drawn per set.
    With `event_fraction` > 0 that share of the sets are event clips (SynthConfig.placement "event": what the
    app classifies for a spotted event), the others keep `cfg`'s placement. With `shape_warp` > 0, that share
    (`shape_warp_fraction`) of the sets is reshaped by one random face-shape warp of that strength
    (data/shape_warp.py), video, flow and landmarks alike, so the set's clips still share one face."""

    def __init__(self, faces: Sequence[Face], seed: int, length: int, num_classes: int = 3,
                 cfg: SynthConfig = SynthConfig(), macro_fraction: float = 0.0, event_fraction: float = 0.0,
                 shape_warp: float = 0.0, shape_warp_fraction: float = 1.0) -> None:
        super().__init__(faces, seed, length, num_classes, cfg, macro_fraction)
        self.group_size = len(self.class_emotions)
        self.length = self.length - self.length % self.group_size
        self.event_fraction = float(event_fraction)
        if shape_warp < 0 or not 0.0 <= shape_warp_fraction <= 1.0:
            raise SynthError(f"shape warp {shape_warp} must be >= 0 and its fraction {shape_warp_fraction} in 0..1")
        self.shape_warp = float(shape_warp)
        self.shape_warp_fraction = float(shape_warp_fraction) if shape_warp > 0 else 0.0
        self.provenance.update(length=self.length, classSets=True, eventFraction=self.event_fraction)
        if self.shape_warp > 0:
            self.provenance.update(shapeWarp=self.shape_warp, shapeWarpFraction=self.shape_warp_fraction)
        self._last: tuple[int, list[Clip]] | None = None

    def _set_plan(self, j: int) -> tuple[list[str], str]:
        rng = np.random.default_rng([self.seed, int(j), 0x5E75])
        emotions = [opts[int(rng.integers(len(opts)))] for opts in self.class_emotions]
        return emotions, ("macro" if rng.random() < self.macro_fraction else "micro")

    def _set_cfg(self, j: int) -> SynthConfig:
        if self.event_fraction <= 0.0:
            return self.cfg
        event = np.random.default_rng([self.seed, int(j), 0xE7E]).random() < self.event_fraction
        return replace(self.cfg, placement="event") if event else self.cfg

    def _check(self, i: int) -> None:
        if not 0 <= i < self.length:
            raise IndexError(f"clip {i} out of range (0..{self.length - 1})")

    def _plan(self, i: int) -> tuple[int, str, str]:
        self._check(i)
        emotions, kind = self._set_plan(i // self.group_size)
        return i % self.group_size, emotions[i % self.group_size], kind

    def subject_of(self, i: int) -> str:
        j = i // self.group_size
        kind = self._set_plan(j)[1]
        draw = _draw_head(np.random.default_rng([self.seed, j, 0x5E7]), self.faces, self.cfg, kind)[2]
        return subject_of(draw.identity(self.faces))

    def __getitem__(self, i: int) -> dict:
        self._check(i)
        j, label = divmod(i, self.group_size)
        if self._last is None or self._last[0] != j:   # a batch asks for a whole set in a row: render it once
            emotions, kind = self._set_plan(j)
            clips = generate_clip_set(self.seed, j, self.faces, emotions, self._set_cfg(j), kind=kind)
            self._last = (j, self._warp_set(j, clips))
        return clip_to_sample(self._last[1][label], label, f"synthset-{self.seed}-{i}")

    def _warp_set(self, j: int, clips: list[Clip]) -> list[Clip]:
        """One shape warp for the whole set (drawn from (seed, j)), or the clips as they are. The warped frames
        are rounded back to 8 bits, as the app's crops are, before they are normalised."""
        rng = np.random.default_rng([self.seed, int(j), 0x5A9E])
        if self.shape_warp <= 0 or rng.random() >= self.shape_warp_fraction:
            return clips
        size = clips[0].frames.shape[-1]
        warp = draw_shape_warp(1, size, torch.Generator().manual_seed(int(rng.integers(2 ** 62))), self.shape_warp)
        out = []
        for c in clips:
            t = c.frames.shape[0]
            frames = warp.video(torch.from_numpy(c.frames.astype(np.float32))[None, None])[0, 0].numpy()
            flow = warp.flow(torch.from_numpy(c.flow.transpose(0, 2, 3, 1).copy())[None])[0].numpy()
            ldm = warp.landmarks(torch.from_numpy(c.landmarks.reshape(t, 136).T.copy())[None])[0].numpy()
            out.append(replace(c, frames=np.clip(np.rint(frames), 0, 255).astype(np.uint8),
                               flow=np.ascontiguousarray(flow.transpose(0, 3, 1, 2)),
                               landmarks=np.ascontiguousarray(ldm.T.reshape(t, 68, 2)),
                               meta={**c.meta, "shape_warp": self.shape_warp}))
        return out


BUILT_FACES = Path(__file__).resolve().parents[2] / ".cache" / "sources" / "built"
TRAIN_LENGTH = 20000
VAL_LENGTH = 600


def train_dataset(num_classes: int = 3, seed: int = 0) -> SynthClipDataset:
    """For `moltrain.train --data-module moltrain.synth.dataset:train_dataset`: train-split identities only,
    every nuisance on, 10% macro clips. Hold identities out with `val_dataset`, not with --val-subjects
    (a morph mixes two training identities, so an inner subject split would leak them)."""
    faces = load_faces(BUILT_FACES, ("train",))
    return SynthClipDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes, macro_fraction=0.1)


def val_dataset(num_classes: int = 3, seed: int = 0) -> SynthClipDataset:
    """Held-out identities (val split), micro clips only, no morphs; a different stream from training."""
    faces = load_faces(BUILT_FACES, ("val",))
    return SynthClipDataset(faces, seed=seed + 1_000_003, length=VAL_LENGTH, num_classes=num_classes,
                            cfg=SynthConfig(morph_prob=0.0))


def unseen_dataset(num_classes: int = 3, seed: int = 0) -> SynthClipDataset:
    """Test identities (the astronaut, franck): never trained on; micro clips, no morphs."""
    faces = load_faces(BUILT_FACES, ("test",))
    return SynthClipDataset(faces, seed=seed + 2_000_003, length=VAL_LENGTH, num_classes=num_classes,
                            cfg=SynthConfig(morph_prob=0.0))


# Curriculum stages (train identities only). On CPU budgets MER does not emerge from micro amplitudes amid the
# nuisances (an lr-1e-4 run stayed at chance after 4k clips while flow and landmarks trained), so training
# starts on larger, centred, clean expressions and anneals to the full distribution of `train_dataset`.
CURRICULUM = {
    "easy": SynthConfig(micro_amplitude_px=(1.5, 5.0), apex_frame_range=(2.5, 4.5), head_motion=False,
                        photometric=False, blink_prob=0.0, morph_prob=0.3),
    "medium": SynthConfig(micro_amplitude_px=(0.8, 3.5), apex_frame_range=(1.5, 5.5), blink_prob=0.1),
}


def _stage(name: str, num_classes: int, seed: int) -> SynthClipDataset:
    faces = load_faces(BUILT_FACES, ("train",))
    ds = SynthClipDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes, cfg=CURRICULUM[name])
    ds.provenance["curriculum"] = name
    return ds


def train_dataset_easy(num_classes: int = 3, seed: int = 0) -> SynthClipDataset:
    """Curriculum stage 1: 1.5-5 px expressions with the apex mid-window, no head motion, blinks or lighting."""
    return _stage("easy", num_classes, seed)


def train_dataset_medium(num_classes: int = 3, seed: int = 0) -> SynthClipDataset:
    """Curriculum stage 2: 0.8-3.5 px, every nuisance on; stage 3 is `train_dataset` itself."""
    return _stage("medium", num_classes, seed)


def train_dataset_sets(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """The full training distribution of `train_dataset` (micro clips, every nuisance) in class-contrastive
    sets (`SynthClipSetDataset`); use a batch that is a multiple of the number of classes."""
    faces = load_faces(BUILT_FACES, ("train",))
    return SynthClipSetDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes)


def _event_sets(num_classes: int, seed: int, span_jitter: int, **warp: float) -> SynthClipSetDataset:
    faces = load_faces(BUILT_FACES, ("train",))
    return SynthClipSetDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes,
                               cfg=replace(SynthConfig(), span_jitter_frames=span_jitter), event_fraction=0.75,
                               **warp)


def train_dataset_sets_events(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """The full micro distribution in class-contrastive sets, 3 sets in 4 as event clips (the onset..offset
    frames the app classifies a spotted event on, the spotted onset and offset each off by up to a frame) and 1
    in 4 with the expression anywhere in the window (the live emotion panel's sliding window)."""
    return _event_sets(num_classes, seed, span_jitter=1)


def train_dataset_sets_events_wide(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """`train_dataset_sets_events` with the spotted onset and offset each off by up to 3 frames instead of 1 (the
    app's spotter leaves spans off by up to 2 on the planted test videos). The provenance's config records it."""
    return _event_sets(num_classes, seed, span_jitter=3)


def train_dataset_sets_events_wide_warped(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """`train_dataset_sets_events_wide` with half of the sets reshaped by a random face-shape warp (strength 1,
    data/shape_warp.py; flow and landmarks warped with the video), so the whole network, not only the landmark
    head, sees face geometries beyond the 26 training identities."""
    return _event_sets(num_classes, seed, span_jitter=3, shape_warp=1.0, shape_warp_fraction=0.5)


def train_dataset_sets_easy(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """Curriculum stage 1 (`CURRICULUM['easy']`) in class-contrastive sets."""
    faces = load_faces(BUILT_FACES, ("train",))
    ds = SynthClipSetDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes, cfg=CURRICULUM["easy"])
    ds.provenance["curriculum"] = "easy"
    return ds


def train_dataset_sets_medium(num_classes: int = 3, seed: int = 0) -> SynthClipSetDataset:
    """Curriculum stage 2 (`CURRICULUM['medium']`) in class-contrastive sets."""
    faces = load_faces(BUILT_FACES, ("train",))
    ds = SynthClipSetDataset(faces, seed=seed, length=TRAIN_LENGTH, num_classes=num_classes, cfg=CURRICULUM["medium"])
    ds.provenance["curriculum"] = "medium"
    return ds
