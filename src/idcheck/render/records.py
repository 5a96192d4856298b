"""The record formats: one report (its ``to_dict`` record) as text for people, JSON, a JSON line or a CSV row.

Every output of idcheck is made in ``render/``: these, the HTML page (:mod:`.html`) and the annotated
picture (:mod:`.annotate`).  ``idcheck check`` and ``idcheck scan`` offer the same :data:`FORMATS`; where
the file goes (standard output, an atomic file, the scan's store) is theirs to decide.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from typing import IO, Any

from ..checkrun import CheckRun, skipped_line
from ..i18n import resolve_lang, t
from ..report import Report
from ..textsafe import display, dumps, escape_controls

FORMATS = ("text", "json", "jsonl", "csv", "html")
STREAM_FORMATS = ("text", "json", "jsonl", "csv")  # one record after another; html is a page (render.html)

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
    escaped (``\\x1b``): a file name cannot clear the screen or print a forged line."""
    lang = resolve_lang(lang)
    return text_block(report.to_dict(reveal, lang), colour=colour, lang=lang)


def text_block(record: dict[str, Any], *, colour: bool = False, lang: str | None = None) -> str:
    """:func:`render_text` of a record (a report's ``to_dict``, made in ``lang``)."""
    lang = resolve_lang(lang)
    data = _escaped(record)
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
    skipped = skipped_line([CheckRun.from_dict(c) for c in record.get("checks") or ()], lang)
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


def write_jsonl(reports: Iterable[Report], stream: IO[str], *, reveal: bool = False, lang: str | None = None) -> None:
    for report in reports:
        stream.write(report.to_json(reveal, lang=lang) + "\n")
        stream.flush()


def json_document(records: list[dict[str, Any]]) -> str:
    """``idcheck check --format json``: every record in one JSON array."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def summarise(counts: dict[str, Any], lang: str = "en") -> str:
    """A scan's closing summary (a :class:`idcheck.tally.Tally`'s counts) as text."""
    verdicts = counts["verdicts"]
    if lang == "zh":
        parts = [t("cli.summary", lang, n=counts["files"], passed=verdicts.get("pass", 0),
                   warned=verdicts.get("warn", 0), failed=verdicts.get("fail", 0))]
    else:
        parts = [f"{counts['files']} files: "
                 + ", ".join(f"{verdicts.get(v, 0)} {v}" for v in ("pass", "warn", "fail"))]
    if counts["codes"]:
        parts.append("各代码出现次数：" if lang == "zh" else "findings by code:")
        for code, n in sorted(counts["codes"].items(), key=lambda kv: (-kv[1], kv[0])):
            parts.append(f"  {n:6d}  {code}")
    return "\n".join(parts)


#: The CSV columns, stable: a new column is only ever added at the end (documented in docs/command-line.md).
#: ``codes`` and the ``checks_*`` columns hold names joined by ";" (a spreadsheet's "contains" filter finds one);
#: ``checks_why`` says why each skipped, partly judged or not applicable check was, as "name: reason | ...", in
#: the output's language.  A record without a check list (a profile or submission report, a file whose
#: worker timed out or crashed) leaves the ``checks_*`` cells empty.
CSV_COLUMNS = ("path", "verdict", "errors", "warnings", "codes", "format", "bytes", "width", "height", "total_ms",
               "checks_failed", "checks_skipped", "checks_partly_judged", "checks_not_applicable", "checks_why")


def csv_check_cells(record: dict[str, Any], lang: str = "en") -> list[str]:
    """The ``checks_*`` cells of a record: failed, skipped, partly judged and not applicable check names; why."""
    runs = [CheckRun.from_dict(c) for c in record.get("checks") or ()]
    failed = [r.name for r in runs if r.status == "failed"]
    skipped = [r.name for r in runs if r.status == "skipped" and r.applicable]
    partly = [r.name for r in runs if r.status != "skipped" and r.not_judged]
    na = [r.name for r in runs if not r.applicable]
    why = [f"{r.name}: {r.why(lang)}" for r in runs if r.name in skipped + partly + na and r.why(lang)]
    return [";".join(failed), ";".join(skipped), ";".join(partly), ";".join(na), " | ".join(why)]


def csv_row(record: dict[str, Any], lang: str | None = None) -> list[Any]:
    findings = record.get("findings") or []
    facts = record.get("file") or {}
    return [
        display(record["path"]) if isinstance(record.get("path"), str) else record.get("path"),
        record.get("verdict"),
        sum(f["severity"] == "error" for f in findings),
        sum(f["severity"] == "warning" for f in findings),
        ";".join(f["code"] for f in findings),
        facts.get("format"),
        facts.get("bytes"),
        facts.get("width"),
        facts.get("height"),
        (record.get("timings") or {}).get("total"),
        *(escape_controls(cell) for cell in csv_check_cells(record, resolve_lang(lang))),
    ]


class RecordStream:
    """Records, one after another, onto a text stream in one of :data:`STREAM_FORMATS`.

    ``write`` takes the record as its JSON text (what a scan's workers and store hold); JSON Lines copies it
    unchanged.  ``close`` ends the format (JSON's closing bracket); it does not close the stream."""

    def __init__(self, fh: IO[str], fmt: str = "jsonl", *, colour: bool = False, indent: int | None = 2,
                 lang: str | None = None):
        if fmt not in STREAM_FORMATS:
            raise ValueError(f"unknown output format {fmt!r}")
        self.fh, self.fmt, self.colour, self.indent, self.lang = fh, fmt, colour, indent, lang
        self.count = 0
        self.csv = csv.writer(fh) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)
        elif fmt == "json":
            fh.write("[")

    def write(self, line: str) -> None:
        if self.fmt == "jsonl":
            self.fh.write(line + "\n")
        elif self.csv is not None:
            self.csv.writerow(csv_row(json.loads(line), self.lang))
        elif self.fmt == "text":
            self.fh.write(text_block(json.loads(line), colour=self.colour, lang=self.lang) + "\n")
        else:
            body = dumps(json.loads(line), indent=self.indent)
            if self.indent:
                body = "\n".join(" " * self.indent + row for row in body.split("\n"))
            self.fh.write(("," if self.count else "") + "\n" + body)
        self.count += 1
        self.fh.flush()

    def close(self) -> None:
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.count else "]\n")
        self.fh.flush()
