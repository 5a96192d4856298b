"""RapidOCR (PaddleOCR recognition models on ONNX Runtime): the default engine.

``rapidocr`` 3 (a dependency of idcheck, with ``onnxruntime``) ships the PP-OCRv6 small models inside its
wheel: nothing is downloaded at run time (verified with no network).  ``rapidocr-onnxruntime`` 1.x (PP-OCRv4)
stays readable as the engine ``rapidocr-onnxruntime`` for comparison.  Every reading is NFKC-normalised
(the recogniser's dictionary has full-width digits: ``１`` -> ``1``).  Only the recognition model is used: the crops are
already
single lines, so neither text detection nor the angle classifier runs.  ONNX Runtime is limited to
one thread per session (the machine's cores belong to the bulk workers).

Without the package the engine is *unavailable* (``available()`` is False), not an error.
"""

from __future__ import annotations

import copy
import importlib.util
import threading
import unicodedata
from collections.abc import Sequence

import cv2
import numpy as np

from .base import EMPTY, LineCrop, ReadLine, register
from .pool import default_size

LINE_HEIGHT = 48  # the recogniser's input height (rec_img_shape 3 x 48 x 320)


def _readlines(rec_items, n: int) -> list[ReadLine]:
    """(text, per-character probabilities or None, line score) per crop -> ReadLine, NFKC-normalised."""
    out = []
    for item in rec_items:
        if item is None:
            out.append(EMPTY)
            continue
        text, probs, score = item
        text = str(text or "")
        if not text:
            out.append(EMPTY)
            continue
        if probs is None or len(probs) != len(text):
            probs = [float(score)] * len(text)
        kept: list[tuple[str, float]] = []
        for ch, p in zip(text, probs, strict=False):
            if ch.isspace():
                continue  # no format has spaces
            for c in unicodedata.normalize("NFKC", ch):  # full-width digits and letters (１ -> 1)
                if not c.isspace():
                    kept.append((c, float(p)))
        if not kept:
            out.append(EMPTY)
            continue
        chars = tuple(p for _, p in kept)
        out.append(ReadLine("".join(ch for ch, _ in kept), min(chars), chars, {"mean": float(score)}))
    while len(out) < n:
        out.append(EMPTY)
    return out


BATCH_OVERHEAD = 2.0  # the cost of one more call to the recogniser, in line heights of input width (measured: ~5 ms)
MAX_BATCH = 6  # RapidOCR's own batch size (rec_batch_num)


MIN_RATIO = 320 / 48  # the recogniser's narrowest input (rec_img_shape 3 x 48 x 320): every line is padded to it
COMPACT_RATIO = 1.0  # a compact crop's (LineCrop.compact): padded only to its call's widest line


def batches(ratios: list[float], floor: float = MIN_RATIO) -> list[list[int]]:
    """The crops (by index) grouped into the recogniser's calls at the least cost.  The recogniser pads every line
    of a call to the widest one's width (at 48 px high, ``floor`` heights at least): a short date line read beside
    a long company name cost as much as the name (100-170 ms on a licence).  Lines sorted by width/height are cut
    into runs so that the padded width plus :data:`BATCH_OVERHEAD` per call is least (dynamic programming over the
    sorted ratios)."""
    n = len(ratios)
    if n <= 1:
        return [list(range(n))] if n else []
    order = sorted(range(n), key=lambda i: ratios[i])
    r = [max(floor, ratios[i]) for i in order]
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_BATCH), j):
            cost = best[i] + (j - i) * r[j - 1] + BATCH_OVERHEAD
            if cost < best[j]:
                best[j], cut[j] = cost, i
    groups = []
    j = n
    while j > 0:
        groups.append([order[k] for k in range(cut[j], j)])
        j = cut[j]
    return groups[::-1]


@register("rapidocr")
class RapidEngine:
    """RapidOCR 3 (``rapidocr``): the PP-OCRv6 small recognition model that ships inside the wheel, on ONNX
    Runtime (one thread).  Only the recogniser runs: the crops are single lines already."""

    name = "rapidocr"
    variants = {"zh": 1, "digits": 2, "alnum": 2, "uscc": 2, "mrz": 2}
    package = "rapidocr"
    module = "rapidocr"
    concurrent = True

    def __init__(self) -> None:
        self.why_unavailable = ""
        self._rec = None
        self._compact = None
        self._init_lock = threading.Lock()
        # RapidOCR 3's TextRecognizer.__call__ keeps no state between calls (it sorts, resizes and decodes
        # into locals) and ONNX Runtime's InferenceSession.run may be called from several threads at once,
        # so one recogniser serves the threads; a semaphore sized to the cores (IDCHECK_OCR_POOL) bounds how
        # many run together (each run holds its batch's tensors).  rapidocr-onnxruntime 1.x is not
        # checked for this: it stays serial (``concurrent = False``).
        self._slots = threading.BoundedSemaphore(default_size() if self.concurrent else 1)

    def available(self) -> bool:
        if importlib.util.find_spec(self.module) is None or importlib.util.find_spec("onnxruntime") is None:
            self.why_unavailable = f"RapidOCR is not installed (pip install {self.package} onnxruntime)"
            return False
        return True

    def version(self) -> str:
        try:
            from importlib.metadata import version

            return version(self.package)
        except Exception:
            return "unknown"

    def _recogniser(self, compact: bool = False):
        with self._init_lock:  # made once, by the first thread that needs it
            rec = self._make_recogniser()
            if not compact:
                return rec
            if self._compact is None:
                # the same session and decoder, with a least input width of one line height instead of 320 px:
                # a shallow copy (TextRecognizer reads rec_image_shape on every call and keeps no other state)
                narrow = copy.copy(rec)
                shape = list(rec.rec_image_shape)
                narrow.rec_image_shape = [shape[0], shape[1], max(8, round(shape[1] * COMPACT_RATIO))]
                self._compact = narrow
            return self._compact

    def _make_recogniser(self):
        if self._rec is None:
            from rapidocr import RapidOCR

            engine = RapidOCR(params={
                "Global.use_det": False, "Global.use_cls": False, "Global.log_level": "error",
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
            self._rec = engine._load_rec_model()
        return self._rec

    def _run(self, images: list[np.ndarray], grouped: bool = True, compact: Sequence[bool] | None = None) -> list:
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        items: list = [None] * len(images)
        ratios = [im.shape[1] / max(1, im.shape[0]) for im in images]
        flags = list(compact) if compact is not None else [False] * len(images)
        calls: list[tuple[list[int], bool]] = []
        for narrow in (False, True):  # compact crops are read apart, padded only to their own call's widest
            idx = [i for i in range(len(images)) if flags[i] == narrow]
            if not idx:
                continue
            if not grouped:
                calls.append((idx, narrow))
                continue
            floor = COMPACT_RATIO if narrow else MIN_RATIO
            calls += [([idx[k] for k in g], narrow) for g in batches([ratios[i] for i in idx], floor)]
        for group, narrow in calls:
            out = self._recogniser(narrow)(TextRecInput(img=[images[i] for i in group], return_word_box=True))
            words = list(out.word_results or [])
            for k, (text, score) in enumerate(zip(out.txts or (), out.scores or (), strict=False)):
                confs = getattr(words[k], "confs", None) if k < len(words) and words[k] is not None else None
                items[group[k]] = (text, list(confs) if confs else None, score)
        return items

    def read_lines(self, crops: Sequence[LineCrop], *, timeout: float = 10.0) -> list[ReadLine]:
        if not crops:
            return []
        images = [_prepare(c.image, c.variant, c.script) for c in crops]
        # MRZ lines are read in one call, as they were measured (benchmarks/mrz.py): the padding changes the
        # recogniser's reading a little, and a Polish passport's "ZS" then read "25" passes its check digit as
        # well (Z/2 and S/5 at weights 7 and 3 differ by 300): the lines are read as they were when measured
        grouped = not all(c.script == "mrz" for c in crops)
        with self._slots:
            try:
                items = self._run(images, grouped, [c.compact for c in crops])
            except Exception:
                return [EMPTY] * len(crops)
        return _readlines(items, len(crops))


@register("rapidocr-onnxruntime")
class RapidEngineV1(RapidEngine):
    """RapidOCR 1.x (``rapidocr-onnxruntime``, PP-OCRv4 models in its wheel): kept for comparison
    (``benchmarks/ocr.py --engines rapidocr-onnxruntime``); its wheel depends on ``opencv-python``."""

    name = "rapidocr-onnxruntime"
    package = "rapidocr-onnxruntime"
    module = "rapidocr_onnxruntime"
    concurrent = False

    def available(self) -> bool:
        if importlib.util.find_spec(self.module) is None:
            self.why_unavailable = "rapidocr-onnxruntime is not installed"
            return False
        return True

    def _make_recogniser(self):
        if self._rec is None:
            from rapidocr_onnxruntime import RapidOCR

            engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
            self._rec = engine.text_rec
        return self._rec

    def _run(self, images: list[np.ndarray], grouped: bool = True, compact: Sequence[bool] | None = None) -> list:
        rec, _ = self._recogniser()(images, True)  # True: also the per-character probabilities (1.x pads its own way)
        items: list[tuple[str, list | None, float] | None] = []
        for item in rec:
            if not item or not item[0]:
                items.append(None)
                continue
            probs = list(item[2][4]) if len(item) > 2 and len(item[2]) > 4 else None
            items.append((str(item[0]), probs, float(item[1])))
        return items


def _prepare(img: np.ndarray, variant: int = 0, script: str = "zh") -> np.ndarray:
    """-> H x W x 3 BGR (it was trained on BGR photos of lines); the recogniser scales it to 48 px high.

    Variant 1 (a second chance for a number that failed its check characters) stretches the line by a
    quarter horizontally: the recogniser's time steps then fall differently on the characters.

    An MRZ line is stretched to twice its width first: at 48 px high its 44 narrow characters get about
    two of the recogniser's time steps each, and a run of fillers ("<<<<") needs a blank step between
    every two (CTC), so runs were read short."""
    if script == "mrz" and img.shape[0] >= 2 and img.shape[1] >= 2:
        img = cv2.resize(img, (img.shape[1] * 2, img.shape[0]), interpolation=cv2.INTER_CUBIC)
    if variant % 2 == 1 and img.shape[0] >= 2 and img.shape[1] >= 2:
        img = cv2.resize(img, (round(img.shape[1] * 1.25), img.shape[0]), interpolation=cv2.INTER_CUBIC)
    if img.ndim == 2:
        bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    else:
        bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    h, w = bgr.shape[:2]
    if h < 2 or w < 2:
        return np.full((LINE_HEIGHT, LINE_HEIGHT, 3), 255, np.uint8)
    pad = max(2, h // 8)
    bgr = cv2.copyMakeBorder(bgr, pad, pad, pad * 2, pad * 2, cv2.BORDER_REPLICATE)
    return bgr
