"""``idcheck scan DIR [--out results.jsonl]``: check every file below DIR, one JSON line per file.

Records are written as they are made (one JSON object per line, flushed), so an
interrupted scan keeps what it reported.  Progress goes to stderr on a terminal.
A folder that cannot be read becomes a record with a file.unreadable finding.
Exit status 0 when the scan completed (whatever the verdicts), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from .. import codes
from ..api import check
from ..bulk.walk import WalkStats, walk
from ..config import CHANNELS
from ..report import Report
from .output import Tally, eprint, summarise, write_jsonl


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="check every file in a folder", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--out", metavar="FILE", help="write JSON Lines here (default: standard output)")
    p.add_argument("--channel", choices=sorted(CHANNELS), default="console")
    p.add_argument("--summary-json", metavar="FILE", help="also write the summary (counts) as JSON")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.folder):
        eprint(f"idcheck: {args.folder} is not a folder")
        return 2
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    progress = sys.stderr.isatty()
    tally = Tally()
    stats = WalkStats()
    started = time.perf_counter()
    try:
        for entry in walk(args.folder, stats):
            if entry.error is not None:
                report = Report(kind="image", path=entry.path)
                report.findings.append(codes.finding("file.unreadable", reason=entry.error, details={"stage": "walk"}))
            else:
                report = check(entry.path, channel=args.channel)
            write_jsonl([report], out, reveal=args.reveal)
            tally.add(report)
            if progress:
                rate = tally.files / max(time.perf_counter() - started, 1e-9)
                sys.stderr.write(f"\r{tally.files} files  {rate:.1f}/s  {entry.path[-60:]:<60}")
                sys.stderr.flush()
    finally:
        if out is not sys.stdout:
            out.close()
        if progress:
            sys.stderr.write("\r" + " " * 90 + "\r")
    elapsed = time.perf_counter() - started
    summary = tally.as_dict()
    summary.update(seconds=round(elapsed, 3), skipped={"hidden": stats.hidden, "special": stats.special,
                                                       "symlinks": stats.symlinks_skipped})
    text = summarise(summary)
    target = sys.stderr if out is sys.stdout else sys.stdout
    print(text, file=target)
    print(f"{tally.files / max(elapsed, 1e-9):.1f} files/s over {elapsed:.1f} s"
          + (f"; results in {args.out}" if args.out else ""), file=target)
    if args.summary_json:
        with open(args.summary_json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=2)
    return 0
