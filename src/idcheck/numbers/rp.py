"""Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证) — reference §2.2.

Same 18-character layout and MOD 11-2 check as the resident ID (§2.1), with a fixed address code:
``810000`` Hong Kong, ``820000`` Macao, ``830000`` Taiwan (830000, not GB/T 2260's 710000).
Alibaba uses one document code for all three (``HKMOJUMIN``) and wants both sides uploaded [A1][A12].

>>> info("810000199001010019")["region"]
'hk'
"""

from __future__ import annotations

from typing import Any

from . import _gb11643
from ._base import make_is_valid, make_normalize, require_str
from ._regions import PERMIT_REGIONS, PROVINCES, REGION_NAMES
from .exceptions import InvalidComponent

NAME = "rp"
TITLE = "Residence permit for Hong Kong, Macao and Taiwan residents"
TITLE_ZH = "港澳台居民居住证号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "residence permit"
SHORT_TITLE_ZH = "港澳台居民居住证"
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
    if v[:6] in PERMIT_REGIONS:
        return
    head = v[:2]
    if head in ("81", "82", "83"):
        first_bad = next(i for i in range(2, 6) if v[i] != "0")
        raise InvalidComponent(
            f"residence permit numbers start with {head}0000; position {first_bad + 1} must be 0",
            position=first_bad + 1, found=v[first_bad], expected="0", component="region",
        )
    other = "ric" if head in PROVINCES else "fpr" if head[0] == "9" else None
    hint = {
        "ric": "; this looks like a mainland resident ID number",
        "fpr": "; this looks like a Foreign Permanent Resident ID number",
    }.get(other or "", "")
    raise InvalidComponent(
        "residence permit numbers start with 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan)" + hint,
        position=1, found=v[:6], component="region", other_format=other,
    )


def validate(s: str) -> str:
    """The normalised number, or raise the precise :class:`ValidationError` subclass."""
    v = compact(require_str(s))
    _gb11643.check_shape(v, "a residence permit number")
    _check_prefix(v)
    _gb11643.check_birth_date(v)
    _gb11643.check_checksum(v)
    return v


is_valid = make_is_valid(validate)


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """``810000 19900101 0019``; other lengths unchanged."""
    return _gb11643.format18(compact(s))


def info(s: str) -> dict[str, Any]:
    """The parts of a valid number: ``region`` is ``"hk"``, ``"macao"`` or ``"taiwan"``."""
    v = validate(s)
    region = PERMIT_REGIONS[v[:6]]
    return {
        "number": v,
        "region": region,
        "region_name": REGION_NAMES[region],
        "region_code": v[:6],
        "birth_date": _gb11643.check_birth_date(v),
        "sex": _gb11643.sex(v),
        "sequence": v[14:17],
        "check_digit": v[17],
    }
