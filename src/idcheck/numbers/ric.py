"""Resident Identity Card number (公民身份号码), GB 11643-1999 — reference §2.1.

18 characters: 6-digit address code (GB/T 2260, county of first registration), birth date
YYYYMMDD, 3-digit sequence (odd = male, even = female) and an ISO 7064 MOD 11-2 check character
(``0-9`` or ``X``).

Checks: length (15-digit first-generation numbers are obsolete and rejected with their own
message), characters, the province-level prefix (first two digits), a real birth date not after
today and not before 1800, and the check character.  Births before 1900 are valid but flagged by
:func:`info` (``born_before_1900``) so a caller can warn.

Region codes: only the *province* (first two digits) is checked.  We do not have the full GB/T
2260 table with its historical codes, and numbers keep retired codes, so an unknown county code is
not detectable here (the reference grades it a warning at most).

Numbers starting with ``81``/``82``/``83`` are residence permits (:mod:`idcheck.numbers.rp`) and
numbers starting with ``9`` are 2023 Foreign Permanent Resident IDs (:mod:`idcheck.numbers.fpr`):
``validate`` rejects them with :class:`InvalidComponent` whose ``other_format`` names the right module.

>>> validate("11010519491231002x")
'11010519491231002X'
>>> info("11010519491231002X")["sex"]
'female'
"""

from __future__ import annotations

import datetime
from typing import Any

from . import _gb11643, fpr, rp
from ._base import make_is_valid, make_normalize, require_str
from ._regions import PROVINCES
from .exceptions import InvalidComponent, InvalidLength

NAME = "ric"
TITLE = "Resident Identity Card number"
TITLE_ZH = "居民身份证号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "resident ID card"
SHORT_TITLE_ZH = "居民身份证"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: GB 11643 MOD 11-2 check character
HAS_CHECK_DIGIT = True

normalize = make_normalize()
calc_check_digit = _gb11643.calc_check_digit


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case (``x`` -> ``X``)."""
    return normalize(s).value


def _check_prefix(v: str) -> None:
    head = v[:2]
    if head in ("81", "82", "83"):
        valid = "; this one is a valid residence permit number: choose that document type" if rp.is_valid(v) else ""
        raise InvalidComponent(
            f"numbers starting with {head} are residence permits for Hong Kong, Macao and Taiwan residents, "
            f"not resident ID numbers{valid}",
            position=1, found=head, component="province", other_format="rp",
        )
    if head[0] == "9":
        valid = "; this one is a valid FPR number: choose that document type" if fpr.is_valid(v) else ""
        raise InvalidComponent(
            "numbers starting with 9 are Foreign Permanent Resident ID numbers (2023 card), "
            f"not resident ID numbers{valid}",
            position=1, found=head, component="province", other_format="fpr",
        )
    if head == "71":
        raise InvalidComponent(
            "71 (Taiwan) is never issued on resident ID cards; Taiwan residents hold residence permits "
            "starting with 830000",
            position=1, found=head, component="province",
        )
    if head not in PROVINCES:
        raise InvalidComponent(
            f"positions 1-2: {head} is not a province-level region code",
            position=1, found=head, component="province",
        )


def validate(s: str) -> str:
    """The normalised number, or raise the precise :class:`ValidationError` subclass."""
    v = compact(require_str(s))
    if len(v) == 15 and v.isascii() and v.isdigit():
        raise InvalidLength(
            "15-digit first-generation resident ID numbers are obsolete; enter the 18-character number "
            "printed on the current card",
            expected=18, found=15, component="obsolete_15_digit",
        )
    _gb11643.check_shape(v, "a resident ID number")
    _check_prefix(v)
    _gb11643.check_birth_date(v)
    _gb11643.check_checksum(v)
    return v


is_valid = make_is_valid(validate)


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """``110105 19491231 002X`` (address, birth date, sequence + check); other lengths unchanged."""
    return _gb11643.format18(compact(s))


def info(s: str) -> dict[str, Any]:
    """The parts of a valid number (raises like :func:`validate`)."""
    v = validate(s)
    birth: datetime.date = _gb11643.check_birth_date(v)
    zh, en = PROVINCES[v[:2]]
    return {
        "number": v,
        "region_code": v[:6],
        "province": v[:2],
        "province_name": en,
        "province_name_zh": zh,
        "birth_date": birth,
        "born_before_1900": birth.year < 1900,
        "sex": _gb11643.sex(v),
        "sequence": v[14:17],
        "check_digit": v[17],
    }
