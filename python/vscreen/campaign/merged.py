"""Merged per-target result files: the report compacts finished chunk files into a few large Parquet parts, so
that its queries open tens of files, not the 100,000s of a UniChem-sized campaign.

    DIR/merged/<target>/part-000000-000999.parquet    rows of done chunks 0..999 not in an earlier part

A part holds the chunks that were done and in no earlier part; it is written under a temporary name and renamed,
so a report killed at any point leaves whole parts or none and the next report goes on from there. The chunk
files stay where they are: they mark a chunk done for the runs (resume) and can rebuild every part. Reports
run one at a time per campaign directory (two at once could both merge the same new chunks; the report's
duplicate count would show it).
"""
from __future__ import annotations

import glob
import os
from typing import List, Sequence, Set

from .store import CampaignStore

#: Chunk files merged into one part at most (a part is written by one DuckDB COPY, whose memory grows with the
#: number of files it opens).
PART_CHUNKS = 5_000


def _sql_list(paths: Sequence[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def merged_dir(store: CampaignStore, target: str) -> str:
    return os.path.join(store.root, "merged", target)


def parts(store: CampaignStore, target: str) -> List[str]:
    """The finished parts of a target (temporary files are hidden names and never match)."""
    return sorted(glob.glob(os.path.join(merged_dir(store, target), "part-*.parquet")))


def merged_chunks(con, part_files: Sequence[str]) -> Set[int]:
    if not part_files:
        return set()
    return {int(r[0]) for r in con.execute(f"SELECT DISTINCT chunk FROM read_parquet({_sql_list(part_files)})"
                                           ).fetchall()}


def compact(store: CampaignStore, target: str, con) -> List[str]:
    """Merges the target's done chunks that no part holds into new parts; returns every part of the target."""
    done = store.done_chunks(target)
    todo = sorted(done - merged_chunks(con, parts(store, target)))
    os.makedirs(merged_dir(store, target), exist_ok=True)
    for i in range(0, len(todo), PART_CHUNKS):
        group = todo[i:i + PART_CHUNKS]
        path = os.path.join(merged_dir(store, target), f"part-{group[0]:06d}-{group[-1]:06d}.parquet")
        if os.path.exists(path):  # the same range again (chunks done out of order): keep both, distinctly named
            path = path[:-len(".parquet")] + f"-{len(group)}-{os.getpid()}.parquet"
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
        files = [store.results_path(target, k) for k in group]
        try:
            # In file order (DuckDB keeps insertion order): chunk order, and position order within a chunk.
            con.execute(f"COPY (SELECT * FROM read_parquet({_sql_list(files)}, union_by_name = true)) "
                        f"TO '{tmp.replace(chr(39), chr(39) * 2)}' (FORMAT PARQUET)")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return parts(store, target)
