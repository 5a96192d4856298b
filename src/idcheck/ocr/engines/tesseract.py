"""Tesseract (LSTM, chi_sim + eng) through its command-line program.

pytesseract locates the program (``pytesseract.pytesseract.tesseract_cmd``) and tells its version;
the call itself is made here, because pytesseract passes the process environment unchanged and
writes temp files: we need ``OMP_THREAD_LIMIT=1`` for this call only (2-3x faster on a small
machine, and it does not fight other workers for the cores), a hard timeout, and the image on
standard input (a small PNG of one or a few line crops, never a page-sized temp file).

Crops of one script share one call: they are stacked vertically with white gaps and read with page
segmentation mode 6 (one uniform block of text); the words of the TSV output are handed back to the
crop whose band contains them.  A single crop is read with mode 7 (one line).  The Chinese crops and
the number crops run as two processes at the same time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from typing import Sequence

import cv2
import numpy as np

from . import EMPTY, LineCrop, ReadLine, register

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# script -> (languages, whitelist or None)
_SETTINGS: dict[str, tuple[str, str | None]] = {
    "zh": ("chi_sim", None),
    "digits": ("eng", "0123456789X"),
    "alnum": ("eng", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "mrz": ("eng", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"),
}
GAP = 24  # px of white between stacked crops
# crops (line + a third of its height above and below) are scaled to this height: measured on generated
# cards, chi_sim reads 12/12 names at 64 px and 10/12 at 40-48 px; tiny crops can even read as empty
LINE_HEIGHT = {"zh": 64, "digits": 56, "alnum": 56, "mrz": 56}


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
        return frozenset()
    try:
        out = subprocess.run([prog, "--list-langs"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = out.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


@register("tesseract")
class TesseractEngine:
    name = "tesseract"

    def __init__(self) -> None:
        self.why_unavailable = ""

    def available(self) -> bool:
        if _program() is None:
            self.why_unavailable = "the tesseract program is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
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
        results: list[ReadLine] = [EMPTY] * len(crops)
        groups: dict[str, list[int]] = {}
        for i, crop in enumerate(crops):
            groups.setdefault(crop.script, []).append(i)
        running = []
        for script, idx in groups.items():
            image, bands = _stack([_prepare(crops[i].image, LINE_HEIGHT[script]) for i in idx])
            lang, whitelist = _SETTINGS[script]
            psm = 7 if len(idx) == 1 else 6
            running.append((idx, bands, _start(image, lang, psm, whitelist)))
        for idx, bands, proc in running:
            tsv = _finish(proc, timeout)
            lines = _assign(tsv, bands)
            for i, line in zip(idx, lines):
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
        out.append(ReadLine(text, min(chars), tuple(chars), {"words": len(ws)}))
    return out
