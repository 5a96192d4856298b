"""Machine-readable zones found anywhere in the picture, read, and repaired under their check digits.

::

    bands = find_bands(gray)                      # MRZ-like text bands, in all four orientations
    result = parse(["P<UTO...", "L898902C3..."])  # MrzResult: layout, lines, checks, repairs, valid
    reading = read_mrz(ctx, engine)               # MrzReading | None: the best reading of the picture

**Finding** (:func:`find_bands`) does not use the document outline.  Dark ink is separated from the paper
(a local paper estimate, as for the field crops), its connected components are chained into text lines
(similar heights, centres on one slightly sloped line, gaps under 1.6 character heights), and lines are
kept that look like MRZ lines: 26-48 narrow characters (OCR-B is about 0.7 as wide as it is high; Chinese
characters are square), a width of 15-45 character heights.  Two or three such lines of one height,
starting and ending together at an even pitch (1.3-2.6 heights) make a band.  The picture is searched as
it is and turned by 90 degrees; which of the two readings of each (0/180, 90/270) is upright is decided
by the check digits.

**Layouts** (ICAO 9303): TD1 3 x 30, TD2 2 x 36, TD3 2 x 44, MRV-A 2 x 44 and MRV-B 2 x 36 visas (``V``).
A reading is parsed as the layout its line count and line lengths say; one layout is never padded or
reinterpreted as another (a 36-character TD2 line is not a passport line).

**Repair** (:func:`parse`), field by field, every change recorded:

* filler runs: a line one or a few characters short or long has one of its ``<`` runs lengthened or
  shortened (OCR miscounts long runs); every run is tried and the check digits choose (the names line,
  which has none, only at its trailing run);
* a field that must be numeric (dates, check digits): ``O D Q -> 0``, ``S -> 5``, ``B -> 8``, ``I -> 1``,
  ``Z -> 2``; a field that must be letters (codes, nationality, names): the reverse;
* a document number or optional field (letters and digits both allowed) whose check digit fails: the
  fewest swaps among ``0/O 1/I 8/B 5/S 2/Z`` that make its check digit *and* the composite pass, kept only
  when exactly one candidate does; a date field likewise with ``1/7`` (a monospaced 1 read as 7).

A reading is **valid** only when every check digit passes, the composite included, and the dates are
calendar dates: a repair that leaves one check failing is not reported as valid.  Readings are compared by
how many check digits pass, never by the engine's confidence.
"""

from __future__ import annotations

import datetime
import itertools
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ..numbers._iso3166 import BY_ALPHA3
from .engines import LineCrop
from .fields import value_channel
from .rectify import source_for
from .repair import Change

# -- layouts --------------------------------------------------------------------------------------------

DIGITS = frozenset("0123456789")
LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ALPHABET = DIGITS | LETTERS | {"<"}
TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "S": "5", "B": "8", "I": "1", "Z": "2", "G": "6"}
TO_LETTER = {"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G"}
# characters OCR confuses across letters and digits, by group: a character read uncertainly (or repaired) in a
# letters-and-digits field may be any of its group (see _ambiguity)
CONFUSION_GROUPS = ("0ODQ", "1I", "2Z", "5S", "8B", "6G")
GROUP_OF = {ch: g for g in CONFUSION_GROUPS for ch in g}
SWAPS = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5", "2": "Z", "Z": "2"}
DATE_SWAPS = {"1": "7", "7": "1"}
FILLER_LOOKALIKES = frozenset("«‹〈<＜Λ∧")
# Greek and Cyrillic capitals the recogniser's dictionary holds that are drawn like Latin ones
HOMOGLYPHS = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВЕКМНОРСТУХ", "ABEZHIKMNOPTYXABEKMHOPCTYX", strict=False))
# ICAO 9303-3 codes beside ISO 3166-1 alpha-3 (Germany's D, the specimen state UTO, stateless, UN, EU ...)
ICAO_CODES = frozenset({"D", "UTO", "XXA", "XXB", "XXC", "XXX", "GBD", "GBN", "GBO", "GBP", "GBS", "UNA", "UNK",
                        "UNO", "XOM", "XPO", "EUE", "RKS", "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XES", "XMP",
                        "XDC", "ZIM", "ANT", "NTZ", "INP"})
# an issuing state or nationality that is no known code: these readings of a character are tried
CODE_CONFUSIONS = {"0": "ODQ", "O": "DQ", "D": "O", "Q": "O", "C": "G", "G": "C", "6": "G", "8": "B", "1": "I",
                   "5": "S", "2": "Z", "4": "A", "7": "T"}

LAYOUTS: dict[str, tuple[int, int]] = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44), "MRV-A": (2, 44),
                                       "MRV-B": (2, 36)}

# kinds: "alpha" letters or <, "num" digits, "dob" digits (or < for an unknown part), "alnum", "check" a
# check digit, "sex" M F X <
Field = tuple[str, int, int, int, str]  # (name, line, start, end, kind)


def _fields(layout: str) -> list[Field]:
    if layout == "TD1":
        return [("code", 0, 0, 2, "alpha"), ("state", 0, 2, 5, "alpha"), ("number", 0, 5, 14, "alnum"),
                ("number_check", 0, 14, 15, "check"), ("optional", 0, 15, 30, "alnum"),
                ("birth", 1, 0, 6, "dob"), ("birth_check", 1, 6, 7, "check"), ("sex", 1, 7, 8, "sex"),
                ("expiry", 1, 8, 14, "num"), ("expiry_check", 1, 14, 15, "check"),
                ("nationality", 1, 15, 18, "alpha"), ("optional_2", 1, 18, 29, "alnum"),
                ("composite", 1, 29, 30, "check"), ("names", 2, 0, 30, "alpha")]
    width = LAYOUTS[layout][1]
    out: list[Field] = [("code", 0, 0, 2, "alpha"), ("state", 0, 2, 5, "alpha"), ("names", 0, 5, width, "alpha"),
                        ("number", 1, 0, 9, "alnum"), ("number_check", 1, 9, 10, "check"),
                        ("nationality", 1, 10, 13, "alpha"), ("birth", 1, 13, 19, "dob"),
                        ("birth_check", 1, 19, 20, "check"), ("sex", 1, 20, 21, "sex"),
                        ("expiry", 1, 21, 27, "num"), ("expiry_check", 1, 27, 28, "check")]
    if layout == "TD3":
        out += [("personal", 1, 28, 42, "alnum"), ("personal_check", 1, 42, 43, "check"),
                ("composite", 1, 43, 44, "check")]
    elif layout == "TD2":
        out += [("optional", 1, 28, 35, "alnum"), ("composite", 1, 35, 36, "check")]
    else:  # visas: optional data to the end, no composite
        out += [("optional", 1, 28, width, "alnum")]
    return out


def check_digit(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        v = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55 if "A" <= ch <= "Z" else -1
        if v < 0:
            return "?"
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def _check_positions(layout: str, lines: list[str]) -> list[tuple[str, list[tuple[int, int]], tuple[int, int]]]:
    """Every check digit as (name, the (line, index) of each character it covers, in order: the weights 7 3 1 run
    over them; the (line, index) of the check digit), as :func:`_checks` reads them."""
    def span(ln: int, a: int, b: int) -> list[tuple[int, int]]:
        return [(ln, i) for i in range(a, b)]

    if layout == "TD1":
        l0 = lines[0]
        number, ncheck = span(0, 5, 14), (0, 14)
        if l0[14] == "<" and l0[15] != "<":
            run = l0[15:30].split("<", 1)[0]
            if len(run) >= 2:
                number, ncheck = span(0, 5, 14) + span(0, 15, 15 + len(run) - 1), (0, 15 + len(run) - 1)
        return [("number", number, ncheck), ("birth", span(1, 0, 6), (1, 6)), ("expiry", span(1, 8, 14), (1, 14)),
                ("composite", span(0, 5, 30) + span(1, 0, 7) + span(1, 8, 15) + span(1, 18, 29), (1, 29))]
    l1 = lines[1]
    number, ncheck = span(1, 0, 9), (1, 9)
    if layout == "TD2" and l1[9] == "<" and l1[28] != "<":
        run = l1[28:35].split("<", 1)[0]
        if len(run) >= 2:
            number, ncheck = span(1, 0, 9) + span(1, 28, 28 + len(run) - 1), (1, 28 + len(run) - 1)
    out = [("number", number, ncheck), ("birth", span(1, 13, 19), (1, 19)), ("expiry", span(1, 21, 27), (1, 27))]
    if layout == "TD3":
        out.append(("personal", span(1, 28, 42), (1, 42)))
        out.append(("composite", span(1, 0, 10) + span(1, 13, 20) + span(1, 21, 43), (1, 43)))
    elif layout == "TD2":
        out.append(("composite", span(1, 0, 10) + span(1, 13, 20) + span(1, 21, 35), (1, 35)))
    return out


def _value(ch: str) -> int:
    return 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55 if "A" <= ch <= "Z" else -1


def _ambiguity(layout: str, lines: list[str], options: dict[tuple[int, int], str]) -> str | None:
    """Another reading that passes every check digit as ``lines`` do, or None.

    ``options`` are the characters each uncertain place (read with low or no confidence, or repaired) of a
    letters-and-digits field might be instead (its :data:`CONFUSION_GROUPS` group; ``<`` or ``K`` where a ``K`` was
    taken for a filler).  A check digit sees only the sum of the values times 7 3 1, mod 10: ``ZS`` and ``25`` at
    weights 7 and 3 differ by 3 x 7 + 3 x 3 = 30, ``G`` and ``6`` by 10, so a repair, or a reading as it was made,
    can pass with a wrong character.  Every combination of the options is counted (by dynamic programming over the
    check digits' residues, not by listing them); the reading is unambiguous only when no other one passes.  The
    result names the places where one such other reading differs (no characters: they are personal data)."""
    checks = _check_positions(layout, lines)
    covered = {p for _, data, _ in checks for p in data}
    checks_at: dict[tuple[int, int], list[tuple[int, int]]] = {p: [] for p in covered}
    for k, (_, data, _) in enumerate(checks):
        for j, p in enumerate(data):
            checks_at[p].append((k, (7, 3, 1)[j % 3]))
    digits_at = {c for _, _, c in checks}  # a check digit is a digit: none of its group's letters would pass
    places = sorted(p for p, opts in options.items() if p in covered and p not in digits_at and len(opts) > 1)
    if not places:
        return None
    base = [0] * len(checks)
    for k, (_, data, _) in enumerate(checks):
        for j, p in enumerate(data):
            if p in options and p in places:
                continue
            v = _value(lines[p[0]][p[1]])
            if v < 0:
                return None  # a character no check digit reads: the reading is not valid anyway
            base[k] += v * (7, 3, 1)[j % 3]
    # state: (residue of every check, whether a character differs from the reading) -> one way there
    states: dict[tuple[tuple[int, ...], bool], tuple[tuple[int, int], ...]] = {
        (tuple(b % 10 for b in base), False): ()}
    for p in places:
        read = lines[p[0]][p[1]]
        nxt: dict[tuple[tuple[int, ...], bool], tuple[tuple[int, int], ...]] = {}
        for (res, differs), way in states.items():
            for ch in options[p]:
                r = list(res)
                for k, w in checks_at[p]:
                    r[k] = (r[k] + _value(ch) * w) % 10
                key = (tuple(r), differs or ch != read)
                if key not in nxt:
                    nxt[key] = way + ((p,) if ch != read else ())
        states = nxt
    want = tuple(int(lines[c[0]][c[1]]) if lines[c[0]][c[1]].isdigit() else -1 for _, _, c in checks)
    for (res, differs), way in states.items():
        if differs and res == want:
            where = ", ".join(f"line {ln + 1} position {i + 1}" for ln, i in way)
            return f"another reading through the OCR confusions (at {where}) passes every check digit as well"
    return None


def _checks(layout: str, lines: list[str]) -> list[tuple[str, str, str, tuple[tuple[int, int], ...]]]:
    """(name, data, check character, the (line, position) spans the check covers) for every check digit."""
    if layout == "TD1":
        l0, l1 = lines[0], lines[1]
        number, ncheck, nspan = l0[5:14], l0[14], ((0, 5), (0, 15))
        if ncheck == "<" and l0[15] != "<":  # a long document number continues in the optional data
            run = l0[15:30].split("<", 1)[0]
            if len(run) >= 2:
                number, ncheck, nspan = l0[5:14] + run[:-1], run[-1], ((0, 5), (0, 15 + len(run)))
        return [("number", number, ncheck, nspan),
                ("birth", l1[0:6], l1[6], ((1, 0), (1, 7))),
                ("expiry", l1[8:14], l1[14], ((1, 8), (1, 15))),
                ("composite", l0[5:30] + l1[0:7] + l1[8:15] + l1[18:29], l1[29], ((0, 5), (1, 30)))]
    l1 = lines[1]
    number, ncheck, nspan = l1[0:9], l1[9], ((1, 0), (1, 10))
    if layout == "TD2" and ncheck == "<" and l1[28] != "<":
        run = l1[28:35].split("<", 1)[0]
        if len(run) >= 2:
            number, ncheck = l1[0:9] + run[:-1], run[-1]
    out: list[tuple[str, str, str, tuple[tuple[int, int], ...]]] = [
           ("number", number, ncheck, nspan),
           ("birth", l1[13:19], l1[19], ((1, 13), (1, 20))),
           ("expiry", l1[21:27], l1[27], ((1, 21), (1, 28)))]
    if layout == "TD3":
        out.append(("personal", l1[28:42], l1[42], ((1, 28), (1, 43))))
        out.append(("composite", l1[0:10] + l1[13:20] + l1[21:43], l1[43], ((1, 0), (1, 44))))
    elif layout == "TD2":
        out.append(("composite", l1[0:10] + l1[13:20] + l1[21:35], l1[35], ((1, 0), (1, 36))))
    return out


def _check_passes(name: str, data: str, check: str) -> bool:
    if name == "personal" and set(data) <= {"<"} and check in ("<", "0"):
        return True  # an empty personal number may carry < or 0 as its check digit
    if name == "birth" and "<" in data:
        return check == check_digit(data)
    return check == check_digit(data)


def _yymmdd(s: str, unknown_ok: bool = False) -> bool:
    if unknown_ok and "<" in s:
        return all(c.isdigit() or c == "<" for c in s)
    if len(s) != 6 or not s.isdigit():
        return False
    try:
        datetime.date(2000 + int(s[0:2]), int(s[2:4]), int(s[4:6]))
    except ValueError:
        return False
    return True


@dataclass
class MrzResult:
    layout: str
    lines: list[str]
    raw: list[str]
    passed: int  # check digits that pass
    total: int  # check digits of the layout
    valid: bool  # every check digit passes, the structure is right, the dates are dates, nothing ambiguous
    repairs: list[Change] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # names of the checks that fail
    problems: list[str] = field(default_factory=list)  # characters the layout forbids, bad dates, ...
    line_confidences: list[float] | None = None  # the engine's weakest character per line, where known
    ambiguous: bool = False  # another reading through the OCR confusions passes every check digit as well

    @property
    def value(self) -> str:
        return "\n".join(self.lines)

    @property
    def score(self) -> tuple[int, int, int]:
        return (int(self.valid), self.passed, -len(self.problems))

    def info(self) -> dict[str, Any]:
        """The fields (document number, names, dates as ``YYMMDD`` and ``datetime.date``)."""
        return fields_of(self.layout, self.lines)

    def __repr__(self) -> str:  # the lines are personal data
        return (f"MrzResult({self.layout}, passed={self.passed}/{self.total}, valid={self.valid}, "
                f"repairs={len(self.repairs)})")


def fields_of(layout: str, lines: list[str]) -> dict[str, Any]:
    f = {name: lines[ln][a:b] for name, ln, a, b, _ in _fields(layout)}
    number = next(d for n, d, _, _ in _checks(layout, lines) if n == "number")
    names = f["names"].rstrip("<")
    surname, _, given = names.partition("<<")
    out: dict[str, Any] = {
        "layout": layout, "document_code": f["code"].rstrip("<"), "issuing_state": f["state"].strip("<"),
        "document_number": number.replace("<", ""), "surname": surname.replace("<", " ").strip(),
        "given_names": given.replace("<", " ").strip(), "nationality": f["nationality"].strip("<"),
        "birth_date": f["birth"], "sex": f["sex"], "expiry_date": f["expiry"],
        "names_truncated": not f["names"].endswith("<"),
    }
    out["expiry"] = _date(f["expiry"], future=True)
    out["birth"] = _date(f["birth"], future=False)
    return out


def _date(s: str, *, future: bool) -> datetime.date | None:
    if not _yymmdd(s):
        return None
    yy, mm, dd = int(s[0:2]), int(s[2:4]), int(s[4:6])
    today = datetime.date.today()
    if future:  # an expiry date: this century unless that is more than 50 years ahead
        year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
    else:
        year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        return datetime.date(year, mm, dd)
    except ValueError:
        return None


def clean_line(text: str, confs: Sequence[float] | None = None) -> tuple[str, list[Change], list[float | None]]:
    """NFKC, upper case, spaces dropped, filler look-alikes (« ‹ ＜) -> ``<``; with each kept character's
    confidence (None where the engine gave none)."""
    out: list[str] = []
    changes: list[Change] = []
    kept: list[float | None] = []
    if confs is not None and len(confs) != len(text):
        confs = None
    for k, raw_ch in enumerate(text):
        for ch in unicodedata.normalize("NFKC", raw_ch):
            if ch.isspace():
                continue
            new = "<" if ch in FILLER_LOOKALIKES else HOMOGLYPHS.get(ch.upper(), ch.upper())
            if new != ch:
                changes.append(Change(len(out), ch, new, "filler" if new == "<" else "case"))
            out.append(new)
            kept.append(float(confs[k]) if confs is not None else None)
    return "".join(out), changes, kept


def layout_of(lines: Sequence[str]) -> str | None:
    """The layout a reading's line count and lengths say (lengths within 3 of 30/36/44; 36 and 44 told apart
    by the nearer), or None.  Visas by their ``V`` document code."""
    if len(lines) == 3:
        return "TD1" if all(abs(len(s) - 30) <= 3 for s in lines) else None
    if len(lines) != 2:
        return None
    mean = (len(lines[0]) + len(lines[1])) / 2
    if abs(len(lines[0]) - len(lines[1])) > 6:
        return None
    if 33 <= mean <= 40:
        width = 36
    elif 40 < mean <= 47:
        width = 44
    else:
        return None
    if lines[0][:1] == "V":
        return "MRV-B" if width == 36 else "MRV-A"
    return "TD2" if width == 36 else "TD3"


def _runs(line: str) -> list[tuple[int, int]]:
    out, i = [], 0
    while i < len(line):
        if line[i] == "<":
            j = i
            while j < len(line) and line[j] == "<":
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _length_variants(line: str, width: int, names_only: bool) -> list[tuple[str, list[Change]]]:
    """``line`` brought to ``width`` by changing the length of one filler run (each run tried; a names
    line only at its end).  The line itself when it has the width; [] when no run can absorb it."""
    delta = width - len(line)
    if delta == 0:
        return [(line, [])]
    out = []
    runs = _runs(line)
    if names_only:
        runs = [r for r in runs if r[1] == len(line)] or ([(len(line), len(line))] if delta > 0 else [])
    for a, b in runs:
        n = b - a + delta
        if n < (1 if b - a >= 1 else 0) or (b - a < 2 and not names_only and abs(delta) > 1):
            continue
        new = line[:a] + "<" * n + line[b:]
        if len(new) == width:
            out.append((new, [Change(a, "<" * (b - a), "<" * n, "filler")]))
    return out


def _force(layout: str, lines: list[str]) -> tuple[list[str], list[Change], list[str]]:
    """Characters a field forbids, changed where the change is one of the known confusions."""
    rows = [list(s) for s in lines]
    changes: list[Change] = []
    problems: list[str] = []
    offsets = _offsets(layout)
    for name, ln, a, b, kind in _fields(layout):
        for i in range(a, b):
            ch = rows[ln][i]
            new = ch
            if ch not in ALPHABET:
                new = "<" if not ch.isalnum() else ch
            if kind in ("num", "check", "dob"):
                if new not in DIGITS and not (new == "<" and kind in ("dob", "check")):
                    new = TO_DIGIT.get(new, new)
            elif kind == "alpha":
                if new in DIGITS:
                    new = TO_LETTER.get(new, new)
            if new != ch:
                changes.append(Change(offsets[ln] + i, ch, new, "format"))
                rows[ln][i] = new
            ok = (new in DIGITS if kind == "num" else new in DIGITS | {"<"} if kind in ("dob", "check")
                  else new in LETTERS | {"<"} if kind == "alpha" else new in "MFX<" if kind == "sex"
                  else new in ALPHABET)
            if not ok:
                problems.append(f"{name}: {new!r} at line {ln + 1}, position {i + 1}")
    return ["".join(r) for r in rows], changes, problems


def _offsets(layout: str) -> list[int]:
    n, w = LAYOUTS[layout]
    return [k * (w + 1) for k in range(n)]


def _evaluate(layout: str, lines: list[str]) -> tuple[int, list[str]]:
    checks = _checks(layout, lines)
    failed = [name for name, data, check, _ in checks if not _check_passes(name, data, check)]
    return len(checks) - len(failed), failed


def _swap_repair(layout: str, lines: list[str]) -> tuple[list[str], list[Change]]:
    """Fields whose check digit fails: the fewest confusion swaps that make it and the composite pass,
    only when exactly one candidate does (see the module docstring)."""
    changes: list[Change] = []
    offsets = _offsets(layout)
    kinds = {(ln, i): kind for _, ln, a, b, kind in _fields(layout) for i in range(a, b)}
    for name, _, _, span in _checks(layout, lines):
        if name == "composite":
            continue
        checks = dict((n, (d, c)) for n, d, c, _ in _checks(layout, lines))
        if _check_passes(name, *checks[name]):
            continue
        (ln, a), (_, end) = span
        spots = []
        for i in range(a, end):
            ch = lines[ln][i]
            kind = kinds.get((ln, i))
            if kind == "alnum" and ch in SWAPS and _context_fits(lines[ln], i, a, end - 1, SWAPS[ch]):
                spots.append((ln, i, SWAPS[ch]))
            elif kind in ("num", "dob", "check") and ch in DATE_SWAPS:
                spots.append((ln, i, DATE_SWAPS[ch]))
        found = []
        # a document number's check digit is its only evidence (the composite starts where it starts, with the
        # same weights, so it moves with it): one swap there; dates also face the composite: up to two
        for k in ((1,) if name in ("number", "personal") else (1, 2)):
            for combo in itertools.combinations(spots, k):
                rows = [list(s) for s in lines]
                for ln2, i, new in combo:
                    rows[ln2][i] = new
                cand = ["".join(r) for r in rows]
                cks = {n: (d, c) for n, d, c, _ in _checks(layout, cand)}
                if not _check_passes(name, *cks[name]):
                    continue
                if "composite" in cks and not _check_passes("composite", *cks["composite"]):
                    continue
                if name in ("birth", "expiry") and not _yymmdd(cks[name][0], unknown_ok=name == "birth"):
                    continue
                found.append((combo, cand))
            if found:
                break
        if len(found) == 1:
            combo, cand = found[0]
            changes += [Change(offsets[ln2] + i, lines[ln2][i], new, "checksum") for ln2, i, new in combo]
            lines = cand
    return _composite_only_swap(layout, lines, changes)


def _composite_only_swap(layout: str, lines: list[str], changes: list[Change]) -> tuple[list[str], list[Change]]:
    """Every field check passes but the composite: one confusion swap in the optional data (covered by the
    composite alone), kept when exactly one candidate passes."""
    cks = _checks(layout, lines)
    by = {n: (d, c) for n, d, c, _ in cks}
    if "composite" not in by or _check_passes("composite", *by["composite"]):
        return lines, changes
    if any(not _check_passes(n, d, c) for n, d, c, _ in cks if n != "composite"):
        return lines, changes
    spots = []
    for name, ln, a, b, _kind in _fields(layout):
        if name not in ("optional", "optional_2"):
            continue
        for i in range(a, b):
            ch = lines[ln][i]
            if ch in SWAPS:
                near = [lines[ln][j] for j in (i - 1, i + 1) if a <= j < b and lines[ln][j] != "<"]
                want = DIGITS if SWAPS[ch] in DIGITS else LETTERS
                if all(c in want for c in near):
                    spots.append((ln, i, SWAPS[ch]))
    found = []
    for ln, i, new in spots:
        cand = [s if k != ln else s[:i] + new + s[i + 1:] for k, s in enumerate(lines)]
        cb = {n: (d, c) for n, d, c, _ in _checks(layout, cand)}
        if all(_check_passes(n, *v) for n, v in cb.items()):
            found.append((ln, i, new, cand))
    if len(found) != 1:
        return lines, changes
    ln, i, new, cand = found[0]
    return cand, changes + [Change(_offsets(layout)[ln] + i, lines[ln][i], new, "checksum")]


def _fillers_read_as_k(layout: str, lines: list[str]) -> tuple[list[str], list[Change]]:
    """``K`` read for ``<`` in a trailing filler run (of the names or of the optional data): in the run of
    ``<`` and ``K`` that ends such a field, with at least as many ``<`` as ``K``, every ``K`` becomes ``<``
    except one right after a letter (a name may end in K).  K (20) and < (0) have one check value, so the
    check digits could not tell either."""
    rows = [list(s) for s in lines]
    changes: list[Change] = []
    for name, ln, a, b, _kind in _fields(layout):
        if name not in ("names", "optional", "optional_2", "personal"):
            continue
        field_ = lines[ln][a:b]
        k = len(field_)
        while k > 0 and field_[k - 1] in "K<":
            k -= 1
        tail = field_[k:]
        if tail.count("<") < max(2, tail.count("K")) or "K" not in tail:
            continue
        for j, ch in enumerate(tail):
            if ch == "K" and not (j == 0 and k > 0 and field_[k - 1].isalpha()):
                rows[ln][a + k + j] = "<"
                changes.append(Change(_offsets(layout)[ln] + a + k + j, "K", "<", "filler"))
    return ["".join(r) for r in rows], changes


# letters and digits a check digit cannot tell apart (equal values mod 10) that OCR confuses: S (28) / 8,
# G (16) / 6.  Where one of them stands next to a character of the other's kind, the reading is not verified.
BLIND = {"S": "8", "8": "S", "G": "6", "6": "G", "K": "<"}


BLIND_CONFIDENCE = 0.95


def _blind_spots(layout: str, lines: list[str], confs: list[list[float | None]] | None = None) -> list[str]:
    """Characters of the document number (and a TD3 personal number) whose confusion the check digit
    cannot see, standing where the other reading fits as well (see :data:`BLIND`), unless the engine read
    them with at least :data:`BLIND_CONFIDENCE`."""
    out = []
    for name, data, _, span in _checks(layout, lines):
        if name not in ("number", "personal"):
            continue
        (ln, a), _ = span
        row = confs[ln] if confs is not None and ln < len(confs) else None
        for i, ch in enumerate(data):
            # (the continuation of a long number is elsewhere in the line: no confidence looked up for it)
            conf = row[a + i] if row is not None and a + i < len(row) and (i < 9 or name != "number") else None
            if conf is not None and conf >= BLIND_CONFIDENCE:
                continue
            other = BLIND.get(ch)
            if other is None:
                continue
            if other == "<":  # a K next to a filler (or ending the field) may be a filler
                if any(j == len(data) or data[j] == "<" for j in (i - 1, i + 1) if j >= 0):
                    out.append(f"{name}: 'K' at {i + 1} could be a filler (the check digit cannot tell)")
                continue
            near = [data[j] for j in (i - 1, i + 1) if 0 <= j < len(data) and data[j] != "<"]
            kind = DIGITS if other in DIGITS else LETTERS
            if any(c in kind for c in near):
                out.append(f"{name}: {ch!r} at {i + 1} could be {other!r} (the check digit cannot tell)")
    return out


def _context_fits(line: str, i: int, a: int, end: int, new: str) -> bool:
    """A swap in a letters-and-digits field only where a neighbour is of the kind it makes: an ``O`` between digits
    may be a 0, and at the boundary of a run either kind fits (``Z5`` before digits may be ``25`` or the ``ZS`` that
    was printed: both are candidates, and two candidates that pass are refused); a ``0`` among digits stays a 0."""
    near = [line[j] for j in (i - 1, i + 1) if a <= j < end and line[j] != "<"]
    if not near:
        return False
    want = DIGITS if new in DIGITS else LETTERS
    return any(c in want for c in near)


def _country_codes(layout: str, lines: list[str]) -> tuple[list[str], list[Change]]:
    """An issuing state or nationality that is no known code, read again through its confusions when
    exactly one reading is a code (ISO 3166-1 alpha-3 or ICAO's own)."""
    known = set(BY_ALPHA3) | ICAO_CODES
    rows = [list(s) for s in lines]
    changes: list[Change] = []
    for name, ln, a, b, _ in _fields(layout):
        if name not in ("state", "nationality"):
            continue
        code = lines[ln][a:b]
        if code.rstrip("<") in known or code == "<<<":
            continue
        options = [[c] + list(CODE_CONFUSIONS.get(c, "")) for c in code]
        hits = {"".join(p) for p in itertools.product(*options) if "".join(p).rstrip("<") in known
                and "<" not in "".join(p).rstrip("<")}
        if len(hits) == 1:
            new = hits.pop()
            for k, (x, y) in enumerate(zip(code, new, strict=False)):
                if x != y:
                    changes.append(Change(_offsets(layout)[ln] + a + k, x, y, "country code"))
                    rows[ln][a + k] = y
    return ["".join(r) for r in rows], changes


def _shift_confs(confs: list[float | None], changes: list[Change]) -> list[float | None]:
    """Per-character confidences after a filler run changed its length (fillers get None)."""
    for c in changes:
        confs = confs[:c.position] + [None] * len(c.now) + confs[c.position + len(c.was):]
    return confs


def _parse_fixed(layout: str, lines: list[str], raw: list[str], pre: list[Change],
                 confs: list[list[float | None]] | None = None) -> MrzResult:
    unk, ck = _fillers_read_as_k(layout, lines)
    coded, c0 = _country_codes(layout, unk)
    forced, c1, _ = _force(layout, coded)
    fixed, c2 = _swap_repair(layout, forced)
    _, _, problems = _force(layout, fixed)  # what is still forbidden after the repairs
    passed, failed = _evaluate(layout, fixed)
    total = passed + len(failed)
    f = {name: fixed[ln][a:b] for name, ln, a, b, _ in _fields(layout)}
    if not _yymmdd(f["expiry"]):
        problems.append("expiry: not a date")
    if not _yymmdd(f["birth"], unknown_ok=True):
        problems.append("birth: not a date")
    blind = _blind_spots(layout, fixed, confs)
    problems += blind
    code = f["code"][:1]
    if layout == "TD3" and code != "P" or layout in ("TD1", "TD2") and code not in "IAC" or \
            layout.startswith("MRV") and code != "V":
        problems.append(f"document code {f['code']!r} is not one of a {layout}")
    ambiguous = bool(blind)
    if not failed and not problems:
        other = _ambiguity(layout, fixed, _uncertain(layout, fixed, confs, pre + ck + c1 + c2, ck))
        if other is not None:
            problems.append(other)
            ambiguous = True
    valid = not failed and not problems
    return MrzResult(layout, fixed, raw, passed, total, valid, pre + ck + c0 + c1 + c2, failed, problems,
                     ambiguous=ambiguous)


def _uncertain(layout: str, lines: list[str], confs: list[list[float | None]] | None, changes: list[Change],
               fillers: list[Change]) -> dict[tuple[int, int], str]:
    """The places of the letters-and-digits fields whose character the reading does not settle, with what else it
    might be: read with a confidence under :data:`BLIND_CONFIDENCE` (or none given), or changed by a repair, and one
    of a confusion group (:data:`CONFUSION_GROUPS`); a ``K`` taken for a filler might be the ``K`` it was read as."""
    width = LAYOUTS[layout][1] + 1
    changed = {(c.position // width, c.position % width) for c in changes}
    out: dict[tuple[int, int], str] = {(c.position // width, c.position % width): "<K" for c in fillers}
    for _, ln, a, b, kind in _fields(layout):
        if kind != "alnum":
            continue
        row = confs[ln] if confs is not None and ln < len(confs) else None
        for i in range(a, b):
            ch = lines[ln][i]
            if (ln, i) in out or ch not in GROUP_OF:
                continue
            conf = row[i] if row is not None and i < len(row) else None
            if conf is None or conf < BLIND_CONFIDENCE or (ln, i) in changed:
                out[(ln, i)] = GROUP_OF[ch]
    return out


def parse(texts: Sequence[str], layout: str | None = None,
          confidences: Sequence[Sequence[float] | None] | None = None) -> MrzResult | None:
    """Parse and repair a reading of an MRZ (its lines, top to bottom); None when the lines are no layout.

    ``confidences`` (the engine's, per character of each text) let a character the check digit cannot
    verify (:data:`BLIND`) stand when it was read with at least :data:`BLIND_CONFIDENCE`."""
    raw = list(texts)
    rows = []
    for k, t in enumerate(texts):
        rows.append(clean_line(t, confidences[k] if confidences is not None and k < len(confidences) else None))
    rows = [r for r in rows if r[0]]
    cleaned = [r[0] for r in rows]
    layout = layout or layout_of(cleaned)
    if layout is None:
        return None
    n, width = LAYOUTS[layout]
    if len(cleaned) != n:
        return None
    pre = [Change(_offsets(layout)[k] + c.position, c.was, c.now, c.why) for k, r in enumerate(rows) for c in r[1]]
    conf_rows = [r[2] for r in rows]
    names_line = 2 if layout == "TD1" else 0
    options = [_length_variants(s, width, k == names_line) for k, s in enumerate(cleaned)]
    best: MrzResult | None = None
    for combo in itertools.product(*[o or [(s, [])] for o, s in zip(options, cleaned, strict=False)]):
        lines = [s for s, _ in combo]
        if any(len(s) != width for s in lines):
            # a line that cannot be brought to the layout's width: not this layout (never padded blindly)
            continue
        changes = [Change(_offsets(layout)[k] + c.position, c.was, c.now, c.why) for k, (_, cs) in enumerate(combo)
                   for c in cs]
        confs = [_shift_confs(conf_rows[k], cs) for k, (_, cs) in enumerate(combo)]
        res = _parse_fixed(layout, lines, raw, pre + changes, confs)
        if best is None or res.score > best.score:
            best = res
    return best


# -- finding the bands ------------------------------------------------------------------------------------

@dataclass
class Line:
    x0: float
    x1: float
    cy0: float  # centre height at x0
    slope: float
    h: float  # character height
    n: int  # components
    narrow: float  # median width / height of the character components

    @property
    def cy(self) -> float:
        return self.cy0 + self.slope * (self.x1 - self.x0) / 2

    @property
    def length(self) -> float:
        return self.x1 - self.x0


@dataclass
class Band:
    turn: int  # 0 or 90: the picture turned clockwise by this much shows the lines horizontal
    lines: list[Line]
    score: float

    def __repr__(self) -> str:
        return f"Band(turn={self.turn}, lines={len(self.lines)}, h={self.lines[0].h:.1f}, score={self.score:.2f})"


def _ink(gray: np.ndarray) -> np.ndarray:
    """Dark print on lighter paper, as a 0/1 mask (local paper estimate; a dark background is not ink)."""
    h, w = gray.shape
    k = max(15, int(min(h, w) * 0.05)) | 1
    paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = cv2.blur(paper, (k, k)).astype(np.float32)
    norm = gray.astype(np.float32) / np.maximum(paper, 1.0)
    return ((norm < 0.62) & (paper > 60)).astype(np.uint8)


def _chain(stats: np.ndarray) -> list[Line]:
    """Components (x, y, w, h, area) -> text lines (see the module docstring)."""
    order = np.argsort(stats[:, 0])
    open_lines: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    for idx in order:
        x, y, w, h, _ = (int(v) for v in stats[idx])
        cx, cy = x + w / 2, y + h / 2
        best, best_gap = None, None
        still = []
        for ln in open_lines:
            lh = ln["h"]
            gap = x - ln["x1"]
            if gap > 1.6 * lh:  # the components come left to right: this line can no longer grow
                done.append(ln)
                continue
            still.append(ln)
            if gap < -0.5 * lh or not (0.3 * lh <= h <= 1.6 * lh):
                continue
            pred = ln["cy"] + ln["slope"] * (cx - ln["cx"])
            if abs(cy - pred) > 0.35 * lh:
                continue
            if best is None or gap < best_gap:
                best, best_gap = ln, gap
        open_lines = still
        if best is None:
            open_lines.append({"x0": x, "x1": x + w, "cx": cx, "cy": cy, "h": float(h), "slope": 0.0,
                               "pts": [(cx, cy)], "hs": [h], "ws": [w], "sums": [cx, cy, cx * cx, cx * cy]})
            continue
        best["x1"] = max(best["x1"], x + w)
        best["pts"].append((cx, cy))
        best["hs"].append(h)
        best["ws"].append(w)
        sm = best["sums"]
        sm[0] += cx
        sm[1] += cy
        sm[2] += cx * cx
        sm[3] += cx * cy
        n = len(best["pts"])
        if n <= 8 or n % 4 == 0:  # the height: the 75th percentile of the components' (fillers are lower)
            hs = sorted(best["hs"])
            best["h"] = float(hs[min(n - 1, (3 * n) // 4)])
        if n >= 4:  # least squares through every centre so far, from running sums
            den = n * sm[2] - sm[0] * sm[0]
            if den > 0:
                best["slope"] = max(-0.2, min(0.2, (n * sm[3] - sm[0] * sm[1]) / den))
        best["cx"], best["cy"] = cx, cy
    out = []
    for ln in open_lines + done:
        if len(ln["pts"]) < 12:
            continue
        p = np.asarray(ln["pts"])
        slope, icpt = (np.polyfit(p[:, 0], p[:, 1], 1) if np.ptp(p[:, 0]) > 0 else (0.0, p[0, 1]))
        tall = [w / h for w, h in zip(ln["ws"], ln["hs"], strict=False) if h >= 0.75 * ln["h"]]
        narrow = float(np.median(tall)) if tall else 1.0
        out.append(Line(float(ln["x0"]), float(ln["x1"]), float(icpt + slope * ln["x0"]), float(slope),
                        float(ln["h"]), len(ln["pts"]), narrow))
    return out


def _mrz_like(ln: Line) -> bool:
    ratio = ln.length / max(1.0, ln.h)
    return 14 <= ratio <= 62 and ln.narrow <= 0.95 and ln.n >= 12 and ln.h >= 5


def _group(lines: list[Line], turn: int) -> list[Band]:
    cands = sorted((ln for ln in lines if _mrz_like(ln)), key=lambda ln: ln.cy)
    bands: list[Band] = []
    for i, a in enumerate(cands):
        chain = [a]
        for b in cands[i + 1:]:
            last = chain[-1]
            pitch = b.cy - last.cy
            h = max(last.h, b.h)
            if pitch > 2.8 * h:
                break
            if pitch < 1.2 * min(last.h, b.h):
                continue
            if max(last.h, b.h) / max(1.0, min(last.h, b.h)) > 1.45:
                continue
            # lines of one MRZ start and end together; one end may be missed (a first character apart)
            if (min(abs(b.x0 - a.x0), abs(b.x1 - a.x1)) > 2.5 * h
                    or min(a.length, b.length) < 0.6 * max(a.length, b.length)):
                continue
            if len(chain) >= 2 and abs(pitch - (chain[1].cy - chain[0].cy)) > 0.35 * h:
                continue
            chain.append(b)
            if len(chain) == 3:
                break
        if len(chain) >= 2:
            hs = [ln.h for ln in chain]
            score = len(chain) + sum(ln.n for ln in chain) / 100.0 - float(np.std(hs)) / max(1.0, float(np.mean(hs)))
            bands.append(Band(turn, chain, float(score)))
    # a band inside another one (its 2-line prefix) is dropped
    bands.sort(key=lambda b: -b.score)
    kept: list[Band] = []
    for band in bands:
        ids = {id(ln) for ln in band.lines}
        if any(ids <= {id(ln) for ln in k.lines} for k in kept):
            continue
        kept.append(band)
    return kept


def find_bands(gray: np.ndarray, *, max_side: int = 1200) -> tuple[list[Band], float]:
    """MRZ-like bands in a grey picture (as is and turned by 90 degrees), best first, and the scale factor
    the picture was measured at (band coordinates are in that scaled, turned picture).

    The ink's connected components are found once; for the turned picture their boxes are turned."""
    h, w = gray.shape[:2]
    f = min(1.0, max_side / max(h, w))
    g = (cv2.resize(gray, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_LINEAR)
         if f < 1 else gray)
    ink = _ink(g)
    H0, W0 = ink.shape
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    st0 = stats[1:]
    bands: list[Band] = []
    for t in (0, 90):
        if t == 0:
            st, H = st0, H0
        else:  # turned clockwise: (x, y) -> (H0 - 1 - y, x); a box's width and height swap
            st = np.stack([H0 - st0[:, 1] - st0[:, 3], st0[:, 0], st0[:, 3], st0[:, 2], st0[:, 4]], axis=1)
            H = W0
        keep = ((st[:, 3] >= 5) & (st[:, 3] <= H / 6) & (st[:, 2] <= 3 * st[:, 3])
                & (st[:, 4] >= 0.08 * st[:, 2] * st[:, 3]))
        keep |= (st[:, 3] >= 3) & (st[:, 2] <= 4 * st[:, 3]) & (st[:, 3] <= H / 6) & (st[:, 4] >= 6)
        bands += _group(_chain(st[keep]), t)
    bands.sort(key=lambda b: -b.score)
    return bands, f


def line_crops(gray: np.ndarray, band: Band, scale: float, upside_down: bool = False) -> list[np.ndarray]:
    """Each line of ``band`` cut from ``gray`` (full resolution; ``scale`` = band units per pixel),
    straightened, 2 character heights high, paper-padded; turned by 180 degrees (and the lines taken
    bottom to top) when ``upside_down``."""
    g = gray if band.turn == 0 else cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
    out = []
    bx0, bx1 = min(ln.x0 for ln in band.lines), max(ln.x1 for ln in band.lines)  # the band's extent
    for ln in band.lines:
        x0, x1 = bx0 / scale, bx1 / scale
        cy0, h = (ln.cy0 + ln.slope * (bx0 - ln.x0)) / scale, ln.h / scale
        slope = ln.slope
        pad_x, half = 0.8 * h, 0.95 * h
        W = int(round(x1 - x0 + 2 * pad_x))
        Hh = int(round(2 * half))
        src = np.array([[x0 - pad_x, cy0 - slope * pad_x - half],
                        [x1 + pad_x, cy0 + slope * (x1 - x0 + pad_x) - half],
                        [x0 - pad_x, cy0 - slope * pad_x + half]], np.float32)
        dst = np.array([[0, 0], [W - 1, 0], [0, Hh - 1]], np.float32)
        M = cv2.getAffineTransform(src, dst)
        crop = cv2.warpAffine(g, M, (max(8, W), max(8, Hh)), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        out.append(crop)
    if upside_down:
        out = [cv2.rotate(c, cv2.ROTATE_180) for c in reversed(out)]
    return out


# -- reading --------------------------------------------------------------------------------------------

@dataclass
class MrzReading:
    result: MrzResult
    texts: list[str] = field(repr=False)  # what the engine read (personal data: not in the repr)
    confidence: float
    band: Band
    orientation: int  # clockwise degrees that make the band upright
    region: list[tuple[float, float]]  # the band's corners in original picture coordinates
    tries: int = 0
    ms: float = 0.0


def _band_region(band: Band, scale: float, shape: tuple[int, int], orig_scale: tuple[float, float]
                 ) -> list[tuple[float, float]]:
    """Corners of the band in the (un-turned) picture, scaled to original pixels."""
    H, W = shape
    xs = [ln.x0 for ln in band.lines] + [ln.x1 for ln in band.lines]
    ys = [ln.cy0 - ln.h for ln in band.lines] + [ln.cy0 + ln.slope * ln.length + ln.h for ln in band.lines]
    x0, x1, y0, y1 = min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale
    pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    if band.turn == 90:  # turned clockwise: (x, y) in the turned picture came from (y, H - 1 - x)
        pts = [(y, H - 1 - x) for x, y in pts]
    sx, sy = orig_scale
    return [(float(x * sx), float(y * sy)) for x, y in pts]


def read_bands(gray: np.ndarray, eng: Any, *, bands: list[Band] | None = None, scale: float = 1.0,
               deadline: float | None = None, max_bands: int = 3, orig_scale: tuple[float, float] = (1.0, 1.0)
               ) -> MrzReading | None:
    """Read the best bands of ``gray`` with ``eng`` (both ways up, and the engine's variants while no
    reading is valid); the reading with the most check digits passing wins."""
    started = time.perf_counter()
    if bands is None:
        bands, scale = find_bands(gray)
    best: MrzReading | None = None
    tries = 0
    variants = (getattr(eng, "variants", {}) or {}).get("mrz", 1)
    for band in bands[:max_bands]:
        for upside_down in (False, True):
            crops = line_crops(gray, band, scale, upside_down)
            first: list[str] = []  # this way up's first reading
            for v in range(variants):
                if deadline is not None and time.monotonic() > deadline:
                    break
                lines = eng.read_lines([LineCrop(c, "mrz", v) for c in crops])
                tries += 1
                texts = [ln.text for ln in lines]
                first = first or texts
                res = parse(texts, confidences=[ln.char_confidences for ln in lines])
                if res is not None:  # (None: the lines are no layout's)
                    conf = min((ln.confidence for ln in lines), default=0.0)
                    res.line_confidences = [ln.confidence for ln in lines] if len(lines) == len(res.lines) else None
                    cand = MrzReading(res, texts, conf, band, (band.turn + (180 if upside_down else 0)) % 360,
                                      _band_region(band, scale, gray.shape[:2], orig_scale))
                    if best is None or res.score > best.result.score:
                        best = cand
                    if res.valid:
                        break
                if v == 0 and not _mrz_like_text(texts):
                    break  # ordinary print, or the band the wrong way up: its other readings are not worth a call
            if best is not None and best.result.valid:
                break
            if best is not None and best.band is band and best.result.passed >= 2 and not upside_down:
                break  # the right way up (two check digits pass): not worth reading it turned
            if not upside_down and _han_text(first):
                break  # Chinese print (a licence's rows): no MRZ, either way up
        if best is not None and best.result.valid:
            break
    if best is not None:
        best.tries = tries
        best.ms = (time.perf_counter() - started) * 1000.0
    return best


MRZ_LIKE_SHARE = 0.5  # of a reading's characters in the MRZ's alphabet (or drawn like a filler): else not an MRZ


def _mrz_like_text(texts: Sequence[str]) -> bool:
    """Whether a reading of a band could be an MRZ read the right way up: half of its characters or more are
    letters, digits or fillers (an MRZ read upside down gives ``>``, ``∀`` and turned letters; a row of Chinese
    print gives Han characters)."""
    chars = [ch for t in texts for ch in clean_line(t)[0]]
    return bool(chars) and sum(ch in ALPHABET for ch in chars) >= MRZ_LIKE_SHARE * len(chars)


def _han_text(texts: Sequence[str]) -> bool:
    """Whether a reading is mostly Chinese characters (CJK ideographs): print in Chinese, not an MRZ."""
    chars = [ch for t in texts for ch in t if not ch.isspace()]
    return bool(chars) and sum("\u4e00" <= ch <= "\u9fff" for ch in chars) >= MRZ_LIKE_SHARE * len(chars)


def gray_of(ctx: Any, min_char_px: float = 22.0) -> tuple[np.ndarray, tuple[float, float]]:
    """The picture in grey (value channel: dark print stays dark under coloured backgrounds) and the
    scale from it to original pixels."""
    rgb = ctx.rgb
    v = value_channel(rgb)
    return np.ascontiguousarray(v), (getattr(ctx, "scale_x", 1.0), getattr(ctx, "scale_y", 1.0))


def read_mrz(ctx: Any, eng: Any, *, timeout: float = 10.0, bands: list[Band] | None = None,
             scale: float | None = None) -> MrzReading | None:
    """The best MRZ reading of the picture in ``ctx`` (None when no band was found)."""
    gray, orig_scale = gray_of(ctx)
    if bands is None:
        bands, scale = find_bands(gray)
    if not bands:
        return None
    reading = read_bands(gray, eng, bands=bands, scale=scale or 1.0, deadline=time.monotonic() + timeout,
                         orig_scale=orig_scale)
    if reading is not None and not reading.result.valid:
        # small print: read again from the original file at a higher resolution
        src = _upscaled(ctx, bands[0], scale or 1.0)
        if src is not None:
            big, f = src
            b2, s2 = find_bands(big, max_side=max(big.shape))
            if b2:
                r2 = read_bands(big, eng, bands=b2, scale=s2, deadline=time.monotonic() + timeout,
                                orig_scale=(orig_scale[0] / f, orig_scale[1] / f))
                if r2 is not None and r2.result.score > reading.result.score:
                    r2.tries += reading.tries
                    reading = r2
    return reading


def _upscaled(ctx: Any, band: Band, scale: float) -> tuple[np.ndarray, float] | None:
    """The picture decoded again from the original file when the working copy is reduced and the MRZ
    characters are small in it (under 24 px): (grey, factor from the working copy)."""
    h = band.lines[0].h / scale
    sx = max(getattr(ctx, "scale_x", 1.0), getattr(ctx, "scale_y", 1.0))
    if h >= 24 or sx <= 1.05 or not getattr(ctx, "data", None):
        return None

    H, W = ctx.rgb.shape[:2]
    factor = min(sx, 30.0 / max(1.0, h))
    quad = np.array([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]], np.float32)
    rgb, _, source = source_for(ctx, quad, (int(W * factor), int(H * factor)))
    if source != "original":
        return None
    v = value_channel(rgb)
    return np.ascontiguousarray(v), rgb.shape[1] / W
