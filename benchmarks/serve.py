"""idcheck serve under a burst of concurrent uploads: server RSS, /healthz latency, throughput vs `idcheck scan`.

    .venv/bin/python -m benchmarks.serve [--uploads 50] [--bursts 3] [--workers 0] [--queue 48] [--ocr]

Generates a folder like benchmarks.throughput (12 MP and 3 MP JPEGs, PNG, WebP, HEIC document photos),
starts `idcheck serve` as its own process on 127.0.0.1, and per burst sends every file at once from
``--uploads`` client threads while another thread polls GET /healthz every 50 ms and a third samples the
server's RSS (/proc/PID/status) every 20 ms.  Then `idcheck scan` runs on the same folder with the same
number of workers, for the throughput comparison.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmarks.throughput import make_folder
from tests.serve.test_serve import multipart


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(url: str, path: str, ocr: bool) -> tuple[int, float]:
    fields = {"file": (os.path.basename(path), open(path, "rb").read())}
    if ocr:
        fields["ocr"] = "true"
    body, ctype = multipart(fields)
    t0 = time.perf_counter()
    req = urllib.request.Request(url + "/check", data=body, headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="0: the machine's cores")
    parser.add_argument("--queue", type=int, default=48)
    parser.add_argument("--ocr", action="store_true")
    parser.add_argument("--no-scan", action="store_true")
    args = parser.parse_args(argv)
    workers = args.workers or os.cpu_count() or 1

    tmp = tempfile.mkdtemp(prefix="idcheck-serve-bench-")
    folder = os.path.join(tmp, "files")
    os.makedirs(folder)
    paths = make_folder(folder, args.uploads)[: args.uploads]
    sizes = [os.path.getsize(p) for p in paths]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "idcheck", "serve", "--port", str(port), "--workers", str(workers),
                               "--queue", str(args.queue), "--log-level", "warning"], cwd=tmp)
    result: dict = {"uploads": len(paths), "workers": workers, "queue": args.queue, "ocr": args.ocr,
                    "upload_mb_total": round(sum(sizes) / 1e6, 1), "cores": os.cpu_count(), "bursts": []}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
        result["rss_idle_mb"] = round(rss_mb(server.pid), 1)
        post(url, paths[0], args.ocr)  # warm-up: imports, first decode (and the OCR engine with --ocr)
        result["rss_after_warmup_mb"] = round(rss_mb(server.pid), 1)

        for _ in range(args.bursts):
            stop = threading.Event()
            health: list[float] = []
            rss: list[float] = []

            def poll_health() -> None:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    urllib.request.urlopen(url + "/healthz", timeout=30).read()
                    health.append((time.perf_counter() - t0) * 1000)
                    stop.wait(0.05)

            def sample_rss() -> None:
                while not stop.is_set():
                    rss.append(rss_mb(server.pid))
                    stop.wait(0.02)

            watchers = [threading.Thread(target=poll_health), threading.Thread(target=sample_rss)]
            for w in watchers:
                w.start()
            t0 = time.perf_counter()
            with ThreadPoolExecutor(len(paths)) as pool:
                answers = list(pool.map(lambda p: post(url, p, args.ocr), paths))
            wall = time.perf_counter() - t0
            stop.set()
            for w in watchers:
                w.join()
            statuses: dict[str, int] = {}
            for status, _ in answers:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            ok = [t for s, t in answers if s == 200]
            result["bursts"].append({
                "wall_s": round(wall, 2), "statuses": statuses,
                "files_per_s": round(len(ok) / wall, 2),
                "request_s_p50": round(statistics.median(ok), 2) if ok else None,
                "request_s_max": round(max(ok), 2) if ok else None,
                "rss_peak_mb": round(max(rss), 1), "rss_after_mb": round(rss_mb(server.pid), 1),
                "healthz_ms_p50": round(pct(health, 0.5), 1), "healthz_ms_p99": round(pct(health, 0.99), 1),
                "healthz_ms_max": round(max(health), 1), "healthz_samples": len(health),
            })
        result["rss_hwm_mb"] = round(rss_mb(server.pid, "VmHWM"), 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    if not args.no_scan:
        out = os.path.join(tmp, "scan.jsonl")
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "idcheck", "scan", folder, "--out", out, "--jobs", str(workers)]
        subprocess.run(cmd, check=False, capture_output=True, timeout=1800)
        scan_wall = time.perf_counter() - t0
        result["scan"] = {"wall_s": round(scan_wall, 2), "files_per_s": round(len(paths) / scan_wall, 2),
                          "note": "includes the process start-up and the pool's worker start-up"}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
