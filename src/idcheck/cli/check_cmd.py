"""``idcheck check FILE... [--profile P.json] [--format text|json|jsonl] [--channel console|api] [--kind K]
[--config idcheck.toml]``  (FILE ``-`` reads the picture from standard input)"""

from __future__ import annotations

import argparse
import json
import sys

from ..api import KINDS, check
from ..config import CHANNELS
from .output import eprint, render_text, use_colour, write_jsonl


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check image files one by one", description=__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help="image files to check")
    p.add_argument("--profile", metavar="P.json", help="registrant profile (form data) to check as well")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text", help="output format (default: text)")
    p.add_argument("--channel", choices=sorted(CHANNELS), default=None,
                   help="upload channel rules (default: the config file's, else console)")
    p.add_argument("--kind", choices=KINDS, default="auto", help="the document, when known (default: auto)")
    p.add_argument("--config", metavar="FILE",
                   help="settings from idcheck.toml, or [tool.idcheck] of a pyproject.toml")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.add_argument("--ocr", action="store_true", help="read the document's name and number even without a profile")
    p.add_argument("--annotate", metavar="OUT.png",
                   help="draw what idcheck saw into OUT.png (OUT-2.png, ... for further files)")
    p.set_defaults(func=run)


def load_profile(path: str):
    """The profile from a JSON file; exits with usage status 2 on a missing or malformed file."""
    from ..profile import Profile

    try:
        return Profile.load(path)
    except (OSError, ValueError) as exc:
        eprint(f"idcheck: cannot read profile {path}: {exc}")
        raise SystemExit(2) from None


def _write_annotation(report, path: str, target: str, index: int) -> None:
    import os

    stem, ext = os.path.splitext(target)
    out = target if index == 0 else f"{stem}-{index + 1}{ext or '.png'}"
    report.annotate(path).save(out)
    eprint(f"annotated picture written to {out}")


def load_config(path: str | None):
    """The config file's settings (None without --config); exits with usage status 2 on a bad file."""
    if path is None:
        return None
    from ..configfile import load_file
    from ..errors import UsageError

    try:
        return load_file(path)
    except UsageError as exc:
        eprint(f"idcheck: {exc}")
        raise SystemExit(2) from None


def run(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile) if args.profile else None
    settings = load_config(args.config)
    config = settings.config if settings else None
    channel = args.channel or (settings and settings.channel) or "console"
    ocr = args.ocr or bool(settings and settings.read_documents)
    colour = use_colour(sys.stdout)
    import os

    missing = [path for path in args.files if path != "-" and not os.path.lexists(path)]
    if missing:
        eprint(f"idcheck: no such file: {', '.join(missing)}")
        return 2
    if args.files.count("-") > 1:
        eprint("idcheck: standard input ('-') can be read once")
        return 2
    reports = []
    any_fail = False
    for index, path in enumerate(args.files):
        source = sys.stdin.buffer.read() if path == "-" else path  # stdin: bytes without a name
        report = check(source, profile=profile, channel=channel, ocr=ocr, kind=args.kind, config=config)
        if path == "-":
            report.path = "-"
            path = source
        any_fail |= report.verdict == "fail"
        if args.annotate:
            _write_annotation(report, path, args.annotate, index)
        if args.format == "text":
            print(render_text(report, reveal=args.reveal, colour=colour), flush=True)
        elif args.format == "jsonl":
            write_jsonl([report], sys.stdout, reveal=args.reveal)
        else:
            reports.append(report.to_dict(args.reveal))
    if args.format == "json":
        json.dump(reports, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 1 if any_fail else 0
