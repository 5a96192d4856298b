"""Exceptions raised by ``idcheck.numbers`` (reference: domain-rules.md §1.5, §2).

::

    ValidationError(IdcheckError, ValueError)   base: the value is not a valid number of that format
    ├── InvalidLength       wrong number of characters            expected=int | tuple[int, ...], found=int
    ├── InvalidFormat       a character not allowed at a position  position, found, expected (description), suggestion
    ├── InvalidChecksum     a check character does not match       position, found, expected (the right character)
    ├── InvalidDate         an embedded date is not a real date, or lies in the future
    └── InvalidComponent    a part holds a value the format does not allow (province, prefix, country ...)
                            component, position, found, other_format (the format the value belongs to, if known)

Messages are English, one sentence, and never contain the number itself (identity numbers are
personal data): they may name a position and the single character found there.  Everything a
program needs is in attributes; ``to_dict()`` gives them as JSON-ready data.

Non-``str`` input is a programming error, not an invalid number: every function of a format module
except ``is_valid`` raises ``idcheck.errors.UsageError`` (a ``TypeError``) for it.
"""

from __future__ import annotations

from typing import Any

from ..errors import IdcheckError

__all__ = [
    "ValidationError",
    "InvalidLength",
    "InvalidFormat",
    "InvalidChecksum",
    "InvalidDate",
    "InvalidComponent",
]


class ValidationError(IdcheckError, ValueError):
    """A number is not valid.  ``code`` is a stable machine tag (``invalid_length`` ...).

    Attributes (``None`` where they do not apply):

    * ``position``: 1-based position of the offending character (column in ``line`` for an MRZ)
    * ``line``: 1-based MRZ line
    * ``found`` / ``expected``: what is there / what should be there (a character, a length, ...)
    * ``suggestion``: the character the user probably meant (look-alike, e.g. ``O`` -> ``0``)
    * ``component``: the name of the part concerned (``"province"``, ``"check_char_18"`` ...)
    * ``other_format``: name of the ``idcheck.numbers`` format the value belongs to instead
    """

    code = "invalid"

    def __init__(
        self,
        message: str | None = None,
        *,
        position: int | None = None,
        line: int | None = None,
        found: Any = None,
        expected: Any = None,
        suggestion: str | None = None,
        component: str | None = None,
        other_format: str | None = None,
    ) -> None:
        self.message = message or (self.__class__.__doc__ or "").split("\n")[0]
        self.position = position
        self.line = line
        self.found = found
        self.expected = expected
        self.suggestion = suggestion
        self.component = component
        self.other_format = other_format
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extra = ", ".join(
            f"{k}={v!r}" for k, v in self.to_dict().items() if k not in ("code", "message") and v is not None
        )
        return f"{self.__class__.__name__}({self.message!r}{', ' + extra if extra else ''})"

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data: ``code``, ``message`` and the structured attributes."""
        expected = list(self.expected) if isinstance(self.expected, tuple) else self.expected
        return {
            "code": self.code,
            "message": self.message,
            "position": self.position,
            "line": self.line,
            "found": self.found,
            "expected": expected,
            "suggestion": self.suggestion,
            "component": self.component,
            "other_format": self.other_format,
        }


class InvalidLength(ValidationError):
    """The number has the wrong length."""

    code = "invalid_length"


class InvalidFormat(ValidationError):
    """The number contains a character that is not allowed at that position."""

    code = "invalid_format"


class InvalidChecksum(ValidationError):
    """A check character does not match the rest of the number."""

    code = "invalid_checksum"


class InvalidDate(ValidationError):
    """A date inside the number is not a real date or lies outside the allowed range."""

    code = "invalid_date"


class InvalidComponent(ValidationError):
    """A part of the number holds a value the format does not allow."""

    code = "invalid_component"
