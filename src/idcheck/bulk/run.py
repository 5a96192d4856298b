"""A bulk scan: walk, check in parallel, store, write, summarise.

``scan()`` is the library form of ``idcheck scan``::

    from idcheck.bulk.run import scan
    summary = scan("uploads/", out="results.jsonl", jobs=2, resume=True)

Guarantees: records stream out as files finish; each is committed to the
store before it is written anywhere, so a kill -9 loses nothing already
reported; the store's key on the path means no record is duplicated; the
output file appears only when the run completes (``writers.RecordWriter``);
at most ``jobs`` files are in flight, so memory stays flat.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from ..render.html import HtmlReport
from ..tally import Tally
from .pool import default_jobs, run_dask, run_local
from .store import Store, file_sha256
from .walk import WalkStats, count_files, walk
from .worker import ScanOptions, ThumbnailTask, failure_record, task_path
from .writers import RecordWriter

#: codes that say the *run* failed on a file (I/O at read time, a time limit, a crashed worker), not what
#: the file is: --resume checks such files again instead of reusing the record
TRANSIENT_CODES = ("file.timeout", "file.checker_crashed")


def is_transient(line: str) -> bool:
    """Whether a stored record must be made again on --resume (see :data:`TRANSIENT_CODES`)."""
    try:
        record = json.loads(line)
    except ValueError:
        return True
    for f in record.get("findings") or []:
        if f.get("code") in TRANSIENT_CODES:
            return True
        # file.unreadable from reading (permission denied, vanished, I/O error) or from the walk: a chmod
        # changes neither size nor mtime, so only a new check can tell; a decode failure is the content's own
        if f.get("code") == "file.unreadable" and (f.get("details") or {}).get("stage") != "decode":
            return True
    return False


def own_outputs(out: str | None, store: str | None, html_report: str | None) -> list[str]:
    """The files a scan writes (output, store with its SQLite side files, report, partials)."""
    paths: list[str] = []
    for p in (out, html_report):
        if p:
            paths += [p, f"{p}.partial"]
    if store:
        paths += [store, f"{store}-wal", f"{store}-shm", f"{store}-journal"]
    return paths


def default_store_path(out: str | None) -> str | None:
    return f"{out}.state.sqlite" if out else None


def scan(
    folder: str,
    *,
    out: str | None = None,
    fmt: str = "jsonl",
    stream: IO[str] | None = None,
    options: ScanOptions | None = None,
    jobs: int | None = None,
    scheduler: Any = None,
    store: str | None = None,
    resume: bool = False,
    content_hash: bool = False,
    progress: bool = False,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    html_report: str | None = None,
) -> dict[str, Any]:
    """Check every file below ``folder``; returns the summary (counts per verdict and code, timing).

    ``store`` defaults to ``<out>.state.sqlite`` beside the output; ``resume`` reuses
    its records for files whose path, size and mtime (and, with ``content_hash``,
    SHA-256) are unchanged.  ``scheduler`` (an address or a distributed.Client)
    runs the checks on Dask instead of local processes.  ``fmt`` is one of
    :data:`idcheck.render.records.FORMATS`; ``html_report`` also writes the self-contained HTML page there
    (thumbnails when ``options.thumbnails``); ``fmt="html"`` makes that page the output itself.
    """
    options = options or ScanOptions()
    store_path = store or default_store_path(out)
    if resume and store_path is None:
        raise ValueError("resume needs a store: give an output file or a store path")
    db = Store(store_path) if store_path else None
    if db is not None:
        db.start(options.fingerprint(), resume)
    lang = getattr(options, "lang", None)
    if fmt == "html":  # the page is the output (to ``out``, or to ``stream``)
        if html_report:
            raise ValueError("fmt='html' writes the page to out: give no html_report beside it")
        writer = None
        page: HtmlReport | None = HtmlReport(out, thumbnails=options.thumbnails, stream=stream,
                                             reveal=options.reveal, lang=lang)
    else:
        writer = RecordWriter(out, fmt, stream, lang=lang)
        page = (HtmlReport(html_report, thumbnails=options.thumbnails, reveal=options.reveal, lang=lang)
                if html_report else None)
    tally = Tally()
    stats = WalkStats()
    in_flight: dict[str, tuple[int, int, str | None]] = {}
    reused = 0
    retried = 0
    bar = _progress_bar(folder) if progress else None
    started = time.perf_counter()

    def emit(path: str, line: str, key: tuple[int, int, str | None], fresh: bool,
             thumbnail: bytes | None = None) -> None:
        record = json.loads(line)
        if db is not None and fresh:
            db.put(path, key[0], key[1], line, record["verdict"], key[2])  # committed before it is reported
        if writer is not None:
            writer.write(line)
        if page is not None:
            page.add(record, thumbnail)
        tally.add_record(record)
        if on_record is not None:
            on_record(record)
        if bar is not None:
            bar.update(1)

    own_files = own_outputs(out, store_path, html_report)

    def paths_to_check():
        nonlocal reused, retried
        for entry in walk(folder, stats, exclude=own_files):
            if entry.error is not None:
                emit(entry.path, failure_record(entry.path, "file.unreadable", reason=entry.error), (0, 0, None), True)
                continue
            sha = file_sha256(entry.path) if content_hash else None
            key = (entry.size, entry.mtime_ns, sha)
            if resume and db is not None:
                line = db.lookup(entry.path, entry.size, entry.mtime_ns, sha)
                if line is not None and is_transient(line):
                    retried += 1  # a failure of that run, not a property of the file: check it again
                    line = None
                if line is not None:
                    reused += 1
                    if page is not None and options.thumbnails:  # its thumbnail is drawn by a worker
                        in_flight[entry.path] = key
                        yield ThumbnailTask(entry.path, line)
                    else:
                        emit(entry.path, line, key, False)
                    continue
            in_flight[entry.path] = key
            yield entry.path

    workers: str | int
    if scheduler is not None:
        results = run_dask(paths_to_check(), options, scheduler)
        workers = "dask"
    else:
        jobs = jobs or default_jobs()
        results = run_local(paths_to_check(), options, jobs)
        workers = jobs
    completed = False
    try:
        for task, line, thumbnail in results:
            if isinstance(task, ThumbnailTask):  # a reused record: keep it whatever became of its thumbnail
                fresh = False
                if line != task.line:  # the thumbnail timed out or crashed its worker
                    line, thumbnail = task.line, None
            else:
                fresh = True
            path = task_path(task)
            emit(path, line, in_flight.pop(path), fresh, thumbnail)
        completed = True
    finally:
        if bar is not None:
            bar.close()
        if completed:
            if writer is not None:
                writer.commit()
            if page is not None:
                page.commit()
        else:
            if writer is not None:
                writer.abandon()
            if page is not None:
                page.abandon()
        if db is not None:
            db.close()
    elapsed = time.perf_counter() - started
    summary = tally.as_dict()
    summary.update(
        seconds=round(elapsed, 3),
        files_per_second=round(tally.files / elapsed, 2) if elapsed > 0 else None,
        reused_from_store=reused,
        retried_transient=retried,
        workers=workers,
        skipped={"hidden": stats.hidden, "special": stats.special, "symlinks": stats.symlinks_skipped,
                 "own_outputs": stats.own_outputs},
        peak_rss_mb_main=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        out=out,
        store=store_path,
        html_report=html_report,
    )
    return summary


def _progress_bar(folder: str):
    from tqdm import tqdm  # lazy: only when a progress bar is shown

    return tqdm(total=count_files(folder), unit="file", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
