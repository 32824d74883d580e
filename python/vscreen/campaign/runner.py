"""The campaign loop: plan the library once (plan.py: de-duplicated chunk files), then for every chunk of this
shard that some target has not finished, prepare + dock (in this process or on Dask workers) and write the
result files. A shard reads only the plan's summary and its own chunk files.

Killing the process at any moment loses at most the chunks in flight; running the same command again skips
every chunk whose Parquet file exists and matches its checksums and redoes the rest (a chunk file truncated or
corrupted on disk is logged, counted in the shard's status and redone), so no row is lost or duplicated. A second
process started on the same shard is refused while the first runs (CampaignStore.lock_shard).
"""
from __future__ import annotations

import itertools
import os
import platform
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple

from .. import __version__
from .chunk_job import ChunkJob, ChunkOutput, rows_frame, run_chunk_job
from .config import CampaignConfig, LibrarySpec, TargetSpec
from .errors import CampaignError
from .planned import PlannedLibrary
from .prepare import preparation_options
from .readers import read_library
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
    #: (target, chunk, reason) of finished chunks whose files failed their checksums here and were redone
    corrupt_chunks: List[Tuple[str, int, str]] = field(default_factory=list)


def library_records(library: LibrarySpec, keys: bool = True) -> Iterator[MoleculeRecord]:
    """Every record of the library's files, in order (``keys``: see readers.read_library)."""
    try:
        readers = [read_library(p, library.format, keys=keys, **library.options) for p in library.paths]
    except TypeError as e:
        raise CampaignError(f"library options {sorted(library.options)}: {e}") from None
    return itertools.chain.from_iterable(readers)


class LocalExecutor:
    """Runs chunk jobs one after the other in this process (docking itself uses all the threads asked for)."""

    def map_unordered(self, fn: Callable[[ChunkJob], ChunkOutput], jobs: Iterable[ChunkJob]) -> Iterator[ChunkOutput]:
        for job in jobs:
            yield fn(job)


def _prepared_targets(config: CampaignConfig, store: CampaignStore) -> List[TargetSpec]:
    return [replace(t, receptor=target_receptor(t, store.prepared_receptor_path(t.name)))
            for t in config.targets]


def open_plan(config: CampaignConfig, store: CampaignStore, *, plan_if_missing: bool = True, workers: int = 0,
              log: Optional[Callable[[str], None]] = None) -> PlannedLibrary:
    """The campaign's library plan (DIR/library/), planned here first when there is none and ``plan_if_missing``
    (else a CampaignError says to run `vscreen plan`). Only plan.json is read when it exists."""
    if PlannedLibrary.exists(store.library_dir):
        plan = PlannedLibrary.open(store.library_dir)
        if plan.chunk_size != config.chunk_size:
            raise CampaignError(f"{store.library_dir}: planned in chunks of {plan.chunk_size}, the config says "
                                f"{config.chunk_size}")
        return plan
    if not plan_if_missing:
        raise CampaignError(f"{store.root} has no library plan yet; run `vscreen plan` with the same config and "
                            f"--out once before the shards (a job array's tasks must not plan it each)")
    from .plan import build_plan
    return build_plan(config.library, config.chunk_size, store.library_dir, workers=workers, log=log)


def plan_campaign(config: CampaignConfig, out_dir: str, *, workers: int = 0,
                  log: Optional[Callable[[str], None]] = None, **options) -> PlannedLibrary:
    """Plans the campaign's library into ``out_dir``/library (creating the campaign directory, or checking its
    manifest), as `vscreen plan` does; a finished plan of the same library is returned as it is. ``options`` go
    to plan.build_plan (batch_size, memory_limit)."""
    from .plan import build_plan
    store = CampaignStore(out_dir)
    store.open(config.identity(), __version__)
    return build_plan(config.library, config.chunk_size, store.library_dir, workers=workers, log=log, **options)


def run_campaign(config: CampaignConfig, out_dir: str, *, shard: Tuple[int, int] = (0, 1), device: str = "auto",
                 threads: int = 0, executor: Any = None, progress: Any = None,
                 plan_if_missing: Optional[bool] = None, log: Optional[Callable[[str], None]] = None) -> RunSummary:
    """Runs (or resumes) shard ``shard`` = (i, n) of a campaign into ``out_dir``.

    executor: None (this process) or a dask_backend.DaskExecutor. progress: None, or a tqdm-like object with
    update(n), total and set_postfix_str (the CLI passes a tqdm bar); its total is set here. plan_if_missing:
    plan the library when the campaign has no plan yet (default: only an unsharded run does; shards of a job
    array need `vscreen plan` first). Returns a RunSummary; failures of single molecules are rows, not
    exceptions."""
    i, n = shard
    if n < 1 or not 0 <= i < n:
        raise CampaignError(f"shard {i}/{n}: the index must be in 0..{n - 1}")
    preparation_options(config.preparation)  # refuse unknown preparation options before any work
    store = CampaignStore(out_dir)
    store.open(config.identity(), __version__)
    with store.lock_shard(i, n):
        return _run_shard(config, store, shard, device, threads, executor, progress, plan_if_missing, log)


def _run_shard(config: CampaignConfig, store: CampaignStore, shard: Tuple[int, int], device: str, threads: int,
               executor: Any, progress: Any, plan_if_missing: Optional[bool],
               log: Optional[Callable[[str], None]]) -> RunSummary:
    i, n = shard
    t0 = time.perf_counter()
    plan = open_plan(config, store, plan_if_missing=(n == 1) if plan_if_missing is None else plan_if_missing,
                     workers=threads if executor is None else 0, log=log)  # Dask: threads are the workers'
    targets = _prepared_targets(config, store)
    summary = RunSummary(store.root, shard, chunks_in_library=plan.chunks,
                         records_read=int(plan.plan["records_read"]), duplicates=int(plan.plan["duplicates"]))
    executor = executor or LocalExecutor()
    owned = range(i, plan.chunks, n)
    if progress is not None:
        progress.total = sum(plan.rows(k) for k in owned) * len(targets)
        progress.refresh()

    def finished(target: str, k: int) -> bool:
        """Whether (target, chunk k) is done and its files are whole; a damaged one is reported and discarded."""
        if not store.is_done(target, k):
            return False
        reason = store.verify_chunk(target, k)
        if reason is None:
            return True
        summary.corrupt_chunks.append((target, k, reason))
        if log is not None:
            log(f"chunk {k} of target {target}: {reason}; redoing it")
        store.discard_chunk(target, k)
        return False

    def jobs() -> Iterator[ChunkJob]:
        for k in owned:
            summary.chunks_owned += 1
            pending = [t for t in targets if not finished(t.name, k)]
            if len(pending) < len(targets) and progress is not None and progress.total:
                done = len(targets) - len(pending)  # not in this run's work: off the progress bar's total
                progress.total = max(progress.total - plan.rows(k) * done, progress.n)
                progress.refresh()
            if not pending:
                summary.chunks_already_done += 1
                continue
            # The worker reads the chunk file itself (a Dask worker too: only the chunks it is given).
            yield ChunkJob(k, k * plan.chunk_size, None, pending, config.docking, config.preparation,
                           config.poses_per_molecule, device, threads,
                           library_chunk=(plan.path(k), plan.fingerprint))

    for out in executor.map_unordered(run_chunk_job, jobs()):
        for target, rows in out.rows.items():
            poses = "".join(text for _, text in out.poses.get(target, []))
            store.write_chunk(target, out.chunk, rows_frame(rows), poses)
            summary.failed += sum(1 for r in rows if r["status"] != "ok")
            summary.molecules_docked += len(rows)
            if progress is not None:
                progress.update(len(rows))
        summary.chunks_docked += 1
    summary.seconds = time.perf_counter() - t0
    store.write_shard_status(i, n, {
        "shard": i, "shards": n, "finished": True, "chunks_in_library": summary.chunks_in_library,
        "chunks_owned": summary.chunks_owned, "chunks_docked": summary.chunks_docked,
        "chunks_already_done": summary.chunks_already_done, "records_read": summary.records_read,
        "duplicates": summary.duplicates, "unique_records": summary.records_read - summary.duplicates,
        "molecules_docked": summary.molecules_docked, "seconds": round(summary.seconds, 2),
        "corrupt_chunks_redone": [{"target": t, "chunk": k, "reason": r} for t, k, r in summary.corrupt_chunks],
        "host": platform.node(), "pid": os.getpid(), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    if config.refine and n == 1:  # sharded campaigns refine after the last shard: vscreen refine --campaign DIR
        from ..refine.campaign import refine_campaign
        refine_campaign(store.root, **config.refine)
    return summary
