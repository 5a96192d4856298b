"""``idcheck config [--format text|json]``: every threshold with its value, unit and the reason for its default."""

from __future__ import annotations

import argparse
import json

from ..config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="list every setting with its unit and reason", description=__doc__)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = Config().describe()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    for row in rows:
        print(f"{row['setting']} = {row['value']!r}  [{row['unit']}]")
        print(f"    {row['reason']}")
    return 0
