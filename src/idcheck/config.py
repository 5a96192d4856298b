"""Typed configuration: every threshold, with its unit and the reason for its default.

``Config()`` is the default.  Change a value with :func:`dataclasses.replace` on
its section, e.g. ``Config(intake=replace(Config().intake, max_pixels=100_000_000))``,
or load overrides from a dict/JSON with :meth:`Config.from_dict`.  ``Config.describe()``
lists every setting with unit and reason (``idcheck config``).

Each field's metadata holds ``unit`` and ``reason``; a test checks that every
field has both, so a threshold without a stated reason cannot be added.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .errors import UsageError

KIB = 1024
MIB = 1024 * 1024


def setting(default: Any, unit: str, reason: str) -> Any:
    """A config field with its unit and the reason for its default."""
    if isinstance(default, (dict, list, set)):
        return field(default_factory=lambda: default, metadata={"unit": unit, "reason": reason})
    return field(default=default, metadata={"unit": unit, "reason": reason})


@dataclass(frozen=True)
class Channel:
    """An upload channel's rules: which formats, and the size window [min_bytes, max_bytes)."""

    name: str
    formats: tuple[str, ...]
    min_bytes: int
    max_bytes: int
    source: str


# The registrar's upload channels (domain-rules.md §3.4).  Data, not code: add a
# registrar's channel here.
CHANNELS: Mapping[str, Channel] = MappingProxyType(
    {
        "console": Channel(
            "console",
            ("jpeg", "png", "bmp", "heic", "webp"),
            min_bytes=55 * KIB,
            max_bytes=5 * MIB,
            source="Alibaba Cloud console: JPG/JPEG/PNG/BMP/HEIC/WebP, 55 KB to 5 MB (domain-rules.md §3.4, A9)",
        ),
        "api": Channel(
            "api",
            ("jpeg", "bmp"),
            min_bytes=55 * KIB,
            max_bytes=1 * MIB,
            source="Alibaba Cloud API IdentityCredential: JPG/BMP, 55 KB to 1 MB (domain-rules.md §3.4, A14)",
        ),
    }
)


@dataclass(frozen=True)
class IntakeConfig:
    max_pixels: int = setting(
        64_000_000,
        "pixels (width x height)",
        "50 MP phone photos (8160 x 6120) fit with headroom; larger pictures are refused before decoding "
        "as possible decompression bombs (a 64 MP RGB decode needs ~190 MB). Pillow itself refuses above 179 MP.",
    )
    max_read_bytes: int = setting(
        256 * MIB,
        "bytes",
        "A file this big is no upload candidate (the limit is 5 MB); it is typed from its first bytes but "
        "not read whole, so a stray video or disk image cannot exhaust memory.",
    )
    header_bytes: int = setting(
        64 * KIB,
        "bytes",
        "Enough for the type sniff of every accepted format, including the HEIF 'meta' box that names the codec.",
    )


@dataclass(frozen=True)
class DecodeConfig:
    work_long_side: int = setting(
        1600,
        "pixels",
        "The checks work on a reduced copy: 1600 px on the long side keeps ID-card text strokes 2+ px wide "
        "when the card fills half the frame, while JPEG DCT scaling (draft) makes decoding 4-8x cheaper.",
    )


@dataclass(frozen=True)
class Config:
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    decode: DecodeConfig = field(default_factory=DecodeConfig)

    def describe(self) -> list[dict[str, Any]]:
        """Every setting: section, name, value, unit, reason."""
        rows = []
        for section in dataclasses.fields(self):
            part = getattr(self, section.name)
            for f in dataclasses.fields(part):
                rows.append(
                    {
                        "setting": f"{section.name}.{f.name}",
                        "value": getattr(part, f.name),
                        "unit": f.metadata.get("unit", ""),
                        "reason": f.metadata.get("reason", ""),
                    }
                )
        return rows

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Config":
        """Defaults overridden by ``{"section": {"name": value}}``; unknown names are usage errors."""
        base = cls()
        changes: dict[str, Any] = {}
        known = {f.name for f in dataclasses.fields(cls)}
        for section_name, values in data.items():
            if section_name not in known:
                raise UsageError(f"unknown config section {section_name!r}; known: {sorted(known)}")
            section = getattr(base, section_name)
            names = {f.name for f in dataclasses.fields(section)}
            bad = set(values) - names
            if bad:
                raise UsageError(f"unknown settings in [{section_name}]: {sorted(bad)}; known: {sorted(names)}")
            changes[section_name] = dataclasses.replace(section, **values)
        return dataclasses.replace(base, **changes)


DEFAULT = Config()
