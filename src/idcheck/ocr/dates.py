"""Dates printed on Chinese certificates, read strictly from OCR text, and ``document.recently_issued``.

* :func:`parse_date` - one date: ``2024年11月28日``, ``2024 年 11 月 28 日``, ``2024.11.28``, ``2024-11-28``,
  ``2024/11/28`` (NFKC first: full-width digits).  A date that does not exist (``2023年2月30日``), a year
  outside 1949-2100 or a reading with more than one date is None - never a guess, never an exception.
* :func:`licence_dates` - a licence's issue date (the date under the registration seal, beside 登记机关) and
  its 成立日期, from the text of one or more lines.
* :func:`recently_issued` - ``document.recently_issued`` (warning) when a certificate was issued fewer than
  :data:`LAG_DAYS` days before the check: the registrar verifies an organisation's certificate against the
  issuer's register, which lags by about ten days (domain-rules.md section 1.5, [A2]: "resubmit >= 10 days
  after issue").  The day of the check is passed in (``today=``): tests are deterministic.

The validity period of a resident ID card's emblem side is parsed in :mod:`.crosscheck` (``parse_validity``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from .. import codes
from ..report import Finding, Measure

# The registrar's data source lags behind the issuer by about ten days (domain-rules.md section 1.5 [A2]): a
# certificate issued fewer than 10 days before the check may not be found yet.
LAG_DAYS = 10
# A date is believed only from a reading at least this confident (the engine's weakest character; no check
# digit vouches for a date): the same floor as the emblem side's validity period.
DATE_CONFIDENCE = 0.9
MIN_YEAR, MAX_YEAR = 1949, 2100

_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                   r"|([./-])\s*(\d{1,2})\s*\4\s*(\d{1,2})(?!\d))")
_ESTABLISHED = re.compile(r"成\s*立\s*日\s*期")
_ISSUER = re.compile(r"登\s*记\s*机\s*关|发\s*证\s*机\s*关|发\s*证\s*日\s*期")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def find_dates(text: str) -> list[datetime.date | None]:
    """Every date-shaped run in ``text``, each as a date or None when it is no real date."""
    out: list[datetime.date | None] = []
    for m in _DATE.finditer(_norm(text)):
        y = int(m[1])
        mo, d = (m[2], m[3]) if m[2] else (m[5], m[6])
        try:
            day = datetime.date(y, int(mo), int(d))
        except (ValueError, TypeError):
            out.append(None)
            continue
        out.append(day if MIN_YEAR <= y <= MAX_YEAR else None)
    return out


def parse_date(text: str) -> datetime.date | None:
    """The one date in ``text``; None when there is none, more than one, or it is not a real date."""
    found = find_dates(text)
    return found[0] if len(found) == 1 else None


def licence_dates(lines: Iterable[str]) -> dict[str, datetime.date | None]:
    """{"established": 成立日期, "issued": the issue date} from a licence's text lines (None where not read).

    A line with 成立日期 gives the establishment date; a date on a line with 登记机关/发证机关/发证日期, or a
    line that is nothing but a date (the date under the seal), gives the issue date.  Two different candidates
    for one date: None (not sure which)."""
    est: set[datetime.date] = set()
    iss: set[datetime.date] = set()
    for raw in lines:
        text = _norm(raw)
        day = parse_date(text)
        if day is None:
            continue
        if _ESTABLISHED.search(text):
            est.add(day)
        elif _ISSUER.search(text) or not re.sub(r"[\d\s年月日./\-]", "", text):
            iss.add(day)
    return {"established": next(iter(est)) if len(est) == 1 else None,
            "issued": next(iter(iss)) if len(iss) == 1 else None}


def _zh_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def recently_issued(issued: datetime.date | None, today: datetime.date, *, document: str = "business licence",
                    document_zh: str = "营业执照", source: str = "its issue date as printed",
                    source_zh: str = "按印刷的发证日期", region: Any = None,
                    details: dict[str, Any] | None = None) -> list[Finding]:
    """``document.recently_issued`` when ``issued`` is fewer than :data:`LAG_DAYS` days before ``today``.
    A date after ``today`` is a misreading or a wrong clock: not reported."""
    if issued is None:
        return []
    age = (today - issued).days
    if age < 0 or age >= LAG_DAYS:
        return []
    ready = issued + datetime.timedelta(days=LAG_DAYS)
    return [codes.finding(
        "document.recently_issued", document=document, document_zh=document_zh, issued=issued.isoformat(),
        ready=ready.isoformat(), issued_zh=_zh_date(issued), ready_zh=_zh_date(ready), source=source,
        source_zh=source_zh, field="issue_date", region=region,
        measured=Measure(age, "days"), threshold=Measure(LAG_DAYS, "days", ">="),
        details={"issued": issued.isoformat(), "checked": today.isoformat(), "age_days": age,
                 "ready": ready.isoformat(), **(details or {})},
    )]


def check_issued(fr: Any, today: datetime.date) -> list[Finding]:
    """``document.recently_issued`` from a licence's issue-date line as read (a FieldReading or None): only
    from a confident reading (:data:`DATE_CONFIDENCE`) that parses as exactly one real date."""
    if fr is None or not getattr(fr, "text", "") or fr.confidence < DATE_CONFIDENCE:
        return []
    issued = licence_dates([fr.raw or fr.text])["issued"] or parse_date(fr.text)
    return recently_issued(issued, today, region=fr.region, details={"confidence": round(fr.confidence, 3)})
