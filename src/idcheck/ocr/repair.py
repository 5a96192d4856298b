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

import datetime
import itertools
import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field

from ..numbers import mrz, ric, uscc
from ..numbers.mrz import calc_check_digit

# letter -> digit and digit -> letter, for the five pairs (and their lower-case / look-alike forms)
TO_DIGIT = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
            "B": "8", "S": "5", "s": "5", "Z": "2", "z": "2",
            # read where only a digit can be (a credit code's region code, an ID number): Tesseract reads the
            # flagged 1 of a monospaced font as L, and 6 / 7 as G / T (benchmarks/ocr.py, tuning seed)
            "L": "1", "G": "6", "T": "7"}
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
    note: str | None = None  # e.g. a passport MRZ validated by its second line only

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
    return bool(ric.is_valid(v))


def _uscc_valid(v: str) -> bool:
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

def repair_mrz_line(line: str, numeric: Set[int], alpha: Set[int]) -> tuple[str, list[Change]]:
    """Fix one MRZ line: digits at ``numeric`` positions, letters at ``alpha`` positions; '<' look-alikes."""
    out = []
    changes: list[Change] = []
    for i, ch in enumerate(line):
        new = ch
        if ch in "«‹(":
            new = "<"
        if i in alpha and new not in UPPER and new != "<" and new not in DIGITS:
            new = "<"  # a filler read as punctuation
        if i in numeric and new not in DIGITS and new != "<":
            new = TO_DIGIT.get(new, new)
        elif i in alpha and new in DIGITS:
            new = TO_LETTER.get(new, new)
        if new != ch:
            changes.append(Change(i, ch, new, "format"))
        out.append(new)
    return "".join(out), changes


FILLER_LOOKALIKES = frozenset("«‹Λ∧")
NUMERIC_TD3_LINE2 = frozenset({9, 19, 27, 42, 43} | set(range(13, 19)) | set(range(21, 27)))


def _fill_td3_line1(line: str) -> tuple[str, list[Change]]:
    """Line 1 ends in fillers after the names: OCR miscounts long runs of '<' (and drops or adds one)."""
    if len(line) == 44:
        return line, []
    stripped = line.rstrip("<")
    if len(stripped) > 44 or len(line) - len(stripped) < 2:  # no run of fillers at the end to adjust
        return line, []
    fixed = stripped.ljust(44, "<")
    return fixed, [Change(len(stripped), "<" * (len(line) - len(stripped)), "<" * (44 - len(stripped)), "filler")]


def _fill_td3_line2(line: str) -> tuple[str, list[Change]]:
    """Line 2: 28 characters of data, 14 of optional personal number, 2 check digits.  When the line has the
    wrong length and the optional part is only fillers, it is rebuilt with 14 of them."""
    if len(line) == 44 or len(line) < 32:
        return line, []
    head, middle, tail = line[:28], line[28:-2], line[-2:]
    if not middle or set(middle) != {"<"}:
        return line, []
    return head + "<" * 14 + tail, [Change(28, middle, "<" * 14, "filler")]


def repair_mrz_td3(lines: list[str]) -> Repaired:
    """A passport MRZ (TD3, 2 x 44): filler runs recounted, letters/digits forced by field, then validated
    with the numbers module (the check digits decide)."""
    raw = "\n".join(lines)
    cleaned = ["".join("<" if ch in FILLER_LOOKALIKES else ch for ch in ln.upper() if not ch.isspace())
               for ln in lines]
    if len(cleaned) != 2:
        return Repaired(raw, "\n".join(cleaned), False, "mrz", error="not two lines of 44 characters")
    first, f1 = _fill_td3_line1(cleaned[0])
    second, f2 = _fill_td3_line2(cleaned[1])
    if len(second) == 44 and len(first) != 44:
        l2, c2 = repair_mrz_line(second, NUMERIC_TD3_LINE2, set(range(10, 13)))
        if td3_line2_valid(l2):  # the names line has no check digit: the number line stands on its own
            return Repaired(raw, first + "\n" + l2, True, "mrz",
                            [Change(c.position + 45, c.was, c.now, c.why) for c in f2 + c2],
                            note="line 2 (number, dates) validated by its check digits; line 1 (names) not read")
    if len(first) != 44 or len(second) != 44:
        return Repaired(raw, "\n".join([first, second]), False, "mrz", error="not two lines of 44 characters")
    # line 1: P, type, issuing state, names: letters and fillers only
    l1, c1 = repair_mrz_line(first, set(), set(range(0, 44)))
    # line 2: 0-8 number (alnum), 9 check, 10-12 nationality, 13-18 birth, 19 check, 20 sex, 21-26 expiry, 27 check,
    # 28-41 personal number (alnum), 42 check, 43 final check
    l2, c2 = repair_mrz_line(second, NUMERIC_TD3_LINE2, set(range(10, 13)))
    l2, c3 = _digit_swaps_td3(l2)
    c2 = [Change(c.position + 45, c.was, c.now, c.why) for c in f2 + c2 + c3]
    value = l1 + "\n" + l2
    try:
        ok = bool(mrz.is_valid(value))
    except Exception:
        ok = False
    if not ok and td3_line2_valid(l2):
        return Repaired(raw, value, True, "mrz", f1 + c1 + c2,
                        note="line 2 (number, dates) validated by its check digits; line 1 (names) not valid")
    return Repaired(raw, value, ok, "mrz", f1 + c1 + c2, error=None if ok else "check digits do not match")


# digits OCR confuses in an MRZ (Tesseract reads 7 as 1 in a monospaced font: benchmarks/ocr.py's passports)
MRZ_DIGIT_SWAPS = {"1": "7", "7": "1"}
_TD3_FIELDS = ((0, 9, 9), (13, 19, 19), (21, 27, 27))  # (start, end, check position): number, birth, expiry


def _digit_swaps_td3(line: str) -> tuple[str, list[Change]]:
    """A field whose check digit fails: one or two confusable digits swapped, only if exactly one candidate
    (with the fewest swaps) makes the field's check digit and the composite pass and keeps a date a date.
    Swaps three places apart share their 7-3-1 weights in both checks: those stay ambiguous, never guessed."""
    if len(line) != 44:
        return line, []
    changes: list[Change] = []
    for a, b, c in _TD3_FIELDS:
        try:
            if line[c] == calc_check_digit(line[a:b]):
                continue
        except Exception:
            continue
        found = []
        spots = [i for i in range(a, c + 1) if line[i] in MRZ_DIGIT_SWAPS]
        for k in (1, 2):  # the fewest swaps that pass both checks
            for combo in itertools.combinations(spots, k):
                cand = list(line)
                for i in combo:
                    cand[i] = MRZ_DIGIT_SWAPS[cand[i]]
                cs = "".join(cand)
                if a in (13, 21) and not _yymmdd(cs[a:b]):
                    continue  # a date field must stay a calendar date
                try:
                    if (cs[c] == calc_check_digit(cs[a:b])
                            and cs[43] == calc_check_digit(cs[0:10] + cs[13:20] + cs[21:43])):
                        found.append((combo, cs))
                except Exception:
                    continue
            if found:
                break
        if len(found) == 1:
            combo, new = found[0]
            changes += [Change(i, line[i], new[i], "checksum") for i in combo]
            line = new
    return line, changes


def _yymmdd(v: str) -> bool:
    if len(v) != 6 or not v.isdigit():
        return False
    try:
        datetime.date(2000 + int(v[:2]), int(v[2:4]), int(v[4:]))
        return True
    except ValueError:
        return False


def td3_line2_valid(line: str) -> bool:
    """Every check digit of a TD3 second line (number, birth, expiry, personal number, composite)."""
    if len(line) != 44:
        return False
    try:
        def ok(field: str, check: str, filler_ok: bool = False) -> bool:
            return check == calc_check_digit(field) or (filler_ok and check == "<" and set(field) <= {"<"})

        composite = line[0:10] + line[13:20] + line[21:43]
        return (ok(line[0:9], line[9]) and ok(line[13:19], line[19]) and ok(line[21:27], line[27])
                and ok(line[28:42], line[42], True) and ok(composite, line[43])
                and line[13:19].isdigit() and line[21:27].isdigit())
    except Exception:
        return False
