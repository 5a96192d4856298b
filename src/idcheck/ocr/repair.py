"""Repair OCR output by position and checksum.

OCR confuses a few letter/digit pairs: O/0, I/1, B/8, S/5, Z/2.  A character is changed **only
where the format forbids it** at that position (a letter among the 17 digits of a resident ID
number, an ``O`` anywhere in a credit code, whose alphabet has no I, O, S, V, Z), and every change
is recorded.  Where both readings are allowed (``B`` and ``8`` in the organisation-code part of a
credit code, letters and digits in a passport number) the check characters decide: the candidate
that validates is kept if it is the only one; if none or several validate, nothing is guessed.

:func:`repair` returns a :class:`Repaired`: ``value`` (after the forced changes and, where the
check characters chose one, the checksum-decided ones), ``valid``, ``repairs`` (each a
:class:`Change`: position, from, to, why = "format" | "checksum" | "noise" | "case") and
``ambiguous`` (several candidates validated).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Callable

# letter -> digit and digit -> letter, for the five pairs (and their lower-case / look-alike forms)
TO_DIGIT = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
            "B": "8", "S": "5", "s": "5", "Z": "2", "z": "2"}
TO_LETTER = {"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z"}
# the pairs a reading may swap where both are allowed (decided by the check characters)
SWAPS = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5", "2": "Z", "Z": "2"}

DIGITS = frozenset("0123456789")
UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
_NOISE = re.compile(r"[\s\-_.,:;'\"`·•—–~*()（）\[\]{}]")


@dataclass(frozen=True)
class Change:
    position: int  # 0-based, in the repaired value
    was: str
    now: str
    why: str  # "format" | "checksum" | "noise" | "case"

    def to_dict(self) -> dict[str, object]:
        return {"position": self.position + 1, "was": self.was, "now": self.now, "why": self.why}


@dataclass
class Repaired:
    raw: str
    value: str
    valid: bool
    format: str
    repairs: list[Change] = field(default_factory=list)
    ambiguous: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"format": self.format, "valid": self.valid, "ambiguous": self.ambiguous,
                "repairs": [c.to_dict() for c in self.repairs], "error": self.error}


@dataclass(frozen=True)
class Format:
    name: str
    length: int
    allowed: Callable[[int], frozenset[str]]  # position -> allowed characters
    validate: Callable[[str], bool]


def _ric_allowed(i: int) -> frozenset[str]:
    return DIGITS if i < 17 else DIGITS | {"X"}


def _uscc_allowed(i: int) -> frozenset[str]:
    if i == 0:
        return frozenset("123456789ABCDEFGNY")
    if i == 1:
        return frozenset("123456789")
    if 2 <= i < 8:
        return DIGITS
    if i == 16:  # GB 11714 check character of the organisation code
        return DIGITS | {"X"}
    return USCC_ALPHABET


def _ric_valid(v: str) -> bool:
    from ..numbers import ric

    return bool(ric.is_valid(v))


def _uscc_valid(v: str) -> bool:
    from ..numbers import uscc

    return bool(uscc.is_valid(v))


FORMATS: dict[str, Format] = {
    "ric": Format("ric", 18, _ric_allowed, _ric_valid),
    "uscc": Format("uscc", 18, _uscc_allowed, _uscc_valid),
}


def clean(text: str) -> tuple[str, list[Change]]:
    """Drop spaces and punctuation OCR adds around a number; fold case where the formats are upper-case."""
    out: list[str] = []
    changes: list[Change] = []
    for ch in text:
        if _NOISE.match(ch):
            changes.append(Change(len(out), ch, "", "noise"))
            continue
        if ch == "x":
            changes.append(Change(len(out), ch, "X", "case"))
            ch = "X"
        out.append(ch)
    return "".join(out), changes


def repair(text: str, fmt: str, *, max_candidates: int = 64) -> Repaired:
    """Repair ``text`` read as format ``fmt`` ("ric" or "uscc"); see the module docstring."""
    spec = FORMATS[fmt]
    value, changes = clean(text)
    if len(value) != spec.length:
        return Repaired(text, value, False, fmt, changes, error=f"{len(value)} characters, expected {spec.length}")
    chars = list(value)
    ambiguous_pos: list[int] = []
    for i, ch in enumerate(chars):
        allowed = spec.allowed(i)
        if ch not in allowed:
            alt = TO_DIGIT.get(ch) if ch not in DIGITS else TO_LETTER.get(ch)
            if alt is None and ch.upper() in allowed:
                alt = ch.upper()
            if alt is not None and alt in allowed:
                changes.append(Change(i, ch, alt, "format"))
                chars[i] = alt
                continue
            return Repaired(text, "".join(chars), False, fmt, changes,
                            error=f"character {i + 1} ({ch!r}) is not allowed here")
        swap = SWAPS.get(ch)
        if swap is not None and swap in allowed:
            ambiguous_pos.append(i)
    value = "".join(chars)
    if spec.validate(value):
        return Repaired(text, value, True, fmt, changes)
    # let the check characters decide between the readings of the ambiguous positions
    valid: list[str] = []
    tried = 0
    for k in range(1, len(ambiguous_pos) + 1):
        for combo in itertools.combinations(ambiguous_pos, k):
            tried += 1
            if tried > max_candidates:
                break
            cand = chars.copy()
            for i in combo:
                cand[i] = SWAPS[cand[i]]
            s = "".join(cand)
            if spec.validate(s):
                valid.append(s)
        if valid:  # fewest changes first: stop at the smallest number of swaps that validates
            break
    if len(valid) == 1:
        s = valid[0]
        changes += [Change(i, value[i], s[i], "checksum") for i in range(len(s)) if s[i] != value[i]]
        return Repaired(text, s, True, fmt, changes)
    if len(valid) > 1:
        return Repaired(text, value, False, fmt, changes, ambiguous=True,
                        error=f"{len(valid)} readings pass the check characters")
    return Repaired(text, value, False, fmt, changes, error="the check character does not match")


# -- MRZ -----------------------------------------------------------------------------------------

def repair_mrz_line(line: str, numeric: set[int], alpha: set[int]) -> tuple[str, list[Change]]:
    """Fix one MRZ line: digits at ``numeric`` positions, letters at ``alpha`` positions; '<' look-alikes."""
    out = []
    changes: list[Change] = []
    for i, ch in enumerate(line):
        new = ch
        if ch in "«‹(":
            new = "<"
        if i in numeric and new not in DIGITS and new != "<":
            new = TO_DIGIT.get(new, new)
        elif i in alpha and new in DIGITS:
            new = TO_LETTER.get(new, new)
        if new != ch:
            changes.append(Change(i, ch, new, "format"))
        out.append(new)
    return "".join(out), changes


def repair_mrz_td3(lines: list[str]) -> Repaired:
    """A passport MRZ (TD3, 2 x 44): letters/digits forced by field, then validated with the numbers module."""
    raw = "\n".join(lines)
    cleaned = ["".join(ch for ch in ln.upper() if not ch.isspace()) for ln in lines]
    if len(cleaned) != 2 or any(len(ln) != 44 for ln in cleaned):
        return Repaired(raw, "\n".join(cleaned), False, "mrz", error="not two lines of 44 characters")
    l1, c1 = repair_mrz_line(cleaned[0], set(), set(range(0, 5)))
    # line 2: 0-8 number (alnum), 9 check, 10-12 nationality, 13-18 birth, 19 check, 20 sex, 21-26 expiry, 27 check,
    # 28-41 personal number (alnum), 42 check, 43 final check
    numeric = {9, 19, 27, 42, 43} | set(range(13, 19)) | set(range(21, 27))
    l2, c2 = repair_mrz_line(cleaned[1], numeric, set(range(10, 13)))
    c2 = [Change(c.position + 45, c.was, c.now, c.why) for c in c2]
    value = l1 + "\n" + l2
    try:
        from ..numbers import mrz

        ok = bool(mrz.is_valid(value))
    except Exception:
        ok = False
    return Repaired(raw, value, ok, "mrz", c1 + c2, error=None if ok else "check digits do not match")
