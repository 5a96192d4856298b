"""Memory over a long scan: resident memory of `idcheck scan` over 100 000 files must stay flat.

    .venv/bin/python -m benchmarks.memory [--files 100000] [--jobs 2] [--out benchmarks/results/memory.json]

The folder holds ``--files`` hard links to one small JPEG (1000 per sub-folder),
so it costs no disk; every link is checked as a separate file.  The scan runs
in a subprocess; its resident memory (the main process and, separately, the
largest worker) is sampled from /proc every half second and reported at 1%,
10%, 50% and 100% of the run.  Flat means the last sample is within a few MB
of the 10% one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from fixtures.formats import encode, textured


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (workers are children of the forkserver, itself a child of the scan)."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        for kid in kids.get(todo.pop(), []):
            out.append(kid)
            todo.append(kid)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/memory.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="idcheck-mem-") as tmp:
        root = os.path.join(tmp, "files")
        picture = encode(textured(240, 320, seed=1), "jpeg", quality=90)
        for i in range(args.files):
            folder = os.path.join(root, f"d{i // 1000:04d}")
            if i % 1000 == 0:
                os.makedirs(folder)
            if i % 50_000 == 0:  # a file system allows ~65 000 links to one file
                source = os.path.join(tmp, f"source{i}.jpg")
                with open(source, "wb") as fh:
                    fh.write(picture)
            os.link(source, os.path.join(folder, f"f{i:06d}.jpg"))
        out = os.path.join(tmp, "results.jsonl")
        cmd = [sys.executable, "-m", "idcheck.cli", "scan", root, "--out", out, "--jobs", str(args.jobs)]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples = []
        store = out + ".state.sqlite"
        while proc.poll() is None:
            time.sleep(0.5)
            kids = children(proc.pid)
            done = 0
            partial = out + ".partial"
            if os.path.exists(partial):
                done = os.path.getsize(partial)
            main_mb = rss_mb(proc.pid)
            if main_mb == 0.0:  # the scan has just exited
                break
            samples.append({
                "t": round(time.perf_counter() - start, 1),
                "main_mb": round(main_mb, 1),
                "max_worker_mb": round(max((rss_mb(k) for k in kids), default=0.0), 1),
                "output_bytes": done,
            })
        elapsed = time.perf_counter() - start
        stdout, stderr = proc.communicate()
        with open(out) as fh:
            lines = sum(1 for _ in fh)
        store_mb = os.path.getsize(store) / 1e6 if os.path.exists(store) else 0.0
    if proc.returncode != 0:
        print(stderr, file=sys.stderr)
        return 1

    def at(fraction: float) -> dict:
        return samples[min(len(samples) - 1, int(fraction * (len(samples) - 1)))]

    result = {
        "files": args.files, "records": lines, "jobs": args.jobs, "seconds": round(elapsed, 1),
        "files_per_second": round(args.files / elapsed, 1), "store_mb": round(store_mb, 1),
        "at": {f"{int(f * 100)}%": at(f) for f in (0.01, 0.1, 0.5, 1.0)},
        "peak_main_mb": max(s["main_mb"] for s in samples),
        "peak_worker_mb": max(s["max_worker_mb"] for s in samples),
    }
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(result, fh, indent=2)
    print(
        f"{args.files} files, {lines} records, {args.jobs} workers, {elapsed:.0f} s "
        f"({result['files_per_second']} files/s)"
    )
    print("resident memory (MB):   main   largest worker")
    for name, s in result["at"].items():
        print(f"  at {name:>4} (t={s['t']:>6} s)  {s['main_mb']:6.1f}   {s['max_worker_mb']:6.1f}")
    print(f"  peak                      {result['peak_main_mb']:6.1f}   {result['peak_worker_mb']:6.1f}")
    print(f"store: {result['store_mb']} MB; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
