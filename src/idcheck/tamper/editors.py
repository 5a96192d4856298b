"""Which programs count as image editors: data, matched against metadata strings.

Each :class:`Tool` has a display name, a ``kind`` and regular expressions
(case-insensitive, searched anywhere in the string).  ``kind``:

* ``"editor"``     a program that can change picture content (Photoshop, GIMP,
                   Meitu, phone-gallery editors, ...): ``tamper.editing_software``
                   (a warning that names it);
* ``"converter"``  a program that re-encodes without an editing UI (ImageMagick,
                   libvips, ...): reported as info evidence only, because the
                   registrar explicitly allows re-saving in a supported format.

:data:`NOT_EDITORS` lists camera-firmware and operating-system strings that
must never match an editor pattern (``iOS 17.1``, ``HDR+ 1.0``, Samsung firmware
``G998BXXU...``); they are checked first and win.  Unknown strings are evidence
of nothing: only a match names a tool.

Add a tool by appending a line; ``tests/tamper/test_metadata.py`` checks that
every pattern compiles and that the firmware examples stay unmatched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Tool:
    name: str
    kind: str  # "editor" | "converter"
    patterns: tuple[str, ...]


TOOLS: tuple[Tool, ...] = (
    # Adobe: Photoshop, Lightroom (Classic / CC / mobile), Camera Raw, Express, ImageReady (Save for Web PNGs)
    Tool("Adobe Photoshop Lightroom", "editor", (r"lightroom",)),
    Tool("Adobe Camera Raw", "editor", (r"camera\s*raw",)),
    Tool("Adobe Photoshop Express", "editor", (r"photoshop\s*express",)),
    Tool("Adobe Photoshop", "editor", (r"photoshop", r"imageready", r"adobe\s+fireworks")),
    Tool("GIMP", "editor", (r"\bgimp\b", r"gnu image manipulation")),
    Tool("Pixelmator", "editor", (r"pixelmator",)),
    Tool("Affinity Photo", "editor", (r"affinity\s*photo", r"serif\s+affinity")),
    Tool("Snapseed", "editor", (r"snapseed",)),
    Tool("PicsArt", "editor", (r"picsart",)),
    Tool("Meitu (美图秀秀)", "editor", (r"\bmtxx\b", r"meitu", r"美图", r"xiuxiu", r"美颜相机", r"beautycam")),
    Tool("Xingtu (醒图)", "editor", (r"醒图", r"xingtu")),
    Tool("PhotoScape", "editor", (r"photoscape",)),
    Tool("Paint.NET", "editor", (r"paint\.net",)),
    Tool("WPS Photos", "editor", (r"\bwps\b",)),
    Tool("MIUI Gallery editor", "editor", (r"miui\s*gallery", r"小米相册", r"xiaomi\s*gallery")),
    Tool("Samsung Photo Editor", "editor",
         (r"^photo\s*editor\b", r"samsung\s*(photo\s*)?editor", r"galaxy\s*photo\s*editor")),
    Tool("Huawei/Honor Gallery editor", "editor", (r"huawei\s*gallery", r"华为图库")),
    Tool("Canva", "editor", (r"\bcanva\b",)),
    Tool("Fotor", "editor", (r"\bfotor\b",)),
    Tool("Photopea", "editor", (r"photopea",)),
    Tool("Corel PaintShop Pro", "editor", (r"paintshop", r"paint\s*shop\s*pro", r"corel")),
    Tool("ACDSee", "editor", (r"acdsee",)),
    Tool("Microsoft Photos / Paint", "editor", (r"windows\s*photo\s*editor", r"microsoft\s*photos", r"^ms\s*paint",
                                                r"microsoft\s*paint")),
    Tool("Polarr", "editor", (r"polarr",)),
    Tool("VSCO", "editor", (r"\bvsco\b",)),
    Tool("Krita", "editor", (r"\bkrita\b",)),
    Tool("Picasa", "editor", (r"picasa",)),
    Tool("Google Photos editor", "editor", (r"google\s*photos",)),
    Tool("Apple Photos", "editor", (r"^photos\s+\d", r"apple\s*photos")),
    Tool("Photo editor (unnamed)", "editor", (r"photo\s*editor", r"图片编辑", r"修图", r"p图")),
    # Converters: allowed re-saves; info only.
    Tool("ImageMagick", "converter", (r"imagemagick", r"graphicsmagick")),
    Tool("libvips", "converter", (r"libvips", r"\bvips\b")),
    Tool("XnView / XnConvert", "converter", (r"xnview", r"xnconvert")),
    Tool("IrfanView", "converter", (r"irfanview",)),
    Tool("macOS Preview", "converter", (r"^preview\b",)),
    Tool("FFmpeg", "converter", (r"ffmpeg", r"lavc")),
)

# Camera firmware, OS versions and camera apps: never editors, even if a pattern above would match.
NOT_EDITORS: tuple[str, ...] = (
    r"^(ios\s*)?\d+(\.\d+){0,3}$",  # Apple: "17.1", "iOS 17.1"
    r"^hdr\+",  # Google Pixel: "HDR+ 1.0.540104767zd"
    r"mediatek\s*camera",
    r"^[A-Z]\d{3,4}[A-Z0-9]{4,}$",  # Samsung firmware: "G998BXXU5CVDD", "A525FXXU4BVJ1"
    r"^(android|google|qcam|ver\.?\s*\d|v\d|firmware)",
    r"camera\s*(app|application)\b",
    r"^(umi|cmi|venus|star|lisa|alioth|haydn|sweet)-user",  # Xiaomi build strings
)

# Non-editor strings kept as examples for the tests (must stay unmatched).
FIRMWARE_EXAMPLES: tuple[str, ...] = (
    "iOS 17.1", "17.1", "16.6.1", "HDR+ 1.0.540104767zd", "MediaTek Camera Application",
    "G998BXXU5CVDD", "A525FXXU4BVJ1", "Android", "ver.1.0", "QCAM-AA", "umi-user 11 RKQ1.200826.002",
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Tool, tuple[re.Pattern[str], ...]], ...]:
    return tuple((t, tuple(re.compile(p, re.IGNORECASE) for p in t.patterns)) for t in TOOLS)


@lru_cache(maxsize=1)
def _not_editors() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in NOT_EDITORS)


def is_firmware(text: str) -> bool:
    s = text.strip()
    return any(p.search(s) for p in _not_editors())


@lru_cache(maxsize=512)
def identify(text: str) -> Tool | None:
    """The tool a metadata string names, or None (unknown strings and camera firmware are nobody)."""
    s = " ".join(str(text).split())[:300]
    if not s or is_firmware(s):
        return None
    for tool, patterns in _compiled():
        if any(p.search(s) for p in patterns):
            return tool
    return None
