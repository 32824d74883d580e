"""The plan step: read a library once, de-duplicate it by InChIKey and write it as numbered chunk files.

Three resumable stages under DIR/library/.work/, each leaving whole files or none (temporary name + rename):

1. stage: the readers' records in batches of ``batch_size`` (stage-000000.parquet, ...: seq, id, name, source,
   text, format, inchikey, error). Records whose file carries no InChIKey get one computed here, batch by
   batch on ``workers`` processes. A killed plan keeps its finished batches and reads on from the next one.
2. duplicates: DuckDB over the staged batches, out of core (memory_limit, temp_directory): the seq of every
   record whose key an earlier record had (first occurrence wins; records without a key or with a reader error
   are never merged, as in dedup.py). One sorted Parquet file.
3. chunks: the staged batches again in order, minus the duplicates, cut into chunk k = positions
   [k*size, (k+1)*size) of the de-duplicated stream: the same chunks, rows and positions as reading the
   library through dedup.deduplicate and chunks.iter_chunks. Then index.parquet, then plan.json, last.

Until plan.json exists there is no plan (planned.PlannedLibrary refuses to open it), so a plan killed at any
point is never half-valid; running it again resumes (stage) or redoes (duplicates, chunks) the rest.
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import itertools
import json
import os
import shutil
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from .errors import CampaignError
from .key_workers import KeyWorkers
from .planned import (CHUNK_COLUMNS, INDEX_FILE, META_KEY, PLAN_FILE, PLAN_FORMAT, PlannedLibrary, chunk_file)
from .records import MoleculeRecord
from .store import atomic_write_text, file_sha256

STAGE_COLUMNS = ("seq", "id", "name", "source", "text", "format", "inchikey", "error")
WORK = ".work"


def library_fingerprint(library, chunk_size: int) -> Tuple[str, Dict[str, Any]]:
    """The plan's identity: the library files' content (sha256; the UniChem reference dump too), format and
    reader options, and the chunk size. Returns (hex digest, the described inputs)."""
    files = list(library.paths)
    ref = library.options.get("reference")
    if isinstance(ref, str) and os.path.exists(ref):
        files.append(ref)
    for p in files:
        if not os.path.exists(p):
            raise CampaignError(f"{p}: library file not found")
    options = {k: v for k, v in library.options.items() if k != "index_path"}  # a cache, not an input
    inputs = {"plan_format": PLAN_FORMAT, "format": library.format, "options": options, "chunk_size": chunk_size,
              "files": [{"path": os.path.abspath(p), "bytes": os.path.getsize(p), "sha256": file_sha256(p)}
                        for p in files]}
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    return digest, inputs


def _stage_table(seq0: int, batch: Sequence[MoleculeRecord]):
    import pyarrow as pa
    return pa.table({
        "seq": pa.array(range(seq0, seq0 + len(batch)), pa.int64()),
        "id": pa.array([r.id for r in batch], pa.string()),
        "name": pa.array([r.name for r in batch], pa.string()),
        "source": pa.array([r.source for r in batch], pa.string()),
        "text": pa.array([r.text for r in batch], pa.string()),
        "format": pa.array([r.format for r in batch], pa.string()),
        "inchikey": pa.array([r.inchikey for r in batch], pa.string()),
        "error": pa.array([r.error for r in batch], pa.string())})


def _renamed_into_place(path: str, write: Callable[[str], None]) -> None:
    """Like store._write_atomically without its fsync per file: the plan writes thousands of files and syncs
    them all once (os.sync) before plan.json; a killed process still leaves whole files or none."""
    d, base = os.path.split(path)
    tmp = os.path.join(d, f".{base}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_parquet(path: str, table) -> None:
    import pyarrow.parquet as pq
    _renamed_into_place(path, lambda tmp: pq.write_table(table, tmp))


def _stage_path(work: str, b: int) -> str:
    return os.path.join(work, f"stage-{b:06d}.parquet")


def _finished_stages(work: str) -> int:
    """The number of consecutive finished batches from the first (a later one without its predecessor is
    impossible, as batches are written in order, but is not trusted either)."""
    b = 0
    while os.path.exists(_stage_path(work, b)):
        b += 1
    return b


def _stage(records: Iterator[MoleculeRecord], work: str, batch_size: int, workers: int,
           log: Callable[[str], None]) -> int:
    """Stage 1; returns the number of records read."""
    done = _finished_stages(work)
    last_rows = 0
    if done:
        import pyarrow.parquet as pq
        last_rows = pq.ParquetFile(_stage_path(work, done - 1)).metadata.num_rows
        if last_rows < batch_size:  # the stream ended in that batch: stage 1 was complete
            return (done - 1) * batch_size + last_rows
        log(f"resuming after {done} staged batch(es) ({done * batch_size} records)")
        records = itertools.islice(records, done * batch_size, None)

    def batches():
        b = done
        while True:
            batch = list(itertools.islice(records, batch_size))
            if not batch and b > 0:
                return
            yield b, batch
            if len(batch) < batch_size:
                return
            b += 1

    pool = KeyWorkers(workers)
    total = done * batch_size
    try:
        for b, batch in pool.keyed(batches()):
            _write_parquet(_stage_path(work, b), _stage_table(b * batch_size, batch))
            total = b * batch_size + len(batch)
    finally:
        pool.close()
    return total


def _duplicates(work: str, workers: int, memory_limit: str) -> str:
    """Stage 2: duplicates.parquet, the sorted seq of every record that repeats an earlier record's key."""
    import duckdb
    path = os.path.join(work, "duplicates.parquet")
    if os.path.exists(path):
        return path
    tmp = os.path.join(work, ".duplicates.parquet.tmp")
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{os.path.join(work, 'duckdb-tmp')}'")
        con.execute(f"SET threads = {max(1, workers)}")
        stages = os.path.join(work, "stage-*.parquet").replace("'", "''")
        con.execute(f"""
            COPY (
              WITH valid AS (SELECT seq, inchikey FROM read_parquet('{stages}')
                             WHERE inchikey IS NOT NULL AND inchikey <> '' AND error = ''),
                   firsts AS (SELECT inchikey, min(seq) AS first FROM valid GROUP BY inchikey HAVING count(*) > 1)
              SELECT v.seq FROM valid v JOIN firsts f USING (inchikey) WHERE v.seq > f.first ORDER BY v.seq
            ) TO '{tmp.replace("'", "''")}' (FORMAT PARQUET)""")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


class _SortedSeqs:
    """Reads a sorted int64 column batch by batch and hands out the values inside consecutive ranges."""

    def __init__(self, path: str):
        import numpy as np
        import pyarrow.parquet as pq
        self._np = np
        self._batches = pq.ParquetFile(path).iter_batches(batch_size=1 << 20, columns=["seq"])
        self._buf = np.empty(0, np.int64)
        self._more = True

    def take_below(self, hi: int):
        np = self._np
        while self._more and (len(self._buf) == 0 or self._buf[-1] < hi):
            nxt = next(self._batches, None)
            if nxt is None:
                self._more = False
                break
            self._buf = np.concatenate([self._buf, nxt.column(0).to_numpy()])
        cut = int(np.searchsorted(self._buf, hi))
        out, self._buf = self._buf[:cut], self._buf[cut:]
        return out


def _chunks(work: str, library_dir: str, dup_path: str, chunk_size: int, fingerprint: str,
            stages: int) -> Dict[str, int]:
    """Stage 3: the chunk files and index.parquet (temporary until renamed). Returns the counts: chunks,
    unique (records in the chunks), reader_errors, without_key."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    dups = _SortedSeqs(dup_path)
    index_schema = pa.schema([("chunk", pa.int64()), ("start", pa.int64()), ("rows", pa.int64()),
                              ("bytes", pa.int64()), ("sha256", pa.string())])
    index_tmp = os.path.join(library_dir, f".{INDEX_FILE}.tmp")
    writer = pq.ParquetWriter(index_tmp, index_schema)
    entries: List[Tuple[int, int, int, int, str]] = []
    pending: List[Any] = []
    have = 0
    position = 0
    chunk = 0
    counts = {"reader_errors": 0, "without_key": 0}

    def flush_index(force: bool = False):
        if entries and (force or len(entries) >= 65536):
            writer.write_table(pa.table(list(map(list, zip(*entries))), schema=index_schema))
            entries.clear()

    def write_chunk(table):
        nonlocal chunk
        start = chunk * chunk_size
        table = table.replace_schema_metadata({META_KEY: json.dumps(
            {"fingerprint": fingerprint, "chunk": chunk, "start": start, "rows": table.num_rows}).encode()})
        path = chunk_file(library_dir, chunk)
        digest: List[str] = []

        def write(tmp):
            pq.write_table(table, tmp)
            digest.append(file_sha256(tmp))
        _renamed_into_place(path, write)
        entries.append((chunk, start, table.num_rows, os.path.getsize(path), digest[0]))
        flush_index()
        chunk += 1

    try:
        for b in range(stages):
            table = pq.read_table(_stage_path(work, b))
            seq = table.column("seq").to_numpy()
            if len(seq):
                drop = dups.take_below(int(seq[-1]) + 1)
                if len(drop):
                    table = table.filter(pa.array(~np.isin(seq, drop)))
            n = table.num_rows
            positions = pa.array(np.arange(position, position + n, dtype=np.int64))
            position += n
            table = table.drop(["seq"]).add_column(0, "position", positions).select(list(CHUNK_COLUMNS))
            table = table.set_column(table.schema.get_field_index("inchikey"), "inchikey",
                                     pc.fill_null(table.column("inchikey"), ""))
            failed = pc.not_equal(table.column("error"), "")
            counts["reader_errors"] += pc.sum(failed).as_py() or 0
            counts["without_key"] += pc.sum(pc.and_(pc.equal(table.column("inchikey"), ""),
                                                    pc.invert(failed))).as_py() or 0
            pending.append(table)
            have += n
            while have >= chunk_size:
                merged = pa.concat_tables(pending)
                write_chunk(merged.slice(0, chunk_size))
                rest = merged.slice(chunk_size)
                pending, have = [rest], rest.num_rows
        if have:
            write_chunk(pa.concat_tables(pending))
        flush_index(force=True)
    finally:
        writer.close()
    return dict(counts, chunks=chunk, unique=position)


def build_plan(library, chunk_size: int, library_dir: str, *, workers: int = 0, batch_size: int = 100_000,
               memory_limit: str = "2GB", log: Optional[Callable[[str], None]] = None) -> PlannedLibrary:
    """Plans ``library`` (a LibrarySpec) into ``library_dir`` and returns the plan; an existing finished plan of
    the same inputs is returned as it is, a killed one is resumed. ``workers``: processes computing InChIKeys
    and DuckDB threads (0 = all cores)."""
    if chunk_size < 1:
        raise CampaignError(f"chunk size must be at least 1, got {chunk_size}")
    log = log or (lambda _msg: None)
    workers = workers or os.cpu_count() or 1
    t0 = time.perf_counter()
    fingerprint, inputs = library_fingerprint(library, chunk_size)
    os.makedirs(library_dir, exist_ok=True)
    with _exclusive(os.path.join(library_dir, ".plan.lock")):
        if PlannedLibrary.exists(library_dir):
            plan = PlannedLibrary.open(library_dir)
            if plan.fingerprint == fingerprint:
                return plan
            raise CampaignError(f"{library_dir} holds the plan of another library or chunk size; plan into "
                                f"another campaign directory")
        return _build(library, chunk_size, library_dir, fingerprint, inputs, workers, batch_size, memory_limit, log,
                      t0)


@contextlib.contextmanager
def _exclusive(path: str):
    """One plan at a time per directory (an advisory lock, released however the process ends; where the file
    system has no locks, e.g. some NFS mounts, the plan goes on without one)."""
    import fcntl
    with open(path, "a") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CampaignError(f"{os.path.dirname(path)}: another vscreen plan is writing this library plan; "
                                f"wait for it (or end it) and run again") from None
        except OSError:
            pass
        yield


def _build(library, chunk_size, library_dir, fingerprint, inputs, workers, batch_size, memory_limit, log,
           t0) -> PlannedLibrary:
    from .runner import library_records
    work = os.path.join(library_dir, WORK)
    os.makedirs(work, exist_ok=True)
    state_path = os.path.join(work, "state.json")
    state = json.dumps({"fingerprint": fingerprint, "batch_size": batch_size}, sort_keys=True)
    old = open(state_path, encoding="utf-8").read() if os.path.exists(state_path) else None
    if old != state:  # another library, or a plan from scratch: no stale batches
        shutil.rmtree(work)
        os.makedirs(work)
        atomic_write_text(state_path, state)
    records = library_records(library, keys=False)
    read = _stage(records, work, batch_size, workers, log)
    stages = _finished_stages(work)
    log(f"read {read} record(s) in {stages} batch(es)")
    dup_path = _duplicates(work, workers, memory_limit)
    counts = _chunks(work, library_dir, dup_path, chunk_size, fingerprint, stages)
    os.sync()  # every chunk file on disk before the index and plan.json say they are there
    os.replace(os.path.join(library_dir, f".{INDEX_FILE}.tmp"), os.path.join(library_dir, INDEX_FILE))
    for stale in glob.glob(os.path.join(library_dir, "chunk-*.parquet")):  # from an earlier, longer attempt
        if int(os.path.basename(stale)[6:-8]) >= counts["chunks"]:
            os.unlink(stale)
    plan = {"format": PLAN_FORMAT, "fingerprint": fingerprint, "inputs": inputs, "chunk_size": chunk_size,
            "records_read": read, "duplicates": read - counts["unique"], **counts,
            "index_sha256": file_sha256(os.path.join(library_dir, INDEX_FILE)),
            "seconds": round(time.perf_counter() - t0, 1), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    atomic_write_text(os.path.join(library_dir, PLAN_FILE), json.dumps(plan, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return PlannedLibrary.open(library_dir)
