"""What runs inside a worker process (or a Dask task): one path in, one JSON record out.

Kept tiny and importable on its own, so that a forkserver or a Dask worker
loads it once; nothing here touches the store or the output files.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..config import Config

from .. import __version__, api, codes
from ..checkrun import attach
from ..i18n import measure_text
from ..render import annotate
from ..report import Measure, Report
from ..textsafe import dumps


@dataclass(frozen=True)
class ScanOptions:
    channel: str = "console"
    reveal: bool = False
    timeout: float = 60.0  # seconds per file
    thumbnails: bool = False  # also draw an annotated thumbnail (for the HTML report)
    profile: Any = None  # a Profile checked with every file (and cross-checked with what OCR reads)
    ocr: bool = False  # read the documents even without a profile
    config: Config | None = None  # thresholds (from --config)
    kind: str = "auto"
    lang: str = "en"  # the records' messages (and the HTML report's words)

    def fingerprint(self) -> str:
        """What makes two runs' records comparable (used to refuse resuming with other options)."""
        seen: dict[str, Any] = {"channel": self.channel, "reveal": self.reveal, "idcheck": __version__}
        # only what differs from the defaults, so that a store made before these options still resumes
        if self.profile is not None:
            seen["profile"] = _digest(self.profile)
        if self.ocr:
            seen["ocr"] = True
        if self.config is not None:
            seen["config"] = _digest(self.config)
        if self.kind != "auto":
            seen["kind"] = self.kind
        if self.lang != "en":
            seen["lang"] = self.lang
        return json.dumps(seen, sort_keys=True)


def _digest(value: Any) -> str:
    """A short digest of a profile or config (pickled: a repr masks personal data, and would hide a change)."""
    return hashlib.sha256(pickle.dumps(value)).hexdigest()[:16]


#: thread-count variables of the native libraries (OpenMP, OpenBLAS, MKL, numexpr), read once when each loads
THREAD_ENV = ("OMP_THREAD_LIMIT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads(single: bool = True) -> None:
    """One thread per worker when ``single``: N workers on N cores must not each start N OpenCV/OpenMP/BLAS
    threads.  A lone worker (``single`` False) keeps OpenCV's threads: the second core is otherwise idle.

    The environment variables only reach libraries loaded after them: the scan's forkserver is started with them
    already set (:func:`idcheck.bulk.pool.start_forkserver`), so its workers inherit single-threaded BLAS."""
    for name in THREAD_ENV:
        os.environ.setdefault(name, "1")
    try:
        import cv2  # lazy: the thread limits above must be in the environment first; a missing cv2 is tolerated

        cv2.setNumThreads(1 if single else -1)  # -1: OpenCV's default (one per core)
    except Exception:  # OpenCV missing or odd build: nothing to limit
        pass


Outcome = tuple[str, "bytes | None"]  # (the record as a JSON line, an annotated JPEG thumbnail or None)


class ThumbnailTask(NamedTuple):
    """A record reused by --resume that still needs its thumbnail drawn (by a worker: a decode of an
    untrusted file never runs in the main process, and the time limit and crash isolation apply)."""

    path: str
    line: str


Task = str | ThumbnailTask


def task_path(task: Task) -> str:
    return task.path if isinstance(task, ThumbnailTask) else task


def check_path(path: Task, options: ScanOptions) -> Outcome:
    """The record for one file, as a JSON line (no newline), and its thumbnail when asked for."""
    if isinstance(path, ThumbnailTask):  # a reused record: only its thumbnail is drawn
        try:
            return path.line, annotate.thumbnail_jpeg(json.loads(path.line), path.path, reveal=options.reveal)
        except Exception:  # a thumbnail is a nicety: never lose the record for it
            return path.line, None

    # the cooperative deadline stops the work between stages and checks; the local pool's kill and the
    # Dask wait below stay as the outer bound (one native call cannot be interrupted)
    report = api.check(path, channel=options.channel, timeout=options.timeout, profile=options.profile,
                       ocr=options.ocr, config=options.config, kind=options.kind)
    record = report.to_dict(options.reveal, options.lang)
    thumbnail = None
    if options.thumbnails:
        try:
            thumbnail = annotate.thumbnail_jpeg(record, path, reveal=options.reveal)
        except Exception:  # a thumbnail is a nicety: never lose the record for it
            thumbnail = None
    return dumps(record), thumbnail


def failure_record(path: str, code: str, *, lang: str = "en", options: ScanOptions | None = None,
                   **params: Any) -> str:
    """A record for a file whose check did not finish (timeout, crashed worker), its message in ``lang`` (the
    scan's ``options`` give the language, and whether OCR and a profile were asked for), with the list of checks,
    none of which ran, and why (:mod:`idcheck.checkrun`)."""
    if options is not None:
        lang = options.lang
    report = Report(kind="image", path=path)
    report.findings.append(codes.finding(code, **params))
    profile_given = options is not None and options.profile is not None
    attach(report, ocr_asked=profile_given or (options is not None and options.ocr), profile_given=profile_given)
    return dumps(report.to_dict(lang=lang))


def timeout_record(path: str, seconds: float, lang: str = "en", options: ScanOptions | None = None) -> str:
    if options is not None:
        lang = options.lang
    return failure_record(
        path, "file.timeout", lang=lang, options=options, limit=measure_text(Measure(seconds, "s"), lang),
        measured=Measure(seconds, "s", ">="), threshold=Measure(seconds, "s", "<"),
    )


def check_path_with_deadline(path: Task, options: ScanOptions) -> Outcome:
    """For Dask tasks, which cannot be killed: give up waiting after the time limit.

    The abandoned thread finishes in the background (Python cannot stop it); the
    local pool kills its worker process instead, which is why it is preferred.
    """
    result: list[Outcome] = []

    def run() -> None:
        try:
            result.append(check_path(path, options))
        except BaseException as exc:  # pragma: no cover - check() does not raise on files
            result.append((failure_record(task_path(path), "file.checker_crashed", options=options,
                                          reason=type(exc).__name__), None))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(options.timeout)
    return result[0] if result else (timeout_record(task_path(path), options.timeout, options=options), None)


def worker_main(conn, options: ScanOptions, single_thread: bool = True) -> None:
    """Serve (task_id, path) requests on ``conn`` until told to stop (None).

    Says "ready" first, after a warm-up check (libmagic loads its database on first
    use), so that a file's time limit never includes the worker's start-up.  ``single_thread``: one OpenCV
    thread (several workers share the cores); False for a lone worker.
    """
    limit_threads(single_thread)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no worker tracebacks
    api.check(b"")
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, path = task
        try:
            outcome = check_path(path, options)
        except Exception as exc:  # check() never raises on bad files; this is a bug, keep going
            outcome = (failure_record(task_path(path), "file.checker_crashed", options=options,
                                      reason=f"{type(exc).__name__}: {exc}"), None)
        try:
            conn.send((task_id, outcome))
        except (BrokenPipeError, OSError):
            return
