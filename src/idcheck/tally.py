"""Counts per verdict and per code, for a scan's closing summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .report import Report


class Tally:
    """Counts per verdict and per code, for the closing summary."""

    def __init__(self) -> None:
        self.files = 0
        self.verdicts: dict[str, int] = {}
        self.codes: dict[str, int] = {}

    def add(self, report: Report) -> None:
        self.count(report.verdict, report.codes)

    def add_record(self, record: dict[str, Any]) -> None:
        self.count(record["verdict"], [f["code"] for f in record.get("findings", [])])

    def count(self, verdict: str, codes: Iterable[str]) -> None:
        self.files += 1
        self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
        for code in set(codes):
            self.codes[code] = self.codes.get(code, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "verdicts": dict(self.verdicts), "codes": dict(self.codes)}
