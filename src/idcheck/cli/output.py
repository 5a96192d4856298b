"""The commands' terminal helpers.  The formats themselves (text, JSON, JSON Lines, CSV, HTML) are made in
``idcheck.render``; their names are re-exported here for the commands."""

from __future__ import annotations

import sys
from typing import Any

from ..render.records import paint, render_text, summarise, use_colour, write_jsonl  # noqa: F401  (re-exported)
from ..tally import Tally  # noqa: F401  (re-exported for the commands)
from ..textsafe import escape_controls


def safe(text: Any) -> str:
    """``str(text)`` fit for a terminal: control characters and undecodable bytes shown escaped."""
    return escape_controls(str(text))


def eprint(*args: Any) -> None:
    print(*args, file=sys.stderr)
