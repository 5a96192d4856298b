"""The outline search's speed, and that a faster search finds exactly the same outlines.

    .venv/bin/python -m benchmarks.outline_speed --save benchmarks/results/outlines-base.json   # before a change
    .venv/bin/python -m benchmarks.outline_speed --compare benchmarks/results/outlines-base.json

Runs :func:`idcheck.image.document.detect` on the detection copy of every picture of a fixed set, as the image
context calls it (``detect(small, min_share=cfg.min_frame_share, min_score=cfg.min_edge_support)``):

* the real development photos (``../shared/photos-dev``, skipped when absent), decoded as
  ``benchmarks.ocr.context(data).small`` does;
* generated photos drawn as ``benchmarks.accuracy`` draws them (same kinds, backgrounds, defect strengths,
  encodings and seeds), for ``--seeds`` and ``--per-class`` per class.  Their detection copies are cached under
  ``benchmarks/results/outline_speed/`` (generating and decoding a photo costs far more than the search).

Records every picture's outline (quad, score, confidence, method, fill, frame share, details) and its CPU time
(``time.process_time``: the machine is shared, wall time is noise) for ``detect()``, repeated ``--repeat`` times
(the fastest kept).  ``--compare`` checks every outline against a saved run: the quad within ``QUAD_TOL_PX`` and
everything else equal (floats to 1e-9), and prints every difference.  Reports CPU ms per picture: median, p90,
mean, for the real and the generated pictures apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = Path(os.environ.get("IDCHECK_REAL_DIR", str(ROOT.parent / "shared" / "photos-dev")))  # as benchmarks.real
CACHE = ROOT / "benchmarks" / "results" / "outline_speed"
QUAD_TOL_PX = 1e-4  # working px: a quad's corners may move this much (float order), nothing else may change
FLOAT_TOL = 1e-9  # other numbers (scores, confidences, rounded details)


def _real_pictures(folder: Path) -> list[tuple[str, np.ndarray]]:
    from benchmarks.ocr import context

    if not (folder / "labels.jsonl").exists():
        print(f"outline_speed: no real photos at {folder}, skipped", file=sys.stderr)
        return []
    names = sorted(json.loads(line)["file"] for line in (folder / "labels.jsonl").read_text().splitlines()
                   if line.strip())
    out = []
    for name in names:
        path = folder / name
        if path.exists():
            out.append((f"real/{name}", np.ascontiguousarray(context(path.read_bytes()).small)))
    return out


def _generated(seed: int, cls: str, index: int) -> np.ndarray:
    """The detection copy of ``benchmarks.accuracy``'s photo (seed, class, index): generated, encoded and decoded
    as that benchmark does (its ``_job`` up to the check)."""
    from benchmarks.accuracy import draw
    from benchmarks.ocr import context

    return np.ascontiguousarray(context(draw(seed, cls, index)["data"]).small)


def _generated_pictures(seeds: list[int], per_class: int) -> list[tuple[str, np.ndarray]]:
    from benchmarks.accuracy import CLASSES, NEGATIVE_CLASSES

    CACHE.mkdir(parents=True, exist_ok=True)
    out = []
    for seed in seeds:
        for cls in NEGATIVE_CLASSES + CLASSES:
            for index in range(per_class):
                name = f"gen/{seed}-{cls}-{index}"
                path = CACHE / f"{seed}-{cls}-{index}.npy"
                if path.exists():
                    small = np.load(path)
                else:
                    small = _generated(seed, cls, index)
                    np.save(path, small)
                out.append((name, small))
    return out


def _plain(v: Any) -> Any:
    """JSON-able copy of a detail value (numpy scalars and arrays to Python)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return _plain(v.tolist())
    if isinstance(v, np.generic):
        return v.item()
    return v


def _record(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"quad": np.asarray(found.quad, np.float64).tolist(), "score": float(found.score),
            "confidence": float(found.confidence), "method": found.method, "fill": float(found.fill),
            "frame_share": float(found.frame_share), "details": _plain(found.details),
            "alternatives": [[a.method, np.asarray(a.quad, np.float64).tolist(), float(a.score), float(a.confidence)]
                             for a in found.alternatives]}


def run(pictures: list[tuple[str, np.ndarray]], repeat: int) -> dict[str, dict[str, Any]]:
    from idcheck.config import DEFAULT
    from idcheck.image.document import detect

    cfg = DEFAULT.document
    out = {}
    for name, small in pictures:
        times = []
        for _ in range(repeat):
            t0 = time.process_time()
            found = detect(small, min_share=cfg.min_frame_share, min_score=cfg.min_edge_support)
            times.append((time.process_time() - t0) * 1000)
        out[name] = {"outline": _record(found), "cpu_ms": min(times)}
    return out


def _differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where ``a`` and ``b`` differ: numbers beyond the tolerance (quads: ``QUAD_TOL_PX``), anything else unequal."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in one" for k in sorted(set(a) ^ set(b))]
        for k in sorted(set(a) & set(b)):
            out += _differences(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, f"{where}[{i}]")]
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return [] if a == b else [f"{where}: {a!r} vs {b!r}"]
    tol = QUAD_TOL_PX if ".quad" in where or "alternatives" in where else FLOAT_TOL
    return [] if abs(a - b) <= tol else [f"{where}: {a!r} vs {b!r}"]


def _summary(results: dict[str, dict[str, Any]], prefix: str) -> str:
    ms = np.array([r["cpu_ms"] for k, r in results.items() if k.startswith(prefix)])
    if not len(ms):
        return f"{prefix:5s} none"
    return (f"{prefix:5s} {len(ms):4d} pictures  detect() CPU ms: median {np.median(ms):.1f}  "
            f"p90 {np.percentile(ms, 90):.1f}  mean {ms.mean():.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=str(REAL_DIR), help="folder of real photos with labels.jsonl")
    ap.add_argument("--seeds", default="1,2", help="benchmarks.accuracy seeds of the generated photos")
    ap.add_argument("--per-class", type=int, default=12, help="generated photos per class and seed")
    ap.add_argument("--repeat", type=int, default=1, help="detect() runs per picture (the fastest is kept)")
    ap.add_argument("--only", choices=("real", "gen"), help="one of the two sets")
    ap.add_argument("--save", help="write the run (outlines and times) as JSON")
    ap.add_argument("--compare", help="a saved run: every outline must be the same")
    args = ap.parse_args(argv)
    pictures = []
    if args.only != "gen":
        pictures += _real_pictures(Path(args.real))
    if args.only != "real":
        pictures += _generated_pictures([int(s) for s in args.seeds.split(",")], args.per_class)
    results = run(pictures, args.repeat)
    print(_summary(results, "real"))
    print(_summary(results, "gen"))
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(json.dumps(results, indent=1))
    status = 0
    if args.compare:
        base = json.loads(Path(args.compare).read_text())
        common = sorted(set(base) & set(results))
        changed = {k: d for k in common if (d := _differences(base[k]["outline"], results[k]["outline"], k))}
        for k, diffs in changed.items():
            print(f"CHANGED {k}:", *diffs[:8], sep="\n  ")
        print(f"compared {len(common)} pictures with {args.compare}: {len(common) - len(changed)} identical, "
              f"{len(changed)} changed")
        if args.compare and len(common):
            for prefix in ("real", "gen"):
                pairs = [(base[k]["cpu_ms"], results[k]["cpu_ms"]) for k in common if k.startswith(prefix)]
                if pairs:
                    b, a = np.array(pairs).T
                    print(f"{prefix:5s} saved median {np.median(b):.1f} -> {np.median(a):.1f} ms, "
                          f"p90 {np.percentile(b, 90):.1f} -> {np.percentile(a, 90):.1f} ms")
        status = 1 if changed or len(common) < len(results) else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
