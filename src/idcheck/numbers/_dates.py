"""Dates embedded in identity numbers (reference §2.1: real calendar date, not in the future)."""

from __future__ import annotations

import datetime

from .exceptions import InvalidDate

# GB 11643 birth dates use centuries 18-20 (§2.1 regex); anything earlier is a typo.
MIN_BIRTH_YEAR = 1800


def today() -> datetime.date:
    """Today's date; a function so tests can pin it."""
    return datetime.date.today()


def parse_yyyymmdd(text: str, *, position: int, what: str = "birth date") -> datetime.date:
    """``"19491231"`` -> ``date(1949, 12, 31)``; :class:`InvalidDate` if not real, future or before 1800."""
    try:
        value = datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InvalidDate(
            f"the {what} (positions {position}-{position + 7}) is not a real calendar date",
            position=position, found=text, component="birth_date",
        ) from None
    if value > today():
        raise InvalidDate(
            f"the {what} (positions {position}-{position + 7}) lies in the future",
            position=position, found=text, component="birth_date",
        )
    if value.year < MIN_BIRTH_YEAR:
        raise InvalidDate(
            f"the {what} (positions {position}-{position + 7}) is before {MIN_BIRTH_YEAR}",
            position=position, found=text, component="birth_date",
        )
    return value


def parse_yymmdd_past(text: str, *, position: int, what: str = "birth date") -> datetime.date:
    """A two-digit-year birth date: the latest century that puts it on or before today (ICAO 9303 practice)."""
    now = today()
    try:
        year, month, day = int(text[0:2]), int(text[2:4]), int(text[4:6])
        candidates = []
        for century in (2000, 1900):
            try:
                candidates.append(datetime.date(century + year, month, day))
            except ValueError:
                pass  # 29 February exists in one century only (2000 vs 1900)
        if not candidates:
            raise ValueError
    except ValueError:
        raise InvalidDate(
            f"the {what} (positions {position}-{position + 5}) is not a real calendar date",
            position=position, found=text, component="birth_date",
        ) from None
    for value in candidates:
        if value <= now:
            return value
    raise InvalidDate(
        f"the {what} (positions {position}-{position + 5}) lies in the future",
        position=position, found=text, component="birth_date",
    )


def parse_yymmdd(text: str, *, position: int, century: int = 2000, what: str = "date") -> datetime.date:
    """A two-digit-year date in a fixed century (MRZ expiry dates)."""
    try:
        return datetime.date(century + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise InvalidDate(
            f"the {what} (positions {position}-{position + 5}) is not a real calendar date",
            position=position, found=text, component=what.replace(" ", "_"),
        ) from None
