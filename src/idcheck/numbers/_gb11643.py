"""The 18-character GB 11643 layout shared by resident IDs, residence permits and the 2023 FPR card.

Reference §2.1, §2.2, §2.5: 17 digits + one ISO 7064 MOD 11-2 check character (``0-9`` or ``X``);
positions 7-14 hold the birth date YYYYMMDD, position 17 is odd for men and even for women.
"""

from __future__ import annotations

import datetime

from . import _dates, _shape
from .exceptions import InvalidChecksum, InvalidLength

# 2^(17-i) mod 11 for i = 0..16 (§2.1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SHAPE = (_shape.DIGITS,) * 17 + (_shape.DIGITS_X,)


def calc_check_digit(first17: str) -> str:
    """The MOD 11-2 check character for 17 ASCII digits (``"10X98765432"[sum % 11]``, §2.1)."""
    if not isinstance(first17, str) or len(first17) != 17:
        raise InvalidLength("the check character is computed over exactly 17 digits", expected=17,
                            found=len(first17) if isinstance(first17, str) else None)
    for i, ch in enumerate(first17):
        if ch not in _shape.DIGITS:
            raise _shape.bad_char(first17, i, _shape.DIGITS)
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def check_shape(value: str, title: str, length_hint: str = "") -> None:
    """Length 18, digits at 1-17, digit or X at 18."""
    _shape.check_shapes(value, [SHAPE], title=title, length_hint=length_hint)


def check_birth_date(value: str) -> datetime.date:
    return _dates.parse_yyyymmdd(value[6:14], position=7)


def check_checksum(value: str) -> None:
    expected = calc_check_digit(value[:17])
    if value[17] != expected:
        raise InvalidChecksum(
            f"the check character (position 18) does not match the first 17 digits: "
            f"expected {expected!r}, found {value[17]!r}",
            position=18,
            found=value[17],
            expected=expected,
            component="check_digit",
        )


def sex(value: str) -> str:
    return "male" if int(value[16]) % 2 else "female"


def format18(value: str) -> str:
    """``110105 19491231 002X``: address, birth date, sequence + check (how forms group it)."""
    if len(value) != 18:
        return value
    return f"{value[:6]} {value[6:14]} {value[14:]}"


__all__ = ["WEIGHTS", "calc_check_digit", "check_shape", "check_birth_date", "check_checksum", "sex",
           "format18"]
