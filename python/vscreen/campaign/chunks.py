"""Deterministic chunks of the de-duplicated record stream, and shards of an HPC job array.

Chunk k holds records [k*size, (k+1)*size) of the de-duplicated stream, so the same library and chunk size give
the same chunks on every run, whatever was done before. Shard i of n owns the chunks with k mod n == i: shards
need no coordination and can write into one campaign directory.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Mapping, Optional, Tuple

from .errors import CampaignError
from .records import MoleculeRecord


@dataclass
class Chunk:
    """Chunk ``index`` of the stream: its records start at stream position ``start``."""
    index: int
    start: int
    records: List[MoleculeRecord]


def iter_chunks(records: Iterable[MoleculeRecord], size: int) -> Iterator[Chunk]:
    """Consecutive chunks of ``size`` records (the last may be shorter); one chunk in memory at a time."""
    if size < 1:
        raise CampaignError(f"chunk size must be at least 1, got {size}")
    buf: List[MoleculeRecord] = []
    k = 0
    for rec in records:
        buf.append(rec)
        if len(buf) == size:
            yield Chunk(k, k * size, buf)
            k += 1
            buf = []
    if buf:
        yield Chunk(k, k * size, buf)


def shard_chunks(chunks: Iterable[Chunk], shard: int, shards: int) -> Iterator[Chunk]:
    """The chunks that shard ``shard`` of ``shards`` owns (k mod shards == shard)."""
    return (c for c in chunks if c.index % shards == shard)


# Scheduler array variables: (index variable, first-index variable or a fixed base).
_ARRAY_VARS = (("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN"), ("PBS_ARRAY_INDEX", None), ("PBS_ARRAYID", None),
               ("SGE_TASK_ID", "SGE_TASK_FIRST"), ("LSB_JOBINDEX", 1))


def shard_from_environment(environ: Mapping[str, str]) -> Tuple[int, str]:
    """The 0-based array index of this job from the scheduler's variables, and the variable's name.

    SLURM_ARRAY_TASK_ID counts from SLURM_ARRAY_TASK_MIN, SGE_TASK_ID from SGE_TASK_FIRST, LSB_JOBINDEX from 1,
    PBS_ARRAY_INDEX / PBS_ARRAYID from 0."""
    for var, base in _ARRAY_VARS:
        if environ.get(var, "").strip():
            try:
                idx = int(environ[var])
                if isinstance(base, str):
                    first = int(environ.get(base, "0") or 0)
                else:
                    first = base or 0
            except ValueError:
                raise CampaignError(f"{var}={environ[var]!r} is not an array index") from None
            return idx - first, var
    raise CampaignError("--shard N takes the index from a job array variable (SLURM_ARRAY_TASK_ID, "
                        "PBS_ARRAY_INDEX, SGE_TASK_ID, LSB_JOBINDEX) and none is set; give --shard I/N")


def parse_shard(text: Optional[str], environ: Optional[Mapping[str, str]] = None) -> Tuple[int, int]:
    """``"I/N"`` -> (I, N); ``"N"`` -> (index from the scheduler's array variable, N); None -> (0, 1)."""
    if text is None or text == "":
        return 0, 1
    environ = os.environ if environ is None else environ
    parts = text.split("/", 1)
    if not all(p.strip().lstrip("-").isdigit() for p in parts):
        raise CampaignError(f"--shard {text!r}: expected I/N (e.g. 0/4) or N")
    if len(parts) == 2:
        i, n = int(parts[0]), int(parts[1])
        where = f"--shard {text}"
    else:
        n = int(parts[0])
        i, var = shard_from_environment(environ)
        where = f"--shard {text} with {var}"
    if n < 1 or not 0 <= i < n:
        raise CampaignError(f"{where}: shard index {i} is not in 0..{n - 1}")
    return i, n
