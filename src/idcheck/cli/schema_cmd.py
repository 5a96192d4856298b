"""``idcheck schema [--version N] [--path]``: the JSON Schema of the report (draft 2020-12)."""

from __future__ import annotations

import argparse
import sys

from .. import schema
from .output import eprint


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the report", description=__doc__)
    p.add_argument("--version", type=int, default=None, dest="schema_version",
                   help="schema version (default: the one this idcheck writes)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        sys.stdout.write(schema.text(args.schema_version or schema.SCHEMA_VERSION))
    except ValueError as exc:
        eprint(f"idcheck: {exc}")
        return 2
    return 0
