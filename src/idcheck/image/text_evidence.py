"""Printed text in the picture, found by a learned text detector: evidence that a document is there.

Every document a registrar accepts (ID cards, passports, licences, certificates) is mostly print.  When the outline
found is doubtful (a window, a rug, a dog's basket make straight-sided quads too) or no outline is found at all, the
number of text lines in the picture settles whether a document is there: none at 640 px means no document that could
be read (a scene), several mean a document whose own edges were not found (it fills the picture, or a hand or the
frame cuts it).

The detector is DBNet, PP-OCRv6's small text-detection model shipped inside the ``rapidocr`` wheel (nothing is
downloaded), on ONNX Runtime with one thread.  It runs only when the outline leaves the question open, at
``TEXT_LONG_SIDE`` px: about 160 ms of CPU per picture on this project's 2-core machine (155-167 ms measured on a
1200 x 900 picture, one call at a time); the OCR stage reuses the lines it found (idcheck.ocr.textdoc).  Without
``rapidocr``/``onnxruntime`` the evidence is simply unavailable (None): the outline alone decides, as before.

The OCR stage uses the same detector to classify and locate a Chinese document by its printed labels
(:mod:`idcheck.ocr.textdoc`): it reuses this pass when the checks made it (``ctx.text_lines``), else reads only a
confident outline's box (``text_lines(crop, long_side=512)``).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from typing import Any

import cv2
import numpy as np

log = logging.getLogger("idcheck")

TEXT_LONG_SIDE = 640  # px: the picture's long side for the detector (at 480 px a card's 2 mm print is 2-3 px high and
#                       lines are lost: 0-2 found on ID photos that give 10-50 at 640; 960 px costs 2.5x as much)
# ONNX Runtime's memory arena kept between calls (rapidocr turns it off): the detector's activations are then not
# allocated and freed on every call.  Measured on this machine, one thread, CPU time: 16 real development photos at
# 640 px, 48 calls each way interleaved, mean 81.0 ms against 89.8 (median 82.4 against 84.5); one 480 x 640 input
# repeated, 87 against 110.  Resident memory: 23 MB more, flat after the first few shapes (the arena grows to the
# largest input, 640 x 640, and stays).  The boxes are identical (21 of 21 pictures compared: allocation only).
KEEP_ARENA = True
# -- print inside a doubtful outline (print_inside) ------------------------------------------------------------------
DOUBTFUL_BELOW = 0.8  # outline confidence under which print inside it is asked for (the detector's CONFIDENT: from
#                       there the outline's own straight sides are evidence enough)
MIN_LINES_INSIDE = 3  # text lines: the least a registrar's document shows (an ID card's emblem side: the country, the
#                       card's title, the issuing office and validity); the doubtful quads on scenes of the real
#                       development photos (a dresser, a building's facade, an app's title bar) held 0-1
MIN_CROP_PX = 300  # px, the flattened outline's long side: on a smaller crop print may be too small for the detector,
#                    and its silence says nothing (image.low_resolution speaks for such a document)


# The modules the detector's first use imports (0.6-0.9 s of CPU on this machine, against 0.08 s for its ONNX session):
# a scan's forkserver imports them once, before any worker forks (idcheck.bulk.pool), so that no worker pays them
DETECTOR_MODULES = ("rapidocr.main",)


class _Detector:
    """One DBNet session per process, loaded on first use, shared by threads (one run at a time)."""

    def __init__(self) -> None:
        self._det: Any = None
        self._failed = False
        self._lock = threading.Lock()

    def available(self) -> bool:
        if self._failed:
            return False
        return importlib.util.find_spec("rapidocr") is not None and importlib.util.find_spec("onnxruntime") is not None

    def _load(self):
        from rapidocr import RapidOCR  # lazy: an ONNX session costs ~0.3 s and 30 MB, only when asked for

        engine = RapidOCR(params={
            "Global.use_cls": False, "Global.use_rec": False, "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": KEEP_ARENA,
        })
        det = engine.text_det or engine._load_det_model()
        det.limit_type, det.limit_side_len = "max", TEXT_LONG_SIDE
        return det

    def boxes(self, bgr: np.ndarray) -> list[np.ndarray] | None:
        """Text-line quads (4 x 2 float32, ``bgr``'s pixels; the detector's own box threshold, 0.5, applies), or
        None when the detector is unavailable or failed."""
        if not self.available():
            return None
        with self._lock:
            try:
                if self._det is None:
                    self._det = self._load()
                out = self._det(bgr)
            except Exception as exc:  # a broken model install must not fail the check: the evidence is absent
                log.warning("text detector unavailable: %s", exc)
                self._failed = True
                return None
        if out.boxes is None or len(out.boxes) == 0:
            return []
        return [np.asarray(b, np.float32).reshape(4, 2) for b in out.boxes]


_DETECTOR = _Detector()


def text_lines(rgb: np.ndarray, long_side: int = TEXT_LONG_SIDE) -> list[np.ndarray] | None:
    """Text-line quads found in ``rgb`` (H x W x 3 uint8), in its pixels; None when no detector is available.

    The picture is reduced to ``long_side`` px on its long side first (area-averaged; never enlarged)."""
    h, w = rgb.shape[:2]
    f = min(1.0, min(long_side, TEXT_LONG_SIDE) / max(h, w))
    small = rgb if f >= 1.0 else cv2.resize(rgb, (max(8, round(w * f)), max(8, round(h * f))),
                                            interpolation=cv2.INTER_AREA)
    found = _DETECTOR.boxes(np.ascontiguousarray(small[:, :, ::-1]))
    if found is None:
        return None
    return [b / f for b in found]


def print_inside(crop: np.ndarray) -> bool | None:
    """Whether the flattened document ``crop`` (H x W x 3 RGB) shows print: ``MIN_LINES_INSIDE`` text lines or more.
    None when that cannot be told (no detector, or the crop under ``MIN_CROP_PX``)."""
    if max(crop.shape[:2]) < MIN_CROP_PX:
        return None
    lines = text_lines(crop)
    if lines is None:
        return None
    return len(lines) >= MIN_LINES_INSIDE
