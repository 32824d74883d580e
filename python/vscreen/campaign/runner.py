"""The campaign loop: stream the library, de-duplicate, cut into chunks, and for every chunk of this shard that
some target has not finished, prepare + dock (in this process or on Dask workers) and write the chunk files.

Killing the process at any moment loses at most the chunks in flight; running the same command again skips
every chunk whose Parquet file exists and redoes the rest, so no row is lost or duplicated.
"""
from __future__ import annotations

import itertools
import os
import platform
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple

from .. import __version__
from .chunk_job import ChunkJob, ChunkOutput, rows_frame, run_chunk_job
from .chunks import iter_chunks
from .config import CampaignConfig, LibrarySpec, TargetSpec
from .dedup import DedupStats, KeySet, deduplicate
from .errors import CampaignError
from .prepare import preparation_options
from .readers import open_text, read_library
from .records import MoleculeRecord
from .store import CampaignStore
from .targets import target_receptor


@dataclass
class RunSummary:
    """What one run (one shard) did."""
    out_dir: str
    shard: Tuple[int, int]
    chunks_in_library: int = 0
    chunks_owned: int = 0
    chunks_docked: int = 0
    chunks_already_done: int = 0
    records_read: int = 0
    duplicates: int = 0
    molecules_docked: int = 0  # molecules x targets processed by this run
    failed: int = 0  # failed rows written by this run
    seconds: float = 0.0


def library_records(library: LibrarySpec) -> Iterator[MoleculeRecord]:
    """Every record of the library's files, in order."""
    try:
        readers = [read_library(p, library.format, **library.options) for p in library.paths]
    except TypeError as e:
        raise CampaignError(f"library options {sorted(library.options)}: {e}") from None
    return itertools.chain.from_iterable(readers)


def estimate_records(library: LibrarySpec) -> Optional[int]:
    """A quick upper bound of the record count (lines, or SDF '$$$$' lines) for the progress bar's ETA; None for
    XML and UniChem dumps, whose records cannot be counted without parsing."""
    from .readers import library_format
    total = 0
    for p in library.paths:
        fmt = library_format(p) if library.format == "auto" else library.format
        if fmt not in ("smiles", "csv", "sdf"):
            return None
        with open_text(p) as f:
            if fmt == "sdf":
                total += sum(1 for line in f if line.startswith("$$$$"))
            else:
                total += sum(1 for line in f if line.strip()) - (1 if fmt == "csv" else 0)
    return max(total, 0)


class LocalExecutor:
    """Runs chunk jobs one after the other in this process (docking itself uses all the threads asked for)."""

    def map_unordered(self, fn: Callable[[ChunkJob], ChunkOutput], jobs: Iterable[ChunkJob]) -> Iterator[ChunkOutput]:
        for job in jobs:
            yield fn(job)


def _prepared_targets(config: CampaignConfig, store: CampaignStore) -> List[TargetSpec]:
    return [replace(t, receptor=target_receptor(t, store.prepared_receptor_path(t.name)))
            for t in config.targets]


def run_campaign(config: CampaignConfig, out_dir: str, *, shard: Tuple[int, int] = (0, 1), device: str = "auto",
                 threads: int = 0, executor: Any = None, progress: Any = None,
                 keys_dir: Optional[str] = None) -> RunSummary:
    """Runs (or resumes) shard ``shard`` = (i, n) of a campaign into ``out_dir``.

    executor: None (this process) or a dask_backend.DaskExecutor. progress: None, or a tqdm-like object with
    update(n), total and set_postfix_str (the CLI passes a tqdm bar). keys_dir: where the temporary InChIKey set
    lives (default: the campaign directory, which has room for the library). Returns a RunSummary; failures of
    single molecules are rows, not exceptions."""
    i, n = shard
    if n < 1 or not 0 <= i < n:
        raise CampaignError(f"shard {i}/{n}: the index must be in 0..{n - 1}")
    preparation_options(config.preparation)  # refuse unknown preparation options before any work
    store = CampaignStore(out_dir)
    store.open(config.identity(), __version__)
    targets = _prepared_targets(config, store)
    summary = RunSummary(store.root, shard)
    executor = executor or LocalExecutor()
    stats = DedupStats()
    t0 = time.perf_counter()

    def jobs(keys: KeySet) -> Iterator[ChunkJob]:
        stream = deduplicate(library_records(config.library), keys, stats)
        for chunk in iter_chunks(stream, config.chunk_size):
            summary.chunks_in_library = chunk.index + 1
            if chunk.index % n != i:
                continue
            summary.chunks_owned += 1
            pending = [t for t in targets if not store.is_done(t.name, chunk.index)]
            if len(pending) < len(targets) and progress is not None and progress.total:
                done = len(targets) - len(pending)  # not in this run's work: off the progress bar's total
                progress.total = max(progress.total - len(chunk.records) * done, progress.n)
                progress.refresh()
            if not pending:
                summary.chunks_already_done += 1
                continue
            yield ChunkJob(chunk.index, chunk.start, chunk.records, pending, config.docking, config.preparation,
                           config.poses_per_molecule, device, threads)

    with KeySet(keys_dir or store.root) as keys:
        for out in executor.map_unordered(run_chunk_job, jobs(keys)):
            for target, rows in out.rows.items():
                poses = "".join(text for _, text in out.poses.get(target, []))
                store.write_chunk(target, out.chunk, rows_frame(rows), poses)
                summary.failed += sum(1 for r in rows if r["status"] != "ok")
                summary.molecules_docked += len(rows)
                if progress is not None:
                    progress.update(len(rows))
            summary.chunks_docked += 1
    summary.records_read, summary.duplicates = stats.read, stats.duplicates
    summary.seconds = time.perf_counter() - t0
    store.write_shard_status(i, n, {
        "shard": i, "shards": n, "finished": True, "chunks_in_library": summary.chunks_in_library,
        "chunks_owned": summary.chunks_owned, "chunks_docked": summary.chunks_docked,
        "chunks_already_done": summary.chunks_already_done, "records_read": summary.records_read,
        "duplicates": summary.duplicates, "unique_records": summary.records_read - summary.duplicates,
        "molecules_docked": summary.molecules_docked, "seconds": round(summary.seconds, 2),
        "host": platform.node(), "pid": os.getpid(), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    if config.refine and n == 1:  # sharded campaigns refine after the last shard: vscreen refine --campaign DIR
        from ..refine.campaign import refine_campaign
        refine_campaign(store.root, **config.refine)
    return summary
