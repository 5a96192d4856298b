"""Exceptions raised by idcheck.

A bad *file* or bad *form data* is never an exception: it becomes a finding in
the report.  Exceptions are for programming errors and for explicit validation
calls::

    IdcheckError                      base of everything idcheck raises on purpose
    ├── UsageError(TypeError)         wrong argument types or values passed to the API
    ├── CatalogueError(KeyError)      a code that the catalogue does not define
    └── ValidationError(ValueError)   idcheck.numbers: a number is not valid (see idcheck.numbers.exceptions)
"""

from __future__ import annotations


class IdcheckError(Exception):
    """Base class of every exception idcheck raises on purpose."""


class UsageError(IdcheckError, TypeError):
    """The API was called with arguments of the wrong type or value."""


class CatalogueError(IdcheckError, KeyError):
    """A finding code that is not in the catalogue."""
