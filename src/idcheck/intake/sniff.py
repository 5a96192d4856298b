"""What a file really is, from its first bytes.

Formats register themselves here with a cheap probe on the file's first bytes,
in the style of Pillow's plugins: the rest of idcheck knows only
:class:`FormatSpec`.  The table is authoritative for the accepted formats, so a
libmagic version difference can never flip a verdict; libmagic (python-magic)
runs beside it and names what the table does not know ("Zip archive data",
"ASCII text", ...), and its answer is kept in the report's file facts.

HEIF needs more than a magic number: the same ``ftyp`` box starts HEIC (HEVC),
AVIF (AV1), JPEG-in-HEIF and MP4 video.  :func:`heif_codec` reads the ``meta``
box (``pitm``/``iinf``) to find the primary item's codec, as libheif does.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

Probe = Callable[[bytes], bool]


@dataclass(frozen=True)
class FormatSpec:
    name: str  # stable id used in reports and channels: "jpeg", "png", ...
    title: str  # for messages: "JPEG"
    mime: str
    extensions: tuple[str, ...]  # lower-case, without dot; first is the one to suggest
    decodable: bool  # one of the registrar's formats, decoded by idcheck
    pil_format: str | None  # the only Pillow decoder allowed to parse it
    probe: Probe


FORMATS: list[FormatSpec] = []


def register(spec: FormatSpec) -> FormatSpec:
    FORMATS.append(spec)
    return spec


# -- probes -------------------------------------------------------------------

def _starts(*magics: bytes) -> Probe:
    return lambda head: any(head.startswith(m) for m in magics)


def _is_bmp(head: bytes) -> bool:
    # "BM" alone starts plenty of text files; a real BMP has a known DIB header size at offset 14.
    if len(head) < 18 or not head.startswith(b"BM"):
        return False
    (dib_size,) = struct.unpack_from("<I", head, 14)
    return dib_size in (12, 16, 40, 52, 56, 64, 108, 124)


def _is_webp(head: bytes) -> bool:
    return (
        len(head) >= 16 and head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X")
    )


def _is_ico(head: bytes) -> bool:
    # ICONDIR: reserved 0, type 1 (icon) or 2 (cursor), image count; the first entry's reserved byte is 0.
    if len(head) < 22:
        return False
    reserved, kind, count = struct.unpack_from("<HHH", head, 0)
    return reserved == 0 and kind in (1, 2) and 0 < count < 256 and head[9] == 0


def _is_svg(head: bytes) -> bool:
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        text.startswith(b"<?xml") or text.startswith(b"<svg") or text.startswith(b"<!doctype svg")
    ) and b"<svg" in text


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head[:4096]:
        return False
    sample = head[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte char cut at the sample's end is fine
        if exc.start < len(sample) - 4:
            return False
        text = sample[: exc.start].decode("utf-8")
    printable = sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text)
    return printable >= 0.95 * max(1, len(text))


def iso_boxes(data: bytes, start: int = 0, end: int | None = None):
    """Yield (type, payload_start, payload_end) of ISO-BMFF boxes in data[start:end]."""
    end = len(data) if end is None else min(end, len(data))
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                return
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos + header, min(pos + size, end)
        pos += size


def ftyp_brands(head: bytes) -> set[bytes]:
    """Major and compatible brands of the leading ``ftyp`` box (empty if none)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    (size,) = struct.unpack_from(">I", head, 0)
    size = min(max(size, 16), len(head))
    brands = {head[8:12]}
    brands.update(head[i : i + 4] for i in range(16, size - 3, 4))
    return brands


HEIF_BRANDS = {
    b"heic",
    b"heix",
    b"hevc",
    b"hevx",
    b"heim",
    b"heis",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
    b"mif2",
    b"heif",
    b"avif",
    b"avis",
    b"miaf",
}


def heif_codec(head: bytes) -> str | None:
    """The primary item's type in a HEIF file's meta box: 'hvc1' (HEVC), 'av01', 'jpeg', ...

    An iPhone HEIC's primary item is a 'grid' of 'hvc1' tiles: the grid's tiles decide.
    Returns None when the meta box is not within ``head``.
    """
    for kind, start, end in iso_boxes(head):
        if kind != b"meta":
            continue
        primary, item_types = None, {}
        for child, cstart, cend in iso_boxes(head, start + 4, end):  # meta is a full box
            if child == b"pitm" and cend - cstart >= 6:
                version = head[cstart]
                primary = struct.unpack_from(">H" if version == 0 else ">I", head, cstart + 4)[0]
            elif child == b"iinf" and cend - cstart >= 6:
                version = head[cstart]
                offset = cstart + 4 + (2 if version == 0 else 4)
                for entry, estart, eend in iso_boxes(head, offset, cend):
                    if entry != b"infe" or eend - estart < 12:
                        continue
                    ev = head[estart]
                    if ev < 2:
                        continue
                    if ev == 2:
                        item_id = struct.unpack_from(">H", head, estart + 4)[0]
                        type_at = estart + 8
                    else:
                        item_id = struct.unpack_from(">I", head, estart + 4)[0]
                        type_at = estart + 10
                    item_types[item_id] = head[type_at : type_at + 4].decode("latin-1")
        if primary is None or primary not in item_types:
            return None
        codec = item_types[primary]
        if codec == "grid":
            tiles = set(item_types.values()) - {"grid", "Exif", "mime", "uri "}
            return "hvc1" if "hvc1" in tiles else (sorted(tiles)[0] if tiles else "grid")
        return codec
    return None


def _heif_with(codecs: set[str], brands_hint: set[bytes]) -> Probe:
    def probe(head: bytes) -> bool:
        brands = ftyp_brands(head)
        if not brands & HEIF_BRANDS:
            return False
        codec = heif_codec(head)
        if codec is not None:
            return codec in codecs
        return bool(brands & brands_hint)  # meta box beyond the header: trust the brands

    return probe


def _is_other_heif(head: bytes) -> bool:
    brands = ftyp_brands(head)
    return bool(brands & HEIF_BRANDS)


def _is_iso_media(head: bytes) -> bool:
    return bool(ftyp_brands(head))


def _is_jp2(head: bytes) -> bool:
    return head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n") or head.startswith(b"\xff\x4f\xff\x51")


def _is_jxl(head: bytes) -> bool:
    return head.startswith(b"\xff\x0a") or head.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n")


# -- the table: accepted formats first, then formats we refuse by name ---------

register(
    FormatSpec("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), True, "JPEG", _starts(b"\xff\xd8\xff"))
)
register(FormatSpec("png", "PNG", "image/png", ("png",), True, "PNG", _starts(b"\x89PNG\r\n\x1a\n")))
register(FormatSpec("bmp", "BMP", "image/bmp", ("bmp", "dib"), True, "BMP", _is_bmp))
register(FormatSpec("webp", "WebP", "image/webp", ("webp",), True, "WEBP", _is_webp))
register(
    FormatSpec(
        "heic", "HEIC", "image/heic", ("heic", "heif", "hif"), True, "HEIF",
        _heif_with({"hvc1"}, {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}),
    )
)
register(FormatSpec("avif", "AVIF", "image/avif", ("avif",), False, None, _heif_with({"av01"}, {b"avif", b"avis"})))
register(
    FormatSpec("heif-other", "HEIF with a codec other than HEVC", "image/heif", ("heif",), False, None, _is_other_heif)
)
register(FormatSpec("gif", "GIF", "image/gif", ("gif",), False, None, _starts(b"GIF87a", b"GIF89a")))
register(
    FormatSpec(
        "tiff",
        "TIFF",
        "image/tiff",
        ("tif", "tiff"),
        False,
        None,
        _starts(b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),
    )
)
register(FormatSpec("pdf", "PDF document", "application/pdf", ("pdf",), False, None, _starts(b"%PDF-")))
register(
    FormatSpec(
        "psd", "Photoshop document (PSD)", "image/vnd.adobe.photoshop", ("psd", "psb"), False, None, _starts(b"8BPS")
    )
)
register(FormatSpec("jp2", "JPEG 2000", "image/jp2", ("jp2", "j2k"), False, None, _is_jp2))
register(FormatSpec("jxl", "JPEG XL", "image/jxl", ("jxl",), False, None, _is_jxl))
register(FormatSpec("ico", "Windows icon (ICO)", "image/vnd.microsoft.icon", ("ico", "cur"), False, None, _is_ico))
register(FormatSpec("svg", "SVG drawing", "image/svg+xml", ("svg",), False, None, _is_svg))
register(
    FormatSpec(
        "zip",
        "ZIP archive (or an Office document)",
        "application/zip",
        ("zip", "docx", "xlsx"),
        False,
        None,
        _starts(b"PK\x03\x04", b"PK\x05\x06"),
    )
)
register(FormatSpec("rar", "RAR archive", "application/vnd.rar", ("rar",), False, None, _starts(b"Rar!\x1a\x07")))
register(
    FormatSpec(
        "7z", "7-Zip archive", "application/x-7z-compressed", ("7z",), False, None, _starts(b"7z\xbc\xaf\x27\x1c")
    )
)
register(FormatSpec("gzip", "gzip archive", "application/gzip", ("gz",), False, None, _starts(b"\x1f\x8b")))
register(
    FormatSpec("mp4", "video or other ISO media (MP4/MOV)", "video/mp4", ("mp4", "mov"), False, None, _is_iso_media)
)
register(FormatSpec("text", "a text file", "text/plain", ("txt",), False, None, _is_text))


def by_name(name: str) -> FormatSpec:
    for spec in FORMATS:
        if spec.name == name:
            return spec
    raise KeyError(name)


@dataclass(frozen=True)
class Sniffed:
    spec: FormatSpec | None  # None: not in the table
    libmagic_mime: str | None
    libmagic_description: str | None

    @property
    def detected(self) -> str:
        """What the file is, in words, for messages."""
        if self.spec is not None:
            return self.spec.title
        if self.libmagic_description:
            return self.libmagic_description.split(",")[0]
        return "an unknown binary format"

    @property
    def mime(self) -> str:
        if self.spec is not None:
            return self.spec.mime
        return self.libmagic_mime or "application/octet-stream"


# python-magic's Magic objects are not thread-safe: one pair per thread.
_local = threading.local()


def _libmagic(head: bytes) -> tuple[str | None, str | None]:
    try:
        pair = getattr(_local, "magic", None)
        if pair is None:
            import magic  # lazy: python-magic over the system libmagic1, which may be missing (tolerated below)

            pair = (magic.Magic(mime=True), magic.Magic())
            _local.magic = pair
        return pair[0].from_buffer(head), pair[1].from_buffer(head)
    except Exception:  # libmagic missing or confused: the table still decides
        return None, None


def sniff(head: bytes) -> Sniffed:
    """Identify a file from its first bytes (``head``: at least a few KB when the file has them)."""
    spec = next((s for s in FORMATS if s.probe(head)), None)
    mime, description = _libmagic(head)
    return Sniffed(spec, mime, description)
