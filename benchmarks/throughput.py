"""Throughput: idcheck against the decode-only floor and a naive full-resolution pipeline, in one run.

    .venv/bin/python -m benchmarks.throughput [--count 200] [--out benchmarks/results/throughput.json]

On one generated folder (12 MP and 3 MP JPEGs, PNG, WebP and HEIC; document
photos when fixtures.docgen is available, else photo-like textures) it measures:

  (a) decode floor   read + the same reduced decode idcheck does (JPEG DCT scaling), nothing else
  (b) idcheck        check() per image, no OCR, in this process; ms per stage from Report.timings
  (c) naive          the same checks on a full-resolution decode (no DCT scaling, no reduction)
  (d) scan           `idcheck scan` with 1 and with 2 worker processes: images/s end to end

and prints the targets: (b) <= 2 x (a) per image; (b) >= 5 x faster than (c); 2 workers >= 1.8 x one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np

import idcheck
from idcheck.bulk.run import scan
from idcheck.config import Config, DecodeConfig
from idcheck.intake.decode import decode
from idcheck.intake.sniff import sniff

from fixtures.formats import encode, textured

MIX = [  # (share, format, long side) of the folder
    (0.35, "jpeg", 4000),  # 12 MP phone photos
    (0.25, "jpeg", 2000),  # 3 MP
    (0.15, "png", 2000),
    (0.15, "webp", 2000),
    (0.10, "heic", 3000),
]


def _picture(rng: np.random.Generator, long_side: int, seed: int) -> np.ndarray:
    h, w = (long_side * 3) // 4, long_side
    try:
        from fixtures import docgen

        doc, _ = docgen.render_document(("id_card", "business_license")[seed % 2], rng)
        photo, _ = docgen.compose_photo(doc, rng, out_size=(w, h))
        return photo
    except Exception:  # the document generator is not there (or changed): photo-like texture
        return textured(h, w, seed=seed)


def make_folder(folder: str, count: int, seed: int = 7, distinct: int = 6) -> list[str]:
    """``count`` files; ``distinct`` different pictures per size, each file a flipped/shifted variant
    (rendering 200 fresh 12 MP pictures would take minutes; encoding each variant anew is what matters)."""
    rng = np.random.default_rng(seed)
    paths = []
    cache: dict[int, list[np.ndarray]] = {}
    n = 0
    for share, fmt, long_side in MIX:
        for _ in range(max(1, round(share * count))):
            pool = cache.setdefault(long_side, [])
            if len(pool) < distinct:
                pool.append(_picture(rng, long_side, n))
            pic = pool[n % len(pool)]
            pic = np.roll(pic[:, ::-1] if n % 2 else pic, shift=int(rng.integers(0, 64)), axis=1)
            ext = {"jpeg": "jpg"}.get(fmt, fmt)
            path = os.path.join(folder, f"{n:04d}_{fmt}_{long_side}.{ext}")
            with open(path, "wb") as fh:
                # HEIC with x265's fastest preset (the default took ~5 s per 12 MP picture; the decoder path is the
                # same), WebP at method 0: generating the set is not what is measured
                opts = {"heic": {"enc_params": {"preset": "ultrafast"}}, "webp": {"method": 0}}.get(fmt, {})
                fh.write(encode(pic, fmt, quality=88, **opts) if fmt in ("jpeg", "webp", "heic") else encode(pic, fmt))
            paths.append(path)
            n += 1
    return paths


def decode_floor(paths: list[str], config: Config) -> list[float]:
    times = []
    for path in paths:
        start = time.perf_counter()
        with open(path, "rb") as fh:
            data = fh.read()
        spec = sniff(data[:65536]).spec
        decode(data, spec, config)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run_checks(paths: list[str], config: Config) -> tuple[list[float], dict[str, list[float]]]:
    totals, stages = [], defaultdict(list)
    for path in paths:
        start = time.perf_counter()
        report = idcheck.check(path, config=config)
        totals.append((time.perf_counter() - start) * 1000)
        for stage, ms in report.timings.items():
            stages[stage].append(ms)
    return totals, stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--naive-count", type=int, default=40, help="images for the slow naive pipeline")
    parser.add_argument("--out", default="benchmarks/results/throughput.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="idcheck-bench-") as folder:
        t0 = time.perf_counter()
        paths = make_folder(folder, args.count)
        print(f"generated {len(paths)} images in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        config = Config()
        naive_config = Config(decode=DecodeConfig(work_long_side=1_000_000))
        idcheck.check(paths[0])  # warm-up: imports, libmagic database

        floor = decode_floor(paths, config)
        ours, stages = run_checks(paths, config)
        step = max(1, len(paths) // args.naive_count)
        naive_paths = paths[::step]
        naive, _ = run_checks(naive_paths, naive_config)
        ours_same = [ours[paths.index(p)] for p in naive_paths]

        rates = {}
        for jobs in (1, 2):
            summary = scan(folder, jobs=jobs, stream=open(os.devnull, "w"))
            rates[jobs] = summary["files_per_second"]

    mean = statistics.fmean
    result = {
        "images": len(paths),
        "mix": [{"share": s, "format": f, "long_side": l} for s, f, l in MIX],
        "decode_floor_ms": round(mean(floor), 2),
        "idcheck_ms": round(mean(ours), 2),
        "naive_ms": round(mean(naive), 2),
        "idcheck_ms_on_naive_subset": round(mean(ours_same), 2),
        "stages_ms": {k: round(mean(v), 2) for k, v in sorted(stages.items())},
        "scan_images_per_s": {"1 worker": rates[1], "2 workers": rates[2]},
        "ratios": {
            "idcheck / floor (target <= 2)": round(mean(ours) / mean(floor), 2),
            "naive / idcheck (target >= 5)": round(mean(naive) / mean(ours_same), 2),
            "2 workers / 1 (target >= 1.8)": round(rates[2] / rates[1], 2),
        },
        "cpus": os.cpu_count(),
    }
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2)

    print(f"\nthroughput on {len(paths)} images ({os.cpu_count()} CPUs)")
    print(f"  (a) decode floor      {result['decode_floor_ms']:8.1f} ms/image")
    print(f"  (b) idcheck, no OCR   {result['idcheck_ms']:8.1f} ms/image")
    print(f"  (c) naive full-res    {result['naive_ms']:8.1f} ms/image  (on {len(naive_paths)} images; idcheck on the same: "
          f"{result['idcheck_ms_on_naive_subset']:.1f})")
    print(f"  (d) scan, 1 worker    {rates[1]:8.1f} images/s")
    print(f"      scan, 2 workers   {rates[2]:8.1f} images/s")
    print("  ms per stage (mean):")
    for stage, ms in result["stages_ms"].items():
        print(f"      {stage:<28} {ms:8.2f}")
    print("  targets:")
    for name, value in result["ratios"].items():
        print(f"      {name:<32} {value}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
