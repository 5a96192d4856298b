"""PassportEye on the MRZ development set, for ``benchmarks/mrz.py --compare-json`` (PassportEye is not a dependency).

Run it with a scratch virtual environment outside the repository, never idcheck's:

    python3 -m venv /tmp/pe_venv && /tmp/pe_venv/bin/pip install passporteye==2.2.2
    OMP_THREAD_LIMIT=1 /tmp/pe_venv/bin/python benchmarks/mrz_passporteye.py [--dir ../shared/mrz-dev]
                                                [--out benchmarks/results/mrz_passporteye.json] [--legacy]
    OMP_THREAD_LIMIT=1 .venv/bin/python -m benchmarks.mrz --only-compare \\
        --compare-json benchmarks/results/mrz_passporteye.json --compare-name "PassportEye 2.2.2"

Each image of ``truth.jsonl`` is read with ``passporteye.read_mrz(path)``, PassportEye's default settings (those
of its ``mrz`` command without ``--legacy``: Tesseract's LSTM engine, PassportEye's own MRZ whitelist and
``--psm 6``).  The lines written are those PassportEye parsed: its own clean-up (``MRZOCRCleaner``) of the
Tesseract text (``raw_text``, kept too), before its parser pads short lines with ``<``.  ``valid`` is its
``mrz.valid`` (every check digit, line length and its other checks), ``number`` its document number field.
ms is the wall-clock time of ``read_mrz`` per image.  This script never imports idcheck.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.mrz import default_dir  # noqa: E402  (benchmarks/mrz.py imports idcheck only when it runs it)

VENV_HINT = """PassportEye is not importable here; run this script with a scratch environment outside the repository:
    python3 -m venv /tmp/pe_venv && /tmp/pe_venv/bin/pip install passporteye==2.2.2
    OMP_THREAD_LIMIT=1 /tmp/pe_venv/bin/python benchmarks/mrz_passporteye.py
(PassportEye is never a dependency of idcheck.)"""


def versions() -> dict[str, str]:
    out = {}
    for name in ("passporteye", "pytesseract", "scikit-image", "numpy", "imageio", "scipy", "pdfminer"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    try:
        import pytesseract

        out["tesseract"] = str(pytesseract.get_tesseract_version())
    except Exception as e:  # a version string only
        out["tesseract"] = f"unknown ({e})"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "mrz_passporteye.json")
    ap.add_argument("--legacy", action="store_true", help="Tesseract's legacy engine (--oem 0), not the default")
    args = ap.parse_args(argv)
    # PassportEye 2.2.2 calls scikit-image APIs deprecated since 0.25 (io plugins, morphology.square): one warning
    # pair per image, not about the reading
    warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        from passporteye import read_mrz
        from passporteye.mrz.text import MRZOCRCleaner
    except ImportError:
        print(VENV_HINT)
        return 0
    folder = args.dir or default_dir()
    truth_path = folder / "truth.jsonl"
    if not truth_path.is_file():
        print(f"mrz_passporteye: {folder} not found (set IDCHECK_MRZ_DEV); skipped")
        return 0
    files = [json.loads(line)["file"] for line in truth_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    extra = "--oem 0" if args.legacy else ""
    rows: list[dict[str, Any]] = []
    for name in files:
        path = folder / name
        if not path.is_file():
            continue
        t0 = time.perf_counter()
        error = None
        try:
            mrz = read_mrz(str(path), extra_cmdline_params=extra)
        except Exception as e:  # a failure of the tool on one image is a reading of nothing
            mrz, error = None, f"{type(e).__name__}: {e}"
        ms = (time.perf_counter() - t0) * 1000.0
        if mrz is None:
            row: dict[str, Any] = {"file": name, "lines": [], "valid": False, "number": None, "mrz_type": None,
                                   "valid_score": 0, "raw_text": None, "method": None}
        else:
            d = mrz.to_dict()
            raw = mrz.aux.get("raw_text")
            row = {"file": name, "lines": MRZOCRCleaner.apply(raw) if raw is not None else [],
                   "valid": bool(mrz.valid), "number": d.get("number"), "mrz_type": mrz.mrz_type,
                   "valid_score": int(mrz.valid_score), "raw_text": raw, "method": mrz.aux.get("method")}
        row["ms"] = round(ms, 1)
        if error:
            row["error"] = error
        rows.append(row)
        print(f"{'V' if row['valid'] else ' '} {ms:7.0f} ms {name:42s} {' | '.join(row['lines']) or '(nothing)'}",
              flush=True)
    out = {"tool": f"PassportEye {metadata.version('passporteye')}", "settings": "--legacy" if args.legacy else
           "default (read_mrz, no extra Tesseract parameters)", "versions": versions(), "dir": str(folder),
           "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} images; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
