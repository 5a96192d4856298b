"""idcheck serve under a burst of concurrent uploads: server RSS, /healthz latency, throughput vs `idcheck scan`.

    .venv/bin/python -m benchmarks.serve [--uploads 50] [--bursts 3] [--workers 0] [--queue 48] [--ocr]
                                         [--variant SPEC ...] [--no-scan]

Generates a folder like benchmarks.throughput (12 MP and 3 MP JPEGs, PNG, WebP, HEIC document photos),
starts `idcheck serve` as its own process on 127.0.0.1, and per burst sends every file at once from
``--uploads`` client threads while a separate process polls GET /healthz every 50 ms (its own process: the
client's 50 sending threads must not delay the timing of a probe, as a load balancer's probe is not delayed
by other clients) and a thread samples the RSS of the server and its child processes every 20 ms.  Then
`idcheck scan` runs on the same folder with the same number of workers, for the throughput comparison.
Prints one JSON object, with the 1-minute load average at each burst (the machine may be shared).

One ``--variant`` (or none): one server for every burst (memory growth over bursts shows).  Several: the
bursts alternate between them, a fresh server each, so that before/after figures meet the same load.  A
variant is server options (``--switch-interval 0.005``), or ``python-switch=S`` to start the server under
``sys.setswitchinterval(S)`` from outside; ``default`` is the server as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
from typing import Any

from benchmarks.throughput import make_sets
from tests.serve.test_serve import multipart


def make_folder(folder: str, count: int) -> list[str]:
    """``count`` document photos: 35 % 12 MP JPEGs, 25 % 3 MP JPEGs, 40 % PNG/WebP/HEIC (benchmarks.throughput's
    generator; the 3 MP JPEGs are the 12 MP ones reduced and encoded anew)."""
    import cv2

    from fixtures.formats import encode

    big = max(1, round(0.35 * count))
    small = max(1, round(0.25 * count))
    sets = make_sets(folder, jpegs=big, others=max(1, count - big - small))
    paths = list(sets["jpeg-12mp"])
    for n in range(small):
        bgr = cv2.imread(sets["jpeg-12mp"][n % big])
        assert bgr is not None
        pic = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        pic = cv2.resize(pic[:, ::-1].copy() if n % 2 else pic, (2000, 1500), interpolation=cv2.INTER_AREA)
        path = os.path.join(folder, f"{n:04d}_jpeg_2000.jpg")
        with open(path, "wb") as fh:
            fh.write(encode(pic, "jpeg", quality=88))
        paths.append(path)
    return paths + sets["other"]


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:  # the process ended
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (a process-pool server's workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


# the /healthz probe, run as its own process: GET every 50 ms until the stop file exists; prints the latencies
PROBE = """
import json, os, sys, time, urllib.request
url, stop = sys.argv[1], sys.argv[2]
out = []
while not os.path.exists(stop):
    t0 = time.perf_counter()
    urllib.request.urlopen(url + "/healthz", timeout=30).read()
    out.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.05)
print(json.dumps(out))
"""


def post(url: str, path: str, ocr: bool) -> tuple[int, float]:
    with open(path, "rb") as fh:
        fields: dict[str, Any] = {"file": (os.path.basename(path), fh.read())}
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


def start_server(tmp: str, variant: str, workers: int, queue: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    start, extra = ["-m", "idcheck"], []
    for token in variant.split():
        if token.startswith("python-switch="):
            si = float(token.split("=", 1)[1])
            start = ["-c", f"import sys; sys.setswitchinterval({si!r}); from idcheck.cli import main; sys.exit(main())"]
        elif token != "default":
            extra.append(token)
    server = subprocess.Popen([sys.executable, *start, "serve", "--port", str(port), "--workers", str(workers),
                               "--queue", str(queue), "--log-level", "warning", *extra], cwd=tmp)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5).read()
            return server, url
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def tree_rss(pid: int, kids: list[int]) -> float:
    return rss_mb(pid) + sum(rss_mb(k) for k in kids)


def burst(server: subprocess.Popen, url: str, paths: list[str], ocr: bool, tmp: str) -> dict:
    stop = threading.Event()
    rss: list[float] = []
    stop_file = os.path.join(tmp, "probe.stop")
    if os.path.exists(stop_file):
        os.remove(stop_file)
    probe = subprocess.Popen([sys.executable, "-c", PROBE, url, stop_file], stdout=subprocess.PIPE, text=True)

    def sample_rss() -> None:
        kids = children(server.pid)
        last = time.monotonic()
        while not stop.is_set():
            if time.monotonic() - last > 0.5:
                kids, last = children(server.pid), time.monotonic()
            rss.append(tree_rss(server.pid, kids))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample_rss)
    sampler.start()
    time.sleep(0.3)  # the probe's first samples before the burst
    t0 = time.perf_counter()
    with ThreadPoolExecutor(len(paths)) as pool:
        answers = list(pool.map(lambda p: post(url, p, ocr), paths))
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    with open(stop_file, "w"):
        pass
    health = json.loads(probe.communicate(timeout=60)[0])
    statuses: dict[str, int] = {}
    for status, _ in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    ok = [t for s, t in answers if s == 200]
    kids = children(server.pid)
    return {
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "wall_s": round(wall, 2), "statuses": statuses,
        "files_per_s": round(len(ok) / wall, 2),
        "request_s_p50": round(statistics.median(ok), 2) if ok else None,
        "request_s_max": round(max(ok), 2) if ok else None,
        "rss_peak_mb": round(max(rss), 1), "rss_after_mb": round(tree_rss(server.pid, kids), 1),
        "processes": 1 + len(kids),
        "healthz_ms_p50": round(pct(health, 0.5), 1), "healthz_ms_p99": round(pct(health, 0.99), 1),
        "healthz_ms_max": round(max(health), 1), "healthz_samples": len(health),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--bursts", type=int, default=3, help="bursts per variant")
    parser.add_argument("--workers", type=int, default=0, help="0: the machine's cores")
    parser.add_argument("--queue", type=int, default=48)
    parser.add_argument("--ocr", action="store_true")
    parser.add_argument("--no-scan", action="store_true")
    parser.add_argument("--variant", action="append", default=None,
                        help="server options, or python-switch=S; repeat to alternate bursts between variants")
    args = parser.parse_args(argv)
    workers = args.workers or os.cpu_count() or 1
    variants = args.variant or ["default"]

    tmp = tempfile.mkdtemp(prefix="idcheck-serve-bench-")
    try:
        folder = os.path.join(tmp, "files")
        os.makedirs(folder)
        paths = make_folder(folder, args.uploads)[: args.uploads]
        sizes = [os.path.getsize(p) for p in paths]
        result: dict = {"uploads": len(paths), "workers": workers, "queue": args.queue, "ocr": args.ocr,
                        "upload_mb_total": round(sum(sizes) / 1e6, 1), "cores": os.cpu_count(),
                        "variants": {v: {"bursts": []} for v in variants}}
        if len(variants) == 1:  # one server for every burst: memory over bursts
            v = variants[0]
            server, url = start_server(tmp, v, workers, args.queue)
            try:
                out = result["variants"][v]
                out["rss_idle_mb"] = round(tree_rss(server.pid, children(server.pid)), 1)
                post(url, paths[0], args.ocr)  # warm-up: imports, first decode (and the OCR engine with --ocr)
                out["rss_after_warmup_mb"] = round(tree_rss(server.pid, children(server.pid)), 1)
                for _ in range(args.bursts):
                    out["bursts"].append(burst(server, url, paths, args.ocr, tmp))
                out["rss_hwm_mb"] = round(rss_mb(server.pid, "VmHWM"), 1)
            finally:
                stop_server(server)
        else:  # alternate: a fresh server per burst, the variants one after another in each round
            for _ in range(args.bursts):
                for v in variants:
                    server, url = start_server(tmp, v, workers, args.queue)
                    try:
                        post(url, paths[0], args.ocr)
                        result["variants"][v]["bursts"].append(burst(server, url, paths, args.ocr, tmp))
                    finally:
                        stop_server(server)

        if not args.no_scan:
            out_path = os.path.join(tmp, "scan.jsonl")
            t0 = time.perf_counter()
            cmd = [sys.executable, "-m", "idcheck", "scan", folder, "--out", out_path, "--jobs", str(workers)]
            subprocess.run(cmd, check=False, capture_output=True, timeout=1800)
            scan_wall = time.perf_counter() - t0
            result["scan"] = {"load_avg_1m": round(os.getloadavg()[0], 2), "wall_s": round(scan_wall, 2),
                              "files_per_s": round(len(paths) / scan_wall, 2),
                              "note": "includes the process start-up and the pool's worker start-up"}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
