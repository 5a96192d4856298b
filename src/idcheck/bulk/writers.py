"""Output files that are never left half-written.

Records stream into ``<out>.partial`` while the run goes on (flushed per
record, so ``tail -f`` works); only a completed run renames it to ``<out>``
(atomically, after fsync).  An interrupted run leaves the previous complete
output, if any, untouched, and its records in the store for ``--resume``.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from ..render.records import CSV_COLUMNS, STREAM_FORMATS, RecordStream, csv_row  # noqa: F401  (the formats live in render/)


class RecordWriter:
    """Writes records (in a format of :mod:`idcheck.render.records`) to a file (atomically at close) or to a
    stream."""

    def __init__(self, out: str | None, fmt: str = "jsonl", stream: IO[str] | None = None, *, colour: bool = False,
                 lang: str | None = None):
        if fmt not in STREAM_FORMATS:
            raise ValueError(f"unknown output format {fmt!r}")
        self.fmt = fmt
        self.out = out
        self.partial = f"{out}.partial" if out else None
        self.fh: IO[str] = (
            open(self.partial, "w", encoding="utf-8", newline="") if self.partial else (stream or sys.stdout)
        )
        self.records = RecordStream(self.fh, fmt, colour=colour, lang=lang)

    def write(self, line: str) -> None:
        """``line`` is one record as JSON text."""
        self.records.write(line)

    def commit(self) -> None:
        """Finish a completed run: the output appears whole, or not at all."""
        self.records.close()
        if self.partial is None:
            self.fh.flush()
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        assert self.out is not None  # a partial file exists only for a named output
        os.replace(self.partial, self.out)

    def abandon(self) -> None:
        """An interrupted run: keep the partial file for inspection, never the output name."""
        if self.partial is not None and not self.fh.closed:
            self.fh.close()
