"""Mainland Travel Permit for Taiwan residents (台湾居民来往大陆通行证, 台胞证) — reference §2.4.

Current 5-year card: 8 digits.  Older booklet: 10 digits = 8 + a 2-digit replacement count.  No
public checksum is known: format check only.

One-time short-term permits (``^[0-9A-Z]{10,12}$`` with letters, or 11-12 digits, e.g.
``F290299977``, §2.4 ⚠) are rejected by :func:`validate` like any other shape; the reference grades
them a warning, so :func:`is_one_time_permit` lets the caller tell them apart.  Ten digits always
read as a booklet number.

>>> info("07257456")["generation"]
'card'
"""

from __future__ import annotations

import re
from typing import Any

from . import _shape
from ._base import make_is_valid, make_normalize, predicate, require_str
from .exceptions import InvalidFormat

NAME = "tw_permit"
TITLE = "Mainland Travel Permit for Taiwan residents"
TITLE_ZH = "台湾居民来往大陆通行证号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "Taiwan travel permit"
SHORT_TITLE_ZH = "台湾居民来往大陆通行证"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: no public checksum
HAS_CHECK_DIGIT = False

SHAPES = ((_shape.DIGITS,) * 8, (_shape.DIGITS,) * 10)
_ONE_TIME = re.compile(r"[0-9A-Z]{10,12}")

normalize = make_normalize()


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case."""
    return normalize(s).value


def validate(s: str) -> str:
    """The normalised number, or raise :class:`InvalidLength` / :class:`InvalidFormat`."""
    v = compact(require_str(s))
    one_time = bool(_ONE_TIME.fullmatch(v)) and not (len(v) == 10 and v.isdigit())
    if one_time and not v.isdigit():
        first = next(i for i, ch in enumerate(v) if not ch.isdigit())
        raise InvalidFormat(
            "this looks like a one-time short-term permit number, not a card or booklet number "
            "(8 or 10 digits); check which document will be uploaded",
            position=first + 1, found=v[first], expected=_shape.describe(_shape.DIGITS),
            component="one_time_permit",
        )
    hint = ("this looks like a one-time short-term permit number" if one_time
            else "8 digits (card) or 10 digits (older booklet)")
    _shape.check_shapes(v, SHAPES, title="a Taiwan travel permit number", length_hint=hint)
    return v


is_valid = make_is_valid(validate)


@predicate
def is_one_time_permit(s: str) -> bool:
    """True for the shape of a one-time short-term permit (not valid for :func:`validate`; grade as warning)."""
    v = compact(s)
    return bool(_ONE_TIME.fullmatch(v)) and not is_valid(v)


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """``07257456``; a 10-digit booklet number as ``07257456 01``."""
    v = compact(s)
    return f"{v[:8]} {v[8:]}" if len(v) == 10 else v


def info(s: str) -> dict[str, Any]:
    """Region (always ``"taiwan"``), generation, replacements for booklets."""
    v = validate(s)
    return {
        "number": v,
        "region": "taiwan",
        "region_name": "Taiwan",
        "generation": "card" if len(v) == 8 else "booklet",
        "holder_number": v[:8],
        "replacements": int(v[8:]) if len(v) == 10 else None,
    }
