"""The campaign directory: layout, manifest, and atomic chunk files (the only state a campaign has).

    DIR/manifest.json                      the config's identity (targets, library, settings, chunk size)
    DIR/library/                           the library plan: chunk-000042.parquet, index.parquet, plan.json
    DIR/targets/<target>.pdbqt             receptors prepared from raw PDB/mmCIF files (if any)
    DIR/results/<target>/chunk-000042.parquet   one row per molecule of chunk 42 docked into <target>
    DIR/poses/<target>/chunk-000042.sdf         the top poses of those molecules
    DIR/shards/shard-0-of-4.json           what a (shard) run saw: chunks in the library, records, duplicates
    DIR/merged/<target>/part-*.parquet     the report's compaction of finished chunks (merged.py)
    DIR/report/                            written by `vscreen report`

    DIR/results/<target>/chunk-000042.sha256    the checksums of that chunk's two files (written before the
                                                Parquet file is renamed into place)

Every file is written under a temporary name in its final folder and renamed into place (os.replace), so a
killed process leaves either the whole file or none; a write that fails (a full disk: ENOSPC) removes its
temporary file and raises a CampaignError that says so. The poses are written before the results, and a chunk
counts as done only when its Parquet file exists and matches its checksums; so a rerun redoes exactly the
unfinished chunks, and a chunk file truncated or corrupted on disk later is found, reported and redone (verify).
Shards write different chunks and never the same file; one shard runs once at a time (lock_shard).
"""
from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
import os
import platform
import re
import time
import uuid
from typing import Any, Callable, Dict, Iterable, Optional, Set

from .errors import CampaignError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_CHUNK_RE = re.compile(r"^chunk-(\d+)\.parquet$")


def _tmp_name(path: str) -> str:
    d, base = os.path.split(path)
    return os.path.join(d, f".{base}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _write_error(path: str, e: OSError) -> CampaignError:
    """The CampaignError of a failed write: a full disk or quota said as such (pyarrow's errors carry no errno,
    only the text), anything else with the system's reason."""
    full = getattr(e, "errno", None) in _DISK_FULL or "No space left" in str(e) or "quota exceeded" in str(e)
    what = "no space left on the device (disk full or quota reached)" if full else f"write failed ({e})"
    return CampaignError(f"{path}: {what}; nothing of this file was kept. Free space and run the same command "
                         f"again: finished chunks are kept and this one is redone")


def _write_atomically(path: str, write, before_replace: Optional[Callable[[str], None]] = None) -> None:
    """Calls ``write(tmp)`` for a temporary file beside ``path``, syncs it, calls ``before_replace(tmp)`` and renames
    it into place, so that readers see the old file or the whole new one, never a part; the temporary file goes if
    anything fails, and a failed write (ENOSPC, EIO) is a CampaignError naming the file."""
    tmp = _tmp_name(path)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, path)
    except BaseException as e:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _write_error(path, e) from None
        raise


def file_sha256(path: str) -> str:
    """The hex sha256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically."""
    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)
    _write_atomically(path, write)


def atomic_write_text(path: str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_parquet(path: str, frame, before_replace: Optional[Callable[[str], None]] = None) -> None:
    """Writes a pandas DataFrame as Parquet (pyarrow) atomically (``before_replace``: see _write_atomically)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    _write_atomically(path, lambda tmp: pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp),
                      before_replace)


def _normalised(doc: Any) -> Any:
    return json.loads(json.dumps(doc, sort_keys=True))


class CampaignStore:
    """Paths and file operations of one campaign directory."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    # --- layout -----------------------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> str:
        return os.path.join(self.root, MANIFEST)

    def results_path(self, target: str, chunk: int) -> str:
        return os.path.join(self.root, "results", target, f"chunk-{chunk:06d}.parquet")

    def poses_path(self, target: str, chunk: int) -> str:
        return os.path.join(self.root, "poses", target, f"chunk-{chunk:06d}.sdf")

    def checksum_path(self, target: str, chunk: int) -> str:
        return os.path.join(self.root, "results", target, f"chunk-{chunk:06d}.sha256")

    def prepared_receptor_path(self, target: str) -> str:
        return os.path.join(self.root, "targets", f"{target}.pdbqt")

    def shard_path(self, shard: int, shards: int) -> str:
        return os.path.join(self.root, "shards", f"shard-{shard}-of-{shards}.json")

    @property
    def library_dir(self) -> str:
        """The library plan: chunk files of the de-duplicated library, index, plan.json (planned.py)."""
        return os.path.join(self.root, "library")

    @property
    def report_dir(self) -> str:
        return os.path.join(self.root, "report")

    # --- manifest ---------------------------------------------------------------------------------------------
    def exists(self) -> bool:
        return os.path.exists(self.manifest_path)

    def read_manifest(self) -> Dict[str, Any]:
        try:
            with open(self.manifest_path, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            raise CampaignError(f"{self.root}: not a campaign directory (no {MANIFEST})") from None
        except (OSError, ValueError) as e:
            raise CampaignError(f"{self.manifest_path}: unreadable manifest ({e})") from None

    def open(self, identity: Dict[str, Any], vscreen_version: str) -> Dict[str, Any]:
        """Creates the directory and its manifest, or checks that an existing one was made with the same
        identity (same targets, library, settings, chunk size): a rerun resumes, a different campaign is
        refused. Shards starting together may both write the manifest; the content is the same."""
        identity = _normalised(identity)
        if self.exists():
            manifest = self.read_manifest()
            old = manifest.get("identity")
            if old != identity:
                diff = sorted(k for k in set(old or {}) | set(identity) if (old or {}).get(k) != identity.get(k))
                raise CampaignError(f"{self.root} holds a campaign with other settings (differs in: "
                                    f"{', '.join(diff)}); use another --out directory or the same settings")
            return manifest
        manifest = {"format_version": FORMAT_VERSION, "vscreen_version": vscreen_version, "identity": identity}
        for sub in ("results", "poses", "shards", "targets"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        for t in identity["targets"]:
            os.makedirs(os.path.join(self.root, "results", t["name"]), exist_ok=True)
            os.makedirs(os.path.join(self.root, "poses", t["name"]), exist_ok=True)
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        return manifest

    # --- chunks -----------------------------------------------------------------------------------------------
    def is_done(self, target: str, chunk: int) -> bool:
        return os.path.exists(self.results_path(target, chunk))

    def done_chunks(self, target: str) -> Set[int]:
        out = set()
        for name in os.listdir(os.path.join(self.root, "results", target)) if os.path.isdir(
                os.path.join(self.root, "results", target)) else []:
            m = _CHUNK_RE.match(name)
            if m:
                out.add(int(m.group(1)))
        return out

    def write_chunk(self, target: str, chunk: int, rows, poses_sdf: str) -> None:
        """Writes one finished (target, chunk): poses first, then the checksums of both files, then the results
        that mark it done."""
        os.makedirs(os.path.dirname(self.poses_path(target, chunk)), exist_ok=True)
        os.makedirs(os.path.dirname(self.results_path(target, chunk)), exist_ok=True)
        poses = poses_sdf.encode("utf-8")
        atomic_write_bytes(self.poses_path(target, chunk), poses)

        def checksums(tmp: str) -> None:
            doc = {"results": file_sha256(tmp), "poses": hashlib.sha256(poses).hexdigest(), "rows": len(rows)}
            atomic_write_text(self.checksum_path(target, chunk), json.dumps(doc, sort_keys=True) + "\n")
        atomic_write_parquet(self.results_path(target, chunk), rows, before_replace=checksums)

    def verify_chunk(self, target: str, chunk: int) -> Optional[str]:
        """Why a finished chunk's files cannot be trusted (truncated, corrupted, a checksum missing), or None when
        they match their checksums. A chunk without its .sha256 file (written by a vscreen before checksums) is
        trusted when its Parquet file reads."""
        path = self.results_path(target, chunk)
        try:
            with open(self.checksum_path(target, chunk), encoding="utf-8") as f:
                expected = json.load(f)
        except FileNotFoundError:
            try:
                import pyarrow.parquet as pq
                pq.read_metadata(path)
                return None
            except Exception as e:  # noqa: BLE001 - any unreadable file is to be redone
                return f"unreadable results file ({e})"
        except (OSError, ValueError) as e:
            return f"unreadable checksum file ({e})"
        for key, file in (("results", path), ("poses", self.poses_path(target, chunk))):
            try:
                if file_sha256(file) != expected.get(key):
                    return f"{os.path.basename(file)} does not match its checksum (truncated or corrupted)"
            except OSError as e:
                return f"{os.path.basename(file)}: {e.strerror or e}"
        return None

    def discard_chunk(self, target: str, chunk: int) -> None:
        """Removes a chunk's files (results first: the chunk stops counting as done) so that it is redone."""
        for p in (self.results_path(target, chunk), self.checksum_path(target, chunk), self.poses_path(target, chunk)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)

    def result_files(self, targets: Optional[Iterable[str]] = None):
        """Every finished chunk's Parquet file (temporary files are hidden names and never match)."""
        pattern = os.path.join(self.root, "results", "*", "chunk-*.parquet")
        files = sorted(glob.glob(pattern))
        if targets is not None:
            keep = set(targets)
            files = [f for f in files if os.path.basename(os.path.dirname(f)) in keep]
        return files

    # --- shard status -----------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock_shard(self, shard: int, shards: int):
        """Held while shard ``shard`` of ``shards`` runs: a second process started on the same shard by mistake
        is refused with a CampaignError naming the first (an advisory lock, released however the process ends;
        where the file system has no locks, e.g. some NFS mounts, the run goes on without one)."""
        import fcntl
        path = os.path.join(self.root, "shards", f".shard-{shard}-of-{shards}.lock")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a+", encoding="utf-8") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                holder = f.read().strip() or "another process"
                raise CampaignError(f"{self.root}: shard {shard}/{shards} is already running ({holder}); a second "
                                    f"run of the same shard would dock the same chunks. Wait for it to end (or "
                                    f"end it) and run again") from None
            except OSError:
                pass
            f.seek(0)
            f.truncate()
            f.write(f"pid {os.getpid()} on {platform.node()}, since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n")
            f.flush()
            yield

    def write_shard_status(self, shard: int, shards: int, status: Dict[str, Any]) -> None:
        os.makedirs(os.path.dirname(self.shard_path(shard, shards)), exist_ok=True)
        atomic_write_text(self.shard_path(shard, shards), json.dumps(status, indent=2, sort_keys=True) + "\n")

    def shard_statuses(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.root, "shards", "shard-*-of-*.json"))):
            try:
                with open(p, encoding="utf-8") as f:
                    out.append(json.load(f))
            except (OSError, ValueError):
                continue
        return out
