"""Frames -> Y4M (the input `npm run analyze` and Chromium's fake camera read).

I420, BT.601 limited range (what Chromium assumes for Y4M), 'C420jpeg' chroma siting. Odd widths or
heights lose their last column/row (4:2:0 needs even sizes); every frame must have the first frame's size.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from .atomic import atomic_path
from .records import DatasetLayoutError


def _i420(rgb: np.ndarray) -> bytes:
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    y = 16.0 + 219.0 / 255.0 * (0.299 * r + 0.587 * g + 0.114 * b)
    cb = 128.0 + 224.0 / 255.0 * (-0.168736 * r - 0.331264 * g + 0.5 * b)
    cr = 128.0 + 224.0 / 255.0 * (0.5 * r - 0.418688 * g - 0.081312 * b)

    def sub(c: np.ndarray) -> np.ndarray:  # 2x2 box average = chroma at the block centre (420jpeg)
        return (c[0::2, 0::2] + c[1::2, 0::2] + c[0::2, 1::2] + c[1::2, 1::2]) / 4.0

    planes = (y, sub(cb), sub(cr))
    return b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes() for p in planes)


def write_y4m(frames: Sequence[Path], out: Path, fps: int) -> tuple[int, int]:
    """Writes atomically (temp file + rename); returns (width, height) written."""
    if not frames:
        raise DatasetLayoutError("no frames to write")
    size = None
    with atomic_path(out) as tmp, open(tmp, "wb") as f:
        for path in frames:
            try:
                with Image.open(path) as im:
                    rgb = np.asarray(im.convert("RGB"))
            except (OSError, ValueError) as e:
                raise DatasetLayoutError(f"{path}: cannot decode image ({e})") from None
            if size is None:
                size = (rgb.shape[1] & ~1, rgb.shape[0] & ~1)
                if size[0] < 2 or size[1] < 2:
                    raise DatasetLayoutError(f"{path}: image too small ({rgb.shape[1]}x{rgb.shape[0]})")
                f.write(f"YUV4MPEG2 W{size[0]} H{size[1]} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
            elif (rgb.shape[1] & ~1, rgb.shape[0] & ~1) != size:
                raise DatasetLayoutError(
                    f"{path}: frame is {rgb.shape[1]}x{rgb.shape[0]}, the clip's first frame is {size[0]}x{size[1]}")
            f.write(b"FRAME\n")
            f.write(_i420(rgb[: size[1], : size[0]]))
    return size
