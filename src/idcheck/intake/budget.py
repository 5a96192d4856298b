"""Budgets checked before a picture is decoded: what one file may cost.

A cooperative deadline cannot interrupt one native decode call, so the cost of that call is bounded
before it starts, from the header and a linear pass over the bytes:

* **scans per progressive JPEG**: libjpeg makes one pass over every block of the picture per scan, so
  a small file with thousands of empty scans costs minutes (``IntakeConfig.max_jpeg_scans``);
* **decoded bytes per input byte**: a few KB of WebP, 16-bit PNG, HEIC or RLE BMP can decode to
  hundreds of MB below the pixel limit (``max_decoded_ratio``, with ``min_decoded_budget`` as a floor
  so small ordinary files are never refused);
* **metadata size**: the bytes of metadata segments and chunks (APPn/COM, text/ICC/EXIF chunks) that
  idcheck parses (``max_metadata_bytes``).

Each refusal is ``file.over_budget`` (error) with what was measured and the budget; the picture is not
decoded.  The estimate counts the decoded picture and its 8-bit RGB copy (and a progressive JPEG's
coefficient buffer), so peak memory of a decode that passes stays within about 2x ``max(min_decoded_budget,
max_decoded_ratio x file size)`` (measured below in the tests: the crafted files peak under 1.2x).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..config import Config

_JPEG_SOS = b"\xff\xda"
_PNG_CRITICAL = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"acTL", b"fcTL", b"fdAT"}
_BYTES_PER_BAND = {"I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2, "I": 4, "F": 4}


@dataclass(frozen=True)
class OverBudget:
    what: str  # "scans", "decoded bytes", "metadata bytes"
    measured: int
    limit: int
    unit: str
    reason: str  # one sentence for the finding


def jpeg_scans(data: bytes) -> int:
    """Start-of-scan markers in a JPEG (an embedded EXIF thumbnail adds its own one: an upper bound).

    In entropy-coded data a 0xFF byte is always followed by 0x00 or a marker, so FF DA is a real marker."""
    return data.count(_JPEG_SOS)


def metadata_bytes(data: bytes, fmt: str | None) -> int:
    """Bytes of metadata segments (JPEG APPn/COM before the first scan) or ancillary PNG chunks."""
    total = 0
    if fmt == "jpeg":
        pos, n = 2, len(data)
        while pos + 4 <= n:
            if data[pos] != 0xFF:
                break
            marker = data[pos + 1]
            if marker == 0xFF:
                pos += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            if marker == 0xDA or marker == 0xD9:
                break
            (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
            if 0xE0 <= marker <= 0xEF or marker == 0xFE:
                total += length
            pos += 2 + length
    elif fmt == "png":
        pos, n = 8, len(data)
        while pos + 8 <= n:
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            kind = data[pos + 4:pos + 8]
            if kind == b"IEND":
                break
            if kind not in _PNG_CRITICAL:
                total += length
            pos += 12 + length
    return total


def decoded_bytes(im: Image.Image, progressive: bool, full_size: tuple[int, int]) -> int:
    """What decoding ``im`` (already opened, and drafted for JPEG) will hold in memory, in bytes."""
    w, h = im.size
    bands = len(im.getbands())
    per = _BYTES_PER_BAND.get(im.mode, 1)
    out = w * h * max(bands, 1) * per
    if im.mode != "RGB":  # the 8-bit RGB copy every other mode is converted to
        out += w * h * 3
    if progressive:  # libjpeg keeps the whole picture's DCT coefficients (2 bytes each), whatever the draft
        fw, fh = full_size
        out += fw * fh * max(bands, 1) * 2
    return out


def before_open(data: bytes, fmt: str | None, config: Config) -> OverBudget | None:
    cfg = config.intake
    if fmt == "jpeg":
        scans = jpeg_scans(data)
        if scans > cfg.max_jpeg_scans:
            return OverBudget("scans", scans, cfg.max_jpeg_scans, "scans",
                              f"the JPEG has {scans} scans (a camera or editor writes at most a few dozen, and "
                              "each one is a pass over the whole picture)")
    meta = metadata_bytes(data, fmt)
    if meta > cfg.max_metadata_bytes:
        return OverBudget("metadata bytes", meta, cfg.max_metadata_bytes, "bytes",
                          f"the file holds {meta} bytes of metadata (EXIF, XMP, ICC, comments)")
    return None


def before_load(im: Image.Image, data_len: int, full_size: tuple[int, int], config: Config) -> OverBudget | None:
    cfg = config.intake
    progressive = bool(im.format == "JPEG" and (im.info.get("progressive") or im.info.get("progression")))
    need = decoded_bytes(im, progressive, full_size)
    budget = max(cfg.min_decoded_budget, cfg.max_decoded_ratio * data_len)
    if need > budget:
        return OverBudget("decoded bytes", need, budget, "bytes",
                          f"{data_len} bytes of file would decode to {need} bytes "
                          f"({need / max(data_len, 1):.0f} bytes per byte of file)")
    return None


def describe(over: OverBudget) -> dict[str, Any]:
    return {"what": over.what, "measured": over.measured, "limit": over.limit, "unit": over.unit}
