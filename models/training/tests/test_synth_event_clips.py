"""Event clips (SynthConfig.placement = "event"): the 8 frames the app gives MOL for a spotted event, i.e.
onset..offset at the camera's rate resampled as src/spotting/resample.ts does, with the spotter's error."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from moltrain.synth.clip import SynthConfig, SynthError, event_clip_indices, generate_clip, generate_clip_set
from moltrain.synth.dataset import SynthClipSetDataset
from test_synth_generator import interior, photometric_errors

EVENT = SynthConfig(placement="event", morph_prob=0.0)


def test_indices_follow_the_apps_resampling():
    # The same cases as src/spotting/resample.test.ts.
    assert event_clip_indices(100, 119, 8).tolist() == [100, 102, 104, 106, 108, 110, 112, 114]
    assert event_clip_indices(100, 119, 8, clip=1).tolist() == [101, 103, 105, 107, 109, 111, 113, 115]
    assert event_clip_indices(0, 7, 8).tolist() == list(range(8))
    assert event_clip_indices(50, 54, 8).tolist() == [50, 51, 51, 52, 52, 53, 53, 54]
    assert event_clip_indices(10, 12, 8).tolist() == [10, 10, 11, 11, 11, 11, 12, 12]
    assert event_clip_indices(7, 7, 8).tolist() == [7] * 8
    with pytest.raises(SynthError):
        event_clip_indices(10, 9, 8)
    with pytest.raises(SynthError):
        event_clip_indices(100, 119, 8, clip=2)


@pytest.mark.parametrize("jit", [1, 3])   # the earlier stages' spotting error, and the recognition head's
def test_event_clip_spans_the_expression_within_the_spotting_error(face, jit):
    cfg = replace(EVENT, span_jitter_frames=jit)
    onset_errors = []   # of the clips whose frames repeat: their first frame is the spotted onset itself
    for index in range(12):
        clip = generate_clip(21, index, [face], cfg, kind="micro")
        cam = np.asarray(clip.meta["camera_frames"])
        assert np.all(np.diff(cam) >= 0)
        ev = clip.expression.profile.in_frames(clip.fps)
        assert np.floor(ev["onset"]) - jit <= cam[0] <= np.floor(ev["onset"]) + jit
        # An event shorter than the clip (its frames repeat) ends on the spotted offset; a longer one's clip
        # ends inside it (a stride clip).
        if len(set(cam.tolist())) < 8:
            assert np.ceil(ev["offset"]) - jit <= cam[-1] <= np.ceil(ev["offset"]) + jit
            onset_errors.append(int(cam[0] - np.floor(ev["onset"])))
        weights = np.asarray(clip.meta["profiles"][0])
        assert weights.max() > 0.2, "the clip must show the expression"
    if jit > 1:   # the wider error is drawn, not only allowed
        assert max(abs(e) for e in onset_errors) > 1


def test_repeated_camera_frames_repeat_pixels_and_targets_exactly(face):
    seen = 0
    for index in range(40):
        clip = generate_clip(22, index, [face], replace(EVENT, micro_duration_s=(0.065, 0.15)), kind="micro")
        cam = np.asarray(clip.meta["camera_frames"])
        for k in np.nonzero(cam[1:] == cam[:-1])[0] + 1:
            seen += 1
            assert np.array_equal(clip.frames[k], clip.frames[k - 1])
            np.testing.assert_allclose(clip.landmarks[k], clip.landmarks[k - 1], atol=1e-5)
            assert np.abs(clip.flow[:, k - 1]).max() < 1e-2
    assert seen > 20


def test_event_clip_flow_explains_its_frames(face):
    for index in range(3):
        clip = generate_clip(23, index, [face], replace(EVENT, photometric=False, micro_amplitude_px=(1.5, 2.5)),
                             kind="micro")
        raw, warped = photometric_errors(clip, interior(), min_flow=0.25)
        assert warped < 0.5 * raw, (index, raw, warped)


def test_event_clip_sets_share_their_timing(face):
    clips = generate_clip_set(24, 3, [face], ["surprise", "happiness", "disgust"], EVENT)
    assert len({tuple(c.meta["camera_frames"]) for c in clips}) == 1
    assert [c.emotion for c in clips] == ["surprise", "happiness", "disgust"]
    assert generate_clip_set(24, 3, [face], ["surprise", "happiness", "disgust"], EVENT)[2].frames.tobytes() \
        == clips[2].frames.tobytes()


def test_neutral_event_clip_is_refused(face):
    with pytest.raises(SynthError):
        generate_clip(25, 0, [face], EVENT, kind="neutral")
    with pytest.raises(SynthError):
        generate_clip(25, 0, [face], replace(EVENT, placement="sideways"), kind="micro")


def test_set_dataset_mixes_event_and_window_sets(face):
    ds = SynthClipSetDataset([face], seed=26, length=3 * 40, event_fraction=0.75)
    events = [ds._set_cfg(j).placement == "event" for j in range(40)]
    assert 0.55 < np.mean(events) < 0.95
    j = events.index(True)
    ds[3 * j]
    assert "camera_frames" in ds._last[1][0].meta
    assert ds.provenance["eventFraction"] == 0.75
