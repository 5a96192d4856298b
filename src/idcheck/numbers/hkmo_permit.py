"""Mainland Travel Permit for Hong Kong and Macao residents (港澳居民来往内地通行证, 回乡证) — reference §2.3.

``H`` (Hong Kong) or ``M`` (Macao) followed by 8 digits (current card, 9 characters) or 10 digits
(older booklet, 11 characters; the last two digits count replacements).  No public checksum is
known, so this is a format check only.  The registrant's region must match the letter (中国香港 /
中国澳门) or CNNIC answers "境外个人或组织用户" [A1][A11]: ``info()["region"]`` gives it.

The legacy ``[HM][A-Z]\\d{6,7}`` form some code accepts (§2.3, ⚠ uncertain) is rejected.

>>> info("H32031177")["region"]
'hk'
"""

from __future__ import annotations

from typing import Any

from . import _shape
from ._base import make_is_valid, make_normalize, require_str
from ._regions import REGION_NAMES

NAME = "hkmo_permit"
TITLE = "Mainland Travel Permit for Hong Kong and Macao residents"
TITLE_ZH = "港澳居民来往内地通行证号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "Hong Kong/Macao travel permit"
SHORT_TITLE_ZH = "港澳居民来往内地通行证"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: no public checksum
HAS_CHECK_DIGIT = False

_LETTER = frozenset("HM")
SHAPES = ((_LETTER,) + (_shape.DIGITS,) * 8, (_LETTER,) + (_shape.DIGITS,) * 10)
REGIONS = {"H": "hk", "M": "macao"}

normalize = make_normalize()


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case (``h`` -> ``H``)."""
    return normalize(s).value


def validate(s: str) -> str:
    """The normalised number, or raise :class:`InvalidLength` / :class:`InvalidFormat`."""
    v = compact(require_str(s))
    _shape.check_shapes(v, SHAPES, title="a Hong Kong/Macao travel permit number",
                        length_hint="H or M followed by 8 digits (card) or 10 digits (older booklet)")
    return v


is_valid = make_is_valid(validate)


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """``H32031177`` as is; an 11-character booklet number as ``H32031177 07`` (replacement count apart)."""
    v = compact(s)
    return f"{v[:9]} {v[9:]}" if len(v) == 11 else v


def info(s: str) -> dict[str, Any]:
    """Region (``"hk"``/``"macao"``), generation (``"card"``/``"booklet"``), replacements for booklets."""
    v = validate(s)
    region = REGIONS[v[0]]
    return {
        "number": v,
        "region": region,
        "region_name": REGION_NAMES[region],
        "generation": "card" if len(v) == 9 else "booklet",
        "holder_number": v[1:9],
        "replacements": int(v[9:]) if len(v) == 11 else None,
    }
