"""Webcam-like photometric nuisances: lighting, gamma, contrast, blur, sensor noise, block-DCT compression.

None of them moves anything, so the geometric targets (flow, landmarks) stay exact. Parameters are drawn
per clip (`sample_photometric`) and applied to every frame; flicker and noise vary per frame.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# The JPEG standard's (Annex K) luminance quantisation table.
_JPEG_LUMA = np.array([
    [16, 11, 10, 16, 24, 40, 51, 61], [12, 12, 14, 19, 26, 58, 60, 55], [14, 13, 16, 24, 40, 57, 69, 56],
    [14, 17, 22, 29, 51, 87, 80, 62], [18, 22, 37, 56, 68, 109, 103, 77], [24, 35, 55, 64, 81, 104, 113, 92],
    [49, 64, 78, 87, 103, 121, 120, 101], [72, 92, 95, 98, 112, 100, 103, 99]], dtype=np.float64)


def _dct_matrix(n: int = 8) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    m[0] /= np.sqrt(2.0)
    return m


_DCT8 = _dct_matrix()
# 2-D 8x8 DCT of a row-major flattened block as one 64x64 matrix: all blocks of a clip go through one GEMM.
_DCT64 = np.kron(_DCT8, _DCT8).astype(np.float32)


@dataclass(frozen=True)
class Photometric:
    gain_x: float = 0.0        # horizontal shading slope (relative gain at the crop edge)
    gain_y: float = 0.0
    brightness: float = 0.0    # gray levels
    flicker: float = 0.0       # per-frame relative gain std
    gamma: float = 1.0
    contrast: float = 1.0
    blur_sigma: float = 0.0    # px
    noise_sigma: float = 0.0   # gray levels
    jpeg_quality: int = 0      # 0 = no compression

    def to_dict(self) -> dict:
        return asdict(self)


def sample_photometric(rng: np.random.Generator) -> Photometric:
    return Photometric(
        gain_x=float(rng.uniform(-0.25, 0.25)), gain_y=float(rng.uniform(-0.15, 0.15)),
        brightness=float(rng.uniform(-20, 20)), flicker=float(rng.uniform(0.0, 0.01)),
        gamma=float(np.exp(rng.uniform(np.log(0.7), np.log(1.4)))), contrast=float(rng.uniform(0.7, 1.3)),
        blur_sigma=float(rng.uniform(0.3, 1.2)) if rng.random() < 0.5 else 0.0,
        noise_sigma=float(rng.uniform(0.0, 4.0)),
        jpeg_quality=int(rng.integers(40, 96)) if rng.random() < 0.5 else 0)


def gaussian_blur(frames: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of [..., H, W] with edge replication."""
    if sigma <= 0:
        return frames
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k = (k / k.sum()).astype(np.float32)
    out = frames
    for axis in (-1, -2):
        pad = [(0, 0)] * out.ndim
        pad[axis] = (r, r)
        p = np.pad(out, pad, mode="edge")
        n = out.shape[axis]
        acc = np.zeros_like(out)
        for j, kj in enumerate(k):
            acc += kj * np.take(p, np.arange(j, j + n), axis=axis)
        out = acc
    return out


def block_dct_quantise(frames: np.ndarray, quality: int) -> np.ndarray:
    """JPEG-style lossy coding of [T, H, W] gray (H, W multiples of 8): 8x8 DCT, quantise, inverse."""
    if quality <= 0:
        return frames
    scale = 5000.0 / quality if quality < 50 else 200.0 - 2.0 * quality
    q = np.clip(np.floor((_JPEG_LUMA * scale + 50.0) / 100.0), 1, 255)
    q = q.reshape(64).astype(np.float32)
    t, h, w = frames.shape
    blocks = (frames.astype(np.float32) - 128.0).reshape(t, h // 8, 8, w // 8, 8).transpose(0, 1, 3, 2, 4)
    flat = blocks.reshape(-1, 64)
    coef = flat @ _DCT64.T
    coef = np.round(coef / q) * q
    back = (coef @ _DCT64).reshape(t, h // 8, w // 8, 8, 8)
    return back.transpose(0, 1, 3, 2, 4).reshape(t, h, w) + np.float32(128.0)


def apply_photometric(frames: np.ndarray, p: Photometric, rng: np.random.Generator) -> np.ndarray:
    """frames float32 [T, H, W] in 0..255 -> uint8 [T, H, W]."""
    t, h, w = frames.shape
    x = np.clip(frames / 255.0, 0.0, 1.0) ** p.gamma
    c = (h - 1) / 2.0
    ys, xs = np.mgrid[0:h, 0:w]
    gain = 1.0 + p.gain_x * (xs - c) / c + p.gain_y * (ys - c) / c
    flick = 1.0 + p.flicker * rng.standard_normal(t)
    x = x * gain[None] * flick[:, None, None]
    m = float(x[0].mean())
    x = ((x - m) * p.contrast + m) * 255.0 + p.brightness
    x = gaussian_blur(x.astype(np.float32), p.blur_sigma)
    if p.noise_sigma > 0:
        x = x + np.float32(p.noise_sigma) * rng.standard_normal(x.shape, dtype=np.float32)
    if p.jpeg_quality > 0:
        x = block_dct_quantise(np.clip(x, 0, 255), p.jpeg_quality)
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)
