"""``idcheck check-profile P.json [--format text|json] [--reveal]``: check a registrant profile (form data).

Exit status: 0 pass or warn, 1 fail, 2 usage (file missing, unreadable, not JSON or not a JSON object).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..profile import Profile, ProfileFormatError, check_profile
from .output import eprint, paint, use_colour

_MARKS = {"error": "x", "warning": "!", "info": "i"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-profile", help="check a registrant profile (JSON form data)", description=__doc__)
    p.add_argument(
        "profile", metavar="P.json", help="the registrant profile as a JSON object ('-' reads standard input)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--reveal", action="store_true", help="show names and ID numbers unmasked")
    p.set_defaults(func=run)


def read_profile(path: str):
    """The profile from a JSON file (or '-' for stdin); exits with status 2 when it cannot be used."""
    try:
        if path == "-":
            return Profile.from_json(sys.stdin.buffer.read())
        return Profile.load(path)
    except ProfileFormatError as exc:
        eprint(f"idcheck: cannot use profile {path}: {exc}")
    except OSError as exc:
        eprint(f"idcheck: cannot read profile {path}: {exc.strerror or exc}")
    raise SystemExit(2)


def render_profile_text(report, *, path: str, reveal: bool = False, colour: bool = False) -> str:
    """A readable table: verdict, then one row per finding (severity, field, code) with its message below."""
    data = report.to_dict(reveal)
    rows = data["findings"]
    lines = [f"{paint(data['verdict'].upper().ljust(4), data['verdict'], colour)}  {path}"]
    if not rows:
        lines.append("      no findings: the profile follows every field rule idcheck knows")
        return "\n".join(lines)
    width_field = max(len(f["field"] or "-") for f in rows)
    lines.append(f"      {'severity':<9} {'field':<{width_field}}  code")
    for f in rows:
        sev = f["severity"]
        mark = paint(f"{_MARKS[sev]} {sev:<7}", sev, colour)
        lines.append(f"      {mark} {(f['field'] or '-'):<{width_field}}  {f['code']}")
        lines.append(f"          {f['message']}")
    counts = {s: sum(1 for f in rows if f["severity"] == s) for s in ("error", "warning", "info")}
    plural = {"error": "errors", "warning": "warnings", "info": "info"}
    lines.append("      " + ", ".join(f"{n} {s if n == 1 else plural[s]}" for s, n in counts.items()))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    profile = read_profile(args.profile)
    report = check_profile(profile)
    report.path = None if args.profile == "-" else args.profile
    if args.format == "json":
        json.dump(report.to_dict(args.reveal), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_profile_text(report, path=args.profile, reveal=args.reveal, colour=use_colour(sys.stdout)))
    return 1 if report.verdict == "fail" else 0
