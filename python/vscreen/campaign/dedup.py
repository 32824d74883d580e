"""De-duplication of a record stream by InChIKey, first occurrence wins, in memory that does not grow.

The set of keys seen is an on-disk SQLite table (a WITHOUT ROWID primary key), not a Python set: a Python set of
160 M UniChem keys would take ~15 GB, the table ~6 GB of disk and a few MB of page cache. vscreen.screen() uses
it on the molecules it is given; campaigns plan their library once with DuckDB instead (plan.py), and this
stream is the semantics the plan is tested against. Records without a key (unparseable: preparation will say
why) and records the reader marked as malformed are never merged.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from typing import Iterable, Iterator, Optional

from .records import MoleculeRecord


class KeySet:
    """A set of strings on disk. ``add(key)`` returns True when the key is new. The file is unlinked as soon
    as it is open, so it leaves nothing behind however the process ends; its space is freed on close."""

    def __init__(self, directory: Optional[str] = None, commit_every: int = 100_000):
        d = directory or tempfile.gettempdir()
        self.path = os.path.join(d, f".vscreen-keys-{os.getpid()}-{uuid.uuid4().hex}.sqlite")
        self._db = sqlite3.connect(self.path)
        os.unlink(self.path)  # the open connection keeps the (nameless) file (POSIX)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA cache_size=-16000")  # 16 MB of page cache, whatever the size of the set
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY) WITHOUT ROWID")
        self._cur = self._db.cursor()
        self._pending = 0
        self._commit_every = commit_every
        self.size = 0

    def add(self, key: str) -> bool:
        self._cur.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))
        new = self._cur.rowcount == 1
        if new:
            self.size += 1
            self._pending += 1
            if self._pending >= self._commit_every:
                self._db.commit()
                self._pending = 0
        return new

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "KeySet":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        self.close()


class DedupStats:
    """Counts of a de-duplication pass: records read, duplicates skipped."""

    def __init__(self) -> None:
        self.read = 0
        self.duplicates = 0


def deduplicate(records: Iterable[MoleculeRecord], keys: KeySet,
                stats: Optional[DedupStats] = None) -> Iterator[MoleculeRecord]:
    """The records whose InChIKey has not been seen before, in input order."""
    for rec in records:
        if stats is not None:
            stats.read += 1
        if rec.inchikey and not rec.error and not keys.add(rec.inchikey):
            if stats is not None:
                stats.duplicates += 1
            continue
        yield rec
