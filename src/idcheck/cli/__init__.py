"""The ``idcheck`` command line.  Each sub-command lives in its own module with a
``register(subparsers)`` function that adds its parser and sets ``func``; the
list below is the only place that knows them all.

Exit codes: 0 every file passes or warns, 1 something fails, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__

COMMANDS = (
    "idcheck.cli.check_cmd",
    "idcheck.cli.scan_cmd",
    "idcheck.cli.explain_cmd",
    "idcheck.cli.config_cmd",
    "idcheck.cli.profile_cmd",
    "idcheck.cli.fix_cmd",
    "idcheck.cli.number_cmd",
    "idcheck.cli.rules_cmd",
    "idcheck.cli.submit_cmd",
    "idcheck.cli.status_cmd",
    "idcheck.cli.schema_cmd",
    "idcheck.cli.serve_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idcheck",
        description="Pre-check identity-verification documents before they go to a domain registrar.",
    )

    parser.add_argument("--version", action="version", version=f"idcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
