"""Foreign Permanent Resident ID Card (外国人永久居留身份证) number, 2017 and 2023 forms — reference §2.5.

2023 form (issued from 2023-12-01), 18 characters, GB 11643 layout [C7][C2]::

    9 | province of acceptance (2) | ISO 3166-1 numeric nationality (3) | YYYYMMDD
      | sequence (3, pos 17 odd = male) | MOD 11-2 check

2017 form ("15 位"), 15 characters [C2]::

    ISO 3166-1 alpha-3 nationality (3) | acceptance place (4, first 4 digits of GB/T 2260) | YYMMDD | 1 digit | check

⚠ The 2017 check digit (ICAO 7-3-1 mod 10 over the first 14 characters) and the meaning of the
14th character come from one implementation only (C2, §7 open question 4).  We verify the check
digit, but :func:`info` does not derive a sex from that digit.  The 2017 birth year has two
digits: the century is the latest one that puts the date on or before today.

As everywhere in ``idcheck.numbers``, only the province (first two digits of the place code) is
checked, not the full GB/T 2260 code.

>>> info("911840198506150011")["nationality"]
'USA'
"""

from __future__ import annotations

from typing import Any

from . import _dates, _gb11643, _shape
from ._base import make_is_valid, make_normalize, require_str
from ._iso3166 import BY_ALPHA3, BY_NUMERIC
from ._regions import PROVINCES
from .exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from .mrz import calc_check_digit as icao

NAME = "fpr"
TITLE = "Foreign Permanent Resident ID Card number"
TITLE_ZH = "外国人永久居留身份证号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "foreign permanent resident ID card"
SHORT_TITLE_ZH = "外国人永久居留身份证"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: MOD 11-2 (2023 form) or 7-3-1 (2017 form) check character
HAS_CHECK_DIGIT = True

SHAPE_2023 = (frozenset("9"),) + (_shape.DIGITS,) * 16 + (_shape.DIGITS_X,)
SHAPE_2017 = (_shape.LETTERS,) * 3 + (_shape.DIGITS,) * 12

normalize = make_normalize()


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case."""
    return normalize(s).value


def calc_check_digit(s: str) -> str:
    """The check character: 14 characters -> 2017 form (7-3-1 mod 10), 17 digits -> 2023 form (MOD 11-2)."""
    require_str(s)
    if len(s) == 17:
        return _gb11643.calc_check_digit(s)
    if len(s) == 14:
        _shape.check_shapes(s, [SHAPE_2017[:14]], title="the 2017 check-digit input")
        return icao(s)
    raise InvalidLength("the check digit is computed over 14 (2017 form) or 17 (2023 form) characters",
                        expected=(14, 17), found=len(s))


def _province(code: str, position: int) -> None:
    if code not in PROVINCES:
        raise InvalidComponent(
            f"positions {position}-{position + 1}: {code} is not a province-level region code",
            position=position, found=code, component="province",
        )


def _validate_2023(v: str) -> None:
    _province(v[1:3], 2)
    if v[3:6] not in BY_NUMERIC:
        raise InvalidComponent(
            f"positions 4-6: {v[3:6]} is not an ISO 3166-1 numeric country code",
            position=4, found=v[3:6], component="nationality",
        )
    _gb11643.check_birth_date(v)
    _gb11643.check_checksum(v)


def _validate_2017(v: str) -> None:
    if v[:3] not in BY_ALPHA3:
        raise InvalidComponent(
            f"positions 1-3: {v[:3]} is not an ISO 3166-1 alpha-3 country code",
            position=1, found=v[:3], component="nationality",
        )
    _province(v[3:5], 4)
    _dates.parse_yymmdd_past(v[7:13], position=8)
    expected = calc_check_digit(v[:14])
    if v[14] != expected:
        raise InvalidChecksum(
            f"the check digit (position 15) does not match the first 14 characters: expected {expected!r}, "
            f"found {v[14]!r}",
            position=15, found=v[14], expected=expected, component="check_digit",
        )


def validate(s: str) -> str:
    """The normalised number (either form), or raise the precise :class:`ValidationError` subclass."""
    v = compact(require_str(s))
    if len(v) == 18 and v[0] != "9" and v[:17].isascii() and v[:17].isdigit():
        # An 18-digit number not starting with 9 is a resident ID or a residence permit (§2.5).
        other = "rp" if v[:2] in ("81", "82", "83") else "ric"
        raise InvalidComponent(
            "2023 Foreign Permanent Resident ID numbers start with 9; this looks like a "
            + ("residence permit number" if other == "rp" else "resident ID number"),
            position=1, found=v[0], expected="9", component="type", other_format=other,
        )
    _shape.check_shapes(v, [SHAPE_2017, SHAPE_2023], title="a Foreign Permanent Resident ID number",
                        length_hint="15 characters (2017 card) or 18 characters starting with 9 (2023 card)")
    if len(v) == 18:
        _validate_2023(v)
    else:
        _validate_2017(v)
    return v


is_valid = make_is_valid(validate)


def version(s: str) -> int:
    """2017 or 2023 for a valid number (raises like :func:`validate`)."""
    return 2023 if len(validate(s)) == 18 else 2017


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """2023: ``911840 19850615 0011``; 2017: ``KAZ 1100 901231 05``; other lengths unchanged."""
    v = compact(s)
    if len(v) == 18:
        return _gb11643.format18(v)
    if len(v) == 15:
        return f"{v[:3]} {v[3:7]} {v[7:13]} {v[13:]}"
    return v


def info(s: str) -> dict[str, Any]:
    """Version, nationality (alpha-3, numeric, name), province of acceptance, birth date, sex (2023 only)."""
    v = validate(s)
    if len(v) == 18:
        alpha3, name = BY_NUMERIC[v[3:6]]
        return {
            "number": v,
            "version": 2023,
            "province": v[1:3],
            "province_name": PROVINCES[v[1:3]][1],
            "nationality": alpha3,
            "nationality_numeric": v[3:6],
            "nationality_name": name,
            "birth_date": _gb11643.check_birth_date(v),
            "sex": _gb11643.sex(v),
            "sequence": v[14:17],
            "check_digit": v[17],
        }
    numeric, name = BY_ALPHA3[v[:3]]
    return {
        "number": v,
        "version": 2017,
        "province": v[3:5],
        "province_name": PROVINCES[v[3:5]][1],
        "place_code": v[3:7],
        "nationality": v[:3],
        "nationality_numeric": numeric,
        "nationality_name": name,
        "birth_date": _dates.parse_yymmdd_past(v[7:13], position=8),
        "sex": None,  # the 14th character's meaning is unconfirmed (module docstring)
        "sequence": v[13],
        "check_digit": v[14],
    }
