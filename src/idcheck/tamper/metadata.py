"""Editing evidence read from a file's headers, without decoding any pixels.

Small, bounded parsers over the raw bytes (``ctx.data``):

* JPEG  markers up to the first SOS: APP1 Exif (TIFF IFD0 + Exif IFD), APP1 XMP,
  APP2 ICC_PROFILE, APP13 ``Photoshop 3.0`` 8BIM resources, APP14 ``Adobe``, COM;
* PNG   tEXt / zTXt / iTXt (Software, Comment, XML:com.adobe.xmp), eXIf, iCCP;
* WebP  RIFF chunks EXIF, ``XMP `` and ICCP;
* HEIF  the ``meta`` box: ``iinf`` items of type ``Exif`` and ``mime``
  (application/rdf+xml = XMP), located through ``iloc`` (file offsets or ``idat``).

Every parser works on a bounded slice, never follows an offset outside the
buffer and never raises: junk, truncated or hostile segments yield less
evidence, not an exception.  XMP is scanned with regular expressions (no XML
parser, so no entity expansion).

What counts as evidence (:class:`Evidence`):

* ``names``  a field names a program (EXIF Software, ProcessingSoftware,
  XMP CreatorTool, xmpMM:History softwareAgent, Photoshop version info 0x0421,
  PNG Software, ICC description/copyright);
* ``hint``   a structure typical of an editor without naming one (Photoshop
  save-quality resource 0x0406, Adobe APP14, Camera Raw settings in XMP).

Absence of metadata is evidence of nothing; firmware strings are nobody.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..intake.jpegtables import jpeg_segments  # the header walk is intake's (tests use it from here too)
from . import editors

MAX_SEGMENTS = 512  # markers / chunks / boxes examined per file
MAX_TEXT = 4096  # characters kept of any one text value
MAX_XMP = 256 * 1024  # bytes of XMP scanned
MAX_INFLATE = 512 * 1024  # bytes a compressed text/ICC chunk may inflate to


@dataclass(frozen=True)
class Evidence:
    where: str  # e.g. "EXIF Software", "XMP CreatorTool", "Photoshop resource 0x0421"
    value: str  # the string found (trimmed)
    tool: str | None  # the tool named, if any
    kind: str  # "editor" | "converter" | "hint" | "camera" | "other"
    strength: str  # "names" | "hint" | "none"

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "value": self.value, "tool": self.tool, "kind": self.kind,
                "strength": self.strength}


@dataclass
class Metadata:
    """Everything read from the headers."""

    evidence: list[Evidence] = field(default_factory=list)
    make: str | None = None
    model: str | None = None
    software: list[str] = field(default_factory=list)  # every software-like string seen (for the details)
    xmp_actions: list[dict[str, str]] = field(default_factory=list)
    has_exif: bool = False
    has_xmp: bool = False
    has_icc: bool = False
    icc_description: str | None = None
    photoshop_quality: int | None = None  # Photoshop "Save As" quality 0-12 from resource 0x0406
    adobe_app14: bool = False
    jfif: bool = False
    errors: list[str] = field(default_factory=list)  # what could not be parsed (never raised)

    @property
    def editors(self) -> list[Evidence]:
        return [e for e in self.evidence if e.kind == "editor" and e.strength == "names"]

    @property
    def converters(self) -> list[Evidence]:
        return [e for e in self.evidence if e.kind == "converter"]

    @property
    def hints(self) -> list[Evidence]:
        return [e for e in self.evidence if e.strength == "hint"]

    @property
    def camera(self) -> str | None:
        parts = [p for p in (self.make, self.model) if p]
        return " ".join(parts) if parts else None

    def add_string(self, where: str, value: Any) -> None:
        text = _clean(value)
        if not text:
            return
        if where.endswith(("Software", "CreatorTool", "softwareAgent")) or "0x0421" in where:
            if text not in self.software:
                self.software.append(text)
        tool = editors.identify(text)
        if tool is None:
            return
        ev = Evidence(where, text[:200], tool.name, tool.kind, "names")
        if ev not in self.evidence:
            self.evidence.append(ev)

    def add_hint(self, where: str, value: str, tool: str | None = None) -> None:
        ev = Evidence(where, value[:200], tool, "hint", "hint")
        if ev not in self.evidence:
            self.evidence.append(ev)


def _clean(value: Any) -> str:
    if isinstance(value, bytes):
        if value.startswith(b"\xfe\xff") or value.startswith(b"\xff\xfe"):
            value = value.decode("utf-16", "replace")
        else:
            value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", " ")
    text = "".join(ch for ch in text if ch.isprintable())
    return " ".join(text.split())[:MAX_TEXT]


def read(data: bytes | None, fmt: str | None = None) -> Metadata:
    """Parse the headers of ``data`` (any accepted format); never raises."""
    meta = Metadata()
    if not data:
        return meta
    data = memoryview(data).tobytes() if not isinstance(data, bytes) else data
    try:
        if data[:2] == b"\xff\xd8":
            _jpeg(data, meta)
        elif data[:8] == b"\x89PNG\r\n\x1a\n":
            _png(data, meta)
        elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            _webp(data, meta)
        elif data[4:8] == b"ftyp":
            _heif(data, meta)
    except Exception as exc:  # a parser bug must never lose the report; the evidence so far stands
        meta.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    return meta


# ------------------------------------------------------------------ JPEG ---
def _jpeg(data: bytes, meta: Metadata) -> None:
    icc_chunks: dict[int, bytes] = {}
    for marker, payload in jpeg_segments(data):
        if marker == 0xE0 and payload[:5] == b"JFIF\x00":
            meta.jfif = True
        elif marker == 0xE1 and payload[:6] == b"Exif\x00\x00":
            _tiff(payload[6:], meta)
        elif marker == 0xE1 and payload[:29] == b"http://ns.adobe.com/xap/1.0/\x00":
            _xmp(payload[29:], meta)
        elif marker == 0xE2 and payload[:12] == b"ICC_PROFILE\x00" and len(payload) > 14:
            icc_chunks[payload[12]] = payload[14:]
        elif marker == 0xED and payload[:14] == b"Photoshop 3.0\x00":
            _photoshop(payload[14:], meta)
        elif marker == 0xEE and payload[:5] == b"Adobe":
            meta.adobe_app14 = True
            meta.add_hint("Adobe APP14 marker", "Adobe APP14 (DCT encode version / colour transform)", "Adobe")
        elif marker == 0xFE:
            meta.add_string("JPEG comment", payload[:MAX_TEXT])
    if icc_chunks:
        _icc(b"".join(icc_chunks[k] for k in sorted(icc_chunks)), meta)


# ------------------------------------------------------------------ TIFF / EXIF ---
_TIFF_STRINGS = {0x010F: "Make", 0x0110: "Model", 0x0131: "Software", 0x000B: "ProcessingSoftware",
                 0x013C: "HostComputer", 0x010E: "ImageDescription", 0x013B: "Artist"}


def _tiff(buf: bytes, meta: Metadata) -> None:
    meta.has_exif = True
    if len(buf) < 8:
        meta.errors.append("EXIF block too short")
        return
    if buf[:2] == b"II":
        e = "<"
    elif buf[:2] == b"MM":
        e = ">"
    else:
        meta.errors.append("EXIF without TIFF byte order")
        return
    ifd0 = struct.unpack(e + "I", buf[4:8])[0]
    seen: set[int] = set()
    queue = [(ifd0, "IFD0")]
    while queue and len(seen) < 4:
        off, name = queue.pop(0)
        if off in seen or not 8 <= off < len(buf) - 2:
            continue
        seen.add(off)
        for tag, typ, count, value in _ifd_entries(buf, off, e):
            if name == "IFD0" and tag == 0x8769 and typ in (4, 13):
                queue.append((_ifd_pointer(buf, value, e), "ExifIFD"))
            elif tag in _TIFF_STRINGS and typ in (2, 7, 1):
                text = _tiff_bytes(buf, value, count, e)
                label = _TIFF_STRINGS[tag]
                if label == "Make":
                    meta.make = _clean(text)[:80] or None
                elif label == "Model":
                    meta.model = _clean(text)[:80] or None
                else:
                    meta.add_string(f"EXIF {label}", text)
            elif tag == 0x02BC and typ in (1, 7):  # XMP packet inside TIFF/EXIF
                _xmp(_tiff_bytes(buf, value, min(count, MAX_XMP), e), meta)
            elif tag == 0x9286 and typ == 7:  # UserComment: 8-byte charset prefix
                raw = _tiff_bytes(buf, value, min(count, 512), e)
                meta.add_string("EXIF UserComment", raw[8:])


def _ifd_entries(buf: bytes, off: int, e: str) -> Iterator[tuple[int, int, int, int]]:
    n = struct.unpack(e + "H", buf[off:off + 2])[0]
    for i in range(min(n, 256)):
        p = off + 2 + 12 * i
        if p + 12 > len(buf):
            return
        tag, typ, count = struct.unpack(e + "HHI", buf[p:p + 8])
        yield tag, typ, count, p + 8  # value offset field position; resolved by the reader


def _tiff_bytes(buf: bytes, field_pos: int, count: int, e: str) -> bytes:
    count = min(count, MAX_TEXT * 4)
    if count <= 4:
        return buf[field_pos:field_pos + count]
    off = struct.unpack(e + "I", buf[field_pos:field_pos + 4])[0]
    if off >= len(buf):
        return b""
    return buf[off:off + count]


def _ifd_pointer(buf: bytes, field_pos: int, e: str) -> int:
    return struct.unpack(e + "I", buf[field_pos:field_pos + 4])[0]


# ------------------------------------------------------------------ XMP ---
# XMP is attacker-controlled text of up to MAX_XMP bytes, so it is scanned in linear time with str.find
# and anchored, non-backtracking steps, never with a search regex that can rescan the rest of the text
# from every candidate start (the earlier ``<xmpMM:History\b.*?</xmpMM:History>`` and ``<rdf:li ...
# .*?</rdf:li>`` patterns were quadratic: 70 KB of repeated openings took 3.2 s, all inside the GIL).
_CREATOR_NAMES = ("xmp:CreatorTool", "xap:CreatorTool", "tiff:Software", "exif:Software")
_ACTION_NAMES = ("stEvt:action",)
_AGENT_NAMES = ("stEvt:softwareAgent",)
_CHANGED_NAMES = ("stEvt:changed", "stEvt:parameters")
_FIELD_MAX = 300  # characters of one value (as before: longer values are not read)
_WS = re.compile(r"\s*")  # anchored match: linear in the run it consumes, no backtracking
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # keeps every index
_WORD = re.compile(r"\w")


def _fold(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _ws_end(text: str, i: int) -> int:
    """The end of the (possibly empty) whitespace run at ``i``."""
    m = _WS.match(text, i)
    return m.end() if m else i


def _field_at(text: str, i: int, name_len: int) -> tuple[str, int] | None:
    """The value of the property whose name starts at ``i``: ``name = "v"`` or ``<name> v </``."""
    j = _ws_end(text, i + name_len)
    if j < len(text) and text[j] == "=":  # attribute form
        k = _ws_end(text, j + 1)
        if k >= len(text) or text[k] not in "\"'":
            return None
        v = k + 1
        stop = v
        limit = min(len(text), v + _FIELD_MAX + 1)
        while stop < limit and text[stop] not in "\"'<>":
            stop += 1
        if stop - v > _FIELD_MAX or stop >= len(text) or text[stop] not in "\"'":
            return None
        return text[v:stop], stop + 1
    # element form: "<name>" then whitespace, at most _FIELD_MAX characters and "</"
    if i == 0 or text[i - 1] != "<" or i + name_len >= len(text) or text[i + name_len] != ">":
        return None
    v = _ws_end(text, i + name_len + 1)
    stop = text.find("<", v, v + _FIELD_MAX + 1)
    if stop < 0 or not text.startswith("</", stop):
        return None
    return text[v:stop], stop + 2


def _fields(text: str, folded: str, names: tuple[str, ...], first: bool = False) -> list[tuple[str, str]]:
    """(name as written, value) of every property in ``names``, in text order (ASCII case-insensitive)."""
    hits: list[tuple[int, int]] = []
    for name in names:
        key = _fold(name)
        pos = folded.find(key)
        while pos >= 0:
            hits.append((pos, len(key)))
            pos = folded.find(key, pos + 1)
    hits.sort()
    out: list[tuple[str, str]] = []
    after = 0
    for pos, n in hits:
        if pos < after:  # inside the previous match (finditer's matches do not overlap)
            continue
        found = _field_at(text, pos, n)
        if found is None:
            continue
        value, after = found
        out.append((text[pos:pos + n], value))
        if first:
            break
    return out


def _first_field(text: str, names: tuple[str, ...]) -> str | None:
    found = _fields(text, _fold(text), names, first=True)
    return found[0][1] if found else None


def _find_tag(folded: str, tag: str, start: int, end: int = -1) -> int:
    """The first ``tag`` at or after ``start`` followed by a non-word character (regex ``tag\b``)."""
    end = len(folded) if end < 0 else end
    pos = folded.find(tag, start, end)
    while pos >= 0:
        after = pos + len(tag)
        if after >= len(folded) or not _WORD.match(folded, after):
            return pos
        pos = folded.find(tag, pos + 1, end)
    return -1


def _history(text: str, folded: str) -> str | None:
    """The first ``<xmpMM:History ...>...</xmpMM:History>`` block (xapMM: too), found in linear time."""
    starts = [p for p in (_find_tag(folded, "<xmpmm:history", 0), _find_tag(folded, "<xapmm:history", 0)) if p >= 0]
    if not starts:
        return None
    start = min(starts)
    ends = [p for p in (folded.find("</xmpmm:history>", start), folded.find("</xapmm:history>", start)) if p >= 0]
    if not ends:
        return None  # no later opening can have a closing either
    end = min(ends) + len("</xmpmm:history>")
    return text[start:end]


def _events(hist: str, limit: int = 64) -> list[str]:
    """The ``<rdf:li ... />`` and ``<rdf:li ...>...</rdf:li>`` items of a history block, linear time."""
    folded = _fold(hist)
    out: list[str] = []
    pos = _find_tag(folded, "<rdf:li", 0)
    closes_left = True
    while pos >= 0 and len(out) < limit:
        gt = folded.find(">", pos)
        if gt < 0:
            break  # no '>' left: no item can end
        if folded[gt - 1] == "/" and gt - 1 >= pos + len("<rdf:li"):
            out.append(hist[pos:gt + 1])
            nxt = gt + 1
        else:
            close = folded.find("</rdf:li>", gt + 1) if closes_left else -1
            if close < 0:
                closes_left = False  # only self-closing items can follow
                nxt = pos + 1
            else:
                out.append(hist[pos:close + len("</rdf:li>")])
                nxt = close + len("</rdf:li>")
        pos = _find_tag(folded, "<rdf:li", nxt)
    return out


def _xmp(raw: bytes, meta: Metadata) -> None:
    meta.has_xmp = True
    text = raw[:MAX_XMP].decode("utf-8", "replace")
    folded = _fold(text)
    for name, value in _fields(text, folded, _CREATOR_NAMES):
        if value:
            meta.add_string(f"XMP {name.split(':')[-1] if 'Creator' not in name else 'CreatorTool'}", value)
    hist = _history(text, folded)
    if hist:
        for ev in _events(hist):
            action = _first_field(ev, _ACTION_NAMES) or ""
            agent = _first_field(ev, _AGENT_NAMES) or ""
            changed = _first_field(ev, _CHANGED_NAMES) or ""
            meta.xmp_actions.append({"action": action[:40], "software": agent[:120], "changed": changed[:80]})
            if agent:
                meta.add_string(f"XMP history ({action or 'event'}) softwareAgent", agent)
    if re.search(r"crs:(?:ProcessVersion|HasSettings|Version)\b", text):
        meta.add_hint("XMP Camera Raw settings (crs:)", "Adobe Camera Raw / Lightroom develop settings",
                      "Adobe Camera Raw")
    if re.search(r"photoshop:(?:History|DocumentAncestors|LegacyIPTCDigest)", text):
        meta.add_hint("XMP photoshop: namespace", "Photoshop document properties", "Adobe Photoshop")


# ------------------------------------------------------------------ Photoshop IRB ---
def _photoshop(buf: bytes, meta: Metadata) -> None:
    pos = 0
    n = len(buf)
    count = 0
    while pos + 12 <= n and count < MAX_SEGMENTS:
        if buf[pos:pos + 4] not in (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR"):
            return
        rid = struct.unpack(">H", buf[pos + 4:pos + 6])[0]
        name_len = buf[pos + 6]
        p = pos + 7 + name_len
        if (1 + name_len) % 2:
            p += 1
        if p + 4 > n:
            return
        size = struct.unpack(">I", buf[p:p + 4])[0]
        data = buf[p + 4:p + 4 + size]
        count += 1
        if rid == 0x0421 and len(data) >= 9:  # version info: writer / reader names (Unicode strings)
            writer, rest = _ps_unicode(data[5:])
            reader, _ = _ps_unicode(rest)
            if writer:
                meta.add_string("Photoshop resource 0x0421 (writer)", writer)
                if editors.identify(writer) is None:
                    meta.add_hint("Photoshop resource 0x0421", writer, "Adobe Photoshop")
            if reader and reader != writer:
                meta.add_string("Photoshop resource 0x0421 (reader)", reader)
        elif rid == 0x0406 and len(data) >= 2:  # JPEG quality: int16 + 4 = Photoshop's 0-12 scale
            q = struct.unpack(">h", data[:2])[0] + 4
            if 0 <= q <= 12:
                meta.photoshop_quality = q
            meta.add_hint("Photoshop resource 0x0406 (JPEG save quality)", f"Photoshop quality {q}", "Adobe Photoshop")
        elif rid in (0x0408, 0x040C, 0x041A, 0x0414):
            meta.add_hint(f"Photoshop resource 0x{rid:04X}", _PS_NAMES.get(rid, "Photoshop resource"),
                          "Adobe Photoshop")
        pos = p + 4 + size + (size % 2)


_PS_NAMES = {0x0408: "grid and guides", 0x040C: "Photoshop thumbnail", 0x041A: "slices", 0x0414: "document IDs seed"}


def _ps_unicode(buf: bytes) -> tuple[str, bytes]:
    if len(buf) < 4:
        return "", b""
    length = min(struct.unpack(">I", buf[:4])[0], 512)
    raw = buf[4:4 + 2 * length]
    return raw.decode("utf-16-be", "replace").strip("\x00 "), buf[4 + 2 * length:]


# ------------------------------------------------------------------ ICC ---
def _icc(buf: bytes, meta: Metadata) -> None:
    meta.has_icc = True
    if len(buf) < 132:
        return
    cmm = buf[4:8].decode("latin-1", "replace").strip("\x00 ")
    creator = buf[80:84].decode("latin-1", "replace").strip("\x00 ")
    count = min(struct.unpack(">I", buf[128:132])[0], 64)
    texts: dict[str, str] = {}
    for i in range(count):
        p = 132 + 12 * i
        if p + 12 > len(buf):
            break
        sig, off, size = struct.unpack(">4sII", buf[p:p + 12])
        if sig not in (b"desc", b"cprt", b"dmdd", b"dmnd") or off + 8 > len(buf):
            continue
        texts[sig.decode("latin-1")] = _icc_text(buf[off:off + min(size, 4096)])
    desc = texts.get("desc")
    if desc:
        meta.icc_description = desc[:120]
        meta.add_string("ICC profile description", desc)
    for key in ("cprt", "dmnd", "dmdd"):
        if texts.get(key):
            meta.add_string(f"ICC profile {'copyright' if key == 'cprt' else 'device'}", texts[key])
    if meta.icc_description is None and (cmm or creator):
        meta.icc_description = f"cmm={cmm} creator={creator}"


def _icc_text(tag: bytes) -> str:
    typ = tag[:4]
    if typ == b"desc" and len(tag) >= 12:
        n = struct.unpack(">I", tag[8:12])[0]
        return _clean(tag[12:12 + min(n, 512)])
    if typ == b"text":
        return _clean(tag[8:])
    if typ == b"mluc" and len(tag) >= 16:
        records = min(struct.unpack(">I", tag[8:12])[0], 16)
        rsize = struct.unpack(">I", tag[12:16])[0]
        if records and rsize >= 12:
            length, off = struct.unpack(">II", tag[16 + 4:16 + 12])
            raw = tag[off:off + min(length, 1024)]
            return _clean(raw.decode("utf-16-be", "replace"))
    return ""


# ------------------------------------------------------------------ PNG ---
def _png(data: bytes, meta: Metadata) -> None:
    pos = 8
    n = len(data)
    count = 0
    while pos + 8 <= n and count < MAX_SEGMENTS * 8:
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        count += 1
        if ctype == b"IEND" or length > n:
            return
        if ctype == b"tEXt":
            key, _, value = body.partition(b"\x00")
            _png_text(key, value, meta)
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            _png_text(key, _inflate(rest[1:]), meta)
        elif ctype == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            if len(rest) >= 2:
                compressed = rest[0] == 1
                rest = rest[2:]
                _lang, _, rest = rest.partition(b"\x00")
                _tkey, _, text = rest.partition(b"\x00")
                _png_text(key, _inflate(text) if compressed else text, meta)
        elif ctype == b"eXIf":
            _tiff(body[6:] if body[:6] == b"Exif\x00\x00" else body, meta)
        elif ctype == b"iCCP":
            name, _, rest = body.partition(b"\x00")
            meta.add_string("PNG iCCP profile name", name[:80])
            _icc(_inflate(rest[1:]), meta)
        pos += 12 + length


def _png_text(key: bytes, value: bytes, meta: Metadata) -> None:
    k = key[:80].decode("latin-1", "replace")
    if k == "XML:com.adobe.xmp":
        _xmp(value, meta)
    elif k.lower() in ("software", "comment", "description", "author", "source", "creator", "title"):
        meta.add_string(f"PNG {k}" if k != "Software" else "PNG Software", value[:MAX_TEXT])
    elif k.lower().startswith("raw profile type exif"):
        pass  # ImageMagick hex-encoded EXIF: the converter is named elsewhere


def _inflate(buf: bytes) -> bytes:
    try:
        d = zlib.decompressobj()
        out = d.decompress(buf, MAX_INFLATE)
        return out
    except zlib.error:
        return b""


# ------------------------------------------------------------------ WebP ---
def _webp(data: bytes, meta: Metadata) -> None:
    pos = 12
    n = min(len(data), 8 + struct.unpack("<I", data[4:8])[0]) if len(data) >= 8 else 0
    count = 0
    while pos + 8 <= n and count < MAX_SEGMENTS:
        ctype = data[pos:pos + 4]
        size = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        count += 1
        if ctype == b"EXIF":
            _tiff(body[6:] if body[:6] == b"Exif\x00\x00" else body, meta)
        elif ctype == b"XMP ":
            _xmp(body, meta)
        elif ctype == b"ICCP":
            _icc(body, meta)
        pos += 8 + size + (size % 2)


# ------------------------------------------------------------------ HEIF ---
def _boxes(buf: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the ISO-BMFF boxes in buf[start:end]."""
    pos = start
    count = 0
    end = min(end, len(buf))
    while pos + 8 <= end and count < MAX_SEGMENTS:
        size, btype = struct.unpack(">I4s", buf[pos:pos + 8])
        head = 8
        if size == 1:
            if pos + 16 > end:
                return
            size = struct.unpack(">Q", buf[pos + 8:pos + 16])[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            return
        count += 1
        yield btype, pos + head, pos + size
        pos += size


def _heif(data: bytes, meta: Metadata) -> None:
    meta_box = next(((s, e) for t, s, e in _boxes(data, 0, len(data)) if t == b"meta"), None)
    if meta_box is None:
        return
    s, e = meta_box
    items: dict[int, tuple[bytes, str]] = {}  # item id -> (type, content type)
    locs: dict[int, list[tuple[int, int, int]]] = {}  # item id -> [(method, offset, length)]
    idat: tuple[int, int] | None = None
    for t, bs, be in _boxes(data, s + 4, e):  # meta is a full box: skip version/flags
        if t == b"iinf":
            _iinf(data, bs, be, items)
        elif t == b"iloc":
            _iloc(data, bs, be, locs)
        elif t == b"idat":
            idat = (bs, be)
    for item_id, (itype, ctype) in items.items():
        if itype not in (b"Exif", b"mime"):
            continue
        payload = b"".join(_extent(data, m, o, ln, idat) for m, o, ln in locs.get(item_id, [])[:8])
        if itype == b"Exif" and len(payload) >= 4:
            skip = struct.unpack(">I", payload[:4])[0]
            tiff = payload[4 + skip:] if 4 + skip < len(payload) else payload[4:]
            if tiff[:6] == b"Exif\x00\x00":
                tiff = tiff[6:]
            _tiff(tiff, meta)
        elif itype == b"mime" and ("xmp" in ctype or "rdf+xml" in ctype):
            _xmp(payload, meta)


def _extent(data: bytes, method: int, off: int, length: int, idat: tuple[int, int] | None) -> bytes:
    length = min(length, MAX_XMP)
    if method == 0:
        return data[off:off + length] if off < len(data) else b""
    if method == 1 and idat is not None:
        s, e = idat
        return data[s + off:min(e, s + off + length)]
    return b""


def _iinf(data: bytes, s: int, e: int, items: dict[int, tuple[bytes, str]]) -> None:
    if s + 6 > e:
        return
    version = data[s]
    p = s + 4 + (2 if version == 0 else 4)
    for t, bs, be in _boxes(data, p, e):
        if t != b"infe" or bs + 4 > be:
            continue
        v = data[bs]
        if v < 2:
            continue
        q = bs + 4
        if v == 2:
            item_id = struct.unpack(">H", data[q:q + 2])[0]
            q += 2
        else:
            item_id = struct.unpack(">I", data[q:q + 4])[0]
            q += 4
        q += 2  # protection index
        itype = data[q:q + 4]
        q += 4
        name_end = data.find(b"\x00", q, be)
        ctype = ""
        if itype == b"mime" and name_end >= 0:
            ct_end = data.find(b"\x00", name_end + 1, be)
            ctype = data[name_end + 1:ct_end if ct_end >= 0 else be].decode("latin-1", "replace").lower()
        items[item_id] = (itype, ctype)


def _iloc(data: bytes, s: int, e: int, locs: dict[int, list[tuple[int, int, int]]]) -> None:
    if s + 8 > e:
        return
    version = data[s]
    p = s + 4
    a, b = data[p], data[p + 1]
    off_size, len_size, base_size = a >> 4, a & 15, b >> 4
    idx_size = b & 15 if version in (1, 2) else 0
    p += 2
    if version < 2:
        count = struct.unpack(">H", data[p:p + 2])[0]
        p += 2
    else:
        count = struct.unpack(">I", data[p:p + 4])[0]
        p += 4

    def num(size: int) -> int:
        nonlocal p
        if size == 0:
            return 0
        if size not in (4, 8) or p + size > e:
            raise ValueError("bad iloc field size")
        v = struct.unpack(">I" if size == 4 else ">Q", data[p:p + size])[0]
        p += size
        return v

    for _ in range(min(count, 4096)):
        if version < 2:
            item_id = struct.unpack(">H", data[p:p + 2])[0]
            p += 2
        else:
            item_id = struct.unpack(">I", data[p:p + 4])[0]
            p += 4
        method = 0
        if version in (1, 2):
            method = struct.unpack(">H", data[p:p + 2])[0] & 15
            p += 2
        p += 2  # data reference index
        base = num(base_size)
        extents = struct.unpack(">H", data[p:p + 2])[0]
        p += 2
        out = []
        for _ in range(min(extents, 64)):
            if idx_size:
                num(idx_size)
            off = num(off_size)
            length = num(len_size)
            out.append((method, base + off, length))
        locs[item_id] = out
        if p > e:
            return
