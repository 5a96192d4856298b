"""``idcheck scan DIR``: check every file below DIR, in parallel, resumably.

Records stream out as files finish: to standard output, or to --out FILE,
which appears whole when the run completes (it grows as FILE.partial until
then).  Every record is first committed to a SQLite store (FILE.state.sqlite
by default), so an interrupted run keeps what it reported and --resume skips
files whose path, size and mtime are unchanged.  A folder that cannot be read
becomes a record with a file.unreadable finding; a file that takes longer
than --timeout seconds gets file.timeout.  Progress with rate and ETA goes to
stderr on a terminal.  Exit status 0 when the scan completed (whatever the
verdicts), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import errno
import os
import sqlite3
import sys

from .. import textsafe
from ..api import KINDS
from ..bulk.run import scan
from ..bulk.store import StoreMismatch
from ..bulk.worker import ScanOptions
from ..config import CHANNELS
from ..render.records import FORMATS
from .check_cmd import add_lang_option, chosen_lang, load_config, load_profile
from .output import eprint, summarise


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="check every file in a folder", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--out", metavar="FILE", help="write records here (default: standard output)")
    p.add_argument("--format", choices=FORMATS, default="jsonl",
                   help="output format, as for check (default: jsonl; html: the page of --report, as the output)")
    p.add_argument("--jobs", "-j", type=_positive_int, metavar="N", help="worker processes (default: every core)")
    p.add_argument(
        "--store", metavar="PATH", help="SQLite store for --resume (default: FILE.state.sqlite beside --out)"
    )
    p.add_argument(
        "--resume", action="store_true", help="skip files already checked by an earlier run with the same store"
    )
    p.add_argument(
        "--hash",
        action="store_true",
        help="also key the store on each file's SHA-256 (slower, catches same-size edits)",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="time limit per file in seconds (default: 60)"
    )
    p.add_argument("--scheduler", metavar="ADDR", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--channel", choices=sorted(CHANNELS), default=None,
                   help="upload channel rules (default: the config file's, else console)")
    p.add_argument("--profile", metavar="P.json",
                   help="registrant profile checked with every file (and cross-checked with each document read)")
    p.add_argument("--ocr", action="store_true", help="read each document's name and number even without a profile")
    p.add_argument("--config", metavar="FILE", help="settings from idcheck.toml, or [tool.idcheck] of a pyproject.toml")
    p.add_argument("--kind", choices=KINDS, default="auto", help="the documents' kind, when known (default: auto)")
    add_lang_option(p)
    p.add_argument("--summary-json", metavar="FILE", help="also write the summary (counts) as JSON")
    p.add_argument("--report", metavar="HTML", help="also write a self-contained HTML report with annotated thumbnails")
    p.add_argument("--no-thumbnails", action="store_true", help="leave pictures out of the HTML report (privacy)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.add_argument("--fail-on", choices=("error", "warning"), default=None,
                   help="exit 1 when any file fails (error) or fails or warns (warning); default: exit 0")
    p.set_defaults(func=run)


def _write_error(exc: BaseException, args: argparse.Namespace) -> str:
    where = getattr(exc, "filename", None) or args.out or args.store or args.report or "the output"
    why = getattr(exc, "strerror", None) or str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "full" in str(exc):
        fix = "free some disk space or write --out/--store/--report to another disk"
    elif isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in str(exc):
        fix = "choose a folder you can write to for --out/--store/--report"
    else:
        fix = "check the output paths (--out, --store, --report)"
    return (
        f"cannot write {textsafe.escape_controls(os.fsdecode(where))}: {why}; {fix} "
        "(finished records are kept for --resume)"
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.folder):
        eprint(f"idcheck: {args.folder} is not a folder")
        return 2
    if args.resume and not (args.out or args.store):
        eprint("idcheck: --resume needs --out or --store (where the earlier run's records are)")
        return 2
    if args.timeout <= 0:
        eprint("idcheck: --timeout must be positive")
        return 2
    if args.format == "html" and args.report:
        eprint("idcheck: --format html writes the page to --out (or standard output): leave out --report")
        return 2
    lang = chosen_lang(args)
    profile = load_profile(args.profile) if args.profile else None
    settings = load_config(args.config)
    options = ScanOptions(channel=args.channel or (settings and settings.channel) or "console", reveal=args.reveal,
                          timeout=args.timeout,
                          thumbnails=bool(args.report or args.format == "html") and not args.no_thumbnails,
                          profile=profile, ocr=args.ocr or bool(settings and settings.read_documents),
                          config=settings.config if settings else None, kind=args.kind, lang=lang)
    try:
        summary = scan(
            args.folder, out=args.out, fmt=args.format, options=options, jobs=args.jobs,
            scheduler=args.scheduler, store=args.store, resume=args.resume, content_hash=args.hash,
            progress=sys.stderr.isatty() and not args.no_progress, html_report=args.report,
        )
    except StoreMismatch as exc:
        eprint(f"idcheck: {exc}")
        return 2
    except KeyboardInterrupt:
        kept = f"; the records so far are in {args.store or args.out + '.state.sqlite'}, rerun with --resume" \
            if (args.store or args.out) else ""
        eprint(f"idcheck: interrupted{kept}")
        return 130
    except (OSError, sqlite3.Error) as exc:  # disk full, read-only folder, store locked: one line with the fix
        eprint(f"idcheck: {_write_error(exc, args)}")
        return 1
    target = sys.stderr if args.out is None else sys.stdout
    print(summarise(summary, lang), file=target)
    if lang == "zh":
        line = (
            f"{summary['workers']} 个工作进程，用时 {summary['seconds']} 秒，每秒 {summary['files_per_second']} 个文件"
        )
        if summary["reused_from_store"]:
            line += f"；{summary['reused_from_store']} 个沿用已有结果"
        if summary.get("retried_transient"):
            line += f"（{summary['retried_transient']} 个先前超时、崩溃或读取失败的文件已重新检查）"
        if args.out:
            line += f"；结果见 {args.out}"
        if args.report:
            line += f"；报告见 {args.report}"
    else:
        line = f"{summary['files_per_second']} files/s over {summary['seconds']} s with {summary['workers']} workers"
        if summary["reused_from_store"]:
            line += f"; {summary['reused_from_store']} reused from the store"
        if summary.get("retried_transient"):
            line += f" ({summary['retried_transient']} earlier timeouts, crashes or read errors checked again)"
        if args.out:
            line += f"; results in {args.out}"
        if args.report:
            line += f"; report in {args.report}"
    print(line, file=target)
    skipped = summary.get("skipped") or {}
    labels = (("hidden", "hidden (name starts with '.')", "个隐藏文件（名称以“.”开头）"),
              ("special", "devices, pipes or sockets", "个设备、管道或套接字"),
              ("symlinks", "symlinks leaving the folder or to folders", "个指向文件夹外或指向文件夹的符号链接"),
              ("own_outputs", "of this run's own output and store files", "个本次运行自己的输出和存储文件"))
    said = [f"{skipped[k]}{zh}" if lang == "zh" else f"{skipped[k]} {en}"
            for k, en, zh in labels if skipped.get(k)]
    if said:
        print(("未检查：" + "、".join(said)) if lang == "zh" else "not checked: " + ", ".join(said), file=target)
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as fh:
            fh.write(textsafe.dumps(summary, indent=2))
    verdicts = summary["verdicts"]
    if args.fail_on == "error" and verdicts.get("fail", 0):
        return 1
    if args.fail_on == "warning" and (verdicts.get("fail", 0) or verdicts.get("warn", 0)):
        return 1
    return 0
