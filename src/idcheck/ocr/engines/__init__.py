"""OCR engines behind one small interface.

An engine reads **text lines**: each :class:`LineCrop` is a tight crop of one printed line (grey
or RGB, uint8) with a ``script`` hint that says what the line may contain:

    "zh"      Chinese text (names, company names): Han, digits, Latin letters, · 《》 （）
    "digits"  an identity number: digits and X
    "alnum"   a document number: digits and upper-case letters
    "uscc"    a unified social credit code: digits and the 21 capitals GB 32100 allows (no I O S V Z)
    "mrz"     a machine-readable-zone line: A-Z 0-9 <

``variant`` asks for the engine's alternative reading of the same crop (another scale or page
segmentation mode; ``engine.variants[script]`` says how many it has, 1 = none): a second opinion
for names, and another chance for a number that failed its check characters.

An engine returns one :class:`ReadLine` per crop, in order: the text and a confidence in 0..1 (the
weakest character's, where the engine gives character confidences; otherwise the line's).
Engines never raise for a bad picture: an empty read has ``text == ""`` and confidence 0.

Engines register themselves in :data:`ENGINES` by name; :func:`get_engine` makes one (cached:
loading models is the expensive part) and :func:`available` tells which can run here.  An
optional engine whose package is not installed is *unavailable*, never an import error.

Write a new engine as a class with ``name``, ``variants``, ``available()`` and ``read_lines(crops)``, decorate
it with :func:`register`, and import its module below.
The interface lives in :mod:`.base` (the engines import it from there); this package re-exports it.
"""

from . import rapid, tesseract  # noqa: F401,I001  (importing an engine registers it)
from .base import (
                   EMPTY,
                   ENGINES,
                   SCRIPTS,
                   EngineUnavailable,
                   LineCrop,
                   OcrEngine,
                   ReadLine,
                   available,
                   get_engine,
                   nfkc,
                   register,
                   resolve,
)

__all__ = ["EMPTY", "ENGINES", "SCRIPTS", "EngineUnavailable", "LineCrop", "OcrEngine", "ReadLine", "available",
           "get_engine", "nfkc", "register", "resolve"]
