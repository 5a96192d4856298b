"""Output files that are never left half-written.

Records stream into ``<out>.partial`` while the run goes on (flushed per
record, so ``tail -f`` works); only a completed run renames it to ``<out>``
(atomically, after fsync).  An interrupted run leaves the previous complete
output, if any, untouched, and its records in the store for ``--resume``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import IO, Any

from ..textsafe import display

CSV_COLUMNS = ("path", "verdict", "errors", "warnings", "codes", "format", "bytes", "width", "height", "total_ms")


def csv_row(record: dict[str, Any]) -> list[Any]:
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
    ]


class RecordWriter:
    """Writes records as JSON Lines or CSV to a file (atomically at close) or to a stream."""

    def __init__(self, out: str | None, fmt: str = "jsonl", stream: IO[str] | None = None):
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown output format {fmt!r}")
        self.fmt = fmt
        self.out = out
        self.partial = f"{out}.partial" if out else None
        self.fh: IO[str] = open(self.partial, "w", encoding="utf-8", newline="") if self.partial else (stream or sys.stdout)
        self.csv = csv.writer(self.fh) if fmt == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)

    def write(self, line: str) -> None:
        """``line`` is one record as JSON text."""
        if self.csv is not None:
            self.csv.writerow(csv_row(json.loads(line)))
        else:
            self.fh.write(line + "\n")
        self.fh.flush()

    def commit(self) -> None:
        """Finish a completed run: the output appears whole, or not at all."""
        if self.partial is None:
            self.fh.flush()
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.partial, self.out)

    def abandon(self) -> None:
        """An interrupted run: keep the partial file for inspection, never the output name."""
        if self.partial is not None and not self.fh.closed:
            self.fh.close()
