"""Planted-expression videos: crop -> frame field mapping, the truth file, determinism, and the bundled demo
clip's planted motion surviving VP8 encoding (decoded with ffmpeg, compared with the truth's exact flow)."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from moltrain.synth import facs
from moltrain.synth.clip import expression_field
from moltrain.synth.faces import Face
from moltrain.synth.frame_field import frame_field, frame_field_at
from moltrain.synth.frame_render import FrameRenderer
from moltrain.synth.planted_video import (LONG_SET, VAL_SET, PlantedVideoError, build_scene, event_frames,
                                          parse_events, random_events, scene_from_truth, truth_json, write_video)
from moltrain.synth.plates import OUTSIDE_GRAY, PLATES, Plate, PlateSource, crop_to_frame, cut_region, frame_to_crop
from moltrain.synth.render import render
from moltrain.synth.sampling import bilinear

TRAINING = Path(__file__).resolve().parents[1]
REPO = TRAINING.parents[1]
DEMO = REPO / "public" / "demo" / "demo-planted.webm"
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by .ci/setup.sh")


def similarity(scale: float, theta_deg: float, t: tuple[float, float]) -> np.ndarray:
    """frame px -> crop px."""
    th = np.deg2rad(theta_deg)
    m = scale * np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    return np.hstack([m, np.asarray(t, dtype=np.float64)[:, None]])



def synthetic_plate(face: Face, size=(192, 176), alignment=None) -> Plate:
    """A frame whose alignment is known exactly: the crop drawn into the frame through A."""
    a = similarity(0.8, 12.0, (-20.0, -30.0)) if alignment is None else alignment
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    uv = frame_to_crop(a, np.stack([xs.ravel(), ys.ravel()], 1))
    gray = bilinear(face.image.astype(np.float32), uv[:, 0].reshape(h, w), uv[:, 1].reshape(h, w))
    rgb = np.repeat(np.clip(np.rint(gray), 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    return Plate("synthetic", rgb, a, face, PlateSource("astronaut", "skimage", "-", size))


def test_frame_field_is_the_crop_field_seen_through_the_alignment(face):
    a = similarity(0.8, 12.0, (-20.0, -30.0))
    f, _, _ = expression_field(face.landmarks, {12: 1.0, 6: 0.7}, 2.0)
    # exact at points: moving x by D_frame(x) moves its crop image A x by D_crop(A x)
    rng = np.random.default_rng(0)
    x = crop_to_frame(a, face.landmarks) + rng.normal(0, 3, (68, 2))
    moved = frame_to_crop(a, x + frame_field_at(a, f.centres, f.weights, f.radius, x))
    np.testing.assert_allclose(moved - frame_to_crop(a, x), f.at(frame_to_crop(a, x)), atol=1e-9)
    # the grid holds the same values at the pixels, and is zero far from the face
    grid = frame_field(a, f.centres, f.weights, f.radius, (192, 176))
    ys, xs = np.nonzero(np.hypot(*grid) > 0.05)
    pick = rng.choice(len(xs), 50, replace=False)
    pts = np.stack([xs[pick], ys[pick]], 1).astype(np.float64)
    np.testing.assert_allclose(grid[:, ys[pick], xs[pick]].T, frame_field_at(a, f.centres, f.weights, f.radius, pts),
                               atol=1e-5)
    # scale: frame motion is the crop motion divided by the alignment's scale (0.8 crop px per frame px)
    np.testing.assert_allclose(np.hypot(*grid).max(), np.hypot(*f.grid).max() / 0.8, rtol=0.03)


def test_rendered_frames_realign_to_the_crop_space_render(face):
    """The full-frame render, aligned by A, shows the same motion as the generator's crop render."""
    plate = synthetic_plate(face)
    scene = build_scene(plate, parse_events("micro:happiness/0@0.2:2.5~0.3"), 0.48, 25, seed=1, sway=False,
                        noise_sigma=0.0)
    r = FrameRenderer(scene, plate.image)
    apex = event_frames(scene.events[0].profile, 25)["apexFrame"]
    frames = r.render([0, apex])[..., 0].astype(np.float32)
    # realign: crop pixel u shows frame point A^-1 u
    g = np.arange(128, dtype=np.float64)
    uu, vv = np.meshgrid(g, g)
    xy = crop_to_frame(plate.alignment, np.stack([uu.ravel(), vv.ravel()], 1))
    realigned = np.stack([bilinear(f, xy[:, 0].reshape(128, 128), xy[:, 1].reshape(128, 128)) for f in frames])
    f, _, _ = expression_field(face.landmarks, {6: 0.7, 12: 1.0}, 2.5)
    crop = render(face.image, face.landmarks, [f.grid], np.array([[0.0, 1.0]]), np.zeros((2, 4))).frames
    ours, theirs = realigned[1] - realigned[0], crop[1] - crop[0]
    mask = np.hypot(*f.grid) > 0.2
    corr = np.corrcoef(ours[mask], theirs[mask])[0, 1]
    rel = np.sqrt(np.mean((ours - theirs)[mask] ** 2) / np.mean(theirs[mask] ** 2))
    assert corr > 0.97 and rel < 0.3, (corr, rel)    # measured: 0.991, 0.146
    # the wrong direction (a transposed mapping) would not match
    wrong = np.sqrt(np.mean((ours + theirs)[mask] ** 2) / np.mean(theirs[mask] ** 2))
    assert wrong > 1.5


def test_landmarks_and_exact_flow_follow_the_mapping(face):
    plate = synthetic_plate(face)
    scene = build_scene(plate, parse_events("micro:surprise/0@0.2:2.0~0.3"), 0.48, 25, seed=3, sway=True,
                        noise_sigma=0.0)
    r = FrameRenderer(scene)
    apex = event_frames(scene.events[0].profile, 25)["apexFrame"]
    ldm = plate.landmarks_frame()
    at_apex = r.landmarks([apex], ldm)[0]
    f, _, _ = expression_field(face.landmarks, {1: 1.0, 2: 1.0}, 2.0)
    # without sway the crop landmarks move by exactly the crop field
    r0 = FrameRenderer(build_scene(plate, parse_events("micro:surprise/0@0.2:2.0~0.3"), 0.48, 25, seed=3,
                                   sway=False, noise_sigma=0.0))
    np.testing.assert_allclose(frame_to_crop(plate.alignment, r0.landmarks([apex], ldm)[0]),
                               face.landmarks + f.at(face.landmarks), atol=1e-4)
    # with sway: the flow from frame 0 carries the landmarks (which sit on pixels' bilinear field) to apex
    flow = r.exact_flow(0, apex)
    l0 = r.landmarks([0], ldm)[0]
    at = np.stack([bilinear(flow[c], l0[:, 0], l0[:, 1]) for c in range(2)], 1)
    err = np.abs(l0 + at - at_apex).max()
    assert err < 0.05, err
    # far from the face the flow is the sway alone: the head similarity's motion of that pixel
    corner = torch.tensor([[[2.0, 2.0]]], dtype=torch.float64)
    r_back = r._head_inverse([0])[0, 2, 2].double()
    sway_only = r._head_apply([apex], r_back[None, None])[0, 0] - corner[0, 0]
    np.testing.assert_allclose(flow[:, 2, 2], sway_only.numpy(), atol=1e-3)


def test_truth_frames_match_the_profiles(face):
    plate = synthetic_plate(face)
    specs = parse_events("micro:positive@1.0:2.0~0.3,blink@1.8:0.6~0.2,macro:negative/0@3.0:5~1.2,"
                         "micro:surprise@4.2:1.5~0.25")
    scene = build_scene(plate, specs, 5.0, 30, seed=5)
    truth = truth_json(scene, plate, "test")
    assert truth["format"] == "me-analyzer-truth" and truth["version"] == 1
    assert truth["frames"] == 150 and truth["fps"] == 30
    assert [e["kind"] for e in truth["events"]] == ["micro", "blink", "macro", "micro"]
    assert [e["class3"] for e in truth["events"]] == ["positive", None, "negative", "surprise"]
    assert [e["emotion"] for e in truth["events"]] == ["happiness", None, "disgust", "surprise"]
    w = scene.weights(range(scene.n_frames))
    for k, e in enumerate(truth["events"]):
        on, ap, off = e["onsetFrame"], e["apexFrame"], e["offsetFrame"]
        assert on < ap < off
        assert w[k, on] == 0 and w[k, on + 1] > 0, "onset: the last frame at rest"
        assert w[k, ap] == pytest.approx(1.0) and w[k].argmax() == ap
        assert w[k, off] == 0 and w[k, off - 1] > 0, "offset: the first frame back at rest"
        assert np.all(w[k, :on + 1] == 0) and np.all(w[k, off:] == 0)
        assert e["aus"] and e["amplitudePx"] > 0
    assert abs(truth["events"][0]["apexFrame"] - 30) <= 0 and truth["events"][2]["aus"] == {"4": 1.0}
    # the truth alone reproduces the geometry
    again = scene_from_truth(json.loads(json.dumps(truth)))
    np.testing.assert_array_equal(FrameRenderer(again).exact_flow(25, 30), FrameRenderer(scene).exact_flow(25, 30))


def test_bad_specs_are_named(face):
    with pytest.raises(PlantedVideoError, match="expected KIND"):
        parse_events("smile@2")
    with pytest.raises(PlantedVideoError, match="emotion must be"):
        parse_events("micro:joy@2")
    with pytest.raises(PlantedVideoError, match="no emotion"):
        parse_events("blink:happiness@2")
    plate = synthetic_plate(face)
    with pytest.raises(PlantedVideoError, match="overlap"):
        build_scene(plate, parse_events("micro:surprise@1.0~0.4,blink@1.1"), 3, 25, seed=0)
    with pytest.raises(PlantedVideoError, match="outside the clip"):
        build_scene(plate, parse_events("macro:surprise@2.9~1.0"), 3, 25, seed=0)


def test_plates_are_held_out_faces_of_their_split():
    """Val plates (spotter tuning) and test plates (the long set) are faces the training split never holds."""
    manifest = json.loads((TRAINING / "sources" / "manifest.json").read_text())
    splits = {f["identity"]: f["split"] for f in manifest["faces"]}
    for name, src in PLATES.items():
        assert src.split in ("val", "test"), name
        assert splits[src.identity] == src.split, f"{name}: {src.identity} is {splits[src.identity]} in the manifest"
    assert {PLATES[d["face"]].split for d in LONG_SET} == {"test"}
    assert {PLATES[d["face"]].split for d in VAL_SET} == {"val"}


def test_region_outside_the_picture_is_mid_gray():
    pic = Image.new("RGB", (4, 3), (10, 20, 30))
    out = np.asarray(cut_region(pic, (-2, -1, 8, 5)))
    assert out.shape == (5, 8, 3)
    assert (out[1:4, 2:6] == [10, 20, 30]).all()
    assert (out[0] == OUTSIDE_GRAY).all() and (out[:, :2] == OUTSIDE_GRAY).all() and (out[:, 6:] == OUTSIDE_GRAY).all()


def test_random_plan_has_every_class_and_fits():
    for seed in range(5):
        specs = random_events(np.random.default_rng([seed, 0xE7]), 20.0)
        classes = [facs.EMOTIONS[s.emotion][0] for s in specs if s.kind == "micro"]
        assert sorted(set(classes)) == ["negative", "positive", "surprise"]
        assert sum(s.kind == "macro" for s in specs) == 2 and sum(s.kind == "blink" for s in specs) == 3
        assert min(s.apex_s for s in specs) > 3.0 and max(s.apex_s + s.duration_s for s in specs) < 19.5
    with pytest.raises(PlantedVideoError, match="needs"):
        random_events(np.random.default_rng(0), 10.0)


@needs_ffmpeg
def test_video_is_deterministic_and_frames_render_alone(face, tmp_path):
    plate = synthetic_plate(face, size=(160, 144))
    specs = parse_events("micro:happiness@0.3:2.0~0.2")
    scene = build_scene(plate, specs, 0.48, 25, seed=9)
    r = FrameRenderer(scene, plate.image)
    np.testing.assert_array_equal(r.render([7])[0], r.render(range(4, 10))[3])
    a = write_video(plate, scene, tmp_path / "a.webm", command="x")
    b = write_video(plate, build_scene(plate, specs, 0.48, 25, seed=9), tmp_path / "b.webm", command="x")
    assert (tmp_path / "a.webm").read_bytes() == (tmp_path / "b.webm").read_bytes()
    assert a == b and json.loads((tmp_path / "a.truth.json").read_text()) == a
    # the Y4M twin (Chromium's fake camera): same frame count, I420 at the plate's size
    write_video(plate, scene, tmp_path / "y.webm", y4m=True, command="x")
    y4m = (tmp_path / "y.y4m").read_bytes()
    assert y4m.startswith(b"YUV4MPEG2 W160 H144 F25:1")
    assert y4m.count(b"FRAME\n") == 12 and len(y4m) > 12 * 160 * 144 * 3 // 2
    c = build_scene(plate, specs, 0.48, 25, seed=10)
    assert not np.array_equal(FrameRenderer(c, plate.image).render([7]), r.render([7]))


def decode_gray(path: Path, size: tuple[int, int]) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    w, h = size
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(np.float32)


def warp(img: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """img sampled at q + flow(q): the later frame brought back onto the earlier one."""
    h, w = img.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return bilinear(img, xs + flow[0], ys + flow[1])


SCALES = (0.0, 0.5, 0.8, 1.0, 1.25, 1.5)


def motion_report(webm: Path, truth_path: Path) -> list[dict]:
    """Per planted event of a video: how well the truth's exact flow explains the decoded frames."""
    truth = json.loads(truth_path.read_text())
    scene = scene_from_truth(truth)
    frames = decode_gray(webm, scene.size)
    assert len(frames) == truth["frames"]
    r = FrameRenderer(scene)
    still = FrameRenderer(scene_from_truth(dict(truth, events=[])))
    ldm = crop_to_frame(scene.alignment, np.array([[16.0, 16.0], [112.0, 112.0]]))
    x0, y0 = np.floor(ldm.min(0)).astype(int)
    x1, y1 = np.ceil(ldm.max(0)).astype(int)
    face_box = np.zeros(frames.shape[1:], bool)
    face_box[y0:y1, x0:x1] = True
    out = []
    for e in truth["events"]:
        on, ap = e["onsetFrame"], e["apexFrame"]
        sway = still.exact_flow(on, ap)
        planted = r.exact_flow(on, ap) - sway
        size = np.hypot(*planted)
        moving = size > 0.5
        support = torch.nn.functional.max_pool2d(torch.from_numpy((size > 0.01).astype(np.float32))[None, None],
                                                 11, stride=1, padding=5)[0, 0].numpy() > 0
        static = face_box & ~support
        onset = frames[on]
        back = warp(frames[ap], sway + planted)
        # the lighting drift between the two frames, fitted where nothing planted moves
        a, b = np.polyfit(back[static].ravel(), onset[static].ravel(), 1)

        def rms(img, mask):
            return float(np.sqrt(np.mean((a * img[mask] + b - onset[mask]) ** 2)))

        # the planted flow scaled by k: k = 1 must explain the decoded frames best (a codec that damped or
        # smeared the motion would favour k < 1)
        by_scale = {k: rms(warp(frames[ap], sway + k * planted), moving) for k in SCALES}
        out.append({"kind": e["kind"], "class3": e["class3"], "onset": on, "apex": ap,
                    "movingPx": int(moving.sum()), "maxFlowPx": float(size.max()),
                    "rmsNoWarp": rms(frames[ap], moving), "rmsWarped": by_scale[1.0], "rmsByScale": by_scale,
                    "rmsStaticWarped": rms(back, static)})
    return out


@needs_ffmpeg
@pytest.mark.skipif(not DEMO.exists(), reason="the demo clip is committed under public/demo")
def test_demo_clip_planted_motion_survives_encoding():
    """For every planted event of the bundled clip: the decoded apex frame, warped back by the exact flow,
    matches the decoded onset frame far better than unwarped where the event moves the face (the motion is
    in the encoded video, at the planted place and size), and to within the codec's noise where nothing
    planted moves."""
    report = motion_report(DEMO, DEMO.with_name("demo-planted.truth.json"))
    print(json.dumps(report, indent=1))
    assert sorted(e["class3"] for e in report if e["kind"] == "micro") == ["negative", "positive", "surprise"]
    assert [e["kind"] for e in report].count("blink") == 1 and [e["kind"] for e in report].count("macro") == 1
    for e in report:
        assert e["movingPx"] > 200, e
        assert e["rmsWarped"] < 0.5 * e["rmsNoWarp"], e
        assert min(e["rmsByScale"], key=e["rmsByScale"].get) == 1.0, e
        assert e["rmsStaticWarped"] < 3.0, e
