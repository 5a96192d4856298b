"""Rendering reports for people (text) and programs (JSON, JSON Lines)."""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any, Iterable

from ..bulk.tally import Tally  # noqa: F401  (re-exported for the commands)
from ..report import Report
from ..textsafe import escape_controls

_COLOURS = {"fail": "31", "warn": "33", "pass": "32", "error": "31", "warning": "33", "info": "36"}
_MARKS = {"error": "x", "warning": "!", "info": "i"}


def use_colour(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def paint(text: str, key: str, colour: bool) -> str:
    return f"\033[{_COLOURS[key]}m{text}\033[0m" if colour and key in _COLOURS else text


def render_text(report: Report, *, reveal: bool = False, colour: bool = False, lang: str | None = None) -> str:
    """One block per report: verdict and name, then one line per finding, errors first, then one line naming
    the checks that did not run (and why).  ``lang="zh"``: Chinese messages and words.

    Every value from outside (file name, messages quoting it, fields) has its control characters shown
    escaped (``\x1b``): a file name cannot clear the screen or print a forged line."""
    from ..i18n import resolve_lang, t

    lang = resolve_lang(lang)
    data = _escaped(report.to_dict(reveal, lang))
    title = data["path"] or (data.get("file") or {}).get("name") or "(bytes)"
    shown = data["verdict"].upper().ljust(4) if lang == "en" else t(f"verdict.{data['verdict']}", lang)
    lines = [f"{paint(shown, data['verdict'], colour)}  {title}"]
    facts = data.get("file") or {}
    if facts.get("format"):
        size = f"{facts.get('width')}x{facts.get('height')}" if facts.get("width") else ""
        unit = "bytes" if lang == "en" else "字节"
        lines.append(f"      {facts.get('format')} {size} {facts.get('bytes')} {unit}".rstrip())
    for f in data["findings"]:
        sev = f["severity"]
        label = sev if lang == "en" else t(f"severity.{sev}", lang)
        mark = paint(f"{_MARKS[sev]} {label:<7}", sev, colour)
        where = f" [{f['field']}]" if f.get("field") else ""
        lines.append(f"      {mark} {f['code']}{where}: {f['message']}")
    skipped = report.skipped(lang)
    if skipped:
        lines.append(f"      - {escape_controls(skipped)}")
    return "\n".join(lines)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    return value


def safe(text: Any) -> str:
    """``str(text)`` fit for a terminal: control characters and undecodable bytes shown escaped."""
    return escape_controls(str(text))


def write_jsonl(reports: Iterable[Report], stream: IO[str], *, reveal: bool = False, lang: str | None = None) -> None:
    for report in reports:
        stream.write(report.to_json(reveal, lang=lang) + "\n")
        stream.flush()


def summarise(counts: dict[str, Any], lang: str = "en") -> str:
    verdicts = counts["verdicts"]
    if lang == "zh":
        from ..i18n import t

        parts = [t("cli.summary", lang, n=counts["files"], passed=verdicts.get("pass", 0),
                   warned=verdicts.get("warn", 0), failed=verdicts.get("fail", 0))]
    else:
        parts = [f"{counts['files']} files: " + ", ".join(f"{verdicts.get(v, 0)} {v}" for v in ("pass", "warn", "fail"))]
    if counts["codes"]:
        parts.append("各代码出现次数：" if lang == "zh" else "findings by code:")
        for code, n in sorted(counts["codes"].items(), key=lambda kv: (-kv[1], kv[0])):
            parts.append(f"  {n:6d}  {code}")
    return "\n".join(parts)


def eprint(*args: Any) -> None:
    print(*args, file=sys.stderr)
