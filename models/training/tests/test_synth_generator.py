"""The synthetic micro-expression generator: its targets (flow, landmarks) explain its frames, motion follows
the FACS table and stays local, and everything is deterministic from the seed.

Uses the one committed source face (the `face` fixture of conftest.py: the public-domain astronaut).
"""
from __future__ import annotations

import numpy as np
import pytest

from moltrain.synth import facs, ibug68
from moltrain.synth.clip import (AU_RADIUS_IOD, SynthConfig, generate_clip, generate_sequence, make_blink,
                                 make_expression, passive_points, render_events, sample_head_motion)
from moltrain.synth.faces import Face
from moltrain.synth.profile import Profile
from moltrain.synth.render import similarity_apply
from moltrain.synth.sampling import bilinear

CLEAN = SynthConfig(head_motion=False, photometric=False, blink_prob=0.0, mirror_prob=0.0, morph_prob=0.0)
BORDER = 10



def apex_profile(fps: float, apex_frame: int = 4, rise_frames: float = 2.5, fall_frames: float = 2.5) -> Profile:
    return Profile((apex_frame - rise_frames) / fps, apex_frame / fps, (apex_frame + fall_frames) / fps)


def photometric_errors(clip, mask: np.ndarray, min_flow: float = 0.0) -> tuple[float, float]:
    """Mean |I_t - I_{t+1}| vs mean |I_t - I_{t+1}(q + flow_t(q))| over `mask` (and, per pair, where the
    flow is at least `min_flow` px), all pairs."""
    ys, xs = np.mgrid[0:128, 0:128].astype(np.float32)
    raw, warped = [], []
    for t in range(clip.frames.shape[0] - 1):
        a = clip.frames[t].astype(np.float32)
        b = clip.frames[t + 1].astype(np.float32)
        u, v = clip.flow[0, t], clip.flow[1, t]
        m = mask & (np.hypot(u, v) >= min_flow)
        back = bilinear(b, xs + u, ys + v)
        raw.append(np.abs(b - a)[m])
        warped.append(np.abs(back - a)[m])
    raw, warped = np.concatenate(raw), np.concatenate(warped)
    assert raw.size > 1000, "too little motion for the check to mean anything"
    return float(raw.mean()), float(warped.mean())


def interior() -> np.ndarray:
    m = np.zeros((128, 128), dtype=bool)
    m[BORDER:-BORDER, BORDER:-BORDER] = True
    return m


@pytest.mark.parametrize("emotion", facs.EMOTION_NAMES)
def test_flow_explains_frames_in_the_expression_region(face, emotion):
    aus = facs.EMOTIONS[emotion][1][0]
    ev = make_expression(face, aus, 2.5, apex_profile(30.0))
    clip = render_events(face, [ev], 8, 30.0)
    moving = (np.hypot(clip.flow[0], clip.flow[1]).max(axis=0) > 0.2) & interior()
    assert moving.sum() > 100
    raw, warped = photometric_errors(clip, moving)
    assert warped < 0.5 * raw, (emotion, raw, warped)


def test_flow_explains_frames_with_head_motion_and_blinks(face):
    for index in range(4):
        clip = generate_clip(11, index, [face], SynthConfig(photometric=False, blink_prob=0.5, morph_prob=0.0))
        raw, warped = photometric_errors(clip, interior(), min_flow=0.25)
        assert warped < 0.5 * raw, (index, raw, warped)
        assert clip.meta["inversion_residual_px"] < 0.01


def test_wrong_flow_does_not_explain_frames(face):
    """The check above has teeth: a flow with the wrong sign leaves more error than no flow at all."""
    ev = make_expression(face, {6: 0.7, 12: 1.0}, 2.5, apex_profile(25.0))
    clip = render_events(face, [ev], 8, 25.0)
    moving = (np.hypot(clip.flow[0], clip.flow[1]).max(axis=0) > 0.2) & interior()
    raw, _ = photometric_errors(clip, moving)
    clip.flow *= -1
    _, wrong = photometric_errors(clip, moving)
    assert wrong > raw


@pytest.mark.parametrize("au", sorted(a for a in facs.AU_TABLE if a != 45))
def test_landmark_motion_matches_the_au_table(face, au):
    amp = 2.0
    ev = make_expression(face, {au: 1.0}, amp, apex_profile(25.0))
    clip = render_events(face, [ev], 8, 25.0)
    assert ev[0].amplitude_px == pytest.approx(amp)     # micro amplitudes never hit the fold guard
    disp = clip.landmarks[4] - clip.landmarks[0]          # frame 4 is the apex, frame 0 is neutral
    np.testing.assert_allclose(clip.landmarks[0], face.landmarks, atol=1e-4)
    mag = np.linalg.norm(disp, axis=1)
    au_pts = sorted(facs.au_points({au: 1.0}))
    passive = passive_points(face.landmarks, {au: 1.0})
    assert mag[au_pts].max() == pytest.approx(amp, rel=0.03)
    assert mag.max() <= 1.05 * amp                        # passive neighbours follow, never overshoot
    template, _, _ = facs.au_template(au, face.landmarks)
    w = np.linalg.norm(template, axis=1)
    main = np.nonzero(w >= 0.5 * w.max())[0]
    cos = (disp[main] * template[main]).sum(1) / (mag[main] * w[main])
    assert cos.min() > 0.97, (au, main, cos)
    # Points the AU does not move stay put (exact RBF values at the landmarks), except the few passive ones
    # right next to its points.
    assert len(passive) <= 6
    still = [i for i in range(68) if i not in au_pts and i not in passive]
    assert mag[still].max() < 0.05, (au, int(np.array(still)[mag[still].argmax()]), mag[still].max())


def test_emotion_variants_reach_the_requested_micro_amplitude(face):
    for emotion, (_, variants) in facs.EMOTIONS.items():
        for aus in variants:
            for amp in (0.3, 2.5):
                ev, f = make_expression(face, aus, amp, apex_profile(25.0))
                assert ev.amplitude_px == pytest.approx(amp), (emotion, aus, amp)
                peak = np.linalg.norm(f.at(face.landmarks), axis=1).max()
                assert peak == pytest.approx(amp, rel=1e-3), (emotion, aus, amp, peak)


def _motion_map(face, aus):
    ev, f = make_expression(face, aus, 2.5, apex_profile(25.0))
    clip = render_events(face, [(ev, f)], 8, 25.0)
    return np.hypot(clip.flow[0], clip.flow[1]).max(axis=0)


def test_expression_flow_is_local(face):
    """Motion stays in the AU's region: within one field radius of the points (and virtual cheek points) it
    moves, exactly zero beyond two radii, none above the eyes for mouth AUs and none below the nose for brow AUs."""
    ldm = face.landmarks
    iod = ibug68.inter_ocular(ldm)
    radius = AU_RADIUS_IOD * iod
    ys, xs = np.mgrid[0:128, 0:128].astype(np.float32)
    brow_line = ldm[17:27, 1].min()
    eye_top = ldm[[37, 38, 43, 44], 1].min()
    nose_tip = ldm[33, 1]
    for aus in ({12: 1.0}, {15: 1.0, 17: 1.0}, {10: 1.0}, {14: 1.0}, {1: 1.0, 2: 1.0}, {4: 1.0}):
        mag = _motion_map(face, aus)
        _, vpos, _ = facs.combine_aus(aus, ldm, 1.0)
        pts = np.concatenate([ldm[sorted(facs.au_points(aus))], vpos])
        d = np.min([np.hypot(xs - x, ys - y) for x, y in pts], axis=0)
        assert (mag[d <= radius] ** 2).sum() > 0.95 * (mag ** 2).sum(), aus
        assert mag[d > 2 * radius].max(initial=0.0) < 1e-3, aus
        if set(aus) <= {10, 12, 14, 15, 17}:
            assert mag[: int(eye_top)].max() < 1e-3, aus
        if set(aus) <= {1, 2, 4}:
            assert mag[int(np.ceil(nose_tip)):].max() < 1e-3, aus
    mouth = _motion_map(face, {12: 1.0})
    assert mouth[: int(brow_line)].max() == 0.0


def test_same_seed_same_clip_and_different_seed_different_clip(face):
    cfg = SynthConfig(blink_prob=0.5, morph_prob=0.0)
    a = generate_clip(5, 3, [face, face.mirrored()], cfg)
    b = generate_clip(5, 3, [face, face.mirrored()], cfg)
    c = generate_clip(6, 3, [face, face.mirrored()], cfg)
    np.testing.assert_array_equal(a.frames, b.frames)
    np.testing.assert_array_equal(a.flow, b.flow)
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    assert a.meta == b.meta and a.emotion == b.emotion
    assert not np.array_equal(a.frames, c.frames)


def test_neutral_clip_has_no_expression_flow(face):
    clip = generate_clip(1, 0, [face], CLEAN, kind="neutral")
    assert clip.expression is None and clip.events == []
    assert np.abs(clip.flow).max() == 0.0
    for t in range(8):
        np.testing.assert_array_equal(clip.frames[t], face.image)
    np.testing.assert_allclose(clip.landmarks, np.broadcast_to(face.landmarks, (8, 68, 2)), atol=1e-5)


def test_neutral_clip_with_head_motion_has_only_the_rigid_flow(face):
    cfg = SynthConfig(photometric=False, blink_prob=0.0, mirror_prob=0.0, morph_prob=0.0)
    clip = generate_clip(2, 0, [face], cfg, kind="neutral")
    sim = np.array(clip.meta["head_motion"])
    assert np.abs(sim).max() > 0
    ys, xs = np.mgrid[0:128, 0:128].astype(np.float64)
    q = np.stack([xs, ys], -1)
    centre = 63.5
    for t in range(7):
        # G_t^-1 by inverting the similarity parameters, then G_{t+1}
        tx, ty, th, ls = sim[t]
        s, c, si = np.exp(-ls), np.cos(th), np.sin(th)
        x, y = xs - centre - tx, ys - centre - ty
        p = np.stack([centre + s * (c * x + si * y), centre + s * (-si * x + c * y)], -1)
        expected = similarity_apply(sim[t + 1], p, centre) - q
        np.testing.assert_allclose(clip.flow[:, t].transpose(1, 2, 0), expected, atol=1e-3)
        np.testing.assert_allclose(clip.landmarks[t], similarity_apply(sim[t], face.landmarks, centre), atol=1e-3)


def test_mirror_permutation_is_an_involution_that_swaps_sides(face):
    assert np.array_equal(ibug68.MIRROR[ibug68.MIRROR], np.arange(68))
    m = ibug68.mirror_points(face.landmarks, 128)
    # image-left points stay on the image left after mirroring: outer eye corner 36 left of 45, etc.
    for left, right in ((36, 45), (48, 54), (17, 26), (0, 16), (31, 35)):
        assert m[left, 0] < m[right, 0]
        assert face.landmarks[left, 0] < face.landmarks[right, 0]
    np.testing.assert_allclose(ibug68.mirror_points(m, 128), face.landmarks, atol=1e-5)
    # mirrored point i is the flipped position of the point it came from
    np.testing.assert_allclose(m[36], [127 - face.landmarks[45, 0], face.landmarks[45, 1]], atol=1e-5)


def test_mirrored_face_renders_the_mirrored_clip(face):
    """An AU on the mirrored face (with mirrored head motion) equals the mirror image of the original clip."""
    prof = apex_profile(25.0)
    sim = sample_head_motion(np.random.default_rng(4), 8)
    sim_m = sim * np.array([-1.0, 1.0, -1.0, 1.0])          # tx and rotation change sign under a flip
    mf = face.mirrored()
    a = render_events(face, [make_expression(face, {6: 0.7, 12: 1.0}, 2.5, prof)], 8, 25.0, similarity=sim)
    b = render_events(mf, [make_expression(mf, {6: 0.7, 12: 1.0}, 2.5, prof)], 8, 25.0, similarity=sim_m)
    np.testing.assert_allclose(b.landmarks, ibug68.mirror_points(a.landmarks, 128), atol=2e-3)
    np.testing.assert_allclose(b.flow[0], -a.flow[0][..., ::-1], atol=2e-3)
    np.testing.assert_allclose(b.flow[1], a.flow[1][..., ::-1], atol=2e-3)
    assert np.abs(b.frames.astype(int) - a.frames[..., ::-1].astype(int)).max() <= 1


@pytest.mark.parametrize("fps", [25.0, 30.0])
def test_time_profile_respects_onset_apex_offset(fps):
    p = Profile(onset_s=0.5 / fps, apex_s=2.0 / fps, offset_s=5.5 / fps)
    s = p.frames(8, fps)
    assert s[0] == 0.0 and s[6] == 0.0 and s[7] == 0.0        # outside (onset, offset)
    assert s[2] == pytest.approx(1.0)                          # apex on frame 2
    assert np.all(np.diff(s[:3]) > 0) and np.all(np.diff(s[2:6]) < 0)
    assert p.duration_s * 1000 == pytest.approx(5000 / fps)


@pytest.mark.parametrize("fps", [25.0, 30.0])
def test_generated_micro_events_have_me_durations_and_apex_in_window(face, fps):
    cfg = SynthConfig(fps_choices=(fps,), head_motion=False, photometric=False, morph_prob=0.0)
    for i in range(12):
        clip = generate_clip(9, i, [face], cfg, kind="micro")
        ev = clip.expression
        info = ev.describe(clip.fps)
        assert 65.0 <= info["duration_ms"] <= 500.0
        assert 0.5 <= info["apex"] <= 6.5
        assert info["onset"] < info["apex"] < info["offset"]
        assert 0.3 <= ev.amplitude_px <= 2.5
        s = np.array(clip.meta["profiles"][0])
        np.testing.assert_allclose(s, ev.profile.frames(8, fps))
        frames_in = np.arange(8)[(np.arange(8) > info["onset"]) & (np.arange(8) < info["offset"])]
        assert np.all(s[frames_in] > 0) and np.all(np.delete(s, frames_in) == 0)


def test_macro_clips_are_larger_than_micro(face):
    cfg = SynthConfig(head_motion=False, photometric=False, morph_prob=0.0, blink_prob=0.0)
    for i in range(4):
        clip = generate_clip(13, i, [face], cfg, kind="macro")
        assert clip.expression.kind == "macro"
        assert 3.0 * 0.3 <= clip.expression.amplitude_px <= 8.0   # the fold guard may scale down
        assert clip.expression.requested_amplitude_px >= 3.0
        assert clip.meta["inversion_residual_px"] < 0.01


def test_blink_closes_the_lids_and_moves_nothing_else(face):
    ev = make_blink(face, 0.6, apex_profile(25.0))
    assert ev[0].aus[45] == pytest.approx(0.6)              # no fold-guard reduction at this closure
    clip = render_events(face, [ev], 8, 25.0)
    for up, low in ((37, 41), (38, 40), (43, 47), (44, 46)):
        gap0 = np.linalg.norm(face.landmarks[low] - face.landmarks[up])
        gap = np.linalg.norm(clip.landmarks[4, low] - clip.landmarks[4, up])
        assert gap == pytest.approx(gap0 * 0.4, rel=0.02)
    assert clip.meta["inversion_residual_px"] < 0.01
    others = [i for i in range(68) if i not in ibug68.UPPER_LIDS + ibug68.LOWER_LIDS]
    assert np.abs(clip.landmarks[4, others] - face.landmarks[others]).max() < 0.05


def test_long_sequence_places_events_at_known_separated_times(face):
    clip = generate_sequence(3, face, 150, 30.0, n_events=3, blinks=1, macro_every=3,
                             cfg=SynthConfig(photometric=False, head_motion=True))
    raw, warped = photometric_errors(clip, interior(), min_flow=0.25)
    assert warped < 0.5 * raw
    assert np.abs(clip.landmarks - face.landmarks).max() < 15.0      # sway stays bounded over 5 s
    assert clip.frames.shape == (150, 128, 128) and clip.flow.shape == (2, 149, 128, 128)
    kinds = [e.kind for e in clip.events]
    assert sorted(kinds) == ["blink", "macro", "micro", "micro"]
    apexes = [e.profile.apex_s for e in clip.events]
    assert np.all(np.diff(apexes) >= 1.0 - 1e-9) and 0 < apexes[0] and apexes[-1] < 5.0
    for e, s in zip(clip.events, clip.meta["profiles"]):
        k = int(round(e.profile.apex_s * 30.0))
        assert np.argmax(s) in (k - 1, k, k + 1)


def test_bad_inputs_raise_named_errors(face):
    from moltrain.synth.clip import SynthError
    from moltrain.synth.faces import FaceSourceError
    from moltrain.synth.facs import FacsError
    from moltrain.synth.profile import ProfileError
    with pytest.raises(FacsError):
        facs.au_template(99, face.landmarks)
    with pytest.raises(ProfileError):
        Profile(0.2, 0.1, 0.3)
    with pytest.raises(FaceSourceError):
        Face(image=np.zeros((64, 64), np.uint8), landmarks=face.landmarks, identity="x")
    with pytest.raises(SynthError):
        generate_clip(0, 0, [], SynthConfig())
    with pytest.raises(SynthError):
        generate_clip(0, 0, [face], SynthConfig(), kind="sideways")


def test_clip_set_members_differ_only_in_the_expression(face):
    """A class set shares face, timing, blink, head motion, lighting and noise: where the members' flows agree
    (beyond every AU's reach) their frames agree, and each member is its own emotion."""
    from moltrain.synth.clip import SynthError, generate_clip_set
    emotions = ["surprise", "happiness", "disgust"]
    cfg = SynthConfig(photometric=False, blink_prob=0.0, mirror_prob=0.0, morph_prob=0.0)
    clips = generate_clip_set(5, 2, [face], emotions, cfg)
    assert [c.emotion for c in clips] == emotions
    assert len({c.fps for c in clips}) == 1
    assert len({tuple(np.round(c.meta["head_motion"], 9).ravel()) for c in clips}) == 1
    assert len({tuple(c.expression.profile.in_frames(c.fps).values()) for c in clips}) == 1
    still = np.ones((128, 128), dtype=bool)
    for c in clips:
        still &= np.abs(c.flow - clips[0].flow).max(axis=(0, 1)) < 1e-3
    assert still.mean() > 0.1
    for c in clips[1:]:
        diff = np.abs(c.frames.astype(int) - clips[0].frames.astype(int))
        assert diff[:, still].max() <= 1 and diff[:, ~still].max() > 3
    assert generate_clip_set(5, 2, [face], emotions, cfg)[1].frames.tobytes() == clips[1].frames.tobytes()
    with pytest.raises(SynthError):
        generate_clip_set(5, 2, [face], emotions, cfg, kind="neutral")
