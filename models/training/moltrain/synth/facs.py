"""The FACS table: which iBUG-68 points each Action Unit moves, in which direction, and how the
emotion classes combine AUs. This table is the documentation; models/README.md summarises it.

Directions live in a face frame built from the landmarks (x: from the image-left eye to the image-right
eye, y: perpendicular, pointing down the face), so they stay right on tilted or mirrored faces. A direction
(out, down) means: `out` away from the face midline (points on the midline ignore it), `down` towards the chin.
Weights are relative (the AU's main points have 1); an event scales the summed template so that the
largest landmark displacement equals the requested apex amplitude in crop pixels.

Virtual points carry motion where iBUG-68 has no landmark (the cheeks); they shape the dense field only and
are never reported as landmarks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import ibug68

MIDLINE = frozenset([8, 27, 28, 29, 30, 33, 51, 57, 62, 66])

# AU -> (name, [(point indices, weight, (out, down))...], [(virtual point name, weight, (out, down))...])
AU_TABLE: dict[int, tuple[str, list, list]] = {
    1: ("inner brow raiser", [([21, 22], 1.0, (0.0, -1.0)), ([20, 23], 0.6, (0.0, -1.0)),
                              ([19, 24], 0.25, (0.0, -1.0))], []),
    2: ("outer brow raiser", [([17, 26], 1.0, (0.0, -1.0)), ([18, 25], 0.75, (0.0, -1.0)),
                              ([19, 24], 0.35, (0.0, -1.0))], []),
    4: ("brow lowerer", [([21, 22], 1.0, (-0.5, 0.87)), ([20, 23], 0.8, (-0.4, 0.92)),
                         ([19, 24], 0.55, (-0.2, 0.98)), ([18, 25], 0.3, (0.0, 1.0)),
                         ([17, 26], 0.15, (0.0, 1.0)), ([38, 43], 0.3, (0.0, 1.0)),
                         ([37, 44], 0.2, (0.0, 1.0))], []),
    5: ("upper lid raiser", [([37, 38, 43, 44], 1.0, (0.0, -1.0)), ([36, 39, 42, 45], 0.15, (0.0, -1.0))], []),
    6: ("cheek raiser", [([40, 41, 46, 47], 1.0, (0.0, -1.0)), ([36, 45], 0.4, (0.3, -0.95))],
        [("cheek", 0.8, (0.2, -0.98))]),
    7: ("lid tightener", [([40, 41, 46, 47], 1.0, (0.0, -1.0)), ([37, 38, 43, 44], 0.3, (0.0, 1.0))], []),
    9: ("nose wrinkler", [([31, 35], 1.0, (-0.2, -0.98)), ([32, 34], 0.8, (-0.1, -0.99)), ([33], 0.6, (0.0, -1.0)),
                          ([30], 0.3, (0.0, -1.0)), ([50, 51, 52, 61, 62, 63], 0.5, (0.0, -1.0)),
                          ([49, 53], 0.35, (0.0, -1.0)), ([21, 22], 0.3, (-0.3, 0.95))], []),
    10: ("upper lip raiser", [([50, 51, 52], 1.0, (0.0, -1.0)), ([61, 62, 63], 0.9, (0.0, -1.0)),
                              ([49, 53], 0.8, (0.1, -0.99)), ([48, 54, 60, 64], 0.3, (0.0, -1.0)),
                              ([31, 35], 0.3, (0.0, -1.0)), ([32, 33, 34], 0.2, (0.0, -1.0))], []),
    12: ("lip corner puller", [([48, 54, 60, 64], 1.0, (0.6, -0.8)), ([49, 53, 59, 55], 0.5, (0.5, -0.87)),
                               ([61, 63, 65, 67], 0.5, (0.5, -0.87)), ([50, 52, 58, 56], 0.2, (0.3, -0.95))],
         [("cheek", 0.3, (0.3, -0.95))]),
    14: ("dimpler", [([48, 54, 60, 64], 1.0, (1.0, 0.0)), ([49, 53, 59, 55], 0.4, (1.0, 0.0)),
                     ([61, 63, 65, 67], 0.4, (1.0, 0.0))], []),
    15: ("lip corner depressor", [([48, 54, 60, 64], 1.0, (0.2, 0.98)), ([59, 55, 65, 67], 0.5, (0.1, 0.99)),
                                  ([49, 53, 61, 63], 0.5, (0.1, 0.99))], []),
    17: ("chin raiser", [([7, 8, 9], 1.0, (0.0, -1.0)), ([6, 10], 0.5, (0.0, -1.0)),
                         ([56, 57, 58], 0.8, (0.0, -1.0)), ([65, 66, 67], 0.6, (0.0, -1.0)),
                         ([55, 59], 0.5, (0.0, -1.0))], []),
    18: ("lip pucker", [([48, 54, 60, 64], 1.0, (-1.0, 0.0)), ([49, 53, 59, 55], 0.6, (-1.0, 0.0)),
                        ([61, 63, 65, 67], 0.6, (-1.0, 0.0)), ([50, 52, 58, 56], 0.3, (-1.0, 0.0))], []),
    20: ("lip stretcher", [([48, 54, 60, 64], 1.0, (0.98, 0.2)), ([49, 53, 59, 55], 0.4, (0.98, 0.2)),
                           ([61, 63, 65, 67], 0.4, (0.98, 0.2))], []),
    26: ("jaw drop", [([8], 1.0, (0.0, 1.0)), ([7, 9], 0.95, (0.0, 1.0)), ([6, 10], 0.8, (0.0, 1.0)),
                      ([5, 11], 0.5, (0.0, 1.0)), ([4, 12], 0.25, (0.0, 1.0)), ([57], 1.0, (0.0, 1.0)),
                      ([56, 58], 0.95, (0.0, 1.0)), ([55, 59], 0.8, (0.0, 1.0)), ([65, 66, 67], 0.9, (0.0, 1.0)),
                      ([48, 54, 60, 64], 0.45, (0.0, 1.0))], []),
    # Blink (eyelid closure); used as a nuisance, not an expression. Directions are replaced by the
    # actual lid-to-lid vectors in `blink_displacements`.
    45: ("blink", [([37, 38, 43, 44], 1.0, (0.0, 1.0)), ([40, 41, 46, 47], 0.2, (0.0, -1.0))], []),
}

# Emotion classes (CASME II's 5-class names) with their 3-class composite class and AU variants
# (AU -> relative intensity). "others" has no 3-class label (MEGC 2019 drops it).
EMOTIONS: dict[str, tuple[Optional[str], list[dict[int, float]]]] = {
    "happiness": ("positive", [{6: 0.7, 12: 1.0}, {12: 1.0}, {6: 1.0, 12: 0.8}]),
    "surprise": ("surprise", [{1: 1.0, 2: 1.0}, {1: 1.0, 2: 1.0, 5: 0.6}, {1: 1.0, 2: 1.0, 26: 0.8},
                             {1: 1.0, 2: 1.0, 5: 0.6, 26: 0.8}]),
    "disgust": ("negative", [{4: 1.0}, {4: 1.0, 7: 0.7}, {9: 1.0}, {10: 1.0}, {9: 1.0, 10: 0.7},
                             {4: 0.6, 9: 1.0}]),
    "repression": ("negative", [{14: 1.0}, {15: 1.0, 17: 1.0}, {17: 1.0}, {14: 1.0, 17: 0.6}, {15: 1.0}]),
    "others": (None, [{2: 1.0}, {1: 1.0, 4: 0.8}, {18: 1.0}, {20: 1.0}, {1: 1.0}]),
}
EMOTION_NAMES = list(EMOTIONS)


class FacsError(ValueError):
    """An AU or emotion that the table does not define."""


@dataclass(frozen=True)
class FaceFrame:
    """Face-aligned axes and the geometry the templates refer to."""
    ex: np.ndarray      # unit vector, image-left eye -> image-right eye
    ey: np.ndarray      # unit vector, down the face
    mid: np.ndarray     # a point on the midline (between the eye centres)
    iod: float          # outer-corner inter-ocular distance, px


def face_frame(ldm: np.ndarray) -> FaceFrame:
    left, right = ibug68.eye_centres(ldm)
    ex = right - left
    ex = ex / np.linalg.norm(ex)
    ey = np.array([-ex[1], ex[0]])
    return FaceFrame(ex=ex, ey=ey, mid=(left + right) / 2.0, iod=ibug68.inter_ocular(ldm))


def _side(frame: FaceFrame, p: np.ndarray) -> float:
    return float(np.sign(np.dot(p - frame.mid, frame.ex)))


def _direction(frame: FaceFrame, p: np.ndarray, out: float, down: float, midline: bool) -> np.ndarray:
    side = 0.0 if midline else _side(frame, p)
    v = out * side * frame.ex + down * frame.ey
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def virtual_points(ldm: np.ndarray, frame: FaceFrame) -> dict[str, np.ndarray]:
    """Cheek points: 40% of the way from each lower-lid centre to the mouth corner, pushed outwards."""
    out = {}
    for lid, corner, name in ((ldm[[40, 41]].mean(0), ldm[48], "cheek_l"), (ldm[[46, 47]].mean(0), ldm[54], "cheek_r")):
        p = lid + 0.4 * (corner - lid)
        p = p + 0.12 * frame.iod * _side(frame, p) * frame.ex
        out[name] = p
    return out


def au_template(au: int, ldm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-weight displacements of one AU: (landmark displacements [68,2], virtual point positions [V,2],
    virtual displacements [V,2])."""
    if au not in AU_TABLE:
        raise FacsError(f"AU{au} is not in the FACS table (known: {sorted(AU_TABLE)})")
    ldm = np.asarray(ldm, dtype=np.float64)
    frame = face_frame(ldm)
    d = np.zeros((ibug68.N_POINTS, 2))
    _, entries, virtual = AU_TABLE[au]
    for idx, w, (o, dn) in entries:
        for i in idx:
            d[i] = w * _direction(frame, ldm[i], o, dn, i in MIDLINE)
    vpos, vdisp = [], []
    if virtual:
        vp = virtual_points(ldm, frame)
        for name, w, (o, dn) in virtual:
            for key in (f"{name}_l", f"{name}_r"):
                vpos.append(vp[key])
                vdisp.append(w * _direction(frame, vp[key], o, dn, False))
    return d, np.array(vpos).reshape(-1, 2), np.array(vdisp).reshape(-1, 2)


def combine_aus(aus: dict[int, float], ldm: np.ndarray, amplitude: float):
    """Apex displacements of an AU combination, scaled so the largest landmark displacement is `amplitude`.

    Returns (landmark displacements [68,2], virtual positions [V,2], virtual displacements [V,2])."""
    if not aus:
        raise FacsError("an expression needs at least one AU")
    d = np.zeros((ibug68.N_POINTS, 2))
    vpos: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for au, k in aus.items():
        dl, vp, vd = au_template(au, ldm)
        d += k * dl
        for j in range(len(vp)):
            key = f"{vp[j][0]:.3f},{vp[j][1]:.3f}"
            prev = vpos.get(key, (vp[j], np.zeros(2)))[1]
            vpos[key] = (vp[j], prev + k * vd[j])
    peak = float(np.linalg.norm(d, axis=1).max())
    if peak <= 0:
        raise FacsError(f"AU combination {aus} moves no landmark")
    scale = amplitude / peak
    vp = np.array([v[0] for v in vpos.values()]).reshape(-1, 2)
    vd = np.array([v[1] for v in vpos.values()]).reshape(-1, 2) * scale
    return d * scale, vp, vd


def au_points(aus: dict[int, float]) -> set[int]:
    """Every landmark that an AU combination moves."""
    pts: set[int] = set()
    for au in aus:
        for idx, _, _ in AU_TABLE[au][1]:
            pts.update(idx)
    return pts


def blink_displacements(ldm: np.ndarray, closure: float) -> np.ndarray:
    """Lids move towards each other: the upper lid covers `closure` of the lid gap, the lower lid 20% of that."""
    d = np.zeros((ibug68.N_POINTS, 2))
    for up, low in ((37, 41), (38, 40), (43, 47), (44, 46)):
        gap = ldm[low] - ldm[up]
        d[up] = closure * gap * 0.8
        d[low] = -closure * gap * 0.2
    return d
