"""Reading the caller's source: a path, bytes or a binary file object.

Input files are opened read-only and never written, renamed or touched; nothing
is written next to them.  A file far above any upload limit is typed from its
first bytes but not read whole (``IntakeConfig.max_read_bytes``).
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import UsageError


@dataclass
class Source:
    path: str | None  # the path as given (None for bytes)
    name: str | None  # the file name whose extension is checked (None: not known)
    size: int  # bytes
    head: bytes  # the first bytes, for sniffing
    data: bytes | None  # the whole content, or None when not read (too big or unreadable)
    error: str | None = None  # why the file could not be read at all


def describe_source_type(source: Any) -> str:
    return type(source).__name__


def read_source(source: Any, config: Config) -> Source:
    """Read ``source``; I/O problems become ``Source.error`` (a finding later), never an exception.

    Raises :class:`UsageError` only for a source of the wrong type.
    """
    limit = config.intake.max_read_bytes
    head_size = config.intake.header_bytes
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return Source(None, None, len(data), data[:head_size], data if len(data) <= limit else None)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return _read_path(path, head_size, limit)
    if hasattr(source, "read"):
        return _read_fileobj(source, head_size, limit)
    raise UsageError(
        f"check() takes a path (str or os.PathLike), bytes or a binary file object, not {describe_source_type(source)}"
    )


def _read_path(path: str, head_size: int, limit: int) -> Source:
    name = os.path.basename(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Source(path, name, 0, b"", None, "the file does not exist")
    except PermissionError:
        return Source(path, name, 0, b"", None, "permission denied")
    except OSError as exc:
        return Source(path, name, 0, b"", None, exc.strerror or str(exc))
    if stat.S_ISDIR(info.st_mode):
        return Source(path, name, 0, b"", None, "it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Source(path, name, 0, b"", None, "it is not a regular file (device, pipe or socket)")
    try:
        with open(path, "rb") as fh:
            if info.st_size > limit:
                head = fh.read(head_size)
                return Source(path, name, info.st_size, head, None)
            data = fh.read(limit + 1)
    except PermissionError:
        return Source(path, name, info.st_size, b"", None, "permission denied")
    except OSError as exc:
        return Source(path, name, info.st_size, b"", None, exc.strerror or str(exc))
    if len(data) > limit:  # grew while we read it
        return Source(path, name, len(data), data[:head_size], None)
    return Source(path, name, len(data), data[:head_size], data)


def _read_fileobj(fh: Any, head_size: int, limit: int) -> Source:
    raw_name = getattr(fh, "name", None)
    path = os.fspath(raw_name) if isinstance(raw_name, (str, os.PathLike)) else None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = os.path.basename(path) if path else None
    try:
        data = fh.read(limit + 1)
    except (OSError, ValueError) as exc:  # closed file, unreadable stream
        return Source(path, name, 0, b"", None, f"the file object could not be read ({exc})")
    if isinstance(data, str):
        raise UsageError("check() needs a binary file object (open the file with 'rb'), got a text stream")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UsageError(f"the file object's read() returned {type(data).__name__}, not bytes")
    data = bytes(data)
    if len(data) > limit:
        size = len(data)
        try:  # count the rest without keeping it
            while chunk := fh.read(1 << 20):
                size += len(chunk)
        except (OSError, ValueError):
            pass
        return Source(path, name, size, data[:head_size], None)
    return Source(path, name, len(data), data[:head_size], data)


def as_stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
