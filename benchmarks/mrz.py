"""MRZ benchmark: idcheck's reading of real travel documents, without a profile.

    OMP_THREAD_LIMIT=1 .venv/bin/python -m benchmarks.mrz [--dir ../shared/mrz-dev] [--engines rapidocr,tesseract]
                                                          [--out benchmarks/results/mrz.json] [--verbose]
                                                          [--compare-json FILE [--compare-name NAME] [--only-compare]]

The images are real specimen passports, ID and residence cards and visas from public test suites, with the
MRZ transcribed by eye (``truth.jsonl``: ``file``, ``mrz`` lines, ``valid_as_printed``).  They are kept in
``../shared/mrz-dev/`` (``IDCHECK_MRZ_DEV`` overrides; the folder is never copied into the repository); without
the folder the benchmark says so and exits 0.

Each image is checked as a user would: ``idcheck.check(path, ocr=True)`` (no profile, ``kind="auto"``), and
the MRZ the report read (``extra["ocr"]["fields"]["mrz"]``, revealed) is compared with the transcription:

* number exact   the document number of the reading equals the printed one (reading valid or not)
* whole exact    every line of the reading equals the printed line
* valid, wrong number   the reading claims valid check digits and its document number differs from the
                       printed one: this must stay 0
* valid, a line differs the number is right but a line holding check digits differs (a character outside
                       the check digits' reach: the document code, an issuing state)
* valid          the reading claims valid check digits

Counted over the images whose printed MRZ passes every check digit (``valid_as_printed``: the targets'
denominator), per layout (TD1 3 x 30, TD2 2 x 36, TD3 2 x 44, MRV-A/B visas); the images printed with
deliberately wrong check digits are listed apart (a reading of them must never claim validity with a wrong
number either).  ms is the wall-clock time of the whole ``check()`` per image on this shared 2-core machine.

``--compare-json FILE`` scores another reader's readings of the same images with the same scorer and prints its
table after idcheck's (``--only-compare``: that table alone, in a second, without running idcheck).  The file is
what ``benchmarks/mrz_passporteye.py`` writes (PassportEye 2.2.2, run from a scratch virtual environment: it is
never a dependency): rows of ``file``, ``lines``, ``valid`` (the reader's claim) and ``ms``; an image without a
row counts as read as nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LAYOUT_OF = {30: "TD1", 36: "TD2", 44: "TD3"}


def default_dir() -> Path:
    env = os.environ.get("IDCHECK_MRZ_DEV")
    if env:
        return Path(env)
    # <repo>/../shared; a git worktree (<main>/../wt/<name>) looks one level further up as well
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "mrz-dev").is_dir():
            return base / "shared" / "mrz-dev"
    return ROOT.parent / "shared" / "mrz-dev"


def layout(lines: list[str]) -> str:
    if lines and lines[0][:1] == "V":
        return "MRV-A" if len(lines[0]) == 44 else "MRV-B"
    return LAYOUT_OF.get(len(lines[0]) if lines else 0, "?")


def document_number(lines: list[str]) -> str:
    """The document number printed in an MRZ (the long-number rule of TD1/TD2 included)."""
    if not lines:
        return ""
    if len(lines) == 3:  # TD1: line 1, 5-14, check at 14; a long number continues in the optional data
        main, check, opt = lines[0][5:14], lines[0][14:15], lines[0][15:30]
    elif len(lines) == 2:
        main, check, opt = lines[1][0:9], lines[1][9:10], ""
        if len(lines[0]) == 36 and lines[0][:1] != "V":
            opt = lines[1][28:35]
    else:
        return ""
    if check == "<" and opt[:1] not in ("", "<"):
        run = opt.split("<", 1)[0]
        return main + run[:-1]
    return main.rstrip("<")


def score(t: dict[str, Any], lines: list[str], valid: bool) -> dict[str, Any]:
    """One reading (``lines``, whether the reader claims valid check digits) against its truth record."""
    want = t["mrz"]
    num_ok = bool(lines) and document_number(lines) == document_number(want)
    # a valid claim is wrong when the number or a line holding check digits differs from the print
    # (the names line has no check digit: a misread name under valid check digits is counted in whole exact)
    data = [0, 1] if len(want) == 3 else [1]
    data_ok = len(lines) == len(want) and all(lines[i] == want[i] for i in data)
    return {"file": t["file"], "layout": layout(want), "printed_valid": bool(t["valid_as_printed"]),
            "read": lines, "valid": valid, "number_exact": num_ok, "whole_exact": lines == want,
            "wrong_but_valid": bool(valid and not num_ok),
            "valid_other_line_wrong": bool(valid and num_ok and not data_ok)}


def summary(sel: list[dict[str, Any]]) -> dict[str, Any]:
    return {"n": len(sel), "number_exact": sum(r["number_exact"] for r in sel),
            "whole_exact": sum(r["whole_exact"] for r in sel), "valid": sum(r["valid"] for r in sel),
            "wrong_but_valid": sum(r["wrong_but_valid"] for r in sel),
            "valid_other_line_wrong": sum(r["valid_other_line_wrong"] for r in sel)}


def tabulate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The printed-valid images, per layout, then the ones printed with wrong check digits."""
    good = [r for r in rows if r["printed_valid"]]
    bad = [r for r in rows if not r["printed_valid"]]
    table: dict[str, Any] = {"all printed-valid": summary(good)}
    by_layout: dict[str, list] = defaultdict(list)
    for r in good:
        by_layout[r["layout"]].append(r)
    for k in ("TD1", "TD2", "TD3", "MRV-A", "MRV-B"):
        if by_layout.get(k):
            table[f"  {k}"] = summary(by_layout[k])
    table["printed with wrong check digits"] = summary(bad)
    return table


def timing_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    mss = sorted(r["ms"] for r in rows if r.get("ms") is not None)
    return {"median_ms": round(statistics.median(mss), 1) if mss else None,
            "p90_ms": round(mss[max(0, int(0.9 * len(mss) + 0.999) - 1)], 1) if mss else None}


def print_table(title: str, table: dict[str, Any]) -> None:
    print(title)
    print(
        f"{'set':34s} {'n':>3s} {'numbers exact':>14s} {'whole exact':>12s} {'claim valid':>12s} "
        f"{'valid, wrong number':>20s} {'valid, a line differs':>22s}"
    )
    for k, s in table.items():
        n = max(1, s["n"])
        print(
            f"{k:34s} {s['n']:3d} {s['number_exact']:5d} ({100 * s['number_exact'] / n:3.0f}%) "
            f"{s['whole_exact']:4d} ({100 * s['whole_exact'] / n:3.0f}%) {s['valid']:12d} {s['wrong_but_valid']:20d} "
            f"{s['valid_other_line_wrong']:22d}"
        )


def load_readings(path: Path) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """Another reader's readings (``benchmarks/mrz_passporteye.py``): a JSON object with ``rows`` (and ``tool``),
    a JSON array or JSON lines, each row with ``file``, ``lines`` (or ``read``), ``valid`` and optionally ``ms``."""
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    tool = data.get("tool") if isinstance(data, dict) else None
    rows = data.get("rows", []) if isinstance(data, dict) else data
    return tool, {r["file"]: r for r in rows}


def score_readings(truth: list[dict[str, Any]], readings: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every truth record scored against the reading of its file; a file without a reading is a reading of nothing."""
    rows = []
    for t in truth:
        r = readings.get(t["file"]) or {}
        lines = [ln for ln in (r.get("lines") if r.get("lines") is not None else r.get("read") or []) if ln]
        rows.append({**score(t, lines, bool(r.get("valid"))), "ms": r.get("ms"), "missing": not r})
    return rows


def read_one(path: Path, config: Any) -> tuple[list[str], bool, float, dict[str, Any]]:
    import idcheck

    t0 = time.perf_counter()
    report = idcheck.check(str(path), ocr=True, config=config)
    ms = (time.perf_counter() - t0) * 1000.0
    d = report.to_dict(reveal=True)
    ocr = (d.get("extra") or {}).get("ocr") or {}
    f = (ocr.get("fields") or {}).get("mrz") or {}
    value = f.get("value") or ""
    lines = [ln for ln in str(value).split("\n") if ln]
    info = {
        "ocr_ms": ocr.get("ms"),
        "layout_read": ocr.get("layout"),
        "document": ocr.get("document"),
        "repairs": len(f.get("repairs") or []),
        "codes": [x.get("code") for x in d.get("findings", [])],
    }
    return lines, bool(f.get("valid")), ms, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--engines", default=None, help="OCR engine order (default: the configured one)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--compare-json", type=Path, default=None,
                    help="another reader's readings (benchmarks/mrz_passporteye.py), scored the same way")
    ap.add_argument("--compare-name", default=None, help="its name in the table (default: the file's tool)")
    ap.add_argument("--only-compare", action="store_true", help="score --compare-json alone, without idcheck")
    args = ap.parse_args(argv)
    if args.only_compare and not args.compare_json:
        ap.error("--only-compare needs --compare-json")
    folder = args.dir or default_dir()
    truth_path = folder / "truth.jsonl"
    if not truth_path.is_file():
        print(f"benchmarks.mrz: {folder} not found (set IDCHECK_MRZ_DEV); skipped")
        return 0
    truth = [json.loads(line) for line in truth_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result: dict[str, Any] = {}
    if not args.only_compare:
        result.update(run_idcheck(folder, truth, args.engines, args.verbose))
    if args.compare_json:
        tool, readings = load_readings(args.compare_json)
        name = args.compare_name or tool or args.compare_json.name
        rows = score_readings(truth, readings)
        if args.verbose:
            for r in rows:
                mark = "W" if r["whole_exact"] else ("n" if r["number_exact"] else "-")
                print(f"{mark} {'V' if r['valid'] else ' '} {r['ms'] or 0:7.0f} ms {r['file']:42s} "
                      f"{' | '.join(r['read']) or '(nothing)'}", flush=True)
        table, timing = tabulate(rows), timing_of(rows)
        missing = sum(r["missing"] for r in rows)
        print_table(f"{name} ({args.compare_json}): {len(rows)} images" + (f", {missing} without a reading"
                                                                            if missing else ""), table)
        print(f"ms per image: median {timing['median_ms']}, p90 {timing['p90_ms']} (as the file gives them)")
        result["compare"] = {"name": name, "file": str(args.compare_json), "summary": table, "timing": timing,
                             "rows": rows}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def run_idcheck(folder: Path, truth: list[dict[str, Any]], engines: str | None, verbose: bool) -> dict[str, Any]:
    from idcheck.config import DEFAULT
    from idcheck.ocr import engines as _engines

    config = DEFAULT
    if engines:
        config = replace(DEFAULT, ocr=replace(DEFAULT.ocr, engines=tuple(n for n in engines.split(",") if n)))
    eng = _engines.resolve(config.ocr.engines)
    engine_name = eng.name if eng else None
    rows = []
    for t in truth:
        path = folder / t["file"]
        if not path.is_file():
            continue
        lines, valid, ms, info = read_one(path, config)
        rows.append({**score(t, lines, valid), "ms": round(ms, 1), **info})
        if verbose:
            r = rows[-1]
            mark = "W" if r["whole_exact"] else ("n" if r["number_exact"] else "-")
            print(f"{mark} {'V' if valid else ' '} {ms:7.0f} ms {t['file']:42s} {' | '.join(lines) or '(nothing)'}",
                  flush=True)
    table, timing = tabulate(rows), timing_of(rows)
    print_table(f"MRZ benchmark: {folder} ({len(rows)} images), engine {engine_name}, no profile, kind auto", table)
    oms = sorted(r["ocr_ms"] for r in rows if r.get("ocr_ms") is not None)
    if oms:
        timing["ocr_median_ms"] = round(statistics.median(oms), 1)
        timing["ocr_p90_ms"] = round(oms[max(0, int(0.9 * len(oms) + 0.999) - 1)], 1)
    print(f"ms per image: whole check median {timing['median_ms']}, p90 {timing['p90_ms']}; "
          f"OCR stage median {timing.get('ocr_median_ms')}, p90 {timing.get('ocr_p90_ms')}")
    return {"engine": engine_name, "summary": table, "timing": timing, "rows": rows}

if __name__ == "__main__":
    raise SystemExit(main())
