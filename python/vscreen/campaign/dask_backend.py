"""Dask distributed back-end: the same chunk jobs, run on the workers of a Dask cluster.

The client (the `vscreen screen --dask ADDRESS` process) sends each chunk job to a worker; the worker reads the
chunk's records from the planned library's chunk file itself, and the client writes the returned rows and poses
into the campaign directory, so the workers need the campaign's library/ folder and the receptor files (same
paths, e.g. a shared file system) and no write access. At most ``in_flight`` chunks (default: twice the
workers) are out at once, so the client's memory stays bounded.

Without a scheduler running, `--cluster slurm` starts one in the client process and submits the workers as
batch jobs through dask-jobqueue's SLURMCluster (an optional dependency, pinned in python/requirements.txt).

Cluster layout: one worker process per GPU (``CUDA_VISIBLE_DEVICES=k dask worker ADDRESS --nworkers 1
--nthreads 1``; the job's device "auto" then finds that GPU), or one per CPU socket with ``--nthreads 1`` and
``vscreen screen --threads <cores per socket>``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

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
    """Runs chunk jobs on a Dask cluster: ``DaskExecutor("tcp://host:8786")``, ``DaskExecutor(client)``, or
    ``DaskExecutor(cluster)`` for a cluster object this executor then owns (closed with it)."""

    def __init__(self, address_or_client: Any, in_flight: Optional[int] = None):
        distributed = _import_distributed()
        self._cluster = None
        if isinstance(address_or_client, distributed.Client):
            self.client, self._own = address_or_client, False
        elif hasattr(address_or_client, "scheduler_address"):  # a Cluster (SLURMCluster, LocalCluster)
            self._cluster = address_or_client
            self.client, self._own = distributed.Client(address_or_client), True
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
        if self._cluster is not None:
            self._cluster.close()  # SLURMCluster: scancel of its jobs
            self._cluster = None

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


def slurm_cluster(jobs: int = 1, cores: int = 1, memory: str = "4GB", walltime: str = "01:00:00",
                  queue: Optional[str] = None, directives: Sequence[str] = (), name: str = "vscreen"):
    """A dask-jobqueue SLURMCluster asking for ``jobs`` batch jobs (sbatch) on partition ``queue``, each with
    ``cores`` CPUs (--cpus-per-task), ``memory`` and ``walltime``, plus extra #SBATCH ``directives``. Each job is
    one Dask worker process with one task slot: a chunk job at a time, docking on all of the job's cores. The
    scheduler runs in this process; the jobs are cancelled (scancel) when the cluster is closed."""
    try:
        from dask_jobqueue import SLURMCluster
    except ImportError as e:
        raise CampaignError(f"--cluster slurm needs the dask-jobqueue package ({e}); pip install "
                            f"dask-jobqueue==0.9.0 (python/requirements.txt)") from None
    if jobs < 1 or cores < 1:
        raise CampaignError(f"--cluster-jobs and --cluster-cores must be at least 1, got {jobs} and {cores}")
    try:
        cluster = SLURMCluster(cores=1, processes=1, job_cpu=cores, memory=memory, walltime=walltime, queue=queue,
                               job_name=name, job_extra_directives=list(directives),
                               scheduler_options={"dashboard_address": None})
    except ValueError as e:  # e.g. an unreadable memory string
        raise CampaignError(f"--cluster slurm: {e}") from None
    cluster.scale(jobs=jobs)
    return cluster
