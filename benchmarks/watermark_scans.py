"""Watermarks over scanned documents: generated ID cards and licences cut out flat, as a scanner app exports them.

    .venv/bin/python -m benchmarks.watermark_scans [--seed 2] [--count 40]

The registrant's ID card is most often uploaded as a scan or a scanner app's crop: the picture is the card, with no
desk around it and so no outline to be sure of.  This benchmark renders ``--count`` documents of each kind
(``fixtures.docgen``: the resident ID card's front, the business licence), each cut out along its edges as a scanner
delivers it (a skew under a degree, the optics' spread, noise; JPEG quality 90: :func:`scanned`), and the same with
an app's tiled watermark over it (``docgen._watermark``: a phrase tiled at 25-45 degrees, grey, red, dark, blue or
white, at opacity 0.18, 0.28, 0.4 or 0.55 in turn).  It reports per kind and opacity how many watermarked documents
were found, missed, or not judged (``image.not_judged`` names the watermark), and the false alarms on the clean
ones.  Generated: it shares the generator's blind spots (``benchmarks.watermark_real`` lays watermarks over real
scans and photos).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter

import numpy as np
from PIL import Image

import idcheck
from fixtures import docgen

KINDS = ("id_card", "business_license")
ALPHAS = (0.18, 0.28, 0.4, 0.55)
NOISE = 2.0  # grey levels: a scanner's noise (a noiseless picture is what a screen draws)
OPTICS = 0.6  # px: a scanner's lens and sensor spread every edge (a gaussian's sigma at the scan's resolution)
SKEW = 0.6  # degrees: a document on the glass, or flattened by an app, is never exactly square to the pixel grid
QUALITY = 90


def scanned(doc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``doc`` (H x W x 3 uint8, as rendered) as a scanner or scanner app delivers it: turned by up to ``SKEW``
    degrees (edges replicated, so the picture stays the document), spread by ``OPTICS``, with ``NOISE``."""
    import cv2

    h, w = doc.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(-SKEW, SKEW)), 1.0)
    out = cv2.warpAffine(doc, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    out = cv2.GaussianBlur(out, (0, 0), OPTICS).astype(np.float32)
    return np.clip(out + rng.normal(0, NOISE, out.shape), 0, 255)


def _outcome(report) -> str:
    if any(f.code == "document.watermark" for f in report.findings):
        return "found"
    if any(f.code == "image.not_judged" and "document.watermark" in f.details.get("codes", [])
           for f in report.findings):
        return "not judged"
    return "missed"


def _jpeg(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=QUALITY)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--count", type=int, default=40, help="documents of each kind")
    args = ap.parse_args(argv)
    tally: Counter[tuple[str, float, str]] = Counter()
    false_alarms: list[str] = []
    for kind in KINDS:
        for i in range(args.count):
            rng = np.random.default_rng([args.seed, i, KINDS.index(kind)])
            doc, _ = docgen.render_document(kind, rng)
            noisy = scanned(doc, rng)
            alpha = ALPHAS[i % len(ALPHAS)]
            marked = np.clip(docgen._watermark(noisy.astype(np.float32), rng, alpha), 0, 255)
            if _outcome(idcheck.check(_jpeg(noisy.astype(np.uint8)))) == "found":
                false_alarms.append(f"{kind}#{i}")
            tally[(kind, alpha, _outcome(idcheck.check(_jpeg(marked.astype(np.uint8)))))] += 1
    print(f"seed {args.seed}: {args.count} documents of each kind cut out flat, each clean and watermarked")
    print(f"{'kind':18s} {'opacity':>7s} {'found':>6s} {'missed':>7s} {'not judged':>11s}")
    for kind in KINDS:
        for alpha in ALPHAS:
            print(f"{kind:18s} {alpha:7.2f} " + " ".join(
                f"{tally[(kind, alpha, o)]:{w}d}" for o, w in (("found", 6), ("missed", 7), ("not judged", 11))))
    found = sum(v for (_, _, o), v in tally.items() if o == "found")
    total = sum(tally.values())
    print(f"found {found} of {total} ({found / total:.0%}); false alarms on the clean documents: {len(false_alarms)} "
          + " ".join(false_alarms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
