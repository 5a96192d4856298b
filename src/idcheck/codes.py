"""The code catalogue: every finding code, its default severity and its messages.

The catalogue is data: one TOML file per code family in ``idcheck/catalogue/``
(``file.toml``, ``image.toml``, ...).  Each entry::

    ["file.too_large"]
    severity = "error"                 # default severity (a check may override it, saying why)
    title = "File too large"           # a few words, for tables
    message = "... {size} ..."         # one actionable sentence; {placeholders} filled by the check
    message_zh = "..."                 # the Chinese message, same placeholders ({what_zh}, {reason_zh}, ...)
    meaning = "..."                    # what it means (``idcheck explain``)
    fix = "..."                        # how to fix it ("" when there is nothing to fix: never printed)
    title_zh, meaning_zh, fix_zh, evidence_zh  # the same in Simplified Chinese (``--lang zh``, ``IDCHECK_LANG=zh``)
    evidence = "..."                   # the measured evidence behind the severity (the severity policy below)

Severity policy: **error** only where the measured precision of that code at that strength on real photographs
(``python -m benchmarks.real``) is >= 0.95; **warning** where the evidence is real but weaker; **info** for facts
that judge nothing.  A check that could not run on a picture that needs it says so (``image.not_judged``, a
warning), never a silent pass.

Codes are the contract with other services: never rename one, only add.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import CatalogueError
from .report import SEVERITIES, Finding, Measure, Point, Severity


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: Severity
    title: str
    message: str
    meaning: str
    fix: str
    message_zh: str | None = None
    # why the default severity is what it is: the benchmark and figure behind an error (the severity policy)
    evidence: str | None = None
    title_zh: str | None = None
    meaning_zh: str | None = None
    fix_zh: str | None = None
    evidence_zh: str | None = None

    def text(self, what: str, lang: str = "en") -> str:
        """``title``, ``message``, ``meaning``, ``fix`` or ``evidence`` in ``lang``.

        English where no Chinese is written.
        """
        if lang == "zh":
            zh = getattr(self, f"{what}_zh")
            if zh is not None:
                return zh
        return getattr(self, what)


@lru_cache(maxsize=1)
def catalogue() -> Mapping[str, CodeInfo]:
    """All codes, loaded once from the package's TOML files."""
    entries: dict[str, CodeInfo] = {}
    folder = resources.files("idcheck") / "catalogue"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        data = tomllib.loads(item.read_text(encoding="utf-8"))
        for code, entry in data.items():
            if code in entries:
                raise CatalogueError(f"{code} is defined twice (second time in {item.name})")
            if entry.get("severity") not in SEVERITIES:
                raise CatalogueError(f"{code} in {item.name}: severity must be one of {SEVERITIES}")
            entries[code] = CodeInfo(
                code=code,
                severity=entry["severity"],
                title=entry["title"],
                message=entry["message"],
                meaning=entry["meaning"],
                fix=entry["fix"],
                message_zh=entry.get("message_zh"),
                evidence=entry.get("evidence"),
                title_zh=entry.get("title_zh"),
                meaning_zh=entry.get("meaning_zh"),
                fix_zh=entry.get("fix_zh"),
                evidence_zh=entry.get("evidence_zh"),
            )
    return entries


def get(code: str) -> CodeInfo:
    try:
        return catalogue()[code]
    except KeyError:
        raise CatalogueError(f"unknown finding code {code!r}") from None


def finding(
    code: str,
    *,
    severity: Severity | None = None,
    measured: Measure | None = None,
    threshold: Measure | None = None,
    region: Iterable[Point] | None = None,
    field: str | None = None,
    details: Mapping[str, Any] | None = None,
    **params: Any,
) -> Finding:
    """Make a finding for ``code``; ``params`` fill the message's placeholders.

    ``measured`` and ``threshold`` are also available to the message as
    ``{measured}`` and ``{threshold}``.
    """
    info = get(code)
    if severity is not None and severity not in SEVERITIES:
        raise CatalogueError(f"bad severity {severity!r} for {code}")
    values = dict(params)
    values.setdefault("measured", str(measured) if measured else "")
    values.setdefault("threshold", str(threshold) if threshold else "")
    return Finding(
        code=code,
        severity=severity or info.severity,
        template=info.message,
        template_zh=info.message_zh,
        params=values,
        measured=measured,
        threshold=threshold,
        region=tuple((float(x), float(y)) for x, y in region) if region is not None else None,
        field=field,
        details=dict(details or {}),
    )
