"""Exceptions raised by idcheck.

A bad *file* or bad *form data* is never an exception: it becomes a finding in
the report.  Exceptions are for programming errors and for explicit validation
calls::

    IdcheckError                      base of everything idcheck raises on purpose
    ├── UsageError(TypeError)         wrong argument types or values passed to the API
    ├── CatalogueError(KeyError)      a code that the catalogue does not define
    └── ValidationError(ValueError)   idcheck.numbers: a number is not valid (see idcheck.numbers.exceptions)
        ├── InvalidLength             wrong number of characters (incl. obsolete 15-digit resident IDs)
        ├── InvalidFormat             a character not allowed at a position (with look-alike suggestion)
        ├── InvalidChecksum           a check character does not match (expected/found)
        ├── InvalidDate               an embedded date is not real or lies in the future
        └── InvalidComponent          a part holds a value the format never has (province, prefix, country)

Non-``str`` input to ``idcheck.numbers`` functions is a ``UsageError``; ``is_valid`` never raises.
"""

from __future__ import annotations


class IdcheckError(Exception):
    """Base class of every exception idcheck raises on purpose."""


class UsageError(IdcheckError, TypeError):
    """The API was called with arguments of the wrong type or value."""


class CatalogueError(IdcheckError, KeyError):
    """A finding code that is not in the catalogue."""
