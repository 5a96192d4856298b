"""Position-by-position shape checks with look-alike suggestions (reference §1.5 step 3, §6.2).

A *shape* is a sequence of character classes, one per position.  :func:`check_shapes` raises
:class:`InvalidLength` when no shape has the value's length, and otherwise :class:`InvalidFormat`
at the first position where even the best-fitting shape fails, with a suggestion when the character
there is a known look-alike of an allowed one (Alibaba warns about ``0/O``, ``1/I``, ``8/B`` [A1]).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence

from .exceptions import InvalidFormat, InvalidLength

DIGITS = frozenset(string.digits)
DIGITS_X = DIGITS | {"X"}
LETTERS = frozenset(string.ascii_uppercase)
ALNUM = DIGITS | LETTERS

# Letters read or typed in place of digits, and the reverse.  V -> U is the USCC case of §1.5
# (V is excluded from the USCC alphabet, U is the nearest allowed letter) and is only offered
# where U is allowed.
_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "O": ("0",), "D": ("0",), "Q": ("0",), "I": ("1",), "L": ("1",), "Z": ("2",), "S": ("5",),
    "B": ("8",), "V": ("U",), "0": ("O",), "1": ("I",), "2": ("Z",), "5": ("S",), "8": ("B",),
    "\u00ab": ("<",), "\u2039": ("<",),  # « ‹ read for the MRZ filler
}

Shape = Sequence[frozenset[str]]


def ascii_digit(ch: str) -> str | None:
    """The ASCII digit for a digit of another script (``'٣'`` -> ``'3'``), else ``None``."""
    if len(ch) == 1 and not ch.isascii():
        value = unicodedata.digit(ch, None)
        if value is not None:
            return str(value)
    return None


def suggest(found: str, allowed: frozenset[str]) -> str | None:
    """The allowed character ``found`` was most likely meant to be, if any."""
    digit = ascii_digit(found)
    if digit is not None and digit in allowed:
        return digit
    for candidate in _LOOKALIKES.get(found, ()):
        if candidate in allowed:
            return candidate
    return None


def describe(allowed: frozenset[str]) -> str:
    """A short human description of a character class."""
    if allowed == DIGITS:
        return "a digit 0-9"
    if allowed == DIGITS_X:
        return "a digit 0-9 or X"
    if allowed == LETTERS:
        return "a letter A-Z"
    if allowed == ALNUM:
        return "a digit or a letter A-Z"
    if allowed <= LETTERS and len(allowed) <= 6:
        return " or ".join(sorted(allowed))
    if DIGITS <= allowed and allowed - DIGITS <= LETTERS:
        missing = LETTERS - allowed
        if not missing:
            return "a digit or a letter A-Z"
        if len(missing) <= 6:
            return f"a digit or a letter A-Z except {', '.join(sorted(missing))}"
    return "one of " + "".join(sorted(allowed))


def _first_mismatch(value: str, shape: Shape) -> int:
    for i, (ch, allowed) in enumerate(zip(value, shape, strict=True)):
        if ch not in allowed:
            return i
    return len(shape)


def bad_char(value: str, index: int, allowed: frozenset[str], what: str = "") -> InvalidFormat:
    """The :class:`InvalidFormat` for ``value[index]`` not being in ``allowed``."""
    found = value[index]
    hint = suggest(found, allowed)
    shown = found if found.isprintable() else f"U+{ord(found):04X}"
    if ascii_digit(found) is not None:
        detail = f"{shown!r} is a digit of another script; type ASCII digits"
    else:
        detail = f"{shown!r} is not allowed"
    message = f"position {index + 1}{' (' + what + ')' if what else ''}: {detail}, expected {describe(allowed)}"
    if hint:
        message += f"; did you mean {hint!r}?"
    return InvalidFormat(message, position=index + 1, found=found, expected=describe(allowed), suggestion=hint)


def check_shapes(value: str, shapes: Sequence[Shape], *, title: str, length_hint: str = "") -> None:
    """Raise unless ``value`` fits one of ``shapes`` exactly (see the module docstring)."""
    lengths = sorted({len(s) for s in shapes})
    same_length = [s for s in shapes if len(s) == len(value)]
    if not same_length:
        expected: int | tuple[int, ...] = lengths[0] if len(lengths) == 1 else tuple(lengths)
        wanted = " or ".join(str(n) for n in lengths)
        message = f"{title} has {wanted} characters, not {len(value)}"
        raise InvalidLength(message + (f"; {length_hint}" if length_hint else ""), expected=expected, found=len(value))
    best = max(same_length, key=lambda s: _first_mismatch(value, s))
    index = _first_mismatch(value, best)
    if index == len(best):
        return
    allowed = frozenset().union(*(s[index] for s in same_length if _first_mismatch(value, s) == index))
    raise bad_char(value, index, allowed)
