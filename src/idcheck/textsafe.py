"""Text that came from outside (file names, file contents) made safe to write and to print.

File names on POSIX are bytes; Python gives the undecodable ones as lone surrogates
(``surrogateescape``: byte 0xFF is ``"\\udcff"``), which no UTF-8 writer, SQLite or terminal takes.

* :func:`dumps` is ``json.dumps(ensure_ascii=False)`` unless the value holds such characters; then the
  line is written with ``ensure_ascii=True`` (``"\\udcff"`` escapes): valid UTF-8 JSON that gives the
  exact name back (``os.fsencode(json.loads(line)["path"])`` is the original bytes).
* :func:`display` is for people (CSV, HTML, terminal): each undecodable byte is shown as ``\\xNN``.
* :func:`escape_controls` shows control characters (ANSI/OSC escape sequences, carriage returns, bidi
  overrides) as ``\\xNN`` / ``\\uNNNN``, so a file name cannot clear a terminal or forge a line.
"""

from __future__ import annotations

import json
import re
from typing import Any


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display(text: str) -> str:
    """``text`` with undecodable bytes (surrogate escapes) as ``\\xNN``; other lone surrogates as ``\\udNNN``."""
    if encodable(text):
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def displayable(value: Any) -> Any:
    """A JSON-like value with every string passed through :func:`display`."""
    if isinstance(value, str):
        return display(value)
    if isinstance(value, dict):
        return {displayable(k): displayable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [displayable(v) for v in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """JSON text that can always be written as UTF-8 (see the module docstring)."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return text if encodable(text) else json.dumps(value, ensure_ascii=True, **kwargs)


# C0 controls except tab, DEL, C1 controls, and the bidirectional overrides/isolates that reorder a line
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with control characters visible (``\\x1b``, ``\\u202e``) and undecodable bytes as ``\\xNN``."""
    text = display(text)
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                         text)
