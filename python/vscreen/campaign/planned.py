"""A planned library: the de-duplicated records as numbered chunk files, read one chunk at a time.

    DIR/library/plan.json                  written last: the library fingerprint, chunk size, counts, index checksum
    DIR/library/index.parquet              chunk, start, rows, bytes, sha256 of every chunk file
    DIR/library/chunk-000042.parquet       position, id, name, source, text, format, inchikey, error

A shard opens plan.json (a few hundred bytes whatever the library) and then only the chunk files it owns, so
its start-up does not grow with the library. Every chunk file carries the plan's fingerprint, its index and its
first position in its Parquet metadata; a file from another plan, or of the wrong length, is refused.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List

from .errors import CampaignError
from .records import MoleculeRecord
from .store import file_sha256

PLAN_FILE = "plan.json"
INDEX_FILE = "index.parquet"
PLAN_FORMAT = 1
#: Parquet key-value metadata key of a chunk file: JSON {fingerprint, chunk, start, rows}.
META_KEY = b"vscreen_plan"
CHUNK_COLUMNS = ("position", "id", "name", "source", "text", "format", "inchikey", "error")


def chunk_file(library_dir: str, chunk: int) -> str:
    return os.path.join(library_dir, f"chunk-{chunk:06d}.parquet")


def read_chunk(path: str, chunk: int, start: int, fingerprint: str) -> List[MoleculeRecord]:
    """The records of one planned chunk file, checked against the plan it should belong to."""
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise CampaignError(f"{path}: chunk {chunk} of the library plan is missing; run `vscreen plan` again "
                            f"(it rewrites the plan)") from None
    except OSError as e:
        raise CampaignError(f"{path}: unreadable chunk file ({e})") from None
    meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
    if meta.get("fingerprint") != fingerprint or meta.get("chunk") != chunk or meta.get("start") != start \
            or meta.get("rows") != table.num_rows:
        raise CampaignError(f"{path}: this chunk file does not belong to the library plan (fingerprint "
                            f"{str(meta.get('fingerprint'))[:12]}, expected {fingerprint[:12]}); plan again")
    cols = table.to_pydict()
    return [MoleculeRecord(cols["id"][i], cols["name"][i], cols["text"][i], cols["format"][i], cols["source"][i],
                           cols["inchikey"][i] or None, cols["error"][i]) for i in range(table.num_rows)]


@dataclass
class PlannedLibrary:
    """The plan of a library (what plan.json says) and access to its chunks."""
    directory: str
    plan: Dict[str, Any]

    @classmethod
    def open(cls, directory: str) -> "PlannedLibrary":
        path = os.path.join(directory, PLAN_FILE)
        try:
            with open(path, encoding="utf-8") as f:
                plan = json.load(f)
        except FileNotFoundError:
            raise CampaignError(f"{directory}: no finished library plan ({PLAN_FILE}); run `vscreen plan` with "
                                f"the campaign's config first") from None
        except (OSError, ValueError) as e:
            raise CampaignError(f"{path}: unreadable plan ({e})") from None
        if plan.get("format") != PLAN_FORMAT:
            raise CampaignError(f"{path}: library plan format {plan.get('format')}, this vscreen reads "
                                f"{PLAN_FORMAT}; plan again")
        return cls(os.path.abspath(directory), plan)

    @staticmethod
    def exists(directory: str) -> bool:
        return os.path.exists(os.path.join(directory, PLAN_FILE))

    @property
    def chunks(self) -> int:
        return int(self.plan["chunks"])

    @property
    def chunk_size(self) -> int:
        return int(self.plan["chunk_size"])

    @property
    def fingerprint(self) -> str:
        return str(self.plan["fingerprint"])

    def rows(self, chunk: int) -> int:
        """Records in chunk ``chunk`` (all chunks are full but the last)."""
        unique = int(self.plan["unique"])
        return max(0, min(self.chunk_size, unique - chunk * self.chunk_size))

    def path(self, chunk: int) -> str:
        return chunk_file(self.directory, chunk)

    def verify(self) -> List[int]:
        """The chunks whose file is missing or differs from the index's checksum (reads every chunk file: for
        `vscreen plan --verify`, not for a shard's start-up); the index itself is checked against plan.json."""
        import pyarrow.parquet as pq
        index_path = os.path.join(self.directory, INDEX_FILE)
        if file_sha256(index_path) != self.plan.get("index_sha256"):
            raise CampaignError(f"{index_path}: does not match plan.json's checksum; plan again")
        index = pq.read_table(index_path, columns=["chunk", "sha256"]).to_pydict()
        bad = []
        for chunk, digest in zip(index["chunk"], index["sha256"]):
            path = self.path(chunk)
            if not os.path.exists(path) or file_sha256(path) != digest:
                bad.append(chunk)
        return bad

    def records(self, chunk: int) -> List[MoleculeRecord]:
        if not 0 <= chunk < self.chunks:
            raise CampaignError(f"chunk {chunk} is not in the plan (0..{self.chunks - 1})")
        return read_chunk(self.path(chunk), chunk, chunk * self.chunk_size, self.fingerprint)
