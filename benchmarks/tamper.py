"""Precision / recall of the tamper checks on generated untouched and forged document photos.

    .venv/bin/python -m benchmarks.tamper --seed 2 --bases 14 --out benchmarks/results/tamper.json

For each base photo (``fixtures.forgery.base_photos``) every untouched variant
(camera JPEG, re-saved once at 85-95, PNG, HEIC, conversions, an editor re-save)
and every forgery (spliced field from a JPEG donor on and off the grid, from a
PNG donor, typed text, copy-move) is generated and run through ``idcheck.check``
with ``idcheck.tamper.checks`` registered.  Scores per code:

* ``tamper.local_edit``: positive when any local_edit finding (warning or error)
  is reported; a true positive must also overlap the forged region.  Error-only
  figures are reported separately.  FP rate = untouched files with a finding.
  ``tight`` (``recall_tight``) counts a hit only when at least half of the
  finding's box lies on the forged box (a copy-move whose pasted side could not
  be told from its source is reported over both blocks: a hit, not a tight one).
* ``tamper.editing_software``: against the label (an editor's Software/XMP tag).

Thresholds were tuned on seed 1; report on another seed.  ``--cases a,b`` runs a
subset of the cases (quick tuning runs).  ``--size 4000x3000`` composes every base photo at that size (the
default draws 1800-2600 px wide, as the fixtures do): the 12 MP phone photo, where the analyses sample their
block grids more sparsely.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np


def _job(args: tuple[int, int, tuple[str, ...] | None, tuple[int, int] | None]) -> list[dict[str, Any]]:
    seed, index, only, size = args
    import idcheck

    # register the image checks first, in production order (document first, edit traces last), so that the
    # document detection is not timed as part of the tamper checks
    import idcheck.image.checks  # noqa: F401
    import idcheck.tamper.checks  # noqa: F401  (registers the checks)
    from fixtures import forgery

    rng = np.random.default_rng([seed, index])
    base = forgery.base_photos(rng) if size is None else forgery.base_photos(rng, out_size=size)
    rows = []
    for ci, case in enumerate(forgery.UNTOUCHED + forgery.FORGERIES):
        if case.startswith("heic") and index % 3:  # HEIC encoding is slow: one base in three
            continue
        if only and case not in only:
            continue
        data, lab = forgery.make_case(case, np.random.default_rng([seed, index, ci]), base)
        t = time.perf_counter()
        report = idcheck.check(data)
        ms = (time.perf_counter() - t) * 1000
        local = [f for f in report.findings if f.code == "tamper.local_edit"]
        hits = [f for f in local if lab["region"] and _overlaps(f.region, lab["region"])]
        tight = [f for f in hits if _inside_share(f.region, lab["region"]) >= 0.5]
        rows.append(
            {
                "index": index,
                "case": case,
                "kind": lab["kind"],
                "field": lab["field"],
                "q_camera": lab.get("q_camera"),
                "q_final": lab.get("q_final"),
                "q_donor": lab.get("q_donor"),
                "local_label": lab["local_edit"],
                "software_label": lab["editing_software"],
                "local": bool(local),
                "local_error": any(f.severity == "error" for f in local),
                "local_hit": bool(hits),
                "local_hit_error": any(f.severity == "error" for f in hits),
                "local_hit_tight": bool(tight),
                "detectors": sorted({f.details.get("detector") for f in local}),
                "software": report.has("tamper.editing_software"),
                "internal_error": report.has("internal.check_failed"),
                "ms_tamper": round(
                    report.timings.get("check.tamper.local", 0) + report.timings.get("check.tamper.metadata", 0), 1
                ),
                "ms_total": round(ms, 1),
            }
        )
    return rows


def _overlaps(region, truth) -> bool:
    if not region:
        return False
    rx = [p[0] for p in region]
    ry = [p[1] for p in region]
    tx = [p[0] for p in truth]
    ty = [p[1] for p in truth]
    ix = min(max(rx), max(tx)) - max(min(rx), min(tx))
    iy = min(max(ry), max(ty)) - max(min(ry), min(ty))
    return ix > 0 and iy > 0


def _inside_share(region, truth) -> float:
    """Share of the finding's box that lies on the forged box (1 = all of it)."""
    rx = [p[0] for p in region]
    ry = [p[1] for p in region]
    tx = [p[0] for p in truth]
    ty = [p[1] for p in truth]
    ix = max(0.0, min(max(rx), max(tx)) - max(min(rx), min(tx)))
    iy = max(0.0, min(max(ry), max(ty)) - max(min(ry), min(ty)))
    area = (max(rx) - min(rx)) * (max(ry) - min(ry))
    return ix * iy / area if area > 0 else 0.0


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pos = [r for r in rows if r["local_label"]]
    neg = [r for r in rows if not r["local_label"]]
    tp = sum(r["local_hit"] for r in pos)
    fp_files = sum(r["local"] for r in neg)
    flagged = sum(r["local"] for r in rows)
    out["tamper.local_edit"] = {
        "positives": len(pos), "negatives": len(neg),
        "recall": tp / max(1, len(pos)),
        "precision": tp / max(1, flagged),  # any flag on an untouched file or off the forged region is a false positive
        "fp_rate_untouched": fp_files / max(1, len(neg)),
        "recall_error": sum(r["local_hit_error"] for r in pos) / max(1, len(pos)),
        # a hit whose region lies at least half on the forged box (not a broad box that merely touches it)
        "recall_tight": sum(r.get("local_hit_tight", False) for r in pos) / max(1, len(pos)),
        "fp_rate_untouched_error": sum(r["local_error"] for r in neg) / max(1, len(neg)),
    }
    sp = [r for r in rows if r["software_label"]]
    sn = [r for r in rows if not r["software_label"]]
    stp = sum(r["software"] for r in sp)
    out["tamper.editing_software"] = {
        "positives": len(sp), "negatives": len(sn), "recall": stp / max(1, len(sp)),
        "precision": stp / max(1, stp + sum(r["software"] for r in sn)),
        "fp_rate": sum(r["software"] for r in sn) / max(1, len(sn)),
    }
    by_case: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "flagged": 0, "hit": 0, "tight": 0, "error": 0})
    for r in rows:
        c = by_case[r["case"]]
        c["n"] += 1
        c["flagged"] += r["local"]
        c["hit"] += r["local_hit"]
        c["tight"] += r.get("local_hit_tight", False)
        c["error"] += r["local_error"]
    out["by_case"] = dict(by_case)
    ms = sorted(r["ms_tamper"] for r in rows)
    out["ms_tamper_median"] = ms[len(ms) // 2] if ms else None
    out["internal_errors"] = sum(r["internal_error"] for r in rows)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--bases", type=int, default=12, help="base photos (each gives ~12 files)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None)
    ap.add_argument("--cases", default=None, help="comma-separated subset of cases (tuning runs)")
    ap.add_argument("--size", default=None, help="WxH of every base photo (default: 1800-2600 px wide, drawn)")
    args = ap.parse_args(argv)
    size = tuple(int(v) for v in args.size.lower().split("x")) if args.size else None
    t = time.perf_counter()
    only = tuple(args.cases.split(",")) if args.cases else None
    jobs = [(args.seed, i, only, size) for i in range(args.bases)]
    rows: list[dict[str, Any]] = []
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            for part in pool.map(_job, jobs):
                rows += part
    else:
        for j in jobs:
            rows += _job(j)
    summary = summarise(rows)
    summary["seed"] = args.seed
    summary["size"] = args.size
    summary["files"] = len(rows)
    summary["seconds"] = round(time.perf_counter() - t, 1)
    print(f"seed {args.seed}{f', {args.size}' if args.size else ''}: {len(rows)} files in {summary['seconds']} s")
    for code in ("tamper.local_edit", "tamper.editing_software"):
        print(code, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in summary[code].items()})
    print(f"{'case':16} {'n':>3} {'flagged':>7} {'on region':>9} {'tight':>5} {'error':>5}")
    for case, c in summary["by_case"].items():
        print(f"{case:16} {c['n']:>3} {c['flagged']:>7} {c['hit']:>9} {c['tight']:>5} {c['error']:>5}")
    print("median tamper ms:", summary["ms_tamper_median"], " internal errors:", summary["internal_errors"])
    if args.out:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        with open(args.out, "w") as fh:
            json.dump({"summary": summary, "rows": rows}, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
