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
    size_exact: bool = True  # False: a stream not read to its end; ``size`` is a lower bound


def describe_source_type(source: Any) -> str:
    return type(source).__name__


def read_source(source: Any, config: Config, limit: int | None = None) -> Source:
    """Read ``source``; I/O problems become ``Source.error`` (a finding later), never an exception.

    At most ``limit`` bytes (default ``IntakeConfig.max_read_bytes``) are kept: a longer source is
    typed from its head and ``Source.data`` is None.  A path is opened without blocking (a FIFO or
    device never stalls the read, even one swapped in after the first stat) and must be a regular
    file; a stream is read only up to ``limit + 1`` bytes (``/dev/zero`` or an endless socket cannot
    exhaust memory or time), so its size is then a lower bound (``Source.size_exact`` False).

    Raises :class:`UsageError` only for a source of the wrong type.
    """
    if limit is None:
        limit = config.intake.max_read_bytes
    head_size = config.intake.header_bytes
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return Source(None, None, len(data), data[:head_size], data if len(data) <= limit else None)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            raise UsageError(f"os.fspath() of the source returned {type(path).__name__}, not str or bytes")
        return _read_path(path, head_size, limit)
    if hasattr(source, "read"):
        return _read_fileobj(source, head_size, limit)
    raise UsageError(
        f"check() takes a path (str or os.PathLike), bytes or a binary file object, not {describe_source_type(source)}"
    )


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)


def _bad_path(path: str) -> str | None:
    if "\x00" in path:
        return "the path contains a NUL character, which no file name can hold"
    try:
        os.fsencode(path)
    except UnicodeError:
        return "the path holds characters this system cannot encode (for example a lone surrogate)"
    return None


def _read_path(path: str, head_size: int, limit: int) -> Source:
    name = os.path.basename(path)
    bad = _bad_path(path)
    if bad is not None:
        return Source(path, name, 0, b"", None, bad)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Source(path, name, 0, b"", None, "the file does not exist")
    except PermissionError:
        return Source(path, name, 0, b"", None, "permission denied")
    except (OSError, ValueError) as exc:
        return Source(path, name, 0, b"", None, getattr(exc, "strerror", None) or str(exc))
    if stat.S_ISDIR(info.st_mode):
        return Source(path, name, 0, b"", None, "it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Source(path, name, 0, b"", None, "it is not a regular file (device, pipe or socket)")
    try:
        fd = os.open(path, _OPEN_FLAGS)  # O_NONBLOCK: a FIFO swapped in since the stat cannot block the open
    except FileNotFoundError:
        return Source(path, name, 0, b"", None, "the file does not exist")
    except PermissionError:
        return Source(path, name, info.st_size, b"", None, "permission denied")
    except (OSError, ValueError) as exc:
        return Source(path, name, info.st_size, b"", None, getattr(exc, "strerror", None) or str(exc))
    try:
        info = os.fstat(fd)  # what was opened, not what was stat'ed before
        if not stat.S_ISREG(info.st_mode):
            return Source(path, name, 0, b"", None, "it is not a regular file (device, pipe or socket)")
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            if info.st_size > limit:
                head = fh.read(head_size)
                return Source(path, name, info.st_size, head, None)
            data = _read_at_most(fh, limit + 1)
    except PermissionError:
        return Source(path, name, info.st_size, b"", None, "permission denied")
    except OSError as exc:
        return Source(path, name, info.st_size, b"", None, exc.strerror or str(exc))
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # grew while we read it
        return Source(path, name, len(data), data[:head_size], None, size_exact=False)
    return Source(path, name, len(data), data[:head_size], data)


def _read_at_most(fh: Any, n: int) -> bytes:
    """Up to ``n`` bytes, in chunks (a stream may return short reads; a non-blocking one may return None)."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        chunk = fh.read(min(n - got, 1 << 20))
        if chunk is None:  # a non-blocking stream with nothing to give now: what we have is all we take
            break
        if isinstance(chunk, str):
            raise UsageError("check() needs a binary file object (open the file with 'rb'), got a text stream")
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise UsageError(f"the file object's read() returned {type(chunk).__name__}, not bytes")
        if not chunk:
            break
        parts.append(bytes(chunk))
        got += len(chunk)
    return b"".join(parts)


def _read_fileobj(fh: Any, head_size: int, limit: int) -> Source:
    path = None
    try:
        raw_name = getattr(fh, "name", None)
        path = os.fspath(raw_name) if isinstance(raw_name, (str, os.PathLike)) else None
        if isinstance(path, bytes):
            path = os.fsdecode(path)
    except Exception:  # a name property that raises is no reason to fail
        path = None
    name = os.path.basename(path) if isinstance(path, str) else None
    try:
        data = _read_at_most(fh, limit + 1)
    except UsageError:
        raise
    except Exception as exc:  # closed file, unreadable stream, a read() that raises anything at all
        text = str(exc).splitlines()[0][:160] if str(exc).strip() else ""
        why = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        return Source(path, name, 0, b"", None, f"the file object could not be read ({why})")
    if len(data) > limit:
        # not read to its end: an endless stream (/dev/zero, a socket) would never finish
        return Source(path, name, len(data), data[:head_size], None, size_exact=False)
    return Source(path, name, len(data), data[:head_size], data)


def as_stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
