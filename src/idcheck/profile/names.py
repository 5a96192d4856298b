"""Names: the character classes of §6.2, canonical comparison (§6.3) and pinyin matching.

:func:`compare_names` compares a typed name with the name printed on a document (the OCR
cross-check reuses it) and explains every difference::

    >>> c = compare_names("阿卜杜拉・买买提", "阿卜杜拉·买买提")
    >>> c.exact_equal, c.canonical_equal, c.diagnoses
    (False, True, ('lookalike_dot',))

:func:`canonical` is for *diagnosis only*: the registry compares exactly, so a name that is only
canonically equal still earns a warning.  Canonical form: NFKC, look-alike middle dots -> U+00B7,
brackets compared width-insensitively (as full-width （）), look-alike angle brackets -> 《》, dash
and quote look-alikes -> ASCII, every whitespace and invisible character removed.  Letter case is
kept: overseas registrants' English names must match case-exactly.

:func:`pinyin_matches` decides whether an English name is the pinyin of a Chinese name.  Policy
(documented in the README of the profile checks):

* case, spaces, hyphens and apostrophes are ignored (``ZHANG San``, ``zhangsan``, ``Xi'an``);
* every reading pypinyin knows for each character is accepted (heteronyms: 单 dan/shan/chan,
  曾 zeng/ceng), plus the phrase reading of the whole name;
* ü may be written ``v``, ``u`` or ``yu`` (吕 lv / lu / lyu — passports use ``LYU``);
* surname first (``zhang san``, the registrar's auto-fill) **and** surname last (``san zhang``,
  passport/Western order) are both accepted; the surname is taken to be the first one or two
  characters (compound surnames such as 欧阳).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError

__all__ = [
    "NameComparison",
    "compare_names",
    "canonical",
    "is_han",
    "has_han",
    "MIDDLE_DOT",
    "LOOKALIKE_DOTS",
    "LOOKALIKE_BRACKETS",
    "DASHES",
    "QUOTES",
    "INVISIBLE",
    "pinyin_readings",
    "pinyin_matches",
    "pinyin_of",
    "strip_for_english",
]

MIDDLE_DOT = "\u00b7"
# §6.2 and U1: characters people (or input methods) use in place of U+00B7.
LOOKALIKE_DOTS = frozenset(
    "\u30fb\uff65\u2022\u2027\u2219\u22c5\u2218\u0387\u16eb\u25e6\u2981\u2e30\u2e31\u2024\u318d\U00010101"
)
# ASCII / full-width / small full stops: flagged as a dot look-alike only between Chinese characters.
PERIODS = frozenset(".\uff0e\ufe52\u3002")
BOOK_MARKS = frozenset("\u300a\u300b")  # 《》
# angle brackets mistaken for 《》 -> the 《 or 》 they stand for
LOOKALIKE_BRACKETS: dict[str, str] = {
    "\u3008": "\u300a", "\u3009": "\u300b",  # 〈〉
    "<": "\u300a", ">": "\u300b",
    "\uff1c": "\u300a", "\uff1e": "\u300b",  # ＜＞
    "\u2329": "\u300a", "\u232a": "\u300b",  # 〈〉 (deprecated)
    "\u27e8": "\u300a", "\u27e9": "\u300b",  # ⟨⟩
    "\u2039": "\u300a", "\u203a": "\u300b",  # ‹›
    "\ufe64": "\u300a", "\ufe65": "\u300b",  # ﹤﹥
    "\u00ab": "\u300a", "\u00bb": "\u300b",  # «»
}
HALF_BRACKETS = frozenset("()")
FULL_BRACKETS = frozenset("\uff08\uff09")  # （）
# dash look-alikes of '-' (the full-width －, U+FF0D, is reported as full-width instead)
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63")
QUOTES: dict[str, str] = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u301d": '"', "\u301e": '"'}
# invisible characters: zero-width, joiners, bidi marks, word joiner, BOM, soft hyphen, fillers
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]"
)
# whitespace the user can see (or nearly): ASCII space, tab, NBSP, ideographic space, en/em spaces ...
_SPACE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]")


# --- character classes ------------------------------------------------------------------------------

def is_han(ch: str) -> bool:
    """A CJK ideograph (unified, extensions, compatibility) or 〇."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x323AF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
        or cp == 0x3007
    )


def has_han(text: str) -> bool:
    return any(is_han(ch) for ch in text)


def is_private_use(ch: str) -> bool:
    return unicodedata.category(ch) == "Co"


def is_space(ch: str) -> bool:
    return bool(_SPACE.match(ch))


def is_invisible(ch: str) -> bool:
    return bool(INVISIBLE.match(ch))


def char_name(ch: str) -> str:
    """``'・'`` -> ``'・ (U+30FB KATAKANA MIDDLE DOT)'``: what a user needs to recognise an odd character."""
    name = unicodedata.name(ch, "")
    shown = ch if ch.isprintable() and not is_space(ch) else ""
    label = f"U+{ord(ch):04X}{' ' + name if name else ''}"
    return f"{shown} ({label})" if shown else label


# --- canonical form (§6.3) -------------------------------------------------------------------------

def canonical(s: str) -> str:
    """The diagnosis form of a name (see the module docstring); never use it for submission."""
    s = INVISIBLE.sub("", s)
    s = unicodedata.normalize("NFKC", s)
    out = []
    chars = list(s)
    for i, ch in enumerate(chars):
        if ch in LOOKALIKE_DOTS or (ch in PERIODS and _between_han(chars, i)):
            ch = MIDDLE_DOT
        elif ch == "(":
            ch = "\uff08"
        elif ch == ")":
            ch = "\uff09"
        elif ch in LOOKALIKE_BRACKETS:
            ch = LOOKALIKE_BRACKETS[ch]
        elif ch in DASHES:
            ch = "-"
        elif ch in QUOTES:
            ch = QUOTES[ch]
        out.append(ch)
    return _SPACE.sub("", "".join(out))


def _between_han(chars: list[str], i: int) -> bool:
    """Is position i flanked by Chinese characters (ignoring spaces)?"""
    left = next((c for c in reversed(chars[:i]) if not is_space(c)), "")
    right = next((c for c in chars[i + 1 :] if not is_space(c)), "")
    return bool(left) and bool(right) and is_han(left) and is_han(right)


# --- comparison ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiffOp:
    """One difference: ``op`` is "replace", "delete" (only in typed), "insert" (only in printed)."""

    op: str
    typed_start: int
    typed: str
    printed_start: int
    printed: str
    diagnoses: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "op": self.op,
            "typed_start": self.typed_start,
            "typed": self.typed,
            "printed_start": self.printed_start,
            "printed": self.printed,
            "diagnoses": list(self.diagnoses),
        }


@dataclass(frozen=True)
class NameComparison:
    """The result of :func:`compare_names`.

    ``exact_equal``: the strings are identical (what the registry requires).
    ``canonical_equal``: identical after :func:`canonical` (only width/dot/space/punctuation variants).
    ``diff``: character-level differences; ``diagnoses``: their kinds, in order of first appearance:
    "space", "invisible", "lookalike_dot", "fullwidth_bracket", "lookalike_bracket", "fullwidth",
    "dash", "quote", "case", "homophone", "similar_char", "missing_char", "extra_char", "other".
    """

    typed: str
    printed: str
    exact_equal: bool
    canonical_equal: bool
    diff: tuple[DiffOp, ...]
    diagnoses: tuple[str, ...]

    @property
    def verdict(self) -> str:
        """"equal", "variant" (canonically equal only: warn) or "different" (error)."""
        return "equal" if self.exact_equal else "variant" if self.canonical_equal else "different"

    def to_dict(self) -> dict[str, object]:
        return {
            "exact_equal": self.exact_equal,
            "canonical_equal": self.canonical_equal,
            "verdict": self.verdict,
            "diff": [d.to_dict() for d in self.diff],
            "diagnoses": list(self.diagnoses),
        }

    def __repr__(self) -> str:  # the names are personal data: keep them out of logs
        return f"NameComparison(verdict={self.verdict!r}, diagnoses={self.diagnoses!r})"


def compare_names(typed: str, printed: str) -> NameComparison:
    """Compare the name typed in the profile with the name printed on the document (§6.3)."""
    if not isinstance(typed, str) or not isinstance(printed, str):
        raise UsageError("compare_names expects two strings")
    exact = typed == printed
    canon = canonical(typed) == canonical(printed)
    ops: list[DiffOp] = []
    if not exact:
        matcher = difflib.SequenceMatcher(None, typed, printed, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            t, p = typed[i1:i2], printed[j1:j2]
            ops.append(DiffOp(tag, i1, t, j1, p, tuple(_diagnose(t, p, typed, i1, printed, j1))))
    seen: dict[str, None] = {}
    for d in ops:
        for diagnosis in d.diagnoses:
            seen.setdefault(diagnosis, None)
    return NameComparison(typed, printed, exact, canon, tuple(ops), tuple(seen))


def _kind(ch: str, text: str, index: int) -> str | None:
    """The variant family a single character belongs to, or None for an ordinary character."""
    if is_invisible(ch):
        return "invisible"
    if is_space(ch):
        return "space"
    if ch == MIDDLE_DOT or ch in LOOKALIKE_DOTS:
        return "dot"
    if ch in PERIODS and _between_han(list(text), index):
        return "dot"
    if ch in HALF_BRACKETS or ch in FULL_BRACKETS:
        return "bracket"
    if ch in BOOK_MARKS or ch in LOOKALIKE_BRACKETS:
        return "book"
    if ch == "-" or ch == "\uff0d" or ch in DASHES:
        return "dash"
    if ch in QUOTES or ch in "\"'\uff02\uff07":
        return "quote"
    return None


def _diagnose(t: str, p: str, typed: str, ti: int, printed: str, pj: int) -> list[str]:
    tags: list[str] = []

    def add(tag: str) -> None:
        if tag not in tags:
            tags.append(tag)

    # characters that only one side has: spaces/invisible are their own diagnosis
    t_rest = []
    for k, ch in enumerate(t):
        kind = _kind(ch, typed, ti + k)
        if kind in ("space", "invisible"):
            add(kind)
        else:
            t_rest.append((ch, kind, ti + k))
    p_rest = []
    for k, ch in enumerate(p):
        kind = _kind(ch, printed, pj + k)
        if kind in ("space", "invisible"):
            add(kind)
        else:
            p_rest.append((ch, kind, pj + k))
    if len(t_rest) == len(p_rest):
        for (a, ka, _), (b, kb, _) in zip(t_rest, p_rest, strict=True):
            if ka == kb == "dot":
                add("lookalike_dot")
            elif ka == kb == "bracket":
                add("fullwidth_bracket")
            elif ka == kb == "book":
                add("lookalike_bracket")
            elif ka == kb == "dash":
                add("fullwidth" if "\uff0d" in (a, b) else "dash")
            elif ka == kb == "quote":
                add("fullwidth" if {a, b} & {"\uff02", "\uff07"} else "quote")
            elif unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b):
                add("fullwidth")
            elif a.lower() == b.lower() or (
                unicodedata.normalize("NFKC", a).lower() == unicodedata.normalize("NFKC", b).lower()
            ):
                add("case")
            elif is_han(a) and is_han(b):
                if set(pinyin_readings(a)) & set(pinyin_readings(b)):
                    add("homophone")
                add("similar_char")
            else:
                add("other")
    else:
        if not p_rest and t_rest:
            add("extra_char")
        elif not t_rest and p_rest:
            add("missing_char")
        elif t_rest or p_rest:
            add("other")
    return tags


# --- pinyin ----------------------------------------------------------------------------------------

_LETTERS = re.compile(r"[^a-z]")


@lru_cache(maxsize=8192)
def pinyin_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading pypinyin knows for one character, with ü spelt v, u and yu."""
    from pypinyin import Style, pinyin  # lazy: pypinyin loads large dictionaries; only name comparison needs them

    readings: list[str] = []
    for group in pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore"):
        for r in group:
            r = r.lower()
            forms = [r]
            if "v" in r or "ü" in r:
                base = r.replace("ü", "v")
                forms = [base, base.replace("v", "u"), base.replace("v", "yu")]
            for form in forms:
                form = _LETTERS.sub("", form)
                if form and form not in readings:
                    readings.append(form)
    return tuple(readings)


def pinyin_of(name: str) -> str:
    """The registrar-style default English name: lower-case pinyin, one syllable per character, spaced."""
    from pypinyin import Style, lazy_pinyin  # lazy: as above

    parts = [p for p in lazy_pinyin(_han_only(name), style=Style.NORMAL, v_to_u=False) if p.strip()]
    return " ".join(parts)


def _han_only(name: str) -> str:
    return "".join(ch for ch in name if is_han(ch))


def strip_for_english(name: str) -> str:
    """``"阿卜杜拉·买买提"`` -> its pinyin with the dot dropped; non-Chinese names: · and 《》 removed."""
    if has_han(name):
        return pinyin_of(name)
    cleaned = "".join(" " if ch == MIDDLE_DOT or ch in LOOKALIKE_DOTS else ch for ch in name if ch not in BOOK_MARKS)
    return " ".join(cleaned.split())


def _phrase_readings(han: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin  # lazy: as above

    joined = "".join(lazy_pinyin(han, style=Style.NORMAL, v_to_u=False)).lower()
    return [joined.replace("v", "u"), joined.replace("v", "yu"), joined] if "v" in joined else [joined]


def _parses(letters: str, options: list[tuple[str, ...]]) -> bool:
    """Can ``letters`` be split into one reading per character, in order?"""
    reachable = {0}
    for readings in options:
        nxt = set()
        for pos in reachable:
            for r in readings:
                if letters.startswith(r, pos):
                    nxt.add(pos + len(r))
        if not nxt:
            return False
        reachable = nxt
    return len(letters) in reachable


def pinyin_matches(name_en: str, name_zh: str) -> bool:
    """Is ``name_en`` a pinyin spelling of the Chinese characters of ``name_zh`` (policy above)?"""
    han = _han_only(name_zh)
    if not han:
        return False
    letters = _LETTERS.sub("", name_en.lower())
    if not letters:
        return False
    options = [pinyin_readings(ch) or (ch,) for ch in han]
    orders = [options]
    for k in (1, 2):  # surname last: rotate the 1- or 2-character surname to the end
        if len(options) > k:
            orders.append(options[k:] + options[:k])
    if any(_parses(letters, order) for order in orders):
        return True
    return letters in _phrase_readings(han)

