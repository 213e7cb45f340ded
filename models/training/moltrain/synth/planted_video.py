"""Planted-expression videos on real faces: full frames, encoded for the browser, with exact ground truth.

    python3 -m moltrain.synth.planted_video --face cap-man --seconds 10 --fps 25 --seed 7 \
        --events "micro:happiness@3.4:2.0~0.3,blink@4.6" --out demo.webm [--y4m] [--codec vp8|vp9]
    python3 -m moltrain.synth.planted_video --long-set e2e/.cache/planted      # the spotting test videos
    python3 -m moltrain.synth.planted_video --long-set-b e2e/.cache/planted-b  # a second test set (seeds 104-106)
    python3 -m moltrain.synth.planted_video --val-set e2e/.cache/planted-val  # the same on val faces (tuning)
    python3 -m moltrain.synth.planted_video --val-set-b e2e/.cache/planted-val-b  # a second val set (seeds 204-206)
    python3 -m moltrain.synth.planted_video --demo public/demo                 # the bundled demo clip

Each event's displacement field is the generator's (FACS table, fold guard) on the crop-space face the
app's tracker makes of the plate (`plates.py`), carried into frame px through the app's alignment
(`frame_field.py`) and rendered by backward warp (`frame_render.py`) with a slow head sway, lighting drift
and sensor noise. Beside X.webm goes X.truth.json (format "me-analyzer-truth", models/README.md), which also
holds every field's parameters, so the exact flow between any two frames can be recomputed from it alone.

Event spec (comma-separated):  KIND[:EMOTION[/VARIANT]]@APEX_S[:AMPLITUDE][~DURATION_S]
  KIND micro | macro | blink; EMOTION a CASME II name (happiness, surprise, disgust, repression, others) or a
  3-class name (positive, negative, surprise); VARIANT an index into the emotion's AU variants (default: drawn);
  AMPLITUDE crop px (blink: lid closure 0..1); the apex is put on the nearest frame.
  Or "random": 2 micro-expressions of each 3-class label, 2 macro-expressions and 3 blinks, drawn from the seed.
"""
from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from . import facs
from .clip import SynthError, expression_field, blink_field
from .frame_render import FrameRenderer, Scene, SceneEvent
from .plates import PLATES, Plate, load_plate
from .profile import Profile

TRUTH_FORMAT = "me-analyzer-truth"
TRUTH_VERSION = 1
CLASS3_EMOTION = {"positive": "happiness", "negative": "disgust", "surprise": "surprise"}
DEFAULT_AMPLITUDE = {"micro": 2.0, "macro": 5.0, "blink": 0.6}
DEFAULT_DURATION_S = {"micro": 0.3, "macro": 1.5, "blink": 0.2}
RISE_FRACTION = 0.45
# Neutral lead-in before the first event of a random plan: the spotter calibrates on it.
CALIBRATION_S = 3.0

_SPEC = re.compile(r"^(micro|macro|blink)(?::([a-z]+)(?:/(\d+))?)?@([0-9.]+)(?::([0-9.]+))?(?:~([0-9.]+))?$")


class PlantedVideoError(ValueError):
    """A bad event specification, an event outside the clip, or an encoder failure."""


@dataclass(frozen=True)
class EventSpec:
    kind: str
    apex_s: float
    amplitude: float
    duration_s: float
    emotion: Optional[str] = None
    variant: Optional[int] = None


def parse_events(text: str) -> list[EventSpec]:
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        m = _SPEC.match(part)
        if not m:
            raise PlantedVideoError(f"event {part!r}: expected KIND[:EMOTION[/VARIANT]]@APEX_S[:AMPLITUDE][~DURATION_S]")
        kind, emotion, variant, apex, amp, dur = m.groups()
        if kind == "blink" and emotion:
            raise PlantedVideoError(f"event {part!r}: a blink has no emotion")
        if kind != "blink":
            emotion = CLASS3_EMOTION.get(emotion or "", emotion)
            if emotion not in facs.EMOTIONS:
                raise PlantedVideoError(f"event {part!r}: emotion must be one of "
                                        f"{', '.join(list(facs.EMOTIONS) + list(CLASS3_EMOTION))}")
            if variant is not None and int(variant) >= len(facs.EMOTIONS[emotion][1]):
                raise PlantedVideoError(f"event {part!r}: {emotion} has {len(facs.EMOTIONS[emotion][1])} AU variants")
        out.append(EventSpec(kind, float(apex), float(amp) if amp else DEFAULT_AMPLITUDE[kind],
                             float(dur) if dur else DEFAULT_DURATION_S[kind], emotion,
                             int(variant) if variant is not None else None))
    if not out:
        raise PlantedVideoError("no events given")
    return out


def random_events(rng: np.random.Generator, seconds: float) -> list[EventSpec]:
    """2 micro-expressions per 3-class label, 2 macro-expressions, 3 blinks; shuffled, laid end to end after
    CALIBRATION_S with 0.5-1.2 s of neutral between events."""
    specs: list[tuple[str, Optional[str]]] = [("micro", e) for e in ("happiness", "surprise") for _ in range(2)]
    specs += [("micro", str(rng.choice(["disgust", "repression"]))) for _ in range(2)]
    specs += [("macro", str(rng.choice(["happiness", "surprise", "disgust"]))) for _ in range(2)]
    specs += [("blink", None)] * 3
    order = rng.permutation(len(specs))
    t = CALIBRATION_S
    out = []
    for i in order:
        kind, emotion = specs[i]
        dur = float(rng.uniform(*{"micro": (0.2, 0.45), "macro": (1.0, 2.0), "blink": (0.15, 0.3)}[kind]))
        amp = float(rng.uniform(*{"micro": (1.2, 2.5), "macro": (4.0, 6.0), "blink": (0.45, 0.75)}[kind]))
        t += float(rng.uniform(0.5, 1.2))
        out.append(EventSpec(kind, t + RISE_FRACTION * dur, amp, dur, emotion))
        t += dur
    if t > seconds - 0.5:
        raise PlantedVideoError(f"the random plan needs {t + 0.5:.1f} s; the clip has {seconds:.1f} s")
    return out


def _profile(spec: EventSpec, fps: float) -> Profile:
    apex = round(spec.apex_s * fps) / fps          # apex on a frame: the truth's apexFrame is exact
    rise = RISE_FRACTION * spec.duration_s
    return Profile(apex - rise, apex, apex - rise + spec.duration_s)


def build_event(plate: Plate, spec: EventSpec, fps: float, rng: np.random.Generator) -> SceneEvent:
    ldm = plate.face.landmarks
    prof = _profile(spec, fps)
    if spec.kind == "blink":
        f, closure = blink_field(ldm, spec.amplitude)
        return SceneEvent("blink", prof, float(np.abs(f.grid).max()), f.centres, f.weights, f.radius,
                          aus={45: round(closure, 4)})
    variants = facs.EMOTIONS[spec.emotion][1]
    v = spec.variant if spec.variant is not None else int(rng.integers(len(variants)))
    aus = dict(variants[v])
    f, actual, _ = expression_field(ldm, aus, spec.amplitude)
    return SceneEvent(spec.kind, prof, float(actual), f.centres, f.weights, f.radius, spec.emotion,
                      facs.EMOTIONS[spec.emotion][0], aus)


def head_sway(rng: np.random.Generator, n_frames: int, scale: float) -> np.ndarray:
    """Slow rigid sway [n, 4] (tx, ty px, theta rad, log_s): sinusoids of 1 or 2 periods over the clip, so the
    last frame meets the first (a looped clip has no jump) and frame 0 is the plate itself. `scale` multiplies
    the translation (frame px per crop px of the face)."""
    t = np.arange(n_frames)[:, None] / n_frames
    amp = np.array([rng.uniform(0.5, 1.5) * scale, rng.uniform(0.3, 1.0) * scale,
                    np.deg2rad(rng.uniform(0.1, 0.4)), rng.uniform(0.001, 0.004)])
    cycles = rng.integers(1, 3, 4)
    phase = rng.uniform(0, 2 * np.pi, 4)
    return amp * (np.sin(2 * np.pi * cycles * t + phase) - np.sin(phase))


def build_scene(plate: Plate, specs: Sequence[EventSpec], seconds: float, fps: float, seed: int,
                sway: bool = True, noise_sigma: float = 1.2, light_amp: float = 0.03) -> Scene:
    n = int(round(seconds * fps))
    if n < 2:
        raise PlantedVideoError(f"{seconds} s at {fps} fps is fewer than 2 frames")
    rng = np.random.default_rng([int(seed), 0x91A7])
    events = []
    for s in sorted(specs, key=lambda s: s.apex_s):
        ev = build_event(plate, s, fps, rng)
        if ev.profile.onset_s < 0 or ev.profile.offset_s > (n - 1) / fps:
            raise PlantedVideoError(f"{s.kind} at {s.apex_s} s lasts {ev.profile.onset_s:.2f}-{ev.profile.offset_s:.2f} s, "
                                    f"outside the clip (0-{(n - 1) / fps:.2f} s)")
        events.append(ev)
    for a, b in zip(events, events[1:]):
        if b.profile.onset_s < a.profile.offset_s:
            raise PlantedVideoError(f"events at {a.profile.apex_s:.2f} s and {b.profile.apex_s:.2f} s overlap")
    m = plate.alignment
    frame_per_crop = 1.0 / float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    centre = plate.landmarks_frame()[27:36].mean(0)           # nose: the sway pivots about the face
    head = head_sway(rng, n, frame_per_crop) if sway else np.zeros((n, 4))
    return Scene(size=plate.size, fps=float(fps), n_frames=n, alignment=np.asarray(m, dtype=np.float64),
                 events=events, head_centre=centre, head=head, light_amp=light_amp if sway else 0.0,
                 light_period_s=n / fps, light_phase=float(rng.uniform(0, 2 * np.pi)),
                 noise_sigma=noise_sigma, seed=int(seed))


def event_frames(p: Profile, fps: float) -> dict[str, int]:
    """Onset: the last frame before the motion starts (profile 0); apex: the frame of the peak (profile 1);
    offset: the first frame back at rest (profile 0 again)."""
    return {"onsetFrame": int(np.floor(p.onset_s * fps + 1e-9)), "apexFrame": int(round(p.apex_s * fps)),
            "offsetFrame": int(np.ceil(p.offset_s * fps - 1e-9))}


def truth_json(scene: Scene, plate: Plate, command: str) -> dict:
    frame_per_crop = 1.0 / float(np.sqrt(abs(np.linalg.det(scene.alignment[:, :2]))))
    events = []
    for e in scene.events:
        events.append({"kind": e.kind, "class3": e.class3, "emotion": e.emotion,
                       "aus": {str(k): v for k, v in e.aus.items()}, **event_frames(e.profile, scene.fps),
                       "amplitudePx": round(e.amplitude_px, 4),
                       "amplitudeFramePx": round(e.amplitude_px * frame_per_crop, 4),
                       "profileS": [e.profile.onset_s, e.profile.apex_s, e.profile.offset_s],
                       "field": {"radius": e.radius, "centres": e.centres.tolist(), "weights": e.weights.tolist()}})
    return {"format": TRUTH_FORMAT, "version": TRUTH_VERSION, "fps": scene.fps, "frames": scene.n_frames,
            "width": scene.size[0], "height": scene.size[1],
            "face": {"plate": plate.name, "identity": plate.source.identity, "split": plate.source.split,
                     "source": plate.source.about},
            "events": events,
            "render": {"alignment": scene.alignment.tolist(), "headCentre": scene.head_centre.tolist(),
                       "head": scene.head.tolist(), "lightAmp": scene.light_amp, "lightPeriodS": scene.light_period_s,
                       "lightPhase": scene.light_phase, "noiseSigma": scene.noise_sigma, "seed": scene.seed},
            "command": command}


def scene_from_truth(truth: dict) -> Scene:
    """The geometry (and photometric parameters) of a truth file, for exact flows and re-rendering."""
    if truth.get("format") != TRUTH_FORMAT or truth.get("version") != TRUTH_VERSION:
        raise PlantedVideoError(f"not a {TRUTH_FORMAT} v{TRUTH_VERSION} file (format {truth.get('format')!r})")
    r = truth["render"]
    events = [SceneEvent(e["kind"], Profile(*e["profileS"]), e["amplitudePx"],
                         np.asarray(e["field"]["centres"], dtype=np.float64).reshape(-1, 2),
                         np.asarray(e["field"]["weights"], dtype=np.float64).reshape(-1, 2),
                         float(e["field"]["radius"]), e["emotion"], e["class3"],
                         {int(k): v for k, v in e["aus"].items()}) for e in truth["events"]]
    return Scene(size=(truth["width"], truth["height"]), fps=truth["fps"], n_frames=truth["frames"],
                 alignment=np.asarray(r["alignment"], dtype=np.float64), events=events,
                 head_centre=np.asarray(r["headCentre"], dtype=np.float64),
                 head=np.asarray(r["head"], dtype=np.float64).reshape(-1, 4), light_amp=r["lightAmp"],
                 light_period_s=r["lightPeriodS"], light_phase=r["lightPhase"], noise_sigma=r["noiseSigma"],
                 seed=r["seed"])


def encoder_command(scene: Scene, out: Path, codec: str, y4m: Optional[Path]) -> list[str]:
    """Raw RGB on stdin -> WebM. Single-threaded libvpx: the same frames give the same bytes. Quality is high
    (VP8 crf 10, at most 1.4 Mbit/s: the demo's 10 s at 640x480 take about 0.7 MB) so the planted motion
    survives (test_planted_video measures it); no alt-ref frames (every packet is a shown frame)."""
    w, h = scene.size
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
           "-r", f"{scene.fps:g}", "-i", "-", "-an", "-pix_fmt", "yuv420p", "-threads", "1"]
    if codec == "vp8":
        cmd += ["-c:v", "libvpx", "-crf", "10", "-b:v", "1400k", "-qmin", "0", "-qmax", "30", "-auto-alt-ref", "0"]
    elif codec == "vp9":
        cmd += ["-c:v", "libvpx-vp9", "-crf", "18", "-b:v", "0", "-row-mt", "0", "-auto-alt-ref", "0"]
    else:
        raise PlantedVideoError(f"codec must be vp8 or vp9, got {codec!r}")
    cmd += ["-g", f"{int(round(2 * scene.fps))}", "-deadline", "good", "-cpu-used", "1", "-bitexact", str(out)]
    if y4m is not None:
        cmd += ["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", "-bitexact", str(y4m)]
    return cmd


def write_video(plate: Plate, scene: Scene, out: Path, codec: str = "vp8", y4m: bool = False,
                command: str = "") -> dict:
    """Renders and encodes the scene; writes `out` and `<stem>.truth.json` (+ `<stem>.y4m`). Returns the truth."""
    out = Path(out)
    if out.suffix != ".webm":
        raise PlantedVideoError(f"{out}: the output must be a .webm file")
    out.parent.mkdir(parents=True, exist_ok=True)
    y4m_path = out.with_suffix(".y4m") if y4m else None
    renderer = FrameRenderer(scene, plate.image)
    cmd = encoder_command(scene, out, codec, y4m_path)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame in renderer.frames():
            proc.stdin.write(frame.tobytes())
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace")
        rc = proc.wait()
    except BrokenPipeError:
        rc = proc.wait()
        err = proc.stderr.read().decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
    if rc != 0:
        raise PlantedVideoError(f"`{' '.join(cmd[:12])} ...` failed ({rc}): {err.strip()[-500:]}")
    truth = truth_json(scene, plate, command)
    out.with_name(out.stem + ".truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    return truth


# The bundled demo clip: the cap* man (test split), 10 s at 25 fps, 3 s neutral for calibration, then one
# micro-expression of each 3-class label, a blink and a macro smile.
DEMO = {"face": "cap-man", "seconds": 10.0, "fps": 25, "seed": 12, "name": "demo-planted.webm",
        "events": "micro:happiness/1@3.6:2.0~0.32,blink@4.8:0.6~0.2,micro:repression/1@5.8:2.0~0.3,"
                  "macro:happiness/2@7.4:5.0~1.4,micro:surprise/0@9.0:2.2~0.3"}
# The long spotting test videos (not the demo): test-split identities, >= 20 s, random plans.
LONG_SET = [{"face": "cap-man", "seconds": 24.0, "fps": 25, "seed": 101},
            {"face": "astronaut", "seconds": 22.0, "fps": 30, "seed": 102},
            {"face": "franck", "seconds": 20.0, "fps": 25, "seed": 103}]
# The same kind of videos on val identities: the spotter's settings are chosen on these, never on the test set.
# A second test set on the same identities (other seeds, the frame rates swapped): with the first, 36 planted MEs,
# so the classification figure of the spotted MEs rests on twice as many events.
LONG_SET_B = [{"face": "cap-man", "seconds": 22.0, "fps": 30, "seed": 104},
              {"face": "astronaut", "seconds": 24.0, "fps": 25, "seed": 105},
              {"face": "franck", "seconds": 22.0, "fps": 30, "seed": 106}]

VAL_SET = [{"face": "faceapi-s6-a", "seconds": 24.0, "fps": 25, "seed": 201},
           {"face": "faceapi-s5-d", "seconds": 22.0, "fps": 30, "seed": 202},
           {"face": "obama", "seconds": 20.0, "fps": 25, "seed": 203}]

VAL_SET_B = [{"face": "faceapi-s6-a", "seconds": 22.0, "fps": 30, "seed": 204},
             {"face": "faceapi-s5-d", "seconds": 24.0, "fps": 25, "seed": 205},
             {"face": "obama", "seconds": 22.0, "fps": 30, "seed": 206}]


def make(face: str, seconds: float, fps: float, seed: int, events: str, out: Path, codec: str = "vp8",
         y4m: bool = False, sway: bool = True) -> dict:
    plate = load_plate(face)
    specs = random_events(np.random.default_rng([int(seed), 0xE7]), seconds) if events == "random" else parse_events(events)
    scene = build_scene(plate, specs, seconds, fps, seed, sway=sway)
    command = (f"python3 -m moltrain.synth.planted_video --face {face} --seconds {seconds:g} --fps {fps:g} "
               f"--seed {seed} --events {shlex.quote(events)} --codec {codec}" + ("" if sway else " --no-sway")
               + f" --out {out.name}")
    return write_video(plate, scene, out, codec, y4m, command)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--face", choices=sorted(PLATES), help="the plate (a test- or val-split face)")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--fps", type=float, choices=[25.0, 30.0], default=25.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--events", default="random", help="event spec (see above) or 'random'")
    ap.add_argument("--codec", choices=["vp8", "vp9"], default="vp8")
    ap.add_argument("--y4m", action="store_true", help="also write <stem>.y4m (Chromium's fake camera)")
    ap.add_argument("--no-sway", action="store_true", help="no head sway and no lighting drift")
    ap.add_argument("--out", type=Path, help="X.webm (X.truth.json goes beside it)")
    ap.add_argument("--demo", type=Path, metavar="DIR", help="make the bundled demo clip into DIR")
    ap.add_argument("--long-set", type=Path, metavar="DIR", help="make the long spotting test videos into DIR")
    ap.add_argument("--long-set-b", type=Path, metavar="DIR", help="make the second long test set (seeds 104-106) into DIR")
    ap.add_argument("--val-set", type=Path, metavar="DIR", help="make the long videos of val identities into DIR")
    ap.add_argument("--val-set-b", type=Path, metavar="DIR", help="make the second val set (seeds 204-206) into DIR")
    ap.add_argument("--build-plates", metavar="NAMES", help="build the plates (comma-separated, or 'all')")
    a = ap.parse_args(argv)
    if a.build_plates:
        for name in (sorted(PLATES) if a.build_plates == "all" else a.build_plates.split(",")):
            p = load_plate(name)
            print(f"{name}: {p.size[0]}x{p.size[1]}, alignment {np.round(p.alignment, 4).tolist()}")
        return 0
    if a.demo:
        d = DEMO
        truth = make(d["face"], d["seconds"], d["fps"], d["seed"], d["events"], a.demo / d["name"])
        print(f"{a.demo / d['name']}: {truth['frames']} frames, {len(truth['events'])} events")
        return 0
    for folder, videos in ((a.long_set, LONG_SET), (a.long_set_b, LONG_SET_B), (a.val_set, VAL_SET),
                           (a.val_set_b, VAL_SET_B)):
        if not folder:
            continue
        for d in videos:
            out = folder / f"{d['face']}-{int(d['seconds'])}s-seed{d['seed']}.webm"
            truth = make(d["face"], d["seconds"], d["fps"], d["seed"], "random", out, y4m=a.y4m)
            print(f"{out}: {truth['frames']} frames, {len(truth['events'])} events", flush=True)
    if a.long_set or a.long_set_b or a.val_set or a.val_set_b:
        return 0
    if not a.face or not a.out:
        ap.error("--face and --out are needed (or --demo DIR / --long-set DIR / --val-set DIR / --build-plates)")
    truth = make(a.face, a.seconds, a.fps, a.seed, a.events, a.out, a.codec, a.y4m, not a.no_sway)
    print(f"{a.out}: {truth['frames']} frames, {len(truth['events'])} events")
    return 0


if __name__ == "__main__":
    from ..cli import run_cli
    run_cli(main)
