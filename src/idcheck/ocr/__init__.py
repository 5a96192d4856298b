"""Read the document (OCR) and cross-check it against the profile.

::

    reading = read_document(ctx, expected="id_card")          # DocumentReading
    findings, extra = idcheck.ocr.crosscheck.run(ctx, profile, config)

The reading pipeline is :mod:`.read` (its steps, each in its own module, are listed there); the
comparison with the profile is :mod:`.crosscheck`; the engines are :mod:`.engines`.
OCR runs only when asked (a profile is given or ``ocr=True``), never in bulk scans by default.
"""

from . import engines
from .read import EXPECTED_LABEL, NUMBER_FORMAT, DocumentReading, FieldReading, mrz_label, read_document

__all__ = ["read_document", "DocumentReading", "FieldReading", "EXPECTED_LABEL", "NUMBER_FORMAT", "mrz_label",
           "engines"]
