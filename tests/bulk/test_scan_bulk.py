"""Bulk scans: parallel, resumable after kill -9, never duplicated, never half-written."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from fixtures.formats import encode, textured
from idcheck.bulk.run import scan
from idcheck.bulk.worker import ScanOptions
from idcheck.cli import main


def _stable(record):
    record = dict(record)
    record.pop("timings", None)
    return record


def _by_path(records):
    return {r["path"]: _stable(r) for r in records}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """60 files: JPEG, PNG and WebP pictures in two sub-folders, some renamed, one empty."""
    root = tmp_path_factory.mktemp("bulk")
    for i in range(60):
        sub = root / f"batch{i % 2}"
        sub.mkdir(exist_ok=True)
        pic = textured(300 + i, 400, seed=i)
        fmt = ("jpeg", "png", "webp")[i % 3]
        name = f"img{i:03d}." + ("jpg" if i % 7 == 0 else {"jpeg": "jpg", "png": "png", "webp": "webp"}[fmt])
        (sub / name).write_bytes(encode(pic, fmt))
    (root / "empty.jpg").write_bytes(b"")
    return root


@pytest.fixture(scope="module")
def reference(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "ref.jsonl"
    summary = scan(str(folder), out=str(out), jobs=2)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    return summary, records


def test_parallel_scan_reports_every_file_once(folder, reference):
    summary, records = reference
    paths = [r["path"] for r in records]
    assert len(paths) == len(set(paths)) == 61
    assert summary["files"] == 61 and sum(summary["verdicts"].values()) == 61
    assert summary["codes"]["file.empty"] == 1
    assert summary["workers"] == 2


def test_one_worker_gives_the_same_records(folder, reference, tmp_path):
    out = tmp_path / "one.jsonl"
    scan(str(folder), out=str(out), jobs=1)
    assert _by_path(json.loads(line) for line in out.read_text().splitlines()) == _by_path(reference[1])


def test_csv_output(folder, tmp_path):
    out = tmp_path / "r.csv"
    assert main(["scan", str(folder), "--out", str(out), "--format", "csv", "--jobs", "2"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("path,verdict,errors,warnings,codes")
    assert len(lines) == 62


def test_resume_reuses_unchanged_files_and_rechecks_changed_ones(folder, reference, tmp_path):
    out = tmp_path / "r.jsonl"
    scan(str(folder), out=str(out), jobs=2)
    victim = sorted(folder.rglob("img00*.png"))[0]
    original = victim.read_bytes()
    try:
        victim.write_bytes(encode(textured(90, 120, seed=99), "png"))  # now too small: a new record
        summary = scan(str(folder), out=str(out), jobs=2, resume=True)
    finally:
        victim.write_bytes(original)
    assert summary["reused_from_store"] == 60  # every file but the changed one
    records = _by_path(json.loads(line) for line in out.read_text().splitlines())
    assert len(records) == 61
    assert any(f["code"] == "file.too_small" for f in records[str(victim)]["findings"])


def test_resume_refuses_a_store_written_with_other_options(folder, tmp_path):
    out = tmp_path / "r.jsonl"
    scan(str(folder), out=str(out), jobs=1)
    assert main(["scan", str(folder), "--out", str(out), "--resume", "--channel", "api"]) == 2


def test_kill_9_loses_nothing_reported_and_resume_completes_without_duplicates(folder, reference, tmp_path):
    out = tmp_path / "k.jsonl"
    store = tmp_path / "k.sqlite"
    cmd = [sys.executable, "-m", "idcheck.cli", "scan", str(folder), "--out", str(out), "--store", str(store),
           "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    done = 0
    while time.time() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(store) as db:
                done = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= 12:
            break
    os.killpg(proc.pid, signal.SIGKILL)  # the scan and its workers, mid-run
    proc.wait()
    assert 12 <= done < 61, "the scan finished before it could be interrupted"
    assert not out.exists()  # never half-written: only the .partial file exists
    partial = out.with_name(out.name + ".partial").read_text().splitlines()
    complete = []
    for line in partial:
        try:
            complete.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line cut by the kill: its record is in the store or will be redone
    with sqlite3.connect(store) as db:
        stored = {row[0] for row in db.execute("SELECT path FROM results")}
    assert {r["path"] for r in complete} <= stored  # everything reported was committed first

    summary = scan(str(folder), out=str(out), store=str(store), jobs=2, resume=True)
    assert summary["reused_from_store"] >= 12
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == len({r["path"] for r in records}) == 61
    assert _by_path(records) == _by_path(reference[1])


def test_time_limit_per_file_becomes_a_finding_and_the_run_goes_on(tmp_path):
    root = tmp_path / "slow"
    root.mkdir()
    big = encode(textured(3000, 4000, seed=1), "jpeg", quality=80)
    assert len(big) < 5 * 1024 * 1024  # over the size limit it would be refused without decoding, in no time
    (root / "big.jpg").write_bytes(big)
    (root / "empty.jpg").write_bytes(b"")
    records = []
    scan(str(root), options=ScanOptions(timeout=0.02), jobs=1, stream=open(os.devnull, "w"), on_record=records.append)
    codes = {os.path.basename(r["path"]): [f["code"] for f in r["findings"]] for r in records}
    assert codes["big.jpg"] == ["file.timeout"]
    assert codes["empty.jpg"] == ["file.empty"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(folder, tmp_path):
    out = tmp_path / "p.jsonl"
    result = subprocess.run([sys.executable, "-m", "idcheck.cli", "scan", str(folder), "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "\r" not in result.stderr and "it/s" not in result.stderr and "file/s" not in result.stderr
    assert "61 files" in result.stdout


def test_dask_local_cluster_gives_the_same_records(folder, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        out = tmp_path / "d.jsonl"
        summary = scan(str(folder), out=str(out), scheduler=client)
    assert summary["workers"] == "dask"
    assert _by_path(json.loads(line) for line in out.read_text().splitlines()) == _by_path(reference[1])
