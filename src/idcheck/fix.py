"""Safe, mechanical fixes: ``idcheck fix FILE --out DIR``.

Only what the registrar allows and what needs no judgement:

* a wrong or missing extension: the same bytes under the right extension (no re-encoding at all);
* a format the channel does not take but idcheck can read (HEIC, PNG, WebP on the API channel; HEIC on
  request): re-saved as JPEG, which the registrar counts as re-saving, not editing;
* a file over the size limit: re-encoded as JPEG at the highest quality that fits just under the limit,
  and if even quality 70 does not fit, resampled down in steps (never below 1600 px on the long side);
* an EXIF orientation other than "upright": the pixels are turned upright and the tag set to 1, so a
  viewer that ignores EXIF shows the document the right way up.

It never changes pixels beyond re-encoding, resampling and that rotation; it keeps the EXIF (except the
orientation), ICC profile and XMP, so evidence of earlier editing is neither stripped nor faked; it never
writes over the input and never writes into a folder that would replace it.  The new file is checked
again and the new report returned.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageOps

from .api import check
from .config import CHANNELS, DEFAULT, Config
from .errors import UsageError
from .intake.decode import _DECODE_ERRORS, _ensure_heif, _to_rgb8
from .intake.sniff import by_name, sniff
from .intake.source import read_source
from .report import Report

MIN_LONG_SIDE = 1600  # px: below this an ID card's small print stops being legible (see image.low_resolution)
QUALITIES = (95, 92, 90, 88, 85, 82, 80, 75, 70)  # tried from the top: the highest that fits wins


@dataclass
class FixResult:
    source: str
    output: str | None  # None when nothing could or needed to be fixed
    actions: list[str] = field(default_factory=list)
    not_fixed: list[str] = field(default_factory=list)  # findings that need a person (blur, glare, ...)
    before: Report | None = None
    after: Report | None = None

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "actions": self.actions,
            "not_fixed": self.not_fixed,
            "before": self.before.to_dict(reveal) if self.before else None,
            "after": self.after.to_dict(reveal) if self.after else None,
        }


FIXABLE = {"file.extension_mismatch", "file.unsupported_type", "file.too_large"}


def fix(path: str, out_dir: str, *, channel: str = "console", to_jpeg: bool = False,
        config: Config | None = None) -> FixResult:
    """Fix what can be fixed mechanically in ``path``, writing a new file into ``out_dir``."""
    if channel not in CHANNELS:
        raise UsageError(f"channel must be one of {sorted(CHANNELS)}")
    config = config or DEFAULT
    rules = CHANNELS[channel]
    before = check(path, channel=channel, config=config)
    result = FixResult(source=path, output=None, before=before)
    result.not_fixed = sorted({f.code for f in before.findings if f.severity != "info"} - FIXABLE)
    # read like check(): a regular file only, opened without blocking, at most max_read_bytes (a FIFO or
    # /dev/zero can neither hang nor exhaust memory here)
    src = read_source(path, config)
    data = src.data
    if data is None or before.has("file.unreadable") or before.has("file.empty"):
        result.actions.append("nothing done: idcheck cannot read this file, so it cannot re-save it")
        return result
    spec = sniff(data[: config.intake.header_bytes]).spec
    if spec is None or not spec.decodable:
        result.actions.append("nothing done: idcheck cannot read this file, so it cannot re-save it")
        return result

    orientation = (before.file or {}).get("orientation", 1)
    convert = to_jpeg and spec.name != "jpeg" or spec.name not in rules.formats
    too_big = len(data) >= rules.max_bytes
    rotate = orientation not in (1, None) and spec.name != "heic"  # HEIC viewers honour its transform
    base = os.path.splitext(os.path.basename(path))[0]

    if not (convert or too_big or rotate):
        if before.has("file.extension_mismatch"):
            out = _target(out_dir, base, spec.extensions[0], path)
            _write_new(out, data)
            result.actions.append(f"same bytes saved as .{spec.extensions[0]}, the extension of their real format "
                                  f"({spec.title}); nothing re-encoded")
            return _recheck(result, out, channel, config)
        result.actions.append("nothing to fix mechanically")
        return result

    if spec.name == "heic":
        _ensure_heif()
    try:
        assert spec.pil_format is not None  # every decodable format names its Pillow decoder
        with Image.open(io.BytesIO(data), formats=[spec.pil_format]) as opened:
            im: Image.Image = opened  # exif_transpose below gives a plain Image
            if im.width * im.height > config.intake.max_pixels:
                raise ValueError(f"{im.width} x {im.height} pixels is above the {config.intake.max_pixels} pixel limit")
            im.load()
            if "orientation" not in (before.file or {}) and spec.name != "heic":
                # check() did not decode it (over the size limit): read the orientation here
                try:
                    orientation = int(im.getexif().get(0x0112, 1))
                except Exception:
                    orientation = 1
                rotate = orientation in range(2, 9)
            if rotate:  # before reading the metadata: _metadata resets the orientation tag
                im = ImageOps.exif_transpose(im)
                result.actions.append(f"turned upright (EXIF orientation {orientation} applied, tag set to 1)")
            keep = _metadata(im)
            picture = _rgb(im)
    except (_DECODE_ERRORS + (MemoryError,)) as exc:  # damaged data the size check let through: nothing to re-save
        result.actions.append(f"nothing done: the picture could not be decoded ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:120] if str(exc) else ''}), so it cannot be re-saved")
        return result
    target_format = "jpeg" if (convert or too_big or spec.name == "jpeg") else spec.name
    if target_format != spec.name:
        result.actions.append(f"re-saved from {spec.title} as JPEG (re-saving, not editing)")
    encoded, note = _encode_to_fit(picture, target_format, rules.max_bytes, keep)
    if note:
        result.actions.append(note)
    out = _target(out_dir, base, by_name(target_format).extensions[0], path)
    _write_new(out, encoded)
    return _recheck(result, out, channel, config)


def _recheck(result: FixResult, out: str, channel: str, config: Config) -> FixResult:
    result.output = out
    result.after = check(out, channel=channel, config=config)
    return result


def _metadata(im: Image.Image) -> dict[str, Any]:
    """EXIF (orientation reset to 1), ICC profile and XMP, carried over unchanged otherwise."""
    keep: dict[str, Any] = {}
    try:
        exif = im.getexif()
        if exif:
            exif[0x0112] = 1
            keep["exif"] = exif.tobytes()
    except Exception:  # unreadable EXIF: nothing to carry over
        pass
    if im.info.get("icc_profile"):
        keep["icc_profile"] = im.info["icc_profile"]
    xmp = im.info.get("xmp")
    if xmp:
        keep["xmp"] = xmp if isinstance(xmp, bytes) else str(xmp).encode()
    return keep


def _rgb(im: Image.Image) -> Image.Image:
    """8-bit RGB as idcheck's decode makes it (CMYK, 16-bit, palette, alpha flattened onto white)."""
    if im.mode in ("RGB", "L"):
        return im
    return Image.fromarray(_to_rgb8(im))


def _encode_to_fit(im: Image.Image, fmt: str, max_bytes: int, keep: dict[str, Any]) -> tuple[bytes, str | None]:
    """The highest JPEG quality under ``max_bytes``; resample down (not below MIN_LONG_SIDE) only if needed."""
    if fmt != "jpeg":
        buf = io.BytesIO()
        im.save(buf, format=by_name(fmt).pil_format, **keep)
        return buf.getvalue(), None
    current = im
    while True:
        for quality in QUALITIES:
            buf = io.BytesIO()
            options = dict(format="JPEG", quality=quality, subsampling=0 if quality >= 90 else 2, **keep)
            try:
                current.save(buf, optimize=True, **options)  # optimised Huffman tables: ~5% smaller, same pixels
            except OSError:  # Pillow's optimise buffer is too small for very noisy pictures
                buf = io.BytesIO()
                current.save(buf, **options)
            if buf.tell() < max_bytes:
                note = f"encoded as JPEG quality {quality} ({buf.tell()} bytes, under the {max_bytes}-byte limit)"
                if current.size != im.size:
                    note += f"; resampled from {im.size[0]}x{im.size[1]} to {current.size[0]}x{current.size[1]}"
                return buf.getvalue(), note
        long_side = max(current.size)
        if long_side <= MIN_LONG_SIDE:
            return buf.getvalue(), (f"could not fit under {max_bytes} bytes without going below {MIN_LONG_SIDE} px; "
                                    "saved at quality 70, still too large")
        factor = max(MIN_LONG_SIDE / long_side, 0.8)
        current = current.resize((round(current.size[0] * factor), round(current.size[1] * factor)),
                                 Image.Resampling.LANCZOS)


def _target(out_dir: str, base: str, ext: str, source: str) -> str:
    os.makedirs(out_dir, exist_ok=True)
    candidate = os.path.join(out_dir, f"{base}.{ext}")
    n = 1
    while os.path.exists(candidate) or os.path.realpath(candidate) == os.path.realpath(source):
        candidate = os.path.join(out_dir, f"{base}-fixed{'' if n == 1 else n}.{ext}")
        n += 1
    return candidate


def _write_new(path: str, data: bytes) -> None:
    """Write a new file; never replace an existing one (O_EXCL)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
