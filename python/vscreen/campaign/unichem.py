"""Streaming reader of UniChem's bulk dumps: ``structure.tsv.gz`` (UCI, STANDARDINCHI, STANDARDINCHIKEY) joined
to ``reference.tsv.gz`` (UCI, SRC_ID, SRC_COMPOUND_ID, ASSIGNMENT) for the source compound IDs.

The join must not hold 160 M rows in memory and cannot assume either file is sorted, so the reference rows that
are kept (current assignments of the chosen sources) go into an on-disk SQLite table indexed by UCI; structures
then stream and look their IDs up. The index is a temporary file unless ``index_path`` names one to keep and
reuse (it is rebuilt when the reference file or the filter changes).
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import uuid
from typing import Iterable, Iterator, List, Optional, Sequence

from .errors import CampaignError
from .readers import _valid_key, open_text
from .records import MoleculeRecord

STRUCTURE_HEADER = ("UCI", "STANDARDINCHI", "STANDARDINCHIKEY")
REFERENCE_HEADER = ("UCI", "SRC_ID", "SRC_COMPOUND_ID", "ASSIGNMENT")


def _header(path: str, line: str, expected: Sequence[str]) -> None:
    got = tuple(c.strip().upper() for c in line.rstrip("\r\n").split("\t"))
    if got[: len(expected)] != tuple(expected):
        raise CampaignError(f"{path}: not a UniChem dump: header {'/'.join(got)}, expected {'/'.join(expected)}")


def _build_index(reference: str, path: str, sources: Optional[List[int]], current_only: bool, meta: str) -> None:
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE ref (uci INTEGER, src INTEGER, cid TEXT)")
        db.execute("CREATE TABLE meta (value TEXT)")
        batch = []
        with open_text(reference) as f:
            _header(reference, f.readline(), REFERENCE_HEADER)
            for lineno, line in enumerate(f, 2):
                cells = line.rstrip("\r\n").split("\t")
                if len(cells) < 4:
                    continue  # a reference row is metadata, not a molecule: a broken one only loses an ID
                try:
                    uci, src = int(cells[0]), int(cells[1])
                except ValueError:
                    continue
                if current_only and cells[3].strip() != "1":
                    continue
                if sources is not None and src not in sources:
                    continue
                batch.append((uci, src, cells[2].strip()))
                if len(batch) >= 50000:
                    db.executemany("INSERT INTO ref VALUES (?, ?, ?)", batch)
                    batch.clear()
        db.executemany("INSERT INTO ref VALUES (?, ?, ?)", batch)
        db.execute("CREATE INDEX ref_uci ON ref (uci)")
        db.execute("INSERT INTO meta VALUES (?)", (meta,))
        db.commit()
    except BaseException:
        db.close()
        os.unlink(tmp)
        raise
    db.close()
    os.replace(tmp, path)


def _open_index(reference: str, index_path: Optional[str], sources, current_only) -> sqlite3.Connection:
    st = os.stat(reference)
    meta = json.dumps({"reference": os.path.abspath(reference), "size": st.st_size, "mtime": st.st_mtime,
                       "sources": sources, "current_only": current_only}, sort_keys=True)
    if index_path and os.path.exists(index_path):
        db = sqlite3.connect(index_path)
        try:
            if db.execute("SELECT value FROM meta").fetchone() == (meta,):
                return db
        except sqlite3.DatabaseError:
            pass
        db.close()
    path = index_path or os.path.join(tempfile.gettempdir(), f"vscreen-unichem-{uuid.uuid4().hex}.sqlite")
    _build_index(reference, path, sources, current_only, meta)
    db = sqlite3.connect(path)
    if not index_path:
        os.unlink(path)  # the open connection keeps the file until it closes (POSIX)
    return db


def read_unichem(structure: str, reference: Optional[str] = None, sources: Optional[Iterable[int]] = None,
                 current_only: bool = True, index_path: Optional[str] = None) -> Iterator[MoleculeRecord]:
    """Records of a UniChem structure dump, in file order; the text is the Standard InChI and the key the dump's
    Standard InChIKey. With ``reference``, the ID is the source compound ID of the first source (in ``sources``
    order, else by SRC_ID) and the name lists every "SRC_ID:ID"; with ``sources`` (e.g. [2] = DrugBank), only
    structures that have an ID in one of them are read. Without a reference the ID is "UCI<n>". A malformed
    structure row is yielded with its error set."""
    order = [int(s) for s in sources] if sources is not None else None
    if order is not None and reference is None:
        raise CampaignError(f"{structure}: sources={order} needs the reference dump (reference.tsv.gz)")
    base = os.path.basename(structure)
    db = _open_index(reference, index_path, order, current_only) if reference else None
    try:
        with open_text(structure) as f:
            _header(structure, f.readline(), STRUCTURE_HEADER)
            for lineno, line in enumerate(f, 2):
                line = line.rstrip("\r\n")
                if not line:
                    continue
                src = f"{base}:{lineno}"
                cells = line.split("\t")
                uci = cells[0].strip()
                if len(cells) < 3 or not uci.isdigit() or not cells[1].startswith("InChI="):
                    yield MoleculeRecord(f"UCI{uci}" if uci.isdigit() else f"{base}_{lineno}", "", "", "inchi",
                                         src, error="malformed UniChem structure row (expected UCI, InChI, key)")
                    continue
                mid, name = f"UCI{uci}", ""
                if db is not None:
                    refs = db.execute("SELECT src, cid FROM ref WHERE uci = ?", (int(uci),)).fetchall()
                    if not refs:
                        if order is not None:
                            continue  # not in the chosen sources: not part of this library
                    else:
                        rank = {s: i for i, s in enumerate(order)} if order else {}
                        refs.sort(key=lambda r: (rank.get(r[0], r[0]), r[1]))
                        mid = refs[0][1]
                        name = " ".join(f"{s}:{c}" for s, c in refs)
                key = _valid_key(cells[2])
                err = "" if key else f"malformed InChIKey '{cells[2].strip()}'"
                yield MoleculeRecord(mid, name, cells[1].strip(), "inchi", src, key, error=err)
    finally:
        if db is not None:
            db.close()
