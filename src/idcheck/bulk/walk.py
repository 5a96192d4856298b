"""Walking a folder for a scan.

Recursive, in sorted order (so two scans of the same tree list files in the
same order); skips hidden names (starting with '.') and anything that is not a
regular file; follows a symlink only when it points to a regular file inside
the tree, never a symlinked folder (no loops, no escaping the tree); a folder
that cannot be read is reported, and the walk goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    path: str
    error: str | None = None  # set for a folder or file that could not be read
    size: int = 0  # bytes, from the walk's stat (no second stat per file)
    mtime_ns: int = 0


@dataclass
class WalkStats:
    hidden: int = 0
    special: int = 0  # devices, pipes, sockets
    symlinks_skipped: int = 0
    unreadable_folders: int = 0
    own_outputs: int = 0  # the run's own output, store and report files inside the walked folder
    skipped_paths: list[str] = field(default_factory=list)


def count_files(root: str) -> int:
    """How many entries a scan of ``root`` will yield (for the progress bar's total)."""
    return sum(1 for _ in walk(root))


def walk(root: str, stats: WalkStats | None = None, exclude: Iterable[str] = ()) -> Iterator[Entry]:
    """Every file below ``root``; ``exclude``: files never yielded (the scan's own outputs and store)."""
    stats = stats if stats is not None else WalkStats()
    excluded = {os.path.realpath(p) for p in exclude}
    real_root = os.path.realpath(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            stats.unreadable_folders += 1
            yield Entry(folder, f"the folder could not be read: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if excluded and os.path.realpath(entry.path) in excluded:
                stats.own_outputs += 1
                continue
            if entry.name.startswith("."):
                stats.hidden += 1
                stats.skipped_paths.append(entry.path)
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    inside = os.path.commonpath([real_root, target]) == real_root
                    if inside and os.path.isfile(target) and not os.path.isdir(entry.path):
                        info = os.stat(entry.path)
                        yield Entry(entry.path, size=info.st_size, mtime_ns=info.st_mtime_ns)
                    else:
                        stats.symlinks_skipped += 1
                        stats.skipped_paths.append(entry.path)
                    continue
                info = entry.stat(follow_symlinks=False)
                mode = info.st_mode
            except OSError as exc:
                yield Entry(entry.path, f"could not be inspected: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(mode):
                subfolders.append(entry.path)
            elif stat.S_ISREG(mode):
                yield Entry(entry.path, size=info.st_size, mtime_ns=info.st_mtime_ns)
            else:
                stats.special += 1
        stack.extend(reversed(subfolders))  # visit sub-folders in sorted order
