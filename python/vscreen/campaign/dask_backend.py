"""Dask distributed back-end: the same chunk jobs, run on the workers of a Dask cluster.

The client (the `vscreen screen --dask ADDRESS` process) streams and de-duplicates the library, sends each
chunk's records to a worker, and writes the returned rows and poses into the campaign directory itself, so the
workers need only the receptor files (same paths, e.g. a shared file system) and no write access. At most
``in_flight`` chunks (default: twice the workers) are out at once, so the client's memory stays bounded.

Cluster layout: one worker process per GPU (``CUDA_VISIBLE_DEVICES=k dask worker ADDRESS --nworkers 1
--nthreads 1``; the job's device "auto" then finds that GPU), or one per CPU socket with ``--nthreads 1`` and
``vscreen screen --threads <cores per socket>``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Optional

from .chunk_job import ChunkJob, ChunkOutput
from .errors import CampaignError


def _import_distributed():
    try:
        import distributed
    except ImportError as e:
        raise CampaignError(f"the Dask back-end needs the 'distributed' package ({e}); Debian: python3-distributed"
                            ) from None
    return distributed


class DaskExecutor:
    """Runs chunk jobs on a Dask cluster: ``DaskExecutor("tcp://host:8786")`` or ``DaskExecutor(client)``."""

    def __init__(self, address_or_client: Any, in_flight: Optional[int] = None):
        distributed = _import_distributed()
        if isinstance(address_or_client, distributed.Client):
            self.client, self._own = address_or_client, False
        else:
            try:
                self.client = distributed.Client(address_or_client, timeout="30s")
            except (OSError, TimeoutError) as e:
                raise CampaignError(f"cannot reach the Dask scheduler at {address_or_client}: {e}") from None
            self._own = True
        self.in_flight = in_flight

    def _limit(self) -> int:
        if self.in_flight:
            return self.in_flight
        workers = len(self.client.scheduler_info().get("workers", {}))
        return max(2, 2 * workers)

    def map_unordered(self, fn: Callable[[ChunkJob], ChunkOutput], jobs: Iterable[ChunkJob]) -> Iterator[ChunkOutput]:
        distributed = _import_distributed()
        limit = self._limit()
        running = distributed.as_completed()
        count = 0
        jobs = iter(jobs)
        exhausted = False
        while True:
            while not exhausted and count < limit:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                running.add(self.client.submit(fn, job, pure=False, key=f"vscreen-chunk-{job.chunk}-{id(job)}"))
                count += 1
            if count == 0:
                return
            future = next(running)
            count -= 1
            try:
                yield future.result()
            finally:
                future.release()

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> "DaskExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def local_cluster(workers: int = 2, threads_per_worker: int = 1):
    """A LocalCluster on 127.0.0.1 (processes, no dashboard) and its Client, for tests and one-node runs."""
    distributed = _import_distributed()
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    return cluster, distributed.Client(cluster)
