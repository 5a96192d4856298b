"""Crafted hostile files, built in code (small; nothing is stored in the repository).

Each builder returns the bytes of one attack from issue 17; the tests in this folder feed them to
``idcheck.check`` and friends and assert a clear finding in bounded time.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def noise_png(w: int = 400, h: int = 300, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        out.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out


def build_png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(_chunk(k, b) for k, b in chunks)


def corrupt_idat_png() -> bytes:
    """A PNG whose IDAT stream is damaged in the middle (CRC recomputed, so only the decoder sees it)."""
    chunks = png_chunks(noise_png())
    out = []
    for kind, body in chunks:
        if kind == b"IDAT":
            body = body[: len(body) // 2] + b"\xff" * 64 + body[len(body) // 2 + 64:]
        out.append((kind, body))
    return build_png(out)


def tiny_png(w: int = 1, h: int = 1) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def itxt(key: bytes, text: bytes, compressed: bool = True) -> tuple[bytes, bytes]:
    body = text if not compressed else zlib.compress(text, 9)
    return b"iTXt", key + b"\x00" + (b"\x01\x00" if compressed else b"\x00\x00") + b"\x00\x00" + body


def xmp_bomb_png(chunks: int = 1, repeat: int = 18_000) -> bytes:
    """A ~630-byte PNG: a small picture and an iTXt XMP packet that inflates to 252 KB of repeated
    ``<xmpMM:History`` openings without a closing tag (quadratic for a ``<History.*?</History>`` search)."""
    picture = png_chunks(tiny_png(8, 8))
    xmp = itxt(b"XML:com.adobe.xmp", b"<xmpMM:History" * repeat)
    return build_png(picture[:1] + [xmp] * chunks + picture[1:])


def solid(fmt: str, size: tuple[int, int], mode: str = "RGB", **save) -> bytes:
    """A large single-colour picture in ``fmt``: a few KB that decode to hundreds of MB (memory amplification)."""
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    colour = 1000 if mode.startswith("I") else (200, 200, 200) if mode == "RGB" else 200
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, fmt, **save)
    return buf.getvalue()


def rle_bmp(w: int, h: int) -> bytes:
    """An 8-bit RLE BMP of ``w`` x ``h`` single-colour pixels, written by hand (Pillow reads RLE8, not writes)."""
    pixels = b"\x00\x00" * h + b"\x00\x01"  # every row ends at once (RLE8 leaves the rest at index 0)
    palette = b"".join(bytes([i, i, i, 0]) for i in range(256))
    header_size = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    return b"BM" + struct.pack("<IHHI", header_size + len(pixels), 0, 0, header_size) + info + palette + pixels


def progressive_scans_jpeg(extra_scans: int = 2000, side: int = 512) -> bytes:
    """A progressive JPEG with ``extra_scans`` empty refinement scans inserted before EOI (each one is a
    pass over every block of the picture for libjpeg)."""
    buf = io.BytesIO()
    Image.new("RGB", (side, side), (120, 130, 140)).save(buf, "JPEG", quality=80, progressive=True)
    data = buf.getvalue()
    # an AC refinement scan of component 0 (Ss=1, Se=63, Ah=1, Al=0) with no data
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + bytes([1, 63, 0x10])
    return data[:-2] + (sos + b"\x00") * extra_scans + data[-2:]
