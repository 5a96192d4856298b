"""Identity-number formats, one module per format in the style of python-stdnum (reference §1, §2).

Every format module offers the same functions::

    normalize(s) -> Normalized      value + tags of what normalisation changed ("fullwidth", "spaces" ...)
    compact(s)   -> str             normalize(s).value
    validate(s)  -> str             the normalised number, or raise a precise ValidationError subclass
    is_valid(s)  -> bool            never raises, whatever s is
    format(s)    -> str             a readable form; compact(format(s)) == compact(s)
    info(s)      -> dict            the parts of a valid number (raises like validate)
    calc_check_digit(...)           where the format has one

plus the format's facts: ``NAME``, ``TITLE`` and ``TITLE_ZH``; ``SHORT_TITLE`` and ``SHORT_TITLE_ZH`` (how a sentence
names it); ``PERSONAL`` (a person's number, not an organisation's); ``HAS_CHECK_DIGIT`` (check characters make a
chance match rare).  Non-``str`` input to anything but ``is_valid`` raises
``idcheck.errors.UsageError`` (a ``TypeError``); see :mod:`idcheck.numbers.exceptions`.

Formats (``FORMATS``, in detection priority order)::

    ric          Resident Identity Card number (GB 11643)                    §2.1
    rp           Residence permit, Hong Kong / Macao / Taiwan residents      §2.2
    fpr          Foreign Permanent Resident ID, 2017 and 2023 forms          §2.5
    uscc         Unified Social Credit Code (GB 32100)                       §1
    hkmo_permit  Mainland Travel Permit, Hong Kong / Macao residents         §2.3
    tw_permit    Mainland Travel Permit, Taiwan residents                    §2.4
    passport     PRC / HKSAR / MSAR passport number (format only)            §2.6
    mrz          ICAO 9303 machine-readable zone (TD1/TD2/TD3)               §2.7

Detection:

* :func:`detect` returns the formats whose ``validate()`` passes, in ``FORMATS`` order.  Invalid
  values give ``[]``.  Overlaps are real and reported: ``H`` + 8 digits is both a travel permit and
  an HKSAR passport number.
* :func:`candidates` also returns well-shaped but invalid readings: formats whose ``validate()``
  fails only on content (check character, date, component), each with its error: valid ones first,
  then invalid ones by a heuristic of how much of the format fitted - failing only the final check
  character (everything else fitted), then a date, then a component, then an inner check character
  (USCC position 17, MRZ field check digits) - ties in ``FORMATS`` order.
  A component error that names another format (``other_format``, e.g. a ``81…`` number read as a
  resident ID) is left out: that other format is listed itself.
"""

from __future__ import annotations

from types import ModuleType

from ..errors import UsageError
from . import fpr, hkmo_permit, mrz, passport, ric, rp, tw_permit, uscc
from ._normalize import CHANGE_TAGS, Normalized, normalize
from .exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidDate,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

# Order = detection priority.  Personal-document numbers come before the USCC: an 18-digit value
# can be read both ways, and the GB 11643 reading carries more structure (province, birth date).
FORMATS: dict[str, ModuleType] = {
    m.NAME: m for m in (ric, rp, fpr, uscc, hkmo_permit, tw_permit, passport, mrz)
}

# Registrar / registry document-type codes that name exactly one format (§3.2: Alibaba
# IdentityCredentialType [A12], CNNIC codes [C6]).  HZ (any passport) is left out on purpose:
# foreign passports are free-form, the passport module knows only Chinese ones.
ALIASES: dict[str, str] = {
    "SFZ": "ric",
    "HKMOJUMIN": "rp", "GAJZZ": "rp", "TWJZZ": "rp", "GATJZZ": "rp",
    "TXZ": "hkmo_permit", "GAJMTX": "hkmo_permit",
    "TW": "tw_permit", "TWJMTX": "tw_permit",
    "WAIGUOREN": "fpr", "WJLSFZ": "fpr",
    "XYDM": "uscc", "TYDM": "uscc", "YYZZ": "uscc",
}

_CONTENT_ERRORS = (InvalidChecksum, InvalidDate, InvalidComponent)


def get(name: str) -> ModuleType:
    """The module of a format, by name (``"ric"``) or registrar code (``"SFZ"``), case-insensitive."""
    if not isinstance(name, str):
        raise UsageError(f"expected a format name (str), got {type(name).__name__}")
    key = name.strip()
    module = FORMATS.get(key.lower()) or FORMATS.get(ALIASES.get(key.upper(), ""))
    if module is None:
        raise UsageError(f"unknown number format {name!r}; known: {', '.join(FORMATS)}")
    return module


def detect(s: str) -> list[str]:
    """Names of the formats ``s`` is a valid number of, in ``FORMATS`` order (``[]`` if none)."""
    if not isinstance(s, str):
        raise UsageError(f"expected a str, got {type(s).__name__}")
    return [name for name, module in FORMATS.items() if module.is_valid(s)]


def candidates(s: str) -> list[tuple[str, ValidationError | None]]:
    """``(name, error)`` for every format ``s`` is a valid (error ``None``) or well-shaped reading of.

    Valid readings come first, then readings whose only problem is content (checksum, date or a
    component), each in ``FORMATS`` order.  See the module docstring.
    """
    if not isinstance(s, str):
        raise UsageError(f"expected a str, got {type(s).__name__}")
    valid: list[tuple[str, ValidationError | None]] = []
    shaped: list[tuple[str, ValidationError | None]] = []
    for name, module in FORMATS.items():
        try:
            module.validate(s)
        except _CONTENT_ERRORS as exc:
            if exc.other_format is None:
                shaped.append((name, exc))
        except ValidationError:
            pass
        else:
            valid.append((name, None))
    shaped.sort(key=lambda item: _likelihood_rank(item[1]))  # stable: ties keep FORMATS order
    return valid + shaped


# Components naming the *last* check character of a format: failing only there means every other
# part fitted, the strongest sign that this is the intended format with one typo.
_FINAL_CHECKS = {"check_digit", "check_char_18", "check_composite"}


def _likelihood_rank(error: ValidationError | None) -> int:
    """0 final check character, 1 date, 2 component, 3 inner check character (see module docstring).

    Example: a resident ID with 30 February fails its date (1) but the USCC reading of the same 18
    digits fails the organisation check at position 17 (3), so the resident ID reading comes first.
    """
    if isinstance(error, InvalidChecksum):
        return 0 if error.component in _FINAL_CHECKS else 3
    if isinstance(error, InvalidDate):
        return 1
    return 2


__all__ = [
    "ALIASES", "CHANGE_TAGS", "FORMATS", "Normalized", "normalize", "candidates", "detect", "get",
    "ValidationError", "InvalidLength", "InvalidFormat", "InvalidChecksum", "InvalidDate", "InvalidComponent",
    "fpr", "hkmo_permit", "mrz", "passport", "ric", "rp", "tw_permit", "uscc",
]
