"""The golden weight and input recipe (shared/golden/RECIPE.md): integer hashing only, bit-exact in Python and JS.

Each state_dict entry k (0-based, state_dict order) gets u(seed, k, i) in [-1, 1) per flat index i, scaled
by a rule that depends on the entry's role (module type + attribute). Roles are derived from the module
tree, so the recipe fills any MOL configuration, not only the official one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

INPUT_K = 100000
MASK = 0xFFFFFFFF

FAN_ROLES = ("conv1d_weight", "conv2d_weight", "conv3d_weight", "linear_weight", "fcc_circular_kernel")


def hash32(x: int) -> int:
    x &= MASK
    x ^= x >> 16
    x = (x * 0x7FEB352D) & MASK
    x ^= x >> 15
    x = (x * 0x846CA68B) & MASK
    x ^= x >> 16
    return x


def u_scalar(seed: int, k: int, i: int) -> float:
    return hash32(hash32(hash32(seed) ^ k) ^ i) / 4294967296.0 * 2.0 - 1.0


def u_array(seed: int, k: int, n: int) -> np.ndarray:
    """u(seed, k, i) for i < n, float64 (uint32 numpy arithmetic wraps mod 2^32 like the scalar path)."""
    x = np.uint32(hash32(hash32(seed) ^ k)) ^ np.arange(n, dtype=np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x.astype(np.float64) / 4294967296.0 * 2.0 - 1.0


@dataclass(frozen=True)
class Entry:
    k: int
    name: str
    shape: tuple[int, ...]
    role: str

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


class RecipeError(ValueError):
    """A state_dict entry has no recipe role."""


def _role(module: nn.Module, attr: str, name: str) -> str:
    if attr == "num_batches_tracked":
        return "bn_num_batches_tracked"
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return {"weight": "bn_weight", "bias": "bn_bias", "running_mean": "bn_running_mean",
                "running_var": "bn_running_var"}[attr]
    if attr.startswith("meta_kernel_"):
        return "fcc_circular_kernel"
    if attr.startswith("meta_pe_"):
        return "positional_embedding"
    if attr.startswith("meta_") and attr.endswith("_bias"):
        return "fcc_circular_bias"
    if attr == "bias":
        return "bias"
    if attr == "weight":
        if isinstance(module, nn.ConvTranspose2d):
            return "convtranspose_weight"
        for cls, role in ((nn.Conv1d, "conv1d_weight"), (nn.Conv2d, "conv2d_weight"),
                          (nn.Conv3d, "conv3d_weight"), (nn.Linear, "linear_weight")):
            if isinstance(module, cls):
                return role
    raise RecipeError(f"no recipe role for state_dict entry {name}")


def entries(model: nn.Module) -> list[Entry]:
    """The model's state_dict entries in order, with their recipe roles."""
    modules = dict(model.named_modules())
    out = []
    for k, (name, t) in enumerate(model.state_dict().items()):
        owner, _, attr = name.rpartition(".")
        out.append(Entry(k, name, tuple(t.shape), _role(modules[owner], attr, name)))
    return out


def entry_values(seed: int, e: Entry) -> np.ndarray:
    if e.role == "bn_num_batches_tracked":
        return np.zeros(e.shape, np.int64)
    u = u_array(seed, e.k, e.numel)
    if e.role in FAN_ROLES:
        v = u * (1.0 / math.sqrt(e.numel // e.shape[0]))
    elif e.role == "convtranspose_weight":
        v = u * (1.0 / math.sqrt(e.numel // e.shape[1]))
    elif e.role == "positional_embedding":
        v = 0.5 * u
    elif e.role == "bn_weight":
        v = 1.0 + 0.1 * u
    elif e.role == "bn_running_var":
        v = 1.0 + 0.5 * np.abs(u)
    else:  # bias, fcc_circular_bias, bn_bias, bn_running_mean
        v = 0.1 * u
    return v.astype(np.float32).reshape(e.shape)


def recipe_state_dict(model: nn.Module, seed: int) -> dict[str, torch.Tensor]:
    return {e.name: torch.from_numpy(entry_values(seed, e)) for e in entries(model)}


def load_recipe_weights(model: nn.Module, seed: int) -> nn.Module:
    model.load_state_dict(recipe_state_dict(model, seed), strict=True)
    return model


def input_clip(seed: int) -> np.ndarray:
    """[1,1,8,128,128] float32; scalar libm sin, float64 left to right, one rounding to float32."""
    u = u_array(seed, INPUT_K, 8 * 128 * 128)
    v = np.empty(8 * 128 * 128, np.float64)
    i = 0
    for t in range(8):
        for y in range(128):
            for x in range(128):
                v[i] = 0.5 * math.sin(0.11 * x + 0.07 * y + 0.9 * t) + 0.25 * u[i]
                i += 1
    return v.astype(np.float32).reshape(1, 1, 8, 128, 128)


def sequential_checksum(a: np.ndarray) -> float:
    """RECIPE §5: left-to-right float64 sum of the values (not numpy's pairwise sum)."""
    flat = np.asarray(a, np.float64).ravel()
    return float(np.cumsum(flat)[-1]) if flat.size else 0.0  # cumsum is strictly sequential
