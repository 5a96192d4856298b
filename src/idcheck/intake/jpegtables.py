"""JPEG quantisation tables, read from the file's header: the quality they correspond to and who made them.

Intake reads the file (issue 18/19): the tables are parsed here, once per file, and handed to the checks
through the image context (``idcheck.pipeline.make_context``); :mod:`idcheck.tamper.jpegq` re-exports them
for the analyses.

The DQT segments are read from the raw bytes (no pixel decoding).  Each table
is compared with the IJG (libjpeg) scaling of the Annex K example tables at
every quality 1-100 (``jpeg_quality_scaling`` + ``jpeg_add_quant_table`` with
baseline clamping, as in libjpeg's jcparam.c):

* ``family = "ijg"``      both tables equal the IJG tables of one quality
  (libjpeg, libjpeg-turbo, Pillow, OpenCV, most converters and many Android
  camera stacks).  ``quality`` is exact.
* ``family = "non-ijg"``  the tables are not IJG-scaled (most phone camera
  ISPs, Apple, Photoshop, ...); ``quality`` is the IJG quality whose luma table
  is closest (sum of absolute log-ratios), a comparable estimate only.

We could not source Photoshop's exact 0-12 tables from a citable reference, so
no table is attributed to Photoshop: a non-IJG table is reported as such, never
as "Photoshop".  The Photoshop save quality is read instead from the 8BIM
resource 0x0406 when present (see :mod:`.metadata`).  Non-IJG tables are normal
for camera originals, so they are never evidence of editing on their own.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

# ITU-T T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance), natural (row-major) order.
STD_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99], np.int32)
STD_CHROMA = np.array([
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99], np.int32)

# zigzag position k -> natural index
ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
    21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53,
    60, 61, 54, 47, 55, 62, 63], np.int32)


def ijg_table(base: np.ndarray, quality: int) -> np.ndarray:
    """libjpeg's table for ``quality`` (1-100), baseline-clamped to 1..255."""
    q = min(max(int(quality), 1), 100)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((base * scale + 50) // 100, 1, 255).astype(np.int32)


@lru_cache(maxsize=1)
def _all_ijg() -> tuple[np.ndarray, np.ndarray]:
    luma = np.stack([ijg_table(STD_LUMA, q) for q in range(1, 101)])
    chroma = np.stack([ijg_table(STD_CHROMA, q) for q in range(1, 101)])
    return luma, chroma


@dataclass
class QuantInfo:
    tables: dict[int, np.ndarray] = field(default_factory=dict)  # table id -> 64 values, natural order
    components: list[tuple[int, int, int, int]] = field(default_factory=list)  # (id, h, v, table id) from SOF
    progressive: bool = False
    width: int = 0
    height: int = 0
    family: str = "unknown"  # "ijg" | "non-ijg" | "unknown"
    quality: int | None = None  # exact (ijg) or nearest comparable IJG quality (non-ijg)
    chroma_quality: int | None = None
    fit_error: float | None = None  # mean |log ratio| of the luma table to the nearest IJG table

    @property
    def luma(self) -> np.ndarray | None:
        if self.components:
            return self.tables.get(self.components[0][3])
        return self.tables.get(0)

    @property
    def chroma(self) -> np.ndarray | None:
        if len(self.components) >= 2:
            return self.tables.get(self.components[1][3])
        return self.tables.get(1)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"family": self.family, "quality": self.quality, "progressive": self.progressive}
        if self.chroma_quality is not None and self.chroma_quality != self.quality:
            out["chroma_quality"] = self.chroma_quality
        if self.fit_error is not None:
            out["fit_error"] = round(self.fit_error, 3)
        if self.components:
            out["sampling"] = [f"{h}x{v}" for _, h, v, _ in self.components]
        return out


def read(data: bytes | None) -> QuantInfo | None:
    """The quantisation tables of a JPEG file and their quality estimate (None if not a JPEG)."""
    if not data or data[:2] != b"\xff\xd8":
        return None
    info = QuantInfo()
    try:
        for marker, payload in jpeg_segments(data):
            if marker == 0xDB:
                _dqt(payload, info)
            elif marker in (0xC0, 0xC1, 0xC2) and len(payload) >= 6:
                info.progressive = marker == 0xC2
                info.height = int.from_bytes(payload[1:3], "big")
                info.width = int.from_bytes(payload[3:5], "big")
                n = payload[5]
                for i in range(min(n, 4)):
                    p = 6 + 3 * i
                    if p + 3 > len(payload):
                        break
                    cid, hv, tq = payload[p], payload[p + 1], payload[p + 2]
                    info.components.append((cid, hv >> 4, hv & 15, tq & 3))
    except Exception:  # junk after the tables: keep what was read
        pass
    _estimate(info)
    return info


def _dqt(payload: bytes, info: QuantInfo) -> None:
    pos = 0
    while pos < len(payload):
        pq, tq = payload[pos] >> 4, payload[pos] & 15
        pos += 1
        size = 128 if pq else 64
        raw = payload[pos:pos + size]
        if len(raw) < size or tq > 3:
            return
        values = np.frombuffer(raw, ">u2" if pq else "u1").astype(np.int32)
        table = np.zeros(64, np.int32)
        table[ZIGZAG] = values
        info.tables[tq] = table
        pos += size


def _nearest(table: np.ndarray, family: np.ndarray) -> tuple[int, float, bool]:
    t = np.maximum(table, 1).astype(np.float64)
    err = np.abs(np.log(family / t)).mean(axis=1)
    i = int(np.argmin(err))
    exact = bool(np.array_equal(family[i], table))
    return i + 1, float(err[i]), exact


def _estimate(info: QuantInfo) -> None:
    luma = info.luma
    if luma is None:
        return
    all_l, all_c = _all_ijg()
    q, err, exact = _nearest(luma, all_l)
    info.quality = q
    info.fit_error = err
    chroma = info.chroma
    exact_c = True
    if chroma is not None:
        qc, _, exact_c = _nearest(chroma, all_c)
        info.chroma_quality = qc
        exact_c = exact_c and qc == q
    info.family = "ijg" if exact and exact_c else "non-ijg"


MAX_SEGMENTS = 512  # markers examined per file (a header of more is junk)


def jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) for each marker segment before the first SOS (payload without the length)."""
    pos = 2
    n = len(data)
    count = 0
    while pos + 4 <= n and count < MAX_SEGMENTS:
        if data[pos] != 0xFF:
            # tolerate junk between segments: resync on the next 0xFF
            nxt = data.find(b"\xff", pos)
            if nxt < 0:
                return
            pos = nxt
            continue
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            return
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if length < 2:
            return
        payload = data[pos + 4:pos + 2 + length]
        count += 1
        yield marker, payload
        if marker == 0xDA:  # start of scan: the headers are over
            return
        pos += 2 + length
