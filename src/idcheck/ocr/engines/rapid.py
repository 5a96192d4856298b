"""RapidOCR (PaddleOCR PP-OCRv4 recognition model on ONNX Runtime): an optional extra.

``pip install idcheck[rapidocr]`` installs ``rapidocr-onnxruntime``, whose wheel ships the models:
nothing is downloaded at run time.  Only the recognition model is used: the crops are already
single lines, so neither text detection nor the angle classifier runs.  ONNX Runtime is limited to
one thread per session (the machine's cores belong to the bulk workers).

Without the package the engine is *unavailable* (``available()`` is False), not an error.
Mind that the wheel depends on ``opencv-python``, which installs a second ``cv2`` beside
``opencv-python-headless``; where that matters, install it with ``--no-deps`` plus
``onnxruntime pyclipper shapely six PyYAML``.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Sequence

import cv2
import numpy as np

from . import EMPTY, LineCrop, ReadLine, register

LINE_HEIGHT = 48  # the recogniser's input height (rec_img_shape 3 x 48 x 320)


@register("rapidocr")
class RapidEngine:
    name = "rapidocr"
    variants = {"zh": 1, "digits": 2, "alnum": 2, "uscc": 2, "mrz": 2}

    def __init__(self) -> None:
        self.why_unavailable = ""
        self._rec = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        if importlib.util.find_spec("rapidocr_onnxruntime") is None:
            self.why_unavailable = "RapidOCR is not installed (pip install 'idcheck[rapidocr]')"
            return False
        return True

    def version(self) -> str:
        try:
            from importlib.metadata import version

            return version("rapidocr-onnxruntime")
        except Exception:
            return "unknown"

    def _recogniser(self):
        if self._rec is None:
            from rapidocr_onnxruntime import RapidOCR

            engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
            self._rec = engine.text_rec
        return self._rec

    def read_lines(self, crops: Sequence[LineCrop], *, timeout: float = 10.0) -> list[ReadLine]:
        if not crops:
            return []
        images = [_prepare(c.image, c.variant, c.script) for c in crops]
        with self._lock:  # an ONNX session is not re-entrant across our threads' batches
            try:
                rec, _ = self._recogniser()(images, True)  # True: also the per-character probabilities
            except Exception:
                return [EMPTY] * len(crops)
        out = []
        for item in rec:
            if not item or not item[0]:
                out.append(EMPTY)
                continue
            text = str(item[0])
            probs = list(item[2][4]) if len(item) > 2 and len(item[2]) > 4 else [float(item[1])] * len(text)
            if len(probs) != len(text):
                probs = [float(item[1])] * len(text)
            kept = [(ch, float(p)) for ch, p in zip(text, probs) if not ch.isspace()]  # no format has spaces
            if not kept:
                out.append(EMPTY)
                continue
            chars = tuple(p for _, p in kept)
            out.append(ReadLine("".join(ch for ch, _ in kept), min(chars), chars, {"mean": float(item[1])}))
        return out


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
