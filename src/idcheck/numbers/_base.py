"""Small helpers every format module uses (the stdnum-style boilerplate)."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UsageError
from ._normalize import Normalized, normalize
from .exceptions import ValidationError


def require_str(s: object) -> str:
    if not isinstance(s, str):
        raise UsageError(f"expected a str, got {type(s).__name__}")
    return s


def make_normalize(**options: bool) -> Callable[[str], Normalized]:
    def module_normalize(s: str) -> Normalized:
        """The normalised value and what normalisation changed (see ``idcheck.numbers._normalize``)."""
        return normalize(s, **options)

    return module_normalize


def make_is_valid(validate: Callable[[str], str]) -> Callable[[object], bool]:
    def is_valid(s: object) -> bool:
        """True if ``validate(s)`` passes; never raises, whatever ``s`` is (None, bytes, ints ...)."""
        if not isinstance(s, str):
            return False
        try:
            validate(s)
        except (ValidationError, UsageError):
            return False
        return True

    return is_valid


def predicate(fn: Callable[[str], bool]) -> Callable[[object], bool]:
    """Make a str predicate total: False for non-str input and for values it cannot judge."""

    def wrapper(s: object) -> bool:
        if not isinstance(s, str):
            return False
        try:
            return bool(fn(s))
        except (ValidationError, UsageError):
            return False

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper
