"""benchmarks.watermark_scans draws what a scanner delivers, not what a screen draws."""

import cv2
import numpy as np

from benchmarks.watermark_scans import _outcome, scanned
from fixtures import docgen
from idcheck.image import capture


def test_a_scanned_licence_has_no_edge_drawn_along_a_pixel_row_and_keeps_its_size():
    rng = np.random.default_rng(0)
    doc, _ = docgen.render_document("business_license", rng)
    gray = cv2.cvtColor(doc, cv2.COLOR_RGB2GRAY)
    assert capture.panel_edges(gray) > 0  # as rendered, its printed frame runs exactly along pixel rows
    out = scanned(doc, rng)
    assert out.shape == doc.shape
    assert capture.panel_edges(cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2GRAY)) == 0


def test_the_outcome_reads_a_finding_a_not_judged_watermark_or_neither():
    class _F:
        def __init__(self, code, codes=()):
            self.code, self.details = code, {"codes": list(codes)}

    class _R:
        def __init__(self, *findings):
            self.findings = list(findings)

    assert _outcome(_R(_F("document.watermark"))) == "found"
    assert _outcome(_R(_F("image.not_judged", ["document.corner_missing", "document.watermark"]))) == "not judged"
    assert _outcome(_R(_F("image.not_judged", ["document.corner_missing"]))) == "missed"
    assert _outcome(_R()) == "missed"
