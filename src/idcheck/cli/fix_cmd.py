"""``idcheck fix FILE... --out DIR``: make the mechanical fixes (extension, format, size, orientation) in new files.

The input is never modified; each fixed file is written into DIR and checked
again.  Blur, glare, corners and the like need a new photo: they are listed,
not touched.  Exit status 0 when every new file passes or warns, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..config import CHANNELS
from ..fix import fix
from .output import render_text, safe, use_colour


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fix", help="fix extension, format, size and orientation into new files", description=__doc__)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the fixed files (created if missing)")
    p.add_argument("--channel", choices=sorted(CHANNELS), default="console")
    p.add_argument("--to-jpeg", action="store_true", help="convert every accepted non-JPEG format (e.g. HEIC) to JPEG")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--reveal", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    colour = use_colour(sys.stdout)
    failed = False
    results = []
    for path in args.files:
        result = fix(path, args.out, channel=args.channel, to_jpeg=args.to_jpeg)
        final = result.after or result.before
        failed |= final is None or final.verdict == "fail"
        if args.format == "json":
            results.append(result.to_dict(args.reveal))
            continue
        print(f"{safe(path)} -> {safe(result.output or '(no new file)')}")
        for action in result.actions:
            print(f"  - {safe(action)}")
        if result.not_fixed:
            print(f"  needs a new photo or a person: {', '.join(result.not_fixed)}")
        if result.after is not None:
            print(render_text(result.after, reveal=args.reveal, colour=colour))
    if args.format == "json":
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 1 if failed else 0
