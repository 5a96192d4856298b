"""Accuracy of the image checks on real photographs labelled by eye (the first benchmark a change answers to).

    .venv/bin/python -m benchmarks.real                       # ../shared/photos-dev, console channel
    .venv/bin/python -m benchmarks.real --dir PATH --list     # another labelled folder, one line per picture

The folder holds the pictures and ``labels.jsonl`` (one object per file: ``file``, ``defect``, ``expect``
- the codes a careful reviewer would raise - ``allow`` - codes that are debatable for that picture - and
``doc_kind``; see the folder's README).  Nothing here is tuned to the pictures: the benchmark only runs
``idcheck.check`` on each file as a user would and scores what it says.

Scoring, per code among :data:`SCORED`:

* true positive: the code fired and is in ``expect``; false negative: in ``expect`` and did not fire;
  false positive: fired, not in ``expect`` and not in ``allow``.  ``allow`` codes that fire count neither way.
* the same at error severity only (``precision_error``): the severity policy lets a code be an error only
  where that figure is >= 0.95 on real photographs.
* ``clean rejected``: the share of pictures labelled ``clean`` whose verdict, leaving out ``file.*`` findings
  (many web copies are under the registrar's 55 KB floor, which says nothing about the photo), is ``fail``;
  ``clean warned`` the share that would warn.
* a check that could not run on a picture (``image.not_judged``, naming the codes it could not judge) is counted
  per code (column ``n/j``), never as a pass.

Outline accuracy: where ``benchmarks/labels/<folder>-outlines.jsonl`` gives a picture's four document corners
(hand-labelled, original pixel coordinates of the upright picture), the detected quad's IoU with it and the
mean corner error (in % of the labelled document's diagonal) are reported; pictures whose document has a
corner out of the frame are reported apart.

Skips cleanly (exit 0, one line) when the folder is absent.  Writes JSON to ``benchmarks/results/real.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "photos-dev"
LABELS_DIR = Path(__file__).resolve().parent / "labels"

SCORED = ("document.not_found", "document.corner_missing", "document.occluded", "document.watermark",
          "image.blurry", "image.glare", "image.grayscale", "image.low_resolution", "image.screenshot",
          "image.screen_recapture", "tamper.local_edit")
# tamper.editing_software is a fact of the file's metadata (an editor's name in EXIF/XMP), which no eye can label:
# it is listed per picture with --list but not scored.


def _run_one(path: str) -> dict[str, Any]:
    import idcheck

    t0 = time.perf_counter()
    report = idcheck.check(path)
    ms = (time.perf_counter() - t0) * 1000
    findings = [{"code": f.code, "severity": f.severity,
                 "measured": None if f.measured is None else f.measured.value,
                 "not_judged": list(f.details.get("codes", [f.details.get("code")]))
                 if f.code == "image.not_judged" else []} for f in report.findings]
    doc = report.extra.get("document")
    non_file = [f for f in findings if not f["code"].startswith("file.")]
    sev = {f["severity"] for f in non_file}
    verdict_wo_file = "fail" if "error" in sev else "warn" if "warning" in sev else "pass"
    return {"file": os.path.basename(path), "verdict": report.verdict, "verdict_without_file": verdict_wo_file,
            "findings": findings, "document": doc, "size": [report.file.get("width"), report.file.get("height")],
            "ms": round(ms, 1), "timings": {k: round(v, 2) for k, v in report.timings.items()}}


def _polygon_iou(a: np.ndarray, b: np.ndarray) -> float:
    import cv2

    a = np.asarray(a, np.float32).reshape(-1, 2)
    b = np.asarray(b, np.float32).reshape(-1, 2)
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return float(inter / union) if union > 0 else 0.0


def _corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean distance between matched corners (the best of the 4 cyclic orders), in % of the truth's diagonal."""
    found = np.asarray(found, np.float64).reshape(4, 2)
    truth = np.asarray(truth, np.float64).reshape(4, 2)
    diag = max(np.linalg.norm(truth[0] - truth[2]), np.linalg.norm(truth[1] - truth[3]), 1.0)
    best = min(np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1).mean() for k in range(4))
    return float(100.0 * best / diag)


def load_outlines(folder: Path) -> dict[str, dict[str, Any]]:
    path = LABELS_DIR / f"{folder.name}-outlines.jsonl"
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["file"]] = rec
    return out


def score(records: list[dict[str, Any]], labels: dict[str, dict[str, Any]],
          outlines: dict[str, dict[str, Any]]) -> dict[str, Any]:
    per_code: dict[str, dict[str, Any]] = {c: {"tp": 0, "fp": 0, "fn": 0, "tp_error": 0, "fp_error": 0,
                                               "not_judged": 0, "fp_files": [], "fn_files": []} for c in SCORED}
    clean = {"n": 0, "fail": [], "warn": [], "error_codes": defaultdict(int)}
    for r in records:
        lab = labels[r["file"]]
        expect, allow = set(lab.get("expect", [])), set(lab.get("allow", []))
        fired = {f["code"]: f["severity"] for f in r["findings"]}
        not_judged = {c for f in r["findings"] for c in f.get("not_judged", [])}
        for code in SCORED:
            c = per_code[code]
            if code in fired:
                if code in expect:
                    c["tp"] += 1
                    c["tp_error"] += fired[code] == "error"
                elif code not in allow:
                    c["fp"] += 1
                    c["fp_error"] += fired[code] == "error"
                    c["fp_files"].append(r["file"])
            elif code in expect:
                c["fn"] += 1
                c["fn_files"].append(r["file"])
            if code in not_judged:
                c["not_judged"] += 1
        if lab["defect"] == "clean":
            clean["n"] += 1
            if r["verdict_without_file"] == "fail":
                clean["fail"].append(r["file"])
                for f in r["findings"]:
                    if f["severity"] == "error" and not f["code"].startswith("file."):
                        clean["error_codes"][f["code"]] += 1
            elif r["verdict_without_file"] == "warn":
                clean["warn"].append(r["file"])
    for c in per_code.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        ne = c["tp_error"] + c["fp_error"]
        c["precision_error"] = c["tp_error"] / ne if ne else None
    n_clean = max(clean["n"], 1)
    clean_summary = {"n": clean["n"], "fail_rate": len(clean["fail"]) / n_clean,
                     "warn_rate": len(clean["warn"]) / n_clean, "fail": clean["fail"], "warn": clean["warn"],
                     "error_codes": dict(clean["error_codes"])}
    verdicts = defaultdict(int)
    for r in records:
        verdicts[r["verdict_without_file"]] += 1

    outline_rows = []
    for r in records:
        truth = outlines.get(r["file"])
        if not truth or truth.get("quad") is None:
            continue
        found = (r.get("document") or {}).get("quad")
        row = {"file": r["file"], "visible": bool(truth.get("all_corners_visible", True)),
               "found": found is not None,
               "confident": bool((r.get("document") or {}).get("confident", False))}
        if found is not None:
            row["iou"] = round(_polygon_iou(found, truth["quad"]), 3)
            row["corner_error_pct"] = round(_corner_error(found, truth["quad"]), 2)
        else:
            row["iou"], row["corner_error_pct"] = 0.0, None
        outline_rows.append(row)
    visible = [o for o in outline_rows if o["visible"]]
    outline = {"n_labelled": len(outline_rows), "n_visible": len(visible),
               "iou_ge_0_9_visible": (sum(o["iou"] >= 0.9 for o in visible) / len(visible)) if visible else None,
               "median_iou_visible": float(np.median([o["iou"] for o in visible])) if visible else None,
               "median_corner_error_pct_visible": (float(np.median([o["corner_error_pct"] for o in visible
                                                                   if o["corner_error_pct"] is not None]))
                                                   if any(o["corner_error_pct"] is not None for o in visible)
                                                   else None),
               "median_iou_cut": (float(np.median([o["iou"] for o in outline_rows if not o["visible"]]))
                                  if any(not o["visible"] for o in outline_rows) else None),
               # calibration: how often an outline the engine calls confident (reports from) is right, against
               # a doubtful one (checks say "not judged") - on documents with four corners visible
               "confident_right": (sum(o["iou"] >= 0.9 for o in visible if o["confident"]),
                                   sum(o["confident"] for o in visible)),
               "doubtful_right": (sum(o["iou"] >= 0.9 for o in visible if not o["confident"]),
                                  sum(not o["confident"] for o in visible)),
               "rows": outline_rows}
    return {"per_code": per_code, "clean": clean_summary, "verdicts": dict(verdicts), "outline": outline}


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=os.environ.get("IDCHECK_REAL_DIR", str(DEFAULT_DIR)))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="one line per picture: label and what fired")
    ap.add_argument("--markdown", action="store_true", help="also print the per-code table as Markdown (for docs/)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "real.json"))
    args = ap.parse_args(argv)
    folder = Path(args.dir)
    labels_path = folder / "labels.jsonl"
    if not labels_path.exists():
        print(f"benchmarks.real: skipped, no labelled pictures at {folder}")
        return 0
    labels = {}
    for line in labels_path.read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            labels[rec["file"]] = rec
    paths = [str(folder / name) for name in sorted(labels) if (folder / name).exists()]
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            records = list(pool.map(_run_one, paths))
    else:
        records = [_run_one(p) for p in paths]
    wall = time.perf_counter() - started
    result = score(records, labels, load_outlines(folder))

    print(f"{folder}: {len(records)} real pictures in {wall:.0f} s")
    if args.list:
        for r in records:
            lab = labels[r["file"]]
            fired = " ".join(
                f"{f['code']}({f['severity'][0]})" for f in r["findings"] if not f["code"].startswith("file.")
            )
            print(f"  {r['file']:12} {lab['defect']:24} {r['verdict_without_file']:5} {fired}")
    print(
        f"{'code':26} {'tp':>3} {'fp':>3} {'fn':>3} {'prec':>5} {'rec':>5} {'prec@err':>8} {'n/j':>4}  false positives"
    )
    for code, c in result["per_code"].items():
        if c["tp"] + c["fp"] + c["fn"] + c["not_judged"] == 0:
            continue
        print(f"{code:26} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3} {_fmt(c['precision']):>5} {_fmt(c['recall']):>5} "
              f"{_fmt(c['precision_error']):>8} {c['not_judged']:>4}  {' '.join(c['fp_files'][:6])}")
    cl = result["clean"]
    print(f"clean pictures: {cl['n']}, verdict fail (file.* aside) {cl['fail_rate']:.0%} {' '.join(cl['fail'])}")
    print(f"                verdict warn {cl['warn_rate']:.0%}; errors on clean pictures by code: {cl['error_codes']}")
    print(f"verdicts (file.* aside): {result['verdicts']}")
    ol = result["outline"]
    if ol["n_labelled"]:
        share = ol["iou_ge_0_9_visible"]
        print(f"outline: {ol['n_visible']} documents with 4 corners visible: IoU >= 0.9 on "
              f"{'-' if share is None else f'{share:.0%}'}, median IoU {_fmt(ol['median_iou_visible'])}, median corner "
              f"error {_fmt(ol['median_corner_error_pct_visible'])}% of the diagonal; "
              f"{ol['n_labelled'] - ol['n_visible']} cut by the frame: median IoU {_fmt(ol['median_iou_cut'])}")
        (cr, cn), (dr, dn) = ol["confident_right"], ol["doubtful_right"]
        print(f"         calibration (4 corners visible): confident outlines at IoU >= 0.9 {cr} of {cn}, "
              f"doubtful ones {dr} of {dn}")
    if args.markdown:
        print("\n| code | found / labelled | false alarms | precision | recall | precision at error | not judged |")
        print("|---|---|---|---|---|---|---|")
        for code, c in result["per_code"].items():
            if c["tp"] + c["fp"] + c["fn"] + c["not_judged"] == 0:
                continue
            print(f"| `{code}` | {c['tp']} / {c['tp'] + c['fn']} | {c['fp']} | {_fmt(c['precision'])} | "
                  f"{_fmt(c['recall'])} | {_fmt(c['precision_error'])} | {c['not_judged']} |")
    ms = [r["ms"] for r in records]
    print(f"time: median {np.median(ms):.0f} ms, p90 {np.percentile(ms, 90):.0f} ms per picture (one process)")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump({"dir": str(folder), "wall_s": round(wall, 1), **result, "records": records}, fh, indent=1,
                  default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
