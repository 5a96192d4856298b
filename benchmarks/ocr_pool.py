"""Memory of Tesseract OCR under thread churn (issue 21 item 2): bursts of fresh threads reading lines.

    PYTHONPATH=src python -m benchmarks.ocr_pool [--threads 16] [--bursts 10] [--reads 2] [--check]

Each burst starts ``--threads`` new threads (a fresh thread pool, like a service's worker threads coming and
going), each reading a name and a number ``--reads`` times through the Tesseract engine (``--check``: each
running ``idcheck.check(photo, ocr=True)`` on a generated ID-card photo with Tesseract instead); the process's
RSS is printed after every burst.  Before the pool: one libtesseract API per thread that ever read (~54 MB each).
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _line(text: str, size: int = 40) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", size, index=2)
    im = Image.new("L", (int(size * len(text) * 0.9) + 40, int(size * 1.6)), 255)
    ImageDraw.Draw(im).text((20, size * 0.2), text, font=font, fill=20)
    return np.asarray(im)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--bursts", type=int, default=10)
    ap.add_argument("--reads", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="whole checks with OCR instead of engine reads")
    args = ap.parse_args()
    from idcheck.ocr.engines import LineCrop, get_engine

    eng = get_engine("tesseract")
    crops = [LineCrop(_line("张建国"), "zh"), LineCrop(_line("11010519491231002X"), "digits")]
    work = lambda _: [eng.read_lines(crops) for _ in range(args.reads)]  # noqa: E731
    if args.check:
        import dataclasses

        import idcheck
        from fixtures import docgen
        from fixtures.formats import encode
        from idcheck.config import DEFAULT

        photo, _ = docgen.make_photo("id_card", np.random.default_rng(1), {})
        data = encode(photo, "jpeg", quality=90)
        cfg = dataclasses.replace(DEFAULT, ocr=dataclasses.replace(DEFAULT.ocr, engines=("tesseract",)))
        work = lambda _: [idcheck.check(data, ocr=True, config=cfg) for _ in range(args.reads)]  # noqa: E731
    work(0)
    print(f"load {os.getloadavg()[0]:.2f}  start RSS {rss_mb():.0f} MB")
    rows = []
    for burst in range(args.bursts):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as ex:  # new threads every burst
            list(ex.map(work, range(args.threads)))
        rows.append(rss_mb())
        print(f"burst {burst + 1}: RSS {rows[-1]:.0f} MB  ({time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"growth from burst 1 to {args.bursts}: {rows[-1] - rows[0]:+.0f} MB; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
