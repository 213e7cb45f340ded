"""Puts models/training on sys.path so tests import `moltrain` when pytest runs from the repo root, and holds the
`face` fixture the generator tests share."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pytest

from moltrain.synth.faces import Face

ASTRONAUT_NPZ = Path(__file__).resolve().parents[1] / "sources" / "astronaut_face.npz"


@pytest.fixture(scope="module")
def face() -> Face:
    """The one committed source face: the public-domain astronaut, tracked and aligned by the app's analyze
    command (models/training/sources/astronaut_face.npz)."""
    with np.load(ASTRONAUT_NPZ) as z:
        return Face(image=z["image"], landmarks=z["landmarks"].astype(np.float32), identity="astronaut", split="test")
