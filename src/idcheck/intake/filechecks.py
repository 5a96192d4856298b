"""The checks on the file itself: real type, extension, size window.

Pure functions from what intake learnt (sizes, names, the sniffed type, the
channel's rules) to findings.
"""

from __future__ import annotations

import os

from .. import codes
from ..config import Channel
from ..i18n import format_zh, formats_zh
from ..report import Finding, Measure
from .sniff import FORMATS, FormatSpec, Sniffed, by_name


def human_size(n: int) -> str:
    """Sizes as the registrar writes them: 1 KB = 1024 bytes, 1 MB = 1024 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.2f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _formats_in_words(names: tuple[str, ...]) -> str:
    titles = [by_name(n).title for n in names]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " or " + titles[-1]


def extension_of(name: str | None) -> str | None:
    """The lower-case extension without the dot; '' when the name has none; None when no name is known."""
    if name is None:
        return None
    ext = os.path.splitext(name)[1]
    return ext[1:].lower() if ext else ""


def check_type(sniffed: Sniffed, channel: Channel) -> list[Finding]:
    """file.unsupported_type when the content is not one of the channel's formats."""
    spec = sniffed.spec
    if spec is not None and spec.name in channel.formats:
        return []
    return [
        codes.finding(
            "file.unsupported_type",
            detected=sniffed.detected,
            detected_zh=format_zh(sniffed.spec),
            channel=channel.name,
            accepted=_formats_in_words(channel.formats),
            accepted_zh=formats_zh([by_name(n).title for n in channel.formats]),
            measured=Measure(sniffed.mime, "MIME type"),
            threshold=Measure(list(by_name(n).mime for n in channel.formats), "MIME type", "in"),
            details={"libmagic": sniffed.libmagic_description},
        )
    ]


def check_extension(name: str | None, spec: FormatSpec) -> list[Finding]:
    """file.extension_mismatch when the name's extension is not one of the real format's extensions."""
    ext = extension_of(name)
    if ext is None or ext in spec.extensions:
        return []
    return [
        codes.finding(
            "file.extension_mismatch",
            name=name,
            detected=spec.title,
            expected_format=_expected_from_extension(ext),
            suggested="." + spec.extensions[0],
            measured=Measure(ext or "(none)", "extension"),
            threshold=Measure(list(spec.extensions), "extension", "in"),
            details={"extension": ext, "content": spec.name},
        )
    ]


def _expected_from_extension(ext: str) -> str:
    for spec in FORMATS:
        if spec.decodable and ext in spec.extensions:
            return spec.title
    return "the format its name says"


def check_size(size: int, channel: Channel) -> list[Finding]:
    """file.too_large (error) at or above the channel's maximum; file.too_small (warning) below its minimum."""
    if size >= channel.max_bytes:
        return [
            codes.finding(
                "file.too_large",
                size=human_size(size),
                limit=human_size(channel.max_bytes),
                channel=channel.name,
                measured=Measure(size, "bytes"),
                threshold=Measure(channel.max_bytes, "bytes", "<"),
            )
        ]
    if size < channel.min_bytes:
        return [
            codes.finding(
                "file.too_small",
                size=human_size(size),
                limit=human_size(channel.min_bytes),
                channel=channel.name,
                measured=Measure(size, "bytes"),
                threshold=Measure(channel.min_bytes, "bytes", ">="),
            )
        ]
    return []
