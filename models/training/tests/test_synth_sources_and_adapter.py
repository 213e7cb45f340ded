"""Source-face manifest, identity augmentations, photometric nuisances and the adapter to the trainer's clip
contract."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from moltrain.data.classes import THREE_CLASSES
from moltrain.data.clip import collate_clips, normalise_frames, validate_sample
from moltrain.synth import facs
from moltrain.synth.clip import SynthConfig, generate_clip
from moltrain.synth.dataset import SynthClipDataset, class_emotions
from moltrain.synth.faces import FaceSourceError, load_faces, morph
from moltrain.synth.photometric import (Photometric, apply_photometric, block_dct_quantise, gaussian_blur,
                                        sample_photometric)

SOURCES = Path(__file__).resolve().parents[1] / "sources"



def test_manifest_keeps_identities_apart_and_test_identities_out_of_training():
    m = json.loads((SOURCES / "manifest.json").read_text())
    splits: dict[str, set] = {}
    for f in m["faces"]:
        for key in ("face_id", "package", "file", "licence", "identity", "split"):
            assert f.get(key), (f.get("face_id"), key)
        assert f["package"] in m["packages"]
        assert f["split"] in ("train", "val", "test")
        splits.setdefault(f["identity"], set()).add(f["split"])
    assert all(len(s) == 1 for s in splits.values()), {k: v for k, v in splits.items() if len(v) > 1}
    test_ids = {i for i, s in splits.items() if s == {"test"}}
    assert {"astronaut", "clm-franck", "clm-cap-man"} <= test_ids
    for f in m["faces"]:
        assert "cap12" not in f["file"], "cap12_edit is the reality-check video, not a source"
        if "franck" in f["file"] or "cap1" in f["file"]:
            assert f["split"] == "test", f["face_id"]
    for spec in m["packages"].values():
        assert spec["version"] and spec["kind"] in ("npm", "deb")
    assert len({i for i, s in splits.items() if s == {"train"}}) >= 20


def test_load_faces_names_a_missing_build(tmp_path):
    with pytest.raises(FaceSourceError, match="build_sources.py"):
        load_faces(tmp_path)


def test_morph_blends_shapes_and_ends_at_the_sources(face):
    other = face.mirrored()
    zero = morph(face, other, 0.0)
    np.testing.assert_allclose(zero.landmarks, face.landmarks, atol=1e-5)
    assert np.abs(zero.image.astype(int) - face.image.astype(int))[8:-8, 8:-8].mean() < 1.0
    half = morph(face, other, 0.5)
    np.testing.assert_allclose(half.landmarks, (face.landmarks + other.landmarks) / 2, atol=1e-4)
    assert half.identity == "astronaut+astronaut~m@0.50"
    # the blended face is left-right symmetric in shape (a face morphed with its own mirror image)
    from moltrain.synth.ibug68 import mirror_points
    np.testing.assert_allclose(mirror_points(half.landmarks, 128), half.landmarks, atol=1e-3)


def test_block_dct_quantisation_is_lossy_in_proportion_to_quality(face):
    frames = face.image[None].astype(np.float32)
    err = {q: np.abs(block_dct_quantise(frames, q) - frames).mean() for q in (30, 60, 95)}
    assert err[30] > err[60] > err[95] > 0
    assert err[95] < 2.0
    np.testing.assert_array_equal(block_dct_quantise(frames, 0), frames)


def test_blur_is_a_normalised_gaussian_of_the_requested_width():
    delta = np.zeros((1, 33, 33), np.float32)
    delta[0, 16, 16] = 1.0
    k = gaussian_blur(delta, 1.5)[0]
    assert k.sum() == pytest.approx(1.0, abs=1e-5)
    xs = np.arange(33) - 16
    assert np.sqrt((k.sum(0) * xs ** 2).sum()) == pytest.approx(1.5, rel=0.02)
    assert np.sqrt((k.sum(1) * xs ** 2).sum()) == pytest.approx(1.5, rel=0.02)
    np.testing.assert_array_equal(gaussian_blur(delta, 0.0), delta)


def test_neutral_photometric_only_rounds(face):
    out = apply_photometric(face.image[None].astype(np.float32), Photometric(), np.random.default_rng(0))
    np.testing.assert_array_equal(out[0], face.image)


def test_photometric_nuisances_change_pixels_but_not_targets(face):
    base = SynthConfig(blink_prob=0.0, morph_prob=0.0, photometric=False)
    on = SynthConfig(blink_prob=0.0, morph_prob=0.0, photometric=True)
    a = generate_clip(21, 1, [face], base, kind="micro")
    b = generate_clip(21, 1, [face], on, kind="micro")
    np.testing.assert_array_equal(a.flow, b.flow)
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    assert np.abs(a.frames.astype(int) - b.frames.astype(int)).mean() > 1.0
    p = sample_photometric(np.random.default_rng(3))
    assert 0.7 <= p.gamma <= 1.4 and 0.7 <= p.contrast <= 1.3


def test_adapter_yields_the_trainers_clip_contract(face):
    ds = SynthClipDataset([face, face.mirrored()], seed=7, length=12, num_classes=3)
    samples = [ds[i] for i in range(len(ds))]
    for s in samples:
        validate_sample(s)
    batch = collate_clips(samples[:4])
    assert tuple(batch["flow"].shape) == (4, 2, 128, 128, 7) and tuple(batch["ldm"].shape) == (4, 136, 8)
    assert set(s["label"] for s in samples) == {0, 1, 2}
    assert {s["subject"] for s in samples} <= {"astronaut", "astronaut+astronaut"}
    assert len({s["sample_id"] for s in samples}) == 12
    # the trainer's --data-module needs: class names, provenance, subjects without rendering
    assert ds.classes == THREE_CLASSES
    json.dumps(ds.provenance)
    assert [ds.subject_of(i) for i in range(len(ds))] == [s["subject"] for s in samples]
    # the same item twice is the same sample
    again = ds[5]
    np.testing.assert_array_equal(again["video"], samples[5]["video"])


def test_adapter_labels_match_the_rendered_emotion_and_layouts(face):
    ds = SynthClipDataset([face], seed=8, length=6, num_classes=3,
                          cfg=SynthConfig(photometric=False, morph_prob=0.0, mirror_prob=0.0))
    emotions = class_emotions(3)
    for i in range(6):
        s = ds[i]
        rng = np.random.default_rng([8, i, 0xC1A55])
        label = int(rng.integers(3))
        emotion = emotions[label][int(rng.integers(len(emotions[label])))]
        assert s["label"] == label
        assert facs.EMOTIONS[emotion][0] == THREE_CLASSES[label]
        kind = "macro" if rng.random() < 0.0 else "micro"
        clip = generate_clip(8, i, [face], ds.cfg, kind=kind, emotion=emotion)
        assert clip.emotion == emotion
        np.testing.assert_array_equal(s["video"][0], normalise_frames(clip.frames))
        np.testing.assert_array_equal(s["flow"][..., 3], clip.flow[:, 3])
        np.testing.assert_array_equal(s["ldm"][0::2, 5], clip.landmarks[5, :, 0])   # x0, y0, x1, y1, ...
        np.testing.assert_array_equal(s["ldm"][1::2, 5], clip.landmarks[5, :, 1])


def test_five_class_adapter_covers_casme2_classes(face):
    assert [e[0] for e in class_emotions(5)] == ["surprise", "happiness", "disgust", "repression", "others"]
    ds = SynthClipDataset([face], seed=9, length=3, num_classes=5)
    validate_sample(ds[0])


def test_class_set_dataset_labels_each_member_and_keeps_one_subject_per_set(face):
    from moltrain.synth.dataset import SynthClipSetDataset
    ds = SynthClipSetDataset([face], seed=3, length=10, num_classes=3,
                             cfg=SynthConfig(blink_prob=0.0, mirror_prob=0.0, morph_prob=0.0))
    assert len(ds) == 9 and ds.group_size == 3
    items = [ds[i] for i in range(6)]
    assert [it["label"] for it in items] == [0, 1, 2, 0, 1, 2]
    assert [ds.subject_of(i) for i in range(6)] == [it["subject"] for it in items]
    for it in items:
        validate_sample(it)
    # members of a set agree except where the expression moves; sets differ
    same = np.abs(items[0]["video"] - items[1]["video"]).mean()
    other = np.abs(items[0]["video"] - items[3]["video"]).mean()
    assert same < 0.2 * other
