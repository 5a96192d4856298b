"""Tesseract (LSTM, chi_sim + eng): in-process through libtesseract, or through its command-line program.

Two back-ends, one engine:

``library`` (preferred)
    libtesseract (the library the ``tesseract`` program itself runs on, installed with it) called
    through its C API with ctypes.  Initialised APIs are kept in a bounded pool shared by the threads
    (at most one per core and language by default, ended after 60 s unused; ``IDCHECK_OCR_POOL``,
    ``IDCHECK_OCR_IDLE``), so a model is loaded once per pooled engine instead of once per call: measured on
    this 2-core machine, a program call costs 100-200 ms before it reads anything (process start, model load), the same
    line read in-process 8-15 ms.  It also gives a confidence per *character* (the program's TSV
    only has one per word, and chi_sim's words are whole lines).  OpenMP is limited to one thread
    when the library is loaded (``OMP_THREAD_LIMIT=1`` for the load only: 2-3x faster on a small
    machine and no fight with other workers for the cores); if another library loaded OpenMP first
    without that limit, the program back-end is used instead.  The timeout is Tesseract's own
    deadline (``ETEXT_DESC``), checked between words.
``program``
    the ``tesseract`` program (found by pytesseract's ``tesseract_cmd``), one process per script
    with ``OMP_THREAD_LIMIT=1`` and a hard timeout, the crops stacked into one small PNG on standard
    input and read with page segmentation mode 6 (7 for a single crop); confidences per word.
    Used where libtesseract cannot be loaded, or when ``IDCHECK_TESSERACT=program``.

Character sets are restricted where the format allows it (``tessedit_char_whitelist``): digits and
X for an ID number, digits and capitals for a credit code, the MRZ alphabet for an MRZ line.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from collections.abc import Hashable, Sequence
from functools import lru_cache

import cv2
import numpy as np

from .base import EMPTY, LineCrop, ReadLine, nfkc, register
from .pool import EnginePool

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# script -> (languages, whitelist or None)
_SETTINGS: dict[str, tuple[str, str | None]] = {
    "zh": ("chi_sim", None),
    "digits": ("eng", "0123456789X"),
    "alnum": ("eng", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "uscc": ("eng", USCC_ALPHABET),
    "mrz": ("eng", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"),
}
GAP = 24  # px of white between stacked crops (program back-end)
# Readings of one crop (line + a third of its height above and below): (height the crop is scaled to, page
# segmentation mode), variant 0 first.  Measured on the crops of 72 generated documents (benchmarks/ocr.py,
# tuning seed): no single setting reads every name (chi_sim's exact names vary 86-94% between 40 and 96 px
# and between modes 7 and 13, on different documents), so a name is read three ways and the readings vote;
# a number is read again another way only when its check characters failed.
VARIANTS: dict[str, tuple[tuple[int, int], ...]] = {
    "zh": ((64, 7), (48, 13), (80, 13)),
    "digits": ((56, 7), (48, 7), (64, 7), (72, 7)),
    "alnum": ((56, 7), (48, 7), (64, 7), (72, 7)),
    "uscc": ((56, 7), (48, 7), (64, 7), (72, 7)),
    "mrz": ((56, 7), (48, 7), (64, 7)),
}
LINE_HEIGHT = {script: v[0][0] for script, v in VARIANTS.items()}
BACKENDS = ("library", "program")


@lru_cache(maxsize=1)
def _program() -> str | None:
    try:
        import pytesseract

        cmd = pytesseract.pytesseract.tesseract_cmd
    except ImportError:
        cmd = "tesseract"
    return shutil.which(cmd) or (cmd if os.path.isfile(cmd) else None)


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    prog = _program()
    if prog is None:
        lib = _library()
        return frozenset(("chi_sim", "eng")) if lib is not None and lib.probe() else frozenset()
    try:
        out = subprocess.run([prog, "--list-langs"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = out.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


# -- the library back-end ---------------------------------------------------------------------------

RIL_SYMBOL = 4
RIL_WORD = 3
OEM_LSTM_ONLY = 1
PSM_SINGLE_BLOCK = 6
PSM_SINGLE_LINE = 7


class _Library:
    """libtesseract through its C API.  Initialised ``TessBaseAPI`` objects (one per language; ~54 MB for
    chi_sim) live in a bounded :class:`~idcheck.ocr.engines.pool.EnginePool` shared by the threads: at most
    ``size`` per language (the cores by default), each lent for one line, ended after the idle time."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        V, Int, C = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        sig = {
            "TessBaseAPICreate": (V, []),
            "TessBaseAPIInit2": (Int, [V, C, C, Int]),
            "TessBaseAPIEnd": (None, [V]),
            "TessBaseAPIDelete": (None, [V]),
            "TessBaseAPISetPageSegMode": (None, [V, Int]),
            "TessBaseAPISetVariable": (Int, [V, C, C]),
            "TessBaseAPISetImage": (None, [V, V, Int, Int, Int, Int]),
            "TessBaseAPIRecognize": (Int, [V, V]),
            "TessBaseAPIClear": (None, [V]),
            "TessBaseAPIGetIterator": (V, [V]),
            "TessResultIteratorDelete": (None, [V]),
            "TessResultIteratorNext": (Int, [V, Int]),
            "TessResultIteratorGetUTF8Text": (V, [V, Int]),
            "TessResultIteratorConfidence": (ctypes.c_float, [V, Int]),
            "TessResultIteratorGetPageIteratorConst": (V, [V]),
            "TessPageIteratorIsAtBeginningOf": (Int, [V, Int]),
            "TessPageIteratorBoundingBox": (Int, [V, Int] + [ctypes.POINTER(Int)] * 4),
            "TessDeleteText": (None, [V]),
            "TessMonitorCreate": (V, []),
            "TessMonitorDelete": (None, [V]),
            "TessMonitorSetDeadlineMSecs": (None, [V, Int]),
        }
        for name, (res, args) in sig.items():
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args
        self.pool = EnginePool(self._make, self._destroy)
        atexit.register(self.pool.close)  # else Tesseract prints leak warnings at exit
        self._ok: bool | None = None

    def _make(self, lang: Hashable) -> int | None:
        api = self.lib.TessBaseAPICreate()
        if not api:
            return None
        rc = self.lib.TessBaseAPIInit2(api, None, str(lang).encode(), OEM_LSTM_ONLY)
        if rc != 0:
            self.lib.TessBaseAPIDelete(api)
            return None
        # Tesseract's own debug statistics (printed for some blank crops) go nowhere
        self.lib.TessBaseAPISetVariable(api, b"debug_file", os.devnull.encode())
        return api

    def _destroy(self, api: int) -> None:
        self.lib.TessBaseAPIEnd(api)
        self.lib.TessBaseAPIDelete(api)

    def probe(self) -> bool:
        if self._ok is None:
            ok = True
            for lang in ("eng", "chi_sim"):
                with self.pool.borrow(lang) as api:
                    ok = ok and api is not None
            self._ok = ok
        return self._ok

    def close(self) -> None:
        self.pool.close()

    def read(self, image: np.ndarray, lang: str, whitelist: str | None, psm: int, deadline: float) -> ReadLine:
        with self.pool.borrow(lang, timeout=max(0.0, deadline - time.monotonic())) as api:
            if api is None:
                return EMPTY
            return self._read(api, image, lang, whitelist, psm, deadline)

    def _read(self, api: int, image: np.ndarray, lang: str, whitelist: str | None, psm: int,
              deadline: float) -> ReadLine:
        lib = self.lib
        img = np.ascontiguousarray(image, np.uint8)
        h, w = img.shape[:2]
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetVariable(api, b"tessedit_char_whitelist", (whitelist or "").encode())
        lib.TessBaseAPISetImage(api, img.ctypes.data, w, h, 1, w)
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms <= 0:
            lib.TessBaseAPIClear(api)
            return EMPTY
        mon = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(mon, left_ms)
            rc = lib.TessBaseAPIRecognize(api, mon)
        finally:
            lib.TessMonitorDelete(mon)
        if rc != 0 or time.monotonic() > deadline:
            lib.TessBaseAPIClear(api)
            return EMPTY
        text: list[str] = []
        confs: list[float] = []
        boxes: list[tuple[int, int, int, int]] = []
        words = 0
        ri = lib.TessBaseAPIGetIterator(api)
        if ri:
            try:
                pit = lib.TessResultIteratorGetPageIteratorConst(ri)
                b = [ctypes.c_int() for _ in range(4)]
                while True:
                    p = lib.TessResultIteratorGetUTF8Text(ri, RIL_SYMBOL)
                    if p:
                        raw = ctypes.cast(p, ctypes.c_char_p).value or b""
                        lib.TessDeleteText(p)
                        s = raw.decode("utf-8", "replace").strip()
                        if s:
                            if lib.TessPageIteratorIsAtBeginningOf(pit, RIL_WORD):
                                words += 1
                            c = max(0.0, float(lib.TessResultIteratorConfidence(ri, RIL_SYMBOL))) / 100.0
                            lib.TessPageIteratorBoundingBox(pit, RIL_SYMBOL, *[ctypes.byref(x) for x in b])
                            for ch in s:  # a symbol is one character for our scripts; keep the lengths equal
                                text.append(ch)
                                confs.append(c)
                                boxes.append((b[0].value, b[1].value, b[2].value, b[3].value))
                    if not lib.TessResultIteratorNext(ri, RIL_SYMBOL):
                        break
            finally:
                lib.TessResultIteratorDelete(ri)
        lib.TessBaseAPIClear(api)
        if not text:
            return EMPTY
        return nfkc(ReadLine("".join(text), min(confs), tuple(confs), {"words": words, "boxes": boxes, "width": w}))


@lru_cache(maxsize=1)
def _library() -> _Library | None:
    if os.environ.get("IDCHECK_TESSERACT", "") == "program":
        return None
    names = ["libtesseract.so.5", ctypes.util.find_library("tesseract")]
    preloaded = _omp_loaded()
    previous = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"  # read by libgomp when it is loaded (with libtesseract)
    try:
        lib = None
        for name in names:
            if not name:
                continue
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
    finally:
        if previous is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = previous
    if lib is None:
        return None
    if preloaded and _omp_thread_limit() not in (None, 1):
        return None  # OpenMP was already running without a thread limit: use the program (OMP_THREAD_LIMIT=1)
    try:
        out = _Library(lib)
    except AttributeError:  # an old library without the C API functions we use
        return None
    return out


def _omp_loaded() -> bool:
    try:
        ctypes.CDLL("libgomp.so.1", mode=getattr(os, "RTLD_NOLOAD", 4))
        return True
    except OSError:
        return False


def _omp_thread_limit() -> int | None:
    try:
        gomp = ctypes.CDLL("libgomp.so.1", mode=getattr(os, "RTLD_NOLOAD", 4))
        return int(gomp.omp_get_thread_limit())
    except (OSError, AttributeError):
        return None


@register("tesseract")
class TesseractEngine:
    name = "tesseract"
    variants = {script: len(v) for script, v in VARIANTS.items()}

    def __init__(self) -> None:
        self.why_unavailable = ""

    @property
    def backend(self) -> str:
        lib = _library()
        return "library" if lib is not None and lib.probe() else "program"

    def available(self) -> bool:
        lib = _library()
        if lib is not None and lib.probe():
            return True
        if _program() is None:
            self.why_unavailable = ("the tesseract program is not installed "
                                    "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
            return False
        missing = {"chi_sim", "eng"} - _languages()
        if missing:
            self.why_unavailable = f"Tesseract language data missing: {sorted(missing)} (Debian: tesseract-ocr-chi-sim)"
            return False
        return True

    def version(self) -> str:
        try:
            import pytesseract

            return str(pytesseract.get_tesseract_version())
        except Exception:
            return "unknown"

    def read_lines(self, crops: Sequence[LineCrop], *, timeout: float = 10.0) -> list[ReadLine]:
        lib = _library()
        if lib is not None and lib.probe():
            deadline = time.monotonic() + timeout
            out = []
            for crop in crops:
                lang, whitelist = _SETTINGS[crop.script]
                height, psm = _variant(crop)
                out.append(lib.read(_prepare(crop.image, height), lang, whitelist, psm, deadline))
            return out
        return _read_program(crops, timeout)


def _variant(crop: LineCrop) -> tuple[int, int]:
    v = VARIANTS[crop.script]
    return v[crop.variant % len(v)]


def _read_program(crops: Sequence[LineCrop], timeout: float) -> list[ReadLine]:
    results: list[ReadLine] = [EMPTY] * len(crops)
    groups: dict[str, list[int]] = {}
    for i, crop in enumerate(crops):
        groups.setdefault(crop.script, []).append(i)
    running = []
    for script, idx in groups.items():  # one process per script: its crops (and variants' scales) stacked
        image, bands = _stack([_prepare(crops[i].image, _variant(crops[i])[0]) for i in idx])
        lang, whitelist = _SETTINGS[script]
        psm = PSM_SINGLE_LINE if len(idx) == 1 else PSM_SINGLE_BLOCK
        running.append((idx, bands, _start(image, lang, psm, whitelist)))
    for idx, bands, proc in running:
        tsv = _finish(proc, timeout)
        lines = _assign(tsv, bands)
        for i, line in zip(idx, lines, strict=False):
            results[i] = line
    return results


def _prepare(img: np.ndarray, height: int) -> np.ndarray:
    g = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    h, w = g.shape[:2]
    if h < 4 or w < 4:
        return np.full((height, height), 255, np.uint8)
    f = height / h
    g = cv2.resize(g, (max(4, round(w * f)), height), interpolation=cv2.INTER_CUBIC)
    return g


def _stack(images: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    width = max(im.shape[1] for im in images) + 2 * GAP
    height = sum(im.shape[0] for im in images) + GAP * (len(images) + 1)
    canvas = np.full((height, width), 255, np.uint8)
    bands = []
    y = GAP
    for im in images:
        h, w = im.shape
        canvas[y:y + h, GAP:GAP + w] = im
        bands.append((y - GAP // 2, y + h + GAP // 2))
        y += h + GAP
    return canvas, bands


def _start(image: np.ndarray, lang: str, psm: int, whitelist: str | None) -> subprocess.Popen | None:
    prog = _program()
    if prog is None:
        return None
    ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        return None
    args = [prog, "stdin", "stdout", "-l", lang, "--oem", "1", "--psm", str(psm)]
    if whitelist:
        args += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if lang.startswith("chi"):
        args += ["-c", "preserve_interword_spaces=1"]
    args.append("tsv")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError:
        return None
    proc._idcheck_input = buf.tobytes()  # type: ignore[attr-defined]
    return proc


def _finish(proc: subprocess.Popen | None, timeout: float) -> str:
    if proc is None:
        return ""
    try:
        out, _ = proc.communicate(proc._idcheck_input, timeout=timeout)  # type: ignore[attr-defined]
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return ""
    if proc.returncode != 0:
        return ""
    return out.decode("utf-8", "replace")


def _assign(tsv: str, bands: list[tuple[int, int]]) -> list[ReadLine]:
    """TSV words -> one ReadLine per band (words ordered left to right; Chinese words joined without spaces)."""
    words: list[list[tuple[int, str, float]]] = [[] for _ in bands]
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            left, top, height, conf = int(cols[6]), int(cols[7]), int(cols[9]), float(cols[10])
        except ValueError:
            continue
        cy = top + height / 2
        for k, (y0, y1) in enumerate(bands):
            if y0 <= cy < y1:
                words[k].append((left, cols[11].strip(), max(0.0, conf) / 100.0))
                break
    out = []
    for ws in words:
        if not ws:
            out.append(EMPTY)
            continue
        ws.sort()
        text = ""
        chars: list[float] = []
        for _, word, conf in ws:  # the fields we read have no spaces: words are joined
            text += word
            chars.extend([conf] * len(word))
        out.append(nfkc(ReadLine(text, min(chars), tuple(chars), {"words": len(ws)})))
    return out
