"""MOL architecture configurations.

`models/configs/{paper,rt}.json` are the single source of truth (the TypeScript side imports the same
files); this module only loads and validates them. JSON uses camelCase (the web format's `config` object),
Python uses snake_case; `MolConfig.to_json()` / `MolConfig.from_dict()` convert between the two.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"

# Flow head widths, in the order models/README.md lists them.
FLOW_KEYS = (
    "conv1", "conv2", "conv3", "redir", "conv3_1", "conv4", "conv4_1", "conv5", "conv5_1",
    "conv6", "conv6_1", "deconv5", "deconv4", "deconv3", "deconv2", "deconv1", "deconv0",
)

# The MER head's fc1 (2560 inputs) hard-codes 8 frames; see MOL_SPEC §4.
CLIP_LENGTH = 8


class ConfigError(ValueError):
    """A configuration file or dict does not describe a buildable MOL."""


@dataclass(frozen=True)
class MolConfig:
    name: str
    num_classes: int
    neighbor_num: int = 4
    clip_length: int = CLIP_LENGTH
    flow: dict[str, int] = field(default_factory=dict)
    ldm_hidden: int = 512

    def __post_init__(self) -> None:
        if self.num_classes < 2:
            raise ConfigError(f"num_classes must be >= 2, got {self.num_classes}")
        if not 1 <= self.neighbor_num <= 256:
            raise ConfigError(f"neighbor_num must be in 1..256 (256 graph nodes), got {self.neighbor_num}")
        if self.clip_length != CLIP_LENGTH:
            raise ConfigError(f"clip_length must be {CLIP_LENGTH} (the MER head hard-codes it), got {self.clip_length}")
        missing = [k for k in FLOW_KEYS if k not in self.flow]
        extra = [k for k in self.flow if k not in FLOW_KEYS]
        if missing or extra:
            raise ConfigError(f"flow widths: missing {missing}, unknown {extra}")
        bad = {k: v for k, v in self.flow.items() if not isinstance(v, int) or v < 1}
        if bad:
            raise ConfigError(f"flow widths must be positive integers: {bad}")
        if self.ldm_hidden < 1:
            raise ConfigError(f"ldm_hidden must be positive, got {self.ldm_hidden}")

    def with_classes(self, num_classes: int) -> "MolConfig":
        return replace(self, num_classes=num_classes)

    def to_json(self) -> dict[str, Any]:
        """The camelCase object of models/configs/*.json and of the web format's `config` field."""
        return {
            "name": self.name,
            "numClasses": self.num_classes,
            "neighborNum": self.neighbor_num,
            "clipLength": self.clip_length,
            "flow": {k: self.flow[k] for k in FLOW_KEYS},
            "ldmHidden": self.ldm_hidden,
        }

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "MolConfig":
        """Accepts the camelCase JSON form or `dataclasses.asdict(MolConfig)`."""
        def pick(snake: str, camel: str, default: Any = None) -> Any:
            if snake in d:
                return d[snake]
            if camel in d:
                return d[camel]
            if default is None:
                raise ConfigError(f"config is missing '{camel}'")
            return default

        flow = pick("flow", "flow")
        if not isinstance(flow, Mapping):
            raise ConfigError("config 'flow' must be an object of widths")
        return MolConfig(
            name=str(pick("name", "name")),
            num_classes=int(pick("num_classes", "numClasses")),
            neighbor_num=int(pick("neighbor_num", "neighborNum", 4)),
            clip_length=int(pick("clip_length", "clipLength", CLIP_LENGTH)),
            flow={str(k): int(v) for k, v in flow.items()},
            ldm_hidden=int(pick("ldm_hidden", "ldmHidden")),
        )


def load_config(name_or_path: str | Path, num_classes: int | None = None) -> MolConfig:
    """Loads `paper`, `rt` (from models/configs/) or a JSON file path."""
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = CONFIG_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise ConfigError(f"no configuration file {path}")
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e})") from e
    cfg = MolConfig.from_dict(raw)
    return cfg.with_classes(num_classes) if num_classes is not None else cfg


def paper_config(num_classes: int | None = None) -> MolConfig:
    return load_config("paper", num_classes)


def rt_config(num_classes: int | None = None) -> MolConfig:
    return load_config("rt", num_classes)
