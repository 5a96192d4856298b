"""Normalisation of typed or pasted identity numbers, recording what it changed (reference §1.5 step 1, §6.2).

The registrar wants the number "exactly as printed, no spaces" [A1]; a number we had to repair is
still worth a warning, so :func:`normalize` returns the repaired value *and* stable tags naming each
kind of repair (in this order, each at most once):

``invisible``      zero-width characters, NBSP and other invisible spaces, BOM, soft hyphen, bidi marks removed
``fullwidth``      full-width forms (``９１Ａ``, ideographic space, ``－``) turned into ASCII
``compatibility``  other Unicode compatibility forms folded by NFKC (circled or superscript digits, ligatures)
``trimmed``        whitespace around the value removed
``spaces``         whitespace inside the value removed
``dashes``         ``-`` and dash look-alikes (``‐ – — − ー``) removed
``lowercase``      ASCII lower-case letters upper-cased (``x`` -> ``X``)

Digits of other scripts (Arabic-Indic ``٠١٢``, Devanagari ``१२३``) are *not* folded: NFKC keeps
them and so do we; validation then reports them with a suggestion.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import UsageError

__all__ = ["Normalized", "normalize", "CHANGE_TAGS"]

CHANGE_TAGS = ("invisible", "fullwidth", "compatibility", "trimmed", "spaces", "dashes", "lowercase")

# Invisible or space-like characters people paste from web pages and PDFs.  NBSP and friends are
# listed here (not with spaces) because the user cannot see them: "invisible" tells them to retype.
_INVISIBLE = re.compile(
    "[\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2007\u200b-\u200f\u202a-\u202f"
    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]"
)
# Full-width ASCII block and the ideographic space: what Chinese input methods produce.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = re.compile(r"\s+")
# '-' plus the dash look-alikes of §6.2 and the katakana prolonged-sound mark (IMEs produce it).
_DASHES = re.compile("[-\u2010-\u2015\u2043\u2212\u2e3a\u2e3b\u30fc\ufe58\ufe63\uff0d\uff70]+")
_LOWER = re.compile("[a-z]")
_UPPER_TABLE = {cp: cp - 32 for cp in range(ord("a"), ord("z") + 1)}


@dataclass(frozen=True)
class Normalized:
    """A normalised value and the tags of what normalisation changed (see the module docstring)."""

    value: str
    changes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _require_str(s: object) -> str:
    if not isinstance(s, str):
        raise UsageError(f"expected a str, got {type(s).__name__}")
    return s


def _step(s: str, tags: set[str], *, upper: bool, dashes: bool, keep_newlines: bool) -> str:
    if _INVISIBLE.search(s):
        s = _INVISIBLE.sub("", s)
        tags.add("invisible")
    if _FULLWIDTH.search(s):
        s = s.translate(_FULLWIDTH_TABLE)
        tags.add("fullwidth")
    folded = unicodedata.normalize("NFKC", s)
    if folded != s:
        s = folded
        tags.add("compatibility")
    if keep_newlines:
        lines = [_strip_line(line, tags) for line in s.splitlines()]
        s = "\n".join(line for line in lines if line)
    else:
        s = _strip_line(s, tags)
    if dashes and _DASHES.search(s):
        s = _DASHES.sub("", s)
        tags.add("dashes")
    if upper and _LOWER.search(s):
        s = s.translate(_UPPER_TABLE)  # ASCII only: str.upper() would turn 'ß' into 'SS'
        tags.add("lowercase")
    return s


def _strip_line(s: str, tags: set[str]) -> str:
    stripped = s.strip()
    if stripped != s:
        tags.add("trimmed")
    if _SPACES.search(stripped):
        stripped = _SPACES.sub("", stripped)
        tags.add("spaces")
    return stripped


def normalize(s: str, *, upper: bool = True, dashes: bool = True, keep_newlines: bool = False) -> Normalized:
    """Strip, fold full-width/compatibility forms, remove spaces (and dashes), upper-case ASCII.

    ``keep_newlines`` keeps line structure (MRZ): each line is stripped, empty lines dropped, and
    lines joined with ``"\\n"``.  The result is a fixed point: ``normalize(v).value == v`` for every
    returned ``v`` (removing a separator can bring a combining mark next to a letter, so NFKC is
    re-applied until nothing changes).
    """
    s = _require_str(s)
    tags: set[str] = set()
    for _ in range(8):  # converges in one or two rounds; the bound only guards against surprises
        new = _step(s, tags, upper=upper, dashes=dashes, keep_newlines=keep_newlines)
        if new == s:
            break
        s = new
    if keep_newlines:
        # A pasted MRZ often carries CR LF or blank lines; they are layout, not an error to report.
        tags.discard("trimmed")
    return Normalized(s, tuple(t for t in CHANGE_TAGS if t in tags))
