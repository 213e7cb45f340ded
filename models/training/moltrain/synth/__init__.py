"""Synthetic micro-expressions on real faces, with exact optical flow and landmark targets.

Entry points: `generate_clip` (8-frame training clips), `generate_sequence` (long clips with several events
at known times, for spotting), `SynthClipDataset` (the trainer's clip contract), `load_faces` (the source
faces built by models/training/sources/build_sources.py). The FACS table is in `facs.py`.
"""
from .clip import (Clip, Event, SynthConfig, SynthError, generate_clip, generate_sequence, make_blink,
                   make_expression, render_events)
from .faces import Face, FaceSourceError, load_faces, morph

__all__ = ["Clip", "Event", "Face", "FaceSourceError", "SynthConfig", "SynthError", "generate_clip",
           "generate_sequence", "load_faces", "make_blink", "make_expression", "morph", "render_events"]
