"""Passport numbers of the PRC, HKSAR and MSAR — format only — reference §2.6 (⚠ community-sourced).

No checksum exists in the number itself (the MRZ has one: :mod:`idcheck.numbers.mrz`).  Accepted
shapes, all 9 characters (Appendix A ``CN_PASSPORT``)::

    E + 8 digits          ordinary e-passport (since 2012)
    E + letter + 7 digits ordinary e-passport, letter series (I and O excluded: an assumption ⚠)
    G + 8 digits          ordinary passport (before 2012)
    14/15 + 7 digits      very old ordinary passport
    DE/SE/PE + 7 digits   diplomatic / service / public-affairs passport
    K + 8 digits, KJ + 7 digits, H + 8 digits    HKSAR passport
    MA/MB + 7 digits      MSAR passport

The patterns come from community validators: the reference grades a mismatch a warning, not a
failure, and foreign passports are free-form (use a length check, not this module).
``H`` + 8 digits is also a Hong Kong/Macao travel permit number (:mod:`hkmo_permit`).

>>> info("E12345678")["kind"]
'ordinary e-passport'
"""

from __future__ import annotations

from typing import Any

from . import _shape
from ._base import make_is_valid, make_normalize, require_str

NAME = "passport"
TITLE = "PRC / HKSAR / MSAR passport number"
TITLE_ZH = "中国护照号码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "PRC passport"
SHORT_TITLE_ZH = "中国护照"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: no checksum in the number itself
HAS_CHECK_DIGIT = False

_D = _shape.DIGITS


def _c(chars: str) -> frozenset[str]:
    return frozenset(chars)


_SERIES = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
# (shape, kind, issuer)
KINDS: tuple[tuple[tuple[frozenset[str], ...], str, str], ...] = (
    ((_c("E"),) + (_D,) * 8, "ordinary e-passport", "PRC"),
    ((_c("E"), _SERIES) + (_D,) * 7, "ordinary e-passport", "PRC"),
    ((_c("G"),) + (_D,) * 8, "ordinary passport (before 2012)", "PRC"),
    ((_c("1"), _c("45")) + (_D,) * 7, "ordinary passport (old series)", "PRC"),
    ((_c("D"), _c("E")) + (_D,) * 7, "diplomatic passport", "PRC"),
    ((_c("S"), _c("E")) + (_D,) * 7, "service passport", "PRC"),
    ((_c("P"), _c("E")) + (_D,) * 7, "public-affairs ordinary passport", "PRC"),
    ((_c("K"),) + (_D,) * 8, "HKSAR passport", "HKSAR"),
    ((_c("K"), _c("J")) + (_D,) * 7, "HKSAR passport", "HKSAR"),
    ((_c("H"),) + (_D,) * 8, "HKSAR passport", "HKSAR"),
    ((_c("M"), _c("AB")) + (_D,) * 7, "MSAR passport", "MSAR"),
)
SHAPES = tuple(shape for shape, _, _ in KINDS)

normalize = make_normalize()


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case."""
    return normalize(s).value


def validate(s: str) -> str:
    """The normalised number, or raise :class:`InvalidLength` / :class:`InvalidFormat`."""
    v = compact(require_str(s))
    _shape.check_shapes(v, SHAPES, title="a PRC/HKSAR/MSAR passport number")
    return v


is_valid = make_is_valid(validate)


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """Passport numbers are shown as printed: the compact form."""
    return compact(s)


def info(s: str) -> dict[str, Any]:
    """``kind`` (e.g. ``"ordinary e-passport"``) and ``issuer`` (``"PRC"``, ``"HKSAR"``, ``"MSAR"``)."""
    v = validate(s)
    for shape, kind, issuer in KINDS:
        if all(ch in allowed for ch, allowed in zip(v, shape, strict=True)):
            return {"number": v, "kind": kind, "issuer": issuer}
    raise AssertionError("unreachable: validate() accepted a shape with no kind")  # pragma: no cover
