"""The one decode of a file, shared by every later check.

Only the detected format's Pillow decoder may parse the bytes
(``Image.open(formats=[...])``), so a file that sniffs as PNG can never be
handed to, say, the TIFF or PSD parser.  The picture's pixel count is checked
from the header before anything is decoded (decompression bombs), JPEGs are
decoded straight to a reduced size in the DCT domain (``Image.draft``), EXIF
orientation is applied, and every mode (CMYK, 16-bit, palette, alpha, 1-bit)
ends as 8-bit RGB.
"""

from __future__ import annotations

import io
import math
import re
import struct
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps

try:  # libjpeg-turbo with its warnings surfaced (strict): a JPEG whose image data is corrupt is told, not guessed
    import simplejpeg  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - a declared dependency; without it OpenCV decodes and corruption is silent
    simplejpeg = None

from ..config import Config
from . import budget
from .decoded import DecodedImage
from .sniff import FormatSpec

_heif_lock = threading.Lock()
_heif_registered = False


def _ensure_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True


@dataclass
class DecodeResult:
    image: DecodedImage | None
    error: str | None = None  # why the picture could not be decoded
    facts: dict[str, Any] = field(default_factory=dict)  # width, height, orientation, frames, mode
    over_budget: budget.OverBudget | None = None  # refused before decoding (file.over_budget)


# Exceptions Pillow and its plugins raise on broken input (SyntaxError and
# struct.error come from some parsers; zlib.error from broken PNG streams).
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError,
                  struct.error, zlib.error, Image.DecompressionBombError, RuntimeError)


def decode(data: bytes, spec: FormatSpec, config: Config) -> DecodeResult:
    """Decode ``data`` (already sniffed as ``spec``) once, reduced for the checks."""
    if spec.pil_format == "HEIF":
        _ensure_heif()
    facts: dict[str, Any] = {}
    over = budget.before_open(data, spec.name, config)
    if over is not None:
        return DecodeResult(None, over.reason, facts, over)
    try:
        im = Image.open(io.BytesIO(data), formats=[spec.pil_format] if spec.pil_format else None)
    except Image.DecompressionBombError as exc:  # Pillow's own hard limit (2 x MAX_IMAGE_PIXELS)
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(found.group(1)) if found else 0
        return DecodeResult(None, _too_many_pixels(pixels, config.intake.max_pixels), facts)
    except _DECODE_ERRORS as exc:
        return DecodeResult(None, _reason(exc, "the image header is damaged"), facts)
    try:
        return _decode_opened(im, spec, config, facts, len(data), data)
    except MemoryError:
        return DecodeResult(None, "not enough memory to decode the picture", facts)
    except _DECODE_ERRORS as exc:
        return DecodeResult(None, _reason(exc, "the image data is damaged"), facts)
    finally:
        im.close()


def _too_many_pixels(pixels: int, limit: int, dims: str = "") -> str:
    return (f"the picture is {dims}{pixels / 1e6:.0f} MP, above the {limit / 1e6:.0f} MP limit "
            "(a possible decompression bomb); resize it to a normal photo size")


def _reason(exc: BaseException, default: str) -> str:
    text = str(exc).strip()
    if "truncated" in text.lower():
        return "the file is truncated: part of the image data is missing"
    if not text:
        return default
    return f"{default}: {text[:160]}"


def _decode_opened(im: Image.Image, spec: FormatSpec, config: Config, facts: dict[str, Any],
                   data_len: int, data: bytes | None = None) -> DecodeResult:
    width, height = im.size
    facts.update(stored_width=width, stored_height=height, mode=im.mode)
    if width <= 0 or height <= 0:
        return DecodeResult(None, "the picture has no pixels", facts)
    pixels = width * height
    limit = config.intake.max_pixels
    if pixels > limit:
        return DecodeResult(None, _too_many_pixels(pixels, limit, f"{width} x {height} = "), facts)
    target = config.decode.work_long_side
    reduced_by = "none"
    scale = 1
    if spec.pil_format == "JPEG" and max(width, height) > target:
        factor = target / max(width, height)
        requested = (max(1, math.ceil(width * factor)), max(1, math.ceil(height * factor)))
        mode_before = im.mode
        result = im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else None, requested)
        if result is not None and im.size != (width, height):
            reduced_by = "draft"
            # libjpeg's scaled size is the size divided by the scale, rounded up: 4115 px at 1/2 is 2058, and
            # 4115 // 2058 = 1 sent odd-sized JPEGs to Pillow's slower decode and its own resampling
            scale = next((k for k in (2, 4, 8) if -(-width // k) == im.size[0]), 1)
        facts["draft_size"] = im.size
        facts["mode"] = mode_before
    # Decode before anything else touches the picture: some plugins (PNG's getexif) load the pixels
    # themselves, and a failed load there was swallowed while the second load() did nothing, so a
    # picture Pillow could not decode went on to the checks as a grey or half-drawn image.
    over = budget.before_load(im, data_len, (width, height), config)
    if over is not None:
        return DecodeResult(None, over.reason, facts, over)
    rgb = None
    pixels_of: Image.Image | None = None  # a grey or CMYK JPEG's pixels, decoded strictly (:func:`_jpeg_other`)
    if spec.pil_format == "JPEG" and data is not None:
        try:
            rgb = _jpeg_rgb(im, data, scale, facts)
            if rgb is None:
                pixels_of = _jpeg_other(im, data, scale, facts)
        except CorruptJpeg as exc:
            facts["corrupt"] = str(exc)
            return DecodeResult(None, f"its image data is corrupt: the JPEG decoder reports \u201c{exc}\u201d, and "
                                      f"part of the picture is noise", facts)
    if rgb is None and pixels_of is None:
        im.load()  # raises on truncated or corrupt data
    try:
        exif = im.getexif()  # parsed once: orientation and camera tags (no pixels are read)
    except Exception:  # a broken EXIF block is not a broken picture
        exif = None
    orientation = _orientation(im, exif)
    facts["orientation"] = orientation
    facts.update(_camera_tags(exif))
    frames = int(getattr(im, "n_frames", 1) or 1)
    facts["frames"] = frames
    already_upright = "original_orientation" in im.info  # pillow-heif applies HEIF transforms itself
    upright = (height, width) if orientation in (5, 6, 7, 8) and not already_upright else (width, height)
    facts["width"], facts["height"] = upright
    if rgb is not None:
        # the JPEG path: libjpeg's 1/2-1/8 scaled decode straight into an RGB array (no Pillow image, no
        # copies), the last step to the working size by OpenCV's bilinear (factor < 2 after the draft, ~2 ms
        # where Pillow's resampling of a 2000 x 1500 draft took 25-30 ms), then the EXIF turn on the small copy
        h, w = rgb.shape[:2]
        if max(w, h) > target:
            f = target / max(w, h)
            rgb = cv2.resize(rgb, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_LINEAR)
            reduced_by = "draft+resize" if reduced_by == "draft" else "resize"
        rgb = _orient(rgb, orientation)
    else:
        if pixels_of is not None:
            # a grey or CMYK JPEG's strictly decoded pixels take Pillow's own steps from here; the decoded copy carries
            # no EXIF for exif_transpose to read, so it is turned as exif_transpose turns
            im = pixels_of.transpose(_EXIF_TRANSPOSE[orientation]) if orientation in _EXIF_TRANSPOSE else pixels_of
        elif not already_upright and orientation != 1:
            im = ImageOps.exif_transpose(im) or im
        w, h = im.size
        if max(w, h) > target and im.mode == "RGB":  # resample the decoded image itself: no array round trip
            f = target / max(w, h)
            im = im.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BILINEAR,
                           reducing_gap=2.0)
            reduced_by = "draft+resize" if reduced_by == "draft" else "resize"
        rgb = _to_rgb8(im)
        h, w = rgb.shape[:2]
        if max(w, h) > target:
            f = target / max(w, h)
            size = (max(1, round(w * f)), max(1, round(h * f)))
            rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0))
            reduced_by = "draft+resize" if reduced_by == "draft" else "resize"
        if not rgb.flags.c_contiguous:
            rgb = np.ascontiguousarray(rgb)
    facts["working_size"] = (rgb.shape[1], rgb.shape[0])
    facts["reduced_by"] = reduced_by
    decoded = DecodedImage(
        rgb=rgb,
        original_size=upright,
        format=spec.name,
        mode=str(facts["mode"]),
        reduced_by=reduced_by,
        notes={"frames": frames},
    )
    return DecodeResult(decoded, None, facts)


# libjpeg's DCT-domain scale -> OpenCV's reduced-decode flag (RGB output, stored orientation)
_CV_REDUCED = {1: cv2.IMREAD_COLOR_RGB, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2 | cv2.IMREAD_COLOR_RGB,
               4: cv2.IMREAD_REDUCED_GRAYSCALE_4 | cv2.IMREAD_COLOR_RGB,
               8: cv2.IMREAD_REDUCED_GRAYSCALE_8 | cv2.IMREAD_COLOR_RGB}


class CorruptJpeg(ValueError):
    """libjpeg-turbo decoded the picture only by filling in blocks it could not read (its warning is the message)."""


# libjpeg's warnings that the picture was not decoded from the file's data: the entropy-coded data ran into a marker
# while blocks were still to be decoded (JWRN_HIT_MARKER), or held a code no Huffman table has (JWRN_HUFF_BAD_CODE).
# The blocks from there on are filled in flat or decoded out of step: what the picture shows there is noise.
_DAMAGED = ("premature end of data segment", "bad Huffman code")
# ... and the decoder finished every block this many bytes or more before the end-of-image marker: the data it read
# was out of step (bit errors laid over 30 real development photos: 6-483 bytes in 41 of 180 copies).  Intact files
# also draw this warning, with fewer bytes (an encoder's stray junk byte before the end marker, found in 2 ImageNet
# pictures), and before other markers (scanners and IP cameras that pad restart intervals by hundreds of bytes,
# encoders that leave bytes between header segments): those are kept as a fact of the file, not a finding.
_EXTRANEOUS_BEFORE_END = re.compile(r"(\d+) extraneous bytes before marker 0x[dD]9")
_MIN_UNREAD_TAIL = 4  # bytes


def _damaged(message: str, data: bytes = b"") -> bool:
    """Whether a libjpeg warning says blocks of the picture were not decoded from the file's data.

    An unread tail before the end marker that is one byte value repeated (zeros, 0xFF fill) is an encoder's padding
    after intact data, not data read out of step: what a bit error leaves there is the rest of the entropy-coded
    data, which almost never repeats one byte 4 times or more (a 0xFF there is always followed by a stuffed 0x00)."""
    if any(m in message for m in _DAMAGED):
        return True
    tail = _EXTRANEOUS_BEFORE_END.search(message)
    if tail is None or int(tail.group(1)) < _MIN_UNREAD_TAIL:
        return False
    end = data.rfind(b"\xff\xd9")
    unread = data[max(0, end - int(tail.group(1))):end] if end > 0 else b""
    return len(set(unread)) != 1


def _strict_jpeg(data: bytes, size: tuple[int, int], scale: int, facts: dict[str, Any],
                 colorspace: str = "RGB") -> np.ndarray | None:
    """The picture decoded by libjpeg-turbo (simplejpeg) at ``scale``, its warnings surfaced; None when it cannot
    decode the file at all, or not to ``size`` (then OpenCV and Pillow decode it as before).

    Raises :class:`CorruptJpeg` when the decode succeeds only by filling in blocks (:func:`_damaged`); any other
    warning is recorded in ``facts["decoder_warning"]`` and the tolerant decode is used.  A file that ends early is
    left to Pillow, which names it truncated."""
    if simplejpeg is None:
        return None
    w, h = size
    want = {"min_factor": scale, "min_height": h, "min_width": w}
    try:
        rgb = simplejpeg.decode_jpeg(data, colorspace, **want)
    except ValueError as exc:
        message = str(exc).strip()[:200]
        if "Premature end of JPEG file" in message:
            return None
        if message.startswith("Corrupt JPEG data"):  # (not "could not determine subsampling": an odd, intact file)
            facts["decoder_warning"] = message
        try:
            rgb = simplejpeg.decode_jpeg(data, colorspace, strict=False, **want)
        except ValueError:
            # not recoverable here (simplejpeg reads the header strictly even when told not to): OpenCV or Pillow
            # decide, and name the error if there is one
            return None
        if _damaged(message, data):
            raise CorruptJpeg(message) from exc
    if rgb.ndim != 3 or (rgb.shape[1], rgb.shape[0]) != (w, h):
        return None
    return rgb


def _jpeg_rgb(im: Image.Image, data: bytes, scale: int, facts: dict[str, Any]) -> np.ndarray | None:
    """A YCbCr JPEG decoded by libjpeg-turbo at the draft's scale, or None (then Pillow decodes).

    Bit-identical to Pillow's draft (same scaled IDCT and upsampling), without Pillow's 4-byte pixel storage and
    the copy ``np.asarray`` makes of it: simplejpeg's strict decode first (:func:`_strict_jpeg`: 51 of 51 real JPEGs
    of the development photos identical to OpenCV's reduced decode, 10.8 against 11.6 ms), OpenCV's where it
    cannot.  Only plain 3-component pictures that Pillow reads as RGB take this path (grey and CMYK ones take
    :func:`_jpeg_other`; odd files stay with Pillow), and any failure (truncated data: OpenCV returns nothing)
    falls back to Pillow, whose error the report names.  Raises :class:`CorruptJpeg` for image data the decoder
    had to fill in.
    """
    flag = _CV_REDUCED.get(scale)
    components = im.layer  # type: ignore[attr-defined]  # a JpegImageFile (only JPEG reaches here): its components
    if flag is None or im.mode != "RGB" or len(components) != 3 or getattr(im, "n_frames", 1) not in (1, None):
        return None
    strict = _strict_jpeg(data, im.size, scale, facts)
    if strict is not None:
        return strict
    try:
        rgb = cv2.imdecode(np.frombuffer(data, np.uint8), flag | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error:
        return None
    if rgb is None or rgb.ndim != 3 or (rgb.shape[1], rgb.shape[0]) != im.size:
        return None
    return rgb


# EXIF orientation -> the turn ImageOps.exif_transpose makes
_EXIF_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                   4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270,
                   7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}


def _jpeg_other(im: Image.Image, data: bytes, scale: int, facts: dict[str, Any]) -> Image.Image | None:
    """A grey or CMYK JPEG decoded by libjpeg-turbo at the draft's scale, as the Pillow image ``im.load()`` would
    have made (the same pixels: Pillow's draft is the same scaled decode), or None (then Pillow decodes).

    Why: Pillow decodes corrupt data without a word (it fills the blocks in), so a scanner's grey JPEG or a print
    shop's CMYK one with damaged data went on to the checks; the strict decode names it (:class:`CorruptJpeg`).
    Pillow reads every CMYK JPEG with Adobe's inverted convention ("CMYK;I"); libjpeg returns the stored values, so
    they are inverted here to match."""
    if im.mode not in ("L", "CMYK") or getattr(im, "n_frames", 1) not in (1, None):
        return None
    w, h = im.size
    pixels = _strict_jpeg(data, im.size, scale, facts, "GRAY" if im.mode == "L" else "CMYK")
    if pixels is None or pixels.shape[2] != (1 if im.mode == "L" else 4):
        return None
    if im.mode == "CMYK":
        return Image.frombytes("CMYK", (w, h), (255 - pixels).tobytes())
    return Image.frombytes("L", (w, h), pixels.tobytes())


def jpeg_luma(data: bytes) -> np.ndarray | None:
    """A JPEG's full-resolution luminance (H x W uint8, stored orientation), or None when it cannot be decoded.

    The JPEG forensics' one deliberate second decode (see ``ImageContext.full_luma``).  libjpeg-turbo through
    simplejpeg, tolerant (a file with corrupt data never gets here: the first decode refused it): the same pixels as
    OpenCV's grey decode, 11.3 against 13.0 ms on the 51 real JPEGs of the development photos, and the warnings of
    intact files are not printed on stderr.  OpenCV where simplejpeg cannot read the file."""
    if simplejpeg is not None:
        try:
            luma = simplejpeg.decode_jpeg(data, "GRAY", strict=False)
            return luma.reshape(luma.shape[0], luma.shape[1])
        except ValueError:
            pass
    try:
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error:
        return None


def _orient(rgb: np.ndarray, orientation: int) -> np.ndarray:
    """EXIF orientation 2-8 applied to an H x W x 3 array (as ``ImageOps.exif_transpose``)."""
    if orientation == 1:
        return rgb
    ops = {2: lambda a: cv2.flip(a, 1), 3: lambda a: cv2.rotate(a, cv2.ROTATE_180),
           4: lambda a: cv2.flip(a, 0), 5: lambda a: cv2.transpose(a),
           6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
           7: lambda a: cv2.rotate(cv2.transpose(a), cv2.ROTATE_180),
           8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE)}
    op = ops.get(orientation)
    return op(rgb) if op else rgb


def _orientation(im: Image.Image, exif: Any) -> int:
    if "original_orientation" in im.info:  # HEIF: already applied by pillow-heif
        value = im.info.get("original_orientation") or 1
    else:
        try:
            value = exif.get(0x0112, 1) if exif is not None else 1
        except Exception:  # a broken EXIF block is not a broken picture
            value = 1
    try:
        value = int(value)
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value <= 8 else 1


_EXIF_TAGS = {0x010F: "make", 0x0110: "model", 0x0131: "software"}


def _camera_tags(exif: Any) -> dict[str, str]:
    """Camera make/model and software from the EXIF header (read without decoding pixels)."""
    out: dict[str, str] = {}
    if exif is None:
        return out
    for tag, key in _EXIF_TAGS.items():
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip("\x00 "):
            out[key] = value.strip("\x00 ")[:120]
    return out


def _to_rgb8(im: Image.Image) -> np.ndarray:
    """Any Pillow mode -> H x W x 3 uint8 RGB; transparency is flattened onto white, as viewers show it."""
    mode = im.mode
    if mode == "RGB":
        return np.asarray(im)
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        arr = np.asarray(im)
        if mode.startswith("I;16"):  # integer arithmetic: a float64 copy was 8 bytes per pixel (512 MB at 64 MP)
            gray = (arr.astype(np.uint32) * 255 // 65535).astype(np.uint8)
        else:
            arr = arr.astype(np.float64)
            top = max(float(arr.max()), 1.0)
            if arr.max() <= 255:
                top = 255.0
            gray = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        mode = im.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        background.alpha_composite(im)
        return np.asarray(background.convert("RGB"))
    return np.asarray(im.convert("RGB"))
