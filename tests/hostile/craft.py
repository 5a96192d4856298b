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
