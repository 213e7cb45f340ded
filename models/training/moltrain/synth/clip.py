"""Synthetic micro-expression clips: random specification (seeded) -> rendered frames with exact targets.

A clip is one source face, zero or more expression events (each an AU combination with an onset-apex-offset
profile), optional blinks, residual head motion / alignment jitter, and photometric nuisances. The same code
renders the 8-frame training clips (`generate_clip`) and long sequences with several events at known times
for spotting tests (`generate_sequence`).
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Optional, Sequence

import numpy as np

from . import facs, ibug68
from .faces import CROP, MORPH_ALPHAS, Face, cached_morph
from .field import LocalField, local_field
from .photometric import Photometric, apply_photometric, sample_photometric
from .profile import Profile, sample_profile
from .render import fold_margin, render

# Expression fields reach this far from the moved points (fraction of the outer inter-ocular distance).
AU_RADIUS_IOD = 0.25
# Non-AU landmarks this close to an AU point (fraction of the inter-ocular distance) follow the motion.
PASSIVE_IOD = 0.08
BLINK_RADIUS_IOD = 0.2
# A field is scaled down until det(I + grad D) >= this everywhere: keeps the warp invertible (no folds).
MIN_FOLD_MARGIN = 0.2
# Closing lids compress the skin between them by design (det ~ 1 - closure), so blinks may go further.
MIN_FOLD_MARGIN_BLINK = 0.15


class SynthError(ValueError):
    """A clip specification the generator cannot render."""


@dataclass
class SynthConfig:
    n_frames: int = 8
    fps_choices: tuple[float, ...] = (25.0, 30.0)
    kind_probs: tuple[tuple[str, float], ...] = (("micro", 0.65), ("macro", 0.1), ("neutral", 0.25))
    emotions: tuple[str, ...] = tuple(facs.EMOTION_NAMES)
    micro_amplitude_px: tuple[float, float] = (0.3, 2.5)
    macro_amplitude_px: tuple[float, float] = (3.0, 8.0)
    micro_duration_s: tuple[float, float] = (0.065, 0.5)
    macro_duration_s: tuple[float, float] = (0.5, 4.0)
    # Apex placed anywhere in this range of (fractional) frames of the window.
    apex_frame_range: Optional[tuple[float, float]] = None   # default (0.5, n_frames - 1.5)
    # "window": the expression sits anywhere in 8 consecutive camera frames (MOL's sliding window over the
    # stream). "event": the 8 frames the app gives MOL to classify a spotted event (src/spotting/resample.ts):
    # onset..offset at the camera's rate, resampled to 8 (nearest frames, repeated when the event is shorter),
    # the spotted onset and offset each off the true ones by up to `span_jitter_frames`.
    placement: str = "window"
    span_jitter_frames: int = 1
    blink_prob: float = 0.15
    head_motion: bool = True
    photometric: bool = True
    mirror_prob: float = 0.5
    morph_prob: float = 0.3


@dataclass
class Event:
    kind: str                      # "micro" | "macro" | "blink"
    profile: Profile
    amplitude_px: float            # largest landmark displacement at apex (after the fold guard)
    emotion: Optional[str] = None  # 5-class name (CASME II), None for blinks
    aus: dict[int, float] = dc_field(default_factory=dict)
    requested_amplitude_px: float = 0.0
    moved_points: list[int] = dc_field(default_factory=list)

    def describe(self, fps: float) -> dict:
        return {"kind": self.kind, "emotion": self.emotion,
                "class3": facs.EMOTIONS[self.emotion][0] if self.emotion else None,
                "aus": {str(k): v for k, v in self.aus.items()}, "amplitude_px": self.amplitude_px,
                "requested_amplitude_px": self.requested_amplitude_px,
                "duration_ms": 1000.0 * self.profile.duration_s, **self.profile.in_frames(fps)}


@dataclass
class Clip:
    frames: np.ndarray            # uint8 [T, 128, 128]
    flow: np.ndarray              # float32 [2, T-1, 128, 128]: (u, v) px from frame t to t+1
    landmarks: np.ndarray         # float32 [T, 68, 2], crop px
    fps: float
    identity: str
    split: str
    events: list[Event]
    meta: dict                    # nuisance parameters, seed, inversion residual

    @property
    def expression(self) -> Optional[Event]:
        """The clip's expression event (the first micro/macro event), None for neutral clips."""
        return next((e for e in self.events if e.kind != "blink"), None)

    @property
    def emotion(self) -> Optional[str]:
        e = self.expression
        return e.emotion if e else None


def passive_points(ldm: np.ndarray, aus: dict[int, float]) -> list[int]:
    """Landmarks outside the AU that lie within PASSIVE_IOD x inter-ocular of one of its points: skin that
    close moves along, so they are left free (they follow the field) instead of being pinned at 0. Pinning
    them folds the warp at small amplitudes (a jaw point 3 px from a lip corner on a turned face; the upper
    lid of a half-closed eye when AU6 lifts the lower lid)."""
    moved = sorted(facs.au_points(aus))
    reach = PASSIVE_IOD * ibug68.inter_ocular(ldm)
    others = [i for i in range(ibug68.N_POINTS) if i not in moved]
    d = np.linalg.norm(ldm[others][:, None, :] - ldm[moved][None, :, :], axis=-1).min(axis=1)
    return [i for i, di in zip(others, d) if di < reach]


def expression_field(ldm: np.ndarray, aus: dict[int, float], amplitude: float) -> tuple[LocalField, float, list[int]]:
    """Apex field of an AU combination: (field, amplitude after the fold guard, moved points).

    Constraints: the AU's points at their table displacement, the virtual cheek points, and every other
    landmark except the passive ones at 0."""
    ldm = np.asarray(ldm, dtype=np.float64)
    d, vpos, vdisp = facs.combine_aus(aus, ldm, amplitude)
    free = set(passive_points(ldm, aus))
    keep = [i for i in range(ibug68.N_POINTS) if i not in free]
    iod = ibug68.inter_ocular(ldm)
    f = local_field(np.concatenate([ldm[keep], vpos]), np.concatenate([d[keep], vdisp]), AU_RADIUS_IOD * iod, CROP)
    f, scale = _fold_guard(f)
    moved = [int(i) for i in np.nonzero(np.linalg.norm(d, axis=1) > 0)[0]]
    return f, amplitude * scale, moved


def blink_field(ldm: np.ndarray, closure: float) -> tuple[LocalField, float]:
    """(field, closure after the fold guard)."""
    d = facs.blink_displacements(np.asarray(ldm, dtype=np.float64), closure)
    f = local_field(ldm, d, BLINK_RADIUS_IOD * ibug68.inter_ocular(ldm), CROP)
    f, scale = _fold_guard(f, MIN_FOLD_MARGIN_BLINK)
    return f, closure * scale


def _fold_guard(f: LocalField, min_margin: float = MIN_FOLD_MARGIN) -> tuple[LocalField, float]:
    scale = 1.0
    while fold_margin(f.grid * scale) < min_margin:
        scale *= 0.85
        if scale < 0.05:
            raise SynthError("the expression field folds even at 5% amplitude (bad landmarks?)")
    return (f if scale == 1.0 else f.scaled(scale)), scale


def sample_head_motion(rng: np.random.Generator, n_frames: int) -> np.ndarray:
    """Per-frame similarity (tx, ty, theta, log_s): a small static misalignment, a slow bounded sway and
    i.i.d. alignment jitter, at the scale a smoothed face alignment leaves. The sway is a sinusoid of
    40-200 frames period: nearly a linear drift inside an 8-frame window, bounded over a long sequence."""
    deg = np.pi / 180.0
    offset = np.array([rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-2, 2) * deg, rng.uniform(-0.02, 0.02)])
    velocity = np.array([rng.normal(0, 0.15), rng.normal(0, 0.15), rng.normal(0, 0.1) * deg, rng.normal(0, 0.001)])
    period = rng.uniform(40, 200, 4)
    phase = rng.uniform(0, 2 * np.pi, 4)
    cap = np.array([2.0, 2.0, 2.0 * deg, 0.02])
    amp = np.minimum(np.abs(velocity) * period / (2 * np.pi), cap)
    jit = rng.uniform(0.0, 0.2)
    jitter = rng.standard_normal((n_frames, 4)) * np.array([jit, jit, 0.05 * deg, 0.0005])
    t = np.arange(n_frames)[:, None]
    sway = amp * (np.sin(2 * np.pi * t / period + phase) - np.sin(phase))
    return offset[None] + sway + jitter


def event_clip_indices(onset: int, offset: int, n_frames: int, clip: int = 0) -> np.ndarray:
    """Camera frames of the clip MOL sees for an event spotted at onset..offset (the app's
    `eventClips` in src/spotting/resample.ts): nearest frames of n evenly spaced times when the event has
    fewer than n frames, else frames onset + clip + k * stride with stride = L // n."""
    length = offset - onset + 1
    if length < 1:
        raise SynthError(f"offset {offset} before onset {onset}")
    if length < n_frames:
        return onset + np.floor(np.arange(n_frames) * (length - 1) / (n_frames - 1) + 0.5).astype(np.int64)
    stride = length // n_frames
    if not 0 <= clip < stride:
        raise SynthError(f"clip {clip} out of range for stride {stride}")
    return onset + clip + stride * np.arange(n_frames)


@dataclass(frozen=True)
class EventSpan:
    """Timing of an event clip: the expression's profile (seconds from camera frame 0) and the camera frame
    behind each of the clip's frames."""
    profile: Profile
    frames: np.ndarray     # int [n_frames], non-decreasing camera frame indices
    fps: float


def _sample_event_span(rng: np.random.Generator, cfg: SynthConfig, kind: str, fps: float) -> EventSpan:
    dlo, dhi = cfg.micro_duration_s if kind == "micro" else cfg.macro_duration_s
    duration = float(rng.uniform(dlo, dhi))
    jit = int(cfg.span_jitter_frames)
    onset_s = (jit + float(rng.uniform(0.0, 1.0))) / fps    # room before it for an early spotted onset
    rise = duration * float(rng.uniform(0.3, 0.6))           # as sample_profile
    prof = Profile(onset_s=onset_s, apex_s=onset_s + rise, offset_s=onset_s + duration)
    # The neutral frames around the event, as the spotter brackets it, then its error.
    onset = int(np.floor(prof.onset_s * fps)) + int(rng.integers(-jit, jit + 1))
    offset = int(np.ceil(prof.offset_s * fps)) + int(rng.integers(-jit, jit + 1))
    offset = max(offset, onset + 1)
    length = offset - onset + 1
    clip = int(rng.integers(length // cfg.n_frames)) if length >= cfg.n_frames else 0
    return EventSpan(prof, event_clip_indices(onset, offset, cfg.n_frames, clip), fps)


def _pick(rng: np.random.Generator, items: Sequence, probs: Optional[Sequence[float]] = None):
    return items[int(rng.choice(len(items), p=probs))]


def _expression_event(rng: np.random.Generator, cfg: SynthConfig, kind: str, ldm: np.ndarray, fps: float,
                      apex_frame: float, emotion: Optional[str] = None, profile: Optional[Profile] = None):
    """An expression of `kind` with its apex at `apex_frame`, or with the given `profile`."""
    emotion = emotion or _pick(rng, cfg.emotions)
    variants = facs.EMOTIONS[emotion][1]
    aus = dict(variants[int(rng.integers(len(variants)))])
    lo, hi = cfg.micro_amplitude_px if kind == "micro" else cfg.macro_amplitude_px
    amp = float(rng.uniform(lo, hi))
    if profile is None:
        dlo, dhi = cfg.micro_duration_s if kind == "micro" else cfg.macro_duration_s
        profile = sample_profile(rng, float(rng.uniform(dlo, dhi)), apex_frame, fps)
    f, actual, moved = expression_field(ldm, aus, amp)
    return Event(kind=kind, profile=profile, amplitude_px=actual, emotion=emotion, aus=aus,
                 requested_amplitude_px=amp, moved_points=moved), f


def _blink_event(rng: np.random.Generator, ldm: np.ndarray, fps: float, apex_frame: float):
    closure = float(rng.uniform(0.4, 0.75))
    prof = sample_profile(rng, float(rng.uniform(0.1, 0.3)), apex_frame, fps)
    return make_blink_from_landmarks(ldm, closure, prof)


@dataclass(frozen=True)
class FaceDraw:
    """Which face a clip uses: source index, optional morph partner and weight, mirrored or not."""
    index: int
    partner: Optional[int] = None
    alpha: Optional[float] = None
    mirrored: bool = False

    def identity(self, faces: Sequence[Face]) -> str:
        ident = faces[self.index].identity
        if self.partner is not None:
            ident = f"{ident}+{faces[self.partner].identity}@{self.alpha:.2f}"
        return ident + ("~m" if self.mirrored else "")


def _draw_face(rng: np.random.Generator, faces: Sequence[Face], cfg: SynthConfig) -> FaceDraw:
    i = int(rng.integers(len(faces)))
    partner, alpha = None, None
    if cfg.morph_prob > 0 and len(faces) > 1 and rng.random() < cfg.morph_prob:
        j = int(rng.integers(len(faces)))
        if faces[j].identity != faces[i].identity:
            partner, alpha = j, float(MORPH_ALPHAS[int(rng.integers(len(MORPH_ALPHAS)))])
    return FaceDraw(i, partner, alpha, bool(rng.random() < cfg.mirror_prob))


def _build_face(faces: Sequence[Face], draw: FaceDraw) -> tuple[Face, dict]:
    face = faces[draw.index]
    info: dict = {"source_identity": face.identity}
    if draw.partner is not None:
        face = cached_morph(face, faces[draw.partner], draw.alpha)
        info["morph"] = {"with": faces[draw.partner].identity, "alpha": draw.alpha}
    if draw.mirrored:
        face = face.mirrored()
        info["mirrored"] = True
    return face, info


def _draw_head(rng: np.random.Generator, faces: Sequence[Face], cfg: SynthConfig,
               kind: Optional[str]) -> tuple[float, str, FaceDraw]:
    """The first draws of a clip (fps, kind, face): cheap, so a dataset can name a clip's subject unrendered."""
    fps = float(_pick(rng, cfg.fps_choices))
    kinds, probs = zip(*cfg.kind_probs)
    kind = kind or _pick(rng, kinds, np.array(probs) / sum(probs))
    if kind not in ("micro", "macro", "neutral"):
        raise SynthError(f"unknown clip kind '{kind}' (micro, macro, neutral)")
    return fps, kind, _draw_face(rng, faces, cfg)


def clip_identity(seed: int, index: int, faces: Sequence[Face], cfg: SynthConfig = SynthConfig(),
                  kind: Optional[str] = None) -> str:
    """The identity `generate_clip` with the same arguments renders, without rendering it."""
    if not faces:
        raise SynthError("no source faces given")
    return _draw_head(np.random.default_rng([int(seed), int(index)]), faces, cfg, kind)[2].identity(faces)


def _finish(face: Face, events: list[tuple[Event, LocalField]], n_frames: int, fps: float,
            rng: np.random.Generator, cfg: SynthConfig, meta: dict) -> Clip:
    sim = sample_head_motion(rng, n_frames) if cfg.head_motion else None
    photo = sample_photometric(rng) if cfg.photometric else None
    return render_events(face, events, n_frames, fps, similarity=sim, photometric=photo, rng=rng, meta=meta)


def render_events(face: Face, events: list[tuple[Event, LocalField]], n_frames: int, fps: float,
                  similarity: Optional[np.ndarray] = None, photometric: Optional[Photometric] = None,
                  rng: Optional[np.random.Generator] = None, meta: Optional[dict] = None,
                  camera_frames: Optional[np.ndarray] = None) -> Clip:
    """Renders explicit events ((Event, apex field) pairs, e.g. from `make_expression`) on a face.
    No similarity means no head motion; no photometric means clean frames (only rounded to uint8).
    `camera_frames` (an event clip): frame k shows camera frame camera_frames[k] (time camera_frames[k] / fps)
    and a repeated camera frame repeats the whole frame, sensor noise included, as the app's resampling does."""
    times = np.arange(n_frames) / fps if camera_frames is None else np.asarray(camera_frames) / fps
    if len(times) != n_frames:
        raise SynthError(f"{len(times)} camera frames for a clip of {n_frames}")
    fields = [f.grid for _, f in events]
    at_landmarks = [f.at(face.landmarks) for _, f in events]
    weights = np.array([e.profile.at(times) for e, _ in events]).reshape(len(events), n_frames)
    sim = np.zeros((n_frames, 4)) if similarity is None else np.asarray(similarity, dtype=np.float64)
    if sim.shape != (n_frames, 4):
        raise SynthError(f"similarity must be [{n_frames}, 4], got {sim.shape}")
    r = render(face.image, face.landmarks, fields, weights, sim, at_landmarks)
    photo = photometric or Photometric()
    frames = apply_photometric(r.frames, photo, rng or np.random.default_rng(0))
    meta = dict(meta or {}, head_motion=sim.tolist(), photometric=photo.to_dict(),
                inversion_residual_px=r.inversion_residual_px, profiles=weights.tolist())
    if camera_frames is not None:
        cam = np.asarray(camera_frames)
        for k in np.nonzero(cam[1:] == cam[:-1])[0] + 1:
            frames[k] = frames[k - 1]   # geometry (flow 0, landmarks) already repeats exactly
        meta["camera_frames"] = cam.tolist()
    return Clip(frames=frames, flow=np.ascontiguousarray(r.flow.transpose(1, 0, 2, 3)), landmarks=r.landmarks,
                fps=fps, identity=face.identity, split=face.split, events=[e for e, _ in events], meta=meta)


def make_expression(face: Face, aus: dict[int, float], amplitude_px: float, profile: Profile,
                    kind: str = "micro", emotion: Optional[str] = None) -> tuple[Event, LocalField]:
    """An explicit expression event (for tests, demo clips and spotting sequences)."""
    f, actual, moved = expression_field(face.landmarks, aus, amplitude_px)
    return Event(kind=kind, profile=profile, amplitude_px=actual, emotion=emotion, aus=dict(aus),
                 requested_amplitude_px=amplitude_px, moved_points=moved), f


def make_blink(face: Face, closure: float, profile: Profile) -> tuple[Event, LocalField]:
    """A blink event: the lid gap shrinks by `closure` at apex (AU45's value reports it after the fold guard)."""
    return make_blink_from_landmarks(face.landmarks, closure, profile)


def make_blink_from_landmarks(ldm: np.ndarray, closure: float, profile: Profile) -> tuple[Event, LocalField]:
    f, actual = blink_field(ldm, closure)
    return Event(kind="blink", profile=profile, amplitude_px=float(np.abs(f.grid).max()),
                 moved_points=list(ibug68.UPPER_LIDS + ibug68.LOWER_LIDS), aus={45: actual},
                 requested_amplitude_px=closure), f


def generate_clip(seed: int, index: int, faces: Sequence[Face], cfg: SynthConfig = SynthConfig(),
                  kind: Optional[str] = None, emotion: Optional[str] = None) -> Clip:
    """Clip number `index` of the stream `seed`: the same (seed, index, faces, cfg) gives the same clip."""
    if not faces:
        raise SynthError("no source faces given")
    rng = np.random.default_rng([int(seed), int(index)])
    n = cfg.n_frames
    fps, kind, draw = _draw_head(rng, faces, cfg, kind)
    face, info = _build_face(faces, draw)
    meta = dict(info, seed=int(seed), index=int(index), kind=kind)
    if cfg.placement == "event":
        return _event_clip(rng, face, cfg, kind, fps, emotion, meta)
    _check_placement(cfg)
    lo, hi = cfg.apex_frame_range or (0.5, n - 1.5)
    events = []
    if kind != "neutral":
        events.append(_expression_event(rng, cfg, kind, face.landmarks, fps, float(rng.uniform(lo, hi)), emotion))
    if rng.random() < cfg.blink_prob:
        events.append(_blink_event(rng, face.landmarks, fps, float(rng.uniform(-1.0, n))))
    return _finish(face, events, n, fps, rng, cfg, meta)


def _check_placement(cfg: SynthConfig) -> None:
    if cfg.placement not in ("window", "event"):
        raise SynthError(f"unknown placement '{cfg.placement}' (window, event)")


def _event_nuisances(rng: np.random.Generator, cfg: SynthConfig, face: Face, span: EventSpan):
    """Blink (anywhere from just before the spotted onset to just after its offset), head motion over the
    camera frames the clip spans, photometric draw."""
    first, last = int(span.frames[0]), int(span.frames[-1])
    blink = ([_blink_event(rng, face.landmarks, span.fps, float(rng.uniform(first - 1.0, last + 1.0)))]
             if rng.random() < cfg.blink_prob else [])
    sim = sample_head_motion(rng, last + 1)[span.frames] if cfg.head_motion else None
    photo = sample_photometric(rng) if cfg.photometric else None
    return blink, sim, photo


def _event_clip(rng: np.random.Generator, face: Face, cfg: SynthConfig, kind: str, fps: float,
                emotion: Optional[str], meta: dict) -> Clip:
    if kind == "neutral":
        raise SynthError("an event clip needs an expression kind (micro, macro), not 'neutral'")
    span = _sample_event_span(rng, cfg, kind, fps)
    event = _expression_event(rng, cfg, kind, face.landmarks, fps, float(span.profile.apex_s * fps), emotion,
                              profile=span.profile)
    blink, sim, photo = _event_nuisances(rng, cfg, face, span)
    return render_events(face, [event] + blink, cfg.n_frames, fps, similarity=sim, photometric=photo, rng=rng,
                         meta=meta, camera_frames=span.frames)


def generate_clip_set(seed: int, index: int, faces: Sequence[Face], emotions: Sequence[str],
                      cfg: SynthConfig = SynthConfig(), kind: str = "micro") -> list[Clip]:
    """Set number `index` of stream `seed`: one face, fps, apex time, amplitude, duration, blink, head motion,
    lighting and sensor-noise draw, rendered once per emotion in `emotions`. The clips of a set differ only
    in which action units move, so a batch made of whole sets cannot be told apart by appearance or
    nuisances (class-contrastive batches for the recognition head)."""
    if not faces:
        raise SynthError("no source faces given")
    if kind not in ("micro", "macro"):
        raise SynthError(f"a clip set needs an expression kind (micro, macro), not '{kind}'")
    _check_placement(cfg)
    rng = np.random.default_rng([int(seed), int(index), 0x5E7])
    n = cfg.n_frames
    fps, kind, draw = _draw_head(rng, faces, cfg, kind)
    face, info = _build_face(faces, draw)
    alo, ahi = cfg.micro_amplitude_px if kind == "micro" else cfg.macro_amplitude_px
    camera_frames = None
    if cfg.placement == "event":
        amp = float(rng.uniform(alo, ahi))
        span = _sample_event_span(rng, cfg, kind, fps)
        prof, camera_frames = span.profile, span.frames
        blink, sim, photo = _event_nuisances(rng, cfg, face, span)
    else:
        lo, hi = cfg.apex_frame_range or (0.5, n - 1.5)
        apex_frame = float(rng.uniform(lo, hi))
        amp = float(rng.uniform(alo, ahi))
        dlo, dhi = cfg.micro_duration_s if kind == "micro" else cfg.macro_duration_s
        prof = sample_profile(rng, float(rng.uniform(dlo, dhi)), apex_frame, fps)
        blink = [_blink_event(rng, face.landmarks, fps, float(rng.uniform(-1.0, n)))] if rng.random() < cfg.blink_prob else []
        sim = sample_head_motion(rng, n) if cfg.head_motion else None
        photo = sample_photometric(rng) if cfg.photometric else None
    clips = []
    for k, emotion in enumerate(emotions):
        variants = facs.EMOTIONS[emotion][1]
        aus = dict(variants[int(np.random.default_rng([int(seed), int(index), 0xA0, k]).integers(len(variants)))])
        f, actual, moved = expression_field(face.landmarks, aus, amp)
        event = Event(kind=kind, profile=prof, amplitude_px=actual, emotion=emotion, aus=aus,
                      requested_amplitude_px=amp, moved_points=moved)
        meta = dict(info, seed=int(seed), index=int(index), kind=kind, set_member=k)
        # The same noise stream for every member: sensor noise cancels between them too.
        clips.append(render_events(face, [(event, f)] + blink, n, fps, similarity=sim, photometric=photo,
                                   rng=np.random.default_rng([int(seed), int(index), 0x0153]), meta=meta,
                                   camera_frames=camera_frames))
    return clips


def generate_sequence(seed: int, face: Face, n_frames: int, fps: float, n_events: int,
                      cfg: SynthConfig = SynthConfig(), macro_every: int = 0, blinks: int = 0,
                      min_gap_s: float = 1.0) -> Clip:
    """A long clip (spotting tests): `n_events` micro events (every `macro_every`-th one macro when > 0) and
    `blinks` blinks, at random but well separated times (apexes at least `min_gap_s` apart, all inside)."""
    rng = np.random.default_rng([int(seed), 0x5E9])
    total = n_events + blinks
    span = n_frames / fps
    if total * min_gap_s > span - 1.0:
        raise SynthError(f"{total} events need {total * min_gap_s:.1f} s plus margins; the clip is {span:.1f} s")
    slack = span - 1.0 - total * min_gap_s
    cuts = np.sort(rng.uniform(0, slack, total))
    apexes = 0.5 + min_gap_s / 2 + np.arange(total) * min_gap_s + cuts
    order = rng.permutation(total)
    events = []
    for j, slot in enumerate(order):
        apex_frame = float(apexes[slot] * fps)
        if j < n_events:
            kind = "macro" if macro_every and (j + 1) % macro_every == 0 else "micro"
            events.append(_expression_event(rng, cfg, kind, face.landmarks, fps, apex_frame))
        else:
            events.append(_blink_event(rng, face.landmarks, fps, apex_frame))
    events.sort(key=lambda ef: ef[0].profile.apex_s)
    return _finish(face, events, n_frames, fps, rng, cfg, {"seed": int(seed), "kind": "sequence"})
