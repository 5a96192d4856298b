"""The resumable store: one SQLite row per checked file, keyed by path, size and mtime.

A record is committed before it is written to any output, so whatever a run
has reported survives a kill -9; the primary key on the path means a record
is never stored twice.  WAL mode with synchronous=NORMAL: each commit is one
append to the write-ahead log, cheap enough to commit every record.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT,
    verdict  TEXT NOT NULL,
    record   TEXT NOT NULL,
    seq      INTEGER NOT NULL
);
"""


def _key(path: str) -> str | bytes:
    """The path as stored: text when it is valid UTF-8, else its bytes (a BLOB, which never equals a TEXT)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:  # undecodable bytes in the name (surrogateescape)
        return path.encode("utf-8", "surrogateescape" if all(not 0xD800 <= ord(c) <= 0xDC7F for c in path)
                           else "surrogatepass")


class StoreMismatch(Exception):
    """The store was written by a run with other options; its records cannot be reused."""


class Store:
    def __init__(self, path: str):
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM results").fetchone()
        self.seq = int(row[0])

    def start(self, fingerprint: str, resume: bool) -> None:
        """Begin a run: a fresh run empties the store; a resumed one must have the same options."""
        row = self.db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        if resume and row is not None and row[0] != fingerprint:
            raise StoreMismatch(f"the store {self.path} was written with other options ({row[0]}); "
                                "run without --resume to start over")
        if not resume:
            self.db.execute("DELETE FROM results")
            self.seq = 0
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))

    def lookup(self, path: str, size: int, mtime_ns: int, sha256: str | None = None) -> str | None:
        """The stored record for this exact file version, or None."""
        row = self.db.execute(
            "SELECT record, sha256 FROM results WHERE path=? AND size=? AND mtime_ns=?", (_key(path), size, mtime_ns)
        ).fetchone()
        if row is None or (sha256 is not None and row[1] is not None and row[1] != sha256):
            return None
        return row[0]

    def put(self, path: str, size: int, mtime_ns: int, record: str, verdict: str, sha256: str | None = None) -> None:
        self.seq += 1
        self.db.execute(
            "INSERT OR REPLACE INTO results (path, size, mtime_ns, sha256, verdict, record, seq) "
            "VALUES (?,?,?,?,?,?,?)",
            (_key(path), size, mtime_ns, sha256, verdict, record, self.seq),
        )

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def records(self) -> list[dict[str, Any]]:
        """Every stored record in the order it was made (for tests and small stores)."""
        return [json.loads(r[0]) for r in self.db.execute("SELECT record FROM results ORDER BY seq")]

    def close(self) -> None:
        self.db.close()


def file_sha256(path: str, chunk: int = 1 << 20) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()
