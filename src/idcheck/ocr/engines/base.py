"""The OCR engines' interface: the line crop, the reading, the engine protocol and the engine table.

The engines (``rapid.py``, ``tesseract.py``) import this module; ``idcheck.ocr.engines`` imports
the engines (which registers them) and re-exports every name here.  See that package for the contract.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

SCRIPTS = ("zh", "digits", "alnum", "uscc", "mrz")


@dataclass(frozen=True)
class LineCrop:
    """One printed line to read: ``image`` (H x W grey or H x W x 3 RGB, uint8), ``script`` hint.

    ``compact``: the line may be read at its own width.  An engine that pads every line to a fixed least width
    (RapidOCR: 320 px at 48 px high, so a two-character label costs as much as a 7-character line) need not pad
    it; used for the labels read to classify a document, whose readings are only matched against fixed labels."""

    image: np.ndarray
    script: str = "zh"
    variant: int = 0
    compact: bool = False

    def __post_init__(self) -> None:
        if self.script not in SCRIPTS:
            raise ValueError(f"script must be one of {SCRIPTS}, not {self.script!r}")
        if self.variant < 0:
            raise ValueError("variant must be >= 0")


@dataclass(frozen=True)
class ReadLine:
    """What an engine read: ``text``; ``confidence`` 0..1 (weakest character, or the line's);
    ``char_confidences`` per character of ``text`` where the engine knows them."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...] | None = None
    details: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # the text may be personal data
        return f"ReadLine(len={len(self.text)}, confidence={self.confidence:.2f})"


EMPTY = ReadLine("", 0.0)


def nfkc(line: ReadLine) -> ReadLine:
    """``line`` with its text NFKC-normalised (full-width digits and letters -> ASCII), the per-character
    confidences following the characters (a character that normalises to several keeps its confidence for
    each).  Every engine's reading passes through here before it is compared or reported."""
    if line.text.isascii():
        return line
    confs = line.char_confidences
    if confs is None or len(confs) != len(line.text):
        return ReadLine(unicodedata.normalize("NFKC", line.text), line.confidence, None, line.details)
    text: list[str] = []
    out: list[float] = []
    for ch, p in zip(line.text, confs, strict=True):  # lengths checked equal above
        for c in unicodedata.normalize("NFKC", ch):
            text.append(c)
            out.append(p)
    return ReadLine("".join(text), line.confidence, tuple(out), line.details)


class OcrEngine(Protocol):
    name: str
    variants: dict[str, int]  # script -> how many readings of one crop the engine can give (>= 1)

    def available(self) -> bool: ...

    def read_lines(self, crops: Sequence[LineCrop], *, timeout: float = 10.0) -> list[ReadLine]: ...


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (package or binary missing); the message says what to install."""


ENGINES: dict[str, Callable[[], OcrEngine]] = {}
_instances: dict[str, OcrEngine] = {}
_lock = threading.Lock()


def register(name: str) -> Callable[[type], type]:
    def deco(cls: type) -> type:
        ENGINES[name] = cls
        return cls

    return deco


def get_engine(name: str) -> OcrEngine:
    """The engine called ``name`` (one shared instance per process); EngineUnavailable if it cannot run."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; known: {sorted(ENGINES)}")
    with _lock:
        engine = _instances.get(name)
        if engine is None:
            engine = ENGINES[name]()
            if not engine.available():
                raise EngineUnavailable(getattr(engine, "why_unavailable", f"OCR engine {name} is not available"))
            _instances[name] = engine
    return engine


def available() -> list[str]:
    """Names of the engines that can run here."""
    out = []
    for name, factory in ENGINES.items():
        try:
            if factory().available():
                out.append(name)
        except Exception:  # an optional engine must never break the library
            continue
    return out


def resolve(preference: Sequence[str] | str) -> OcrEngine | None:
    """The first available engine of ``preference`` (a name or names in order), or None."""
    names = [preference] if isinstance(preference, str) else list(preference)
    for name in names:
        try:
            return get_engine(name)
        except (EngineUnavailable, ValueError):
            continue
    return None

