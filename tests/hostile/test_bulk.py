"""Issue 17, items 10, 11, 13: bulk runs over folders nobody cleaned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from idcheck.bulk.run import scan
from idcheck.bulk.worker import ScanOptions

from . import craft

BAD_NAME = b"scan\xff\xfe-\xe5\x90.jpg"  # latin-1 / cut UTF-8 bytes, as zip extraction and SMB shares leave them


@pytest.fixture
def odd_folder(tmp_path):
    root = tmp_path / "uploads"
    root.mkdir()
    (root / "ok.png").write_bytes(craft.noise_png(64, 48))
    with open(os.path.join(os.fsencode(root), BAD_NAME), "wb") as fh:
        fh.write(craft.noise_png(64, 48, seed=2))
    (root / ".hidden.jpg").write_bytes(craft.noise_png(32, 32))
    return root


def test_non_utf8_names_through_store_jsonl_csv_and_html(odd_folder, tmp_path):
    # before: UnicodeEncodeError from the store and writers; no output; --resume failed at the same file
    out = tmp_path / "out.jsonl"
    html = tmp_path / "report.html"
    summary = scan(str(odd_folder), out=str(out), jobs=1, html_report=str(html),
                   options=ScanOptions(thumbnails=True))
    assert summary["files"] == 2
    records = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    names = sorted(os.fsencode(os.path.basename(r["path"])) for r in records)
    assert names == sorted([b"ok.png", BAD_NAME])  # the exact bytes come back from the JSON
    page = html.read_bytes().decode("utf-8")
    assert "scan\\xff\\xfe-\\xe5\\x90.jpg" in page
    csv_out = tmp_path / "out.csv"
    scan(str(odd_folder), out=str(csv_out), fmt="csv", jobs=1)
    assert "scan\\xff\\xfe-\\xe5\\x90.jpg" in csv_out.read_bytes().decode("utf-8")
    again = scan(str(odd_folder), out=str(out), jobs=1, resume=True)
    assert again["reused_from_store"] == 2 and again["files"] == 2


def test_hidden_files_counted_and_own_outputs_not_scanned(odd_folder):
    out = odd_folder / "results.jsonl"
    html = odd_folder / "report.html"
    scan(str(odd_folder), out=str(out), jobs=1, html_report=str(html))
    summary = scan(str(odd_folder), out=str(out), jobs=1, html_report=str(html), resume=True)
    # before: results.jsonl, report.html, the .state.sqlite and its -wal/-shm were scanned as uploads
    assert summary["files"] == 2
    assert summary["skipped"]["hidden"] >= 1
    assert summary["skipped"]["own_outputs"] >= 3


def test_resume_checks_transient_failures_again(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    pic = root / "locked.png"
    pic.write_bytes(craft.noise_png(64, 48))
    out = tmp_path / "out.jsonl"
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    pic.chmod(0)
    first = scan(str(root), out=str(out), jobs=1)
    assert first["codes"].get("file.unreadable") == 1
    pic.chmod(0o644)  # neither size nor mtime change
    again = scan(str(root), out=str(out), jobs=1, resume=True)
    assert again["reused_from_store"] == 0 and again["retried_transient"] == 1
    assert again["verdicts"].get("fail", 0) + again["verdicts"].get("warn", 0) + again["verdicts"].get("pass", 0) == 1
    assert "file.unreadable" not in again["codes"]


def test_is_transient():
    from idcheck.bulk.run import is_transient
    from idcheck.bulk.worker import failure_record, timeout_record

    assert is_transient(timeout_record("a.jpg", 5))
    assert is_transient(failure_record("a.jpg", "file.checker_crashed", reason="signal 11"))
    assert is_transient(failure_record("a.jpg", "file.unreadable", reason="permission denied"))
    import idcheck

    decoded_bad = idcheck.check(craft.corrupt_idat_png()).to_json()
    assert not is_transient(decoded_bad)  # the content's own failure: reused


def test_stale_row_files_are_removed_and_new_ones_have_no_name(tmp_path):
    from idcheck.render.html import HtmlReport

    stale = tmp_path / ".idcheck-rows-abc.html"
    stale.write_text("x" * 1000)
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = tmp_path / ".idcheck-rows-live.html"  # a run going on now: kept
    fresh.write_text("y")
    page = HtmlReport(str(tmp_path / "r.html"))
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".idcheck-rows-live.html"]  # the rows file is nameless
    page.abandon()


def _scan_cli(args, **kw):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "idcheck", "scan", *args], capture_output=True, env=env, **kw)


def test_read_only_output_is_one_line(odd_folder, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    proc = _scan_cli([str(odd_folder), "--out", str(ro / "out.jsonl"), "-j", "1", "--no-progress"])
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1 and "cannot write" in err


def test_disk_full_is_one_line(odd_folder, tmp_path, monkeypatch):
    import errno

    from idcheck.bulk import writers
    from idcheck.cli import main

    def full(self, line):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out.jsonl.partial"))

    monkeypatch.setattr(writers.RecordWriter, "write", full)
    code = main(["scan", str(odd_folder), "--out", str(tmp_path / "out.jsonl"), "-j", "1", "--no-progress"])
    assert code == 1


def test_ctrl_c_is_quiet(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for i in range(60):
        buf = io.BytesIO()
        Image.fromarray(rng.integers(0, 255, (1200, 1600, 3), dtype=np.uint8)).save(buf, "JPEG", quality=90)
        (root / f"p{i:02d}.jpg").write_bytes(buf.getvalue())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    partial = tmp_path / "o.jsonl.partial"
    # the scan starts with Ctrl-C's default disposition, as from a terminal: a test run launched in the background
    # (`cmd &` in a script, nohup) ignores SIGINT, its children inherit that, and Python then never raises
    # KeyboardInterrupt (the scan ran to its end and exited 0)
    proc = subprocess.Popen([sys.executable, "-m", "idcheck", "scan", str(root), "--out", str(tmp_path / "o.jsonl"),
                             "-j", "2", "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 60
    while time.time() < deadline and not (partial.exists() and partial.stat().st_size > 0):
        time.sleep(0.05)  # interrupt once files are being checked (the workers are busy)
    assert proc.poll() is None, "the scan finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text


def test_resume_rechecks_a_stored_timeout_and_crash(tmp_path):
    # before: a file.timeout record was reused forever, even with a longer --timeout
    from idcheck.bulk.store import Store
    from idcheck.bulk.worker import failure_record, timeout_record

    root = tmp_path / "in"
    root.mkdir()
    for name in ("slow.png", "crash.png", "fine.png"):
        (root / name).write_bytes(craft.noise_png(64, 48))
    out = tmp_path / "out.jsonl"
    scan(str(root), out=str(out), jobs=1)
    db = Store(f"{out}.state.sqlite")
    for name, line in (
        ("slow.png", timeout_record(str(root / "slow.png"), 5)),
        ("crash.png", failure_record(str(root / "crash.png"), "file.checker_crashed", reason="signal 11")),
    ):
        st = os.stat(root / name)
        db.put(str(root / name), st.st_size, st.st_mtime_ns, line, "fail")
    db.close()
    again = scan(str(root), out=str(out), jobs=1, resume=True)
    assert again["reused_from_store"] == 1 and again["retried_transient"] == 2
    assert "file.timeout" not in again["codes"] and "file.checker_crashed" not in again["codes"]


def test_read_only_output_is_one_line_in_process(odd_folder, tmp_path, monkeypatch, capsys):
    import errno

    from idcheck.bulk import writers
    from idcheck.cli import main

    real_open = open

    def read_only(path, *a, **k):
        if str(path).endswith(".partial"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(writers, "open", read_only, raising=False)
    code = main(["scan", str(odd_folder), "--out", str(tmp_path / "out.jsonl"), "-j", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Read-only" in err and "choose a folder" in err


def test_resume_report_thumbnails_are_drawn_by_workers(tmp_path, monkeypatch):
    # before: thumbnails of reused records were decoded in the main process (no time limit, no crash isolation)
    from idcheck.render import annotate

    root = tmp_path / "in"
    root.mkdir()
    for i in range(3):
        (root / f"p{i}.png").write_bytes(craft.noise_png(120, 90, seed=i))
    out, html = tmp_path / "o.jsonl", tmp_path / "r.html"
    opts = ScanOptions(thumbnails=True)
    scan(str(root), out=str(out), jobs=1, html_report=str(html), options=opts)

    def not_here(*a, **k):
        raise AssertionError("a thumbnail was decoded in the main process")

    monkeypatch.setattr(annotate, "thumbnail_jpeg", not_here)
    summary = scan(str(root), out=str(out), jobs=1, html_report=str(html), options=opts, resume=True)
    assert summary["reused_from_store"] == 3 and summary["files"] == 3
    assert html.read_text(encoding="utf-8").count("data:image/jpeg;base64,") == 3
    assert len(out.read_text().splitlines()) == 3
