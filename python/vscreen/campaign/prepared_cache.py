"""A directory cache of prepared ligands keyed by InChIKey + input text + preparation settings + code version.

Layout: ``ROOT/<settings fingerprint>/<first 3 letters of the key>/<key>-<text digest>.json.gz``, one file per
molecule, and ``ROOT/<fingerprint>/settings.json`` saying what the fingerprint stands for. The fingerprint is a
hash of every preparation option that changes the output (not the thread count), the vscreen version and
PREPARATION_CODE_VERSION, so a different setting or a new preparation code misses the cache instead of reusing
old forms. The key is the record's InChIKey (the campaign's identity of a molecule); the digest of the input's
format and text is part of the name because the embedding follows the input's atom order: the same molecule
written another way is prepared anew, so that a result never depends on what an earlier campaign prepared.

An entry holds every form of the molecule (SMILES, ring-shape count and the 3D molblock, from which the docking
ligand is rebuilt, see vscreen.ligand_from_molblock; prepare.py stores only molecules whose ligands rebuild
exactly) or the failure with its reason, so failed molecules are not retried either. Writers write a temporary file and rename it into place (atomic on POSIX), so readers
never see half an entry and writers of a job array can share the directory; a concurrent writer of the same
entry writes the same content. An entry that cannot be read back whole (truncated, not gzip, wrong key or
fingerprint, a checksum that does not match) is a miss: the molecule is prepared again and the entry rewritten.
Nothing is held in memory beyond the entries of the batch being looked up.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

#: Bump when the preparation's output changes for the same options (a new rule, a new embedding setting).
PREPARATION_CODE_VERSION = 4
#: Options that do not change what is prepared.
_NOT_IN_FINGERPRINT = {"threads"}


def default_cache_dir() -> Optional[Path]:
    """VSCREEN_PREPARED_CACHE (a path, or "off"), else $XDG_CACHE_HOME/vscreen/prepared, else
    ~/.cache/vscreen/prepared; None when switched off."""
    env = os.environ.get("VSCREEN_PREPARED_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "none", "false", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vscreen" / "prepared"


def settings_fingerprint(options: Any) -> Dict[str, Any]:
    """What identifies a preparation: every option that changes its output, the vscreen and code versions."""
    from .. import __version__
    opts = {k: getattr(options, k) for k in sorted(dir(options))
            if not k.startswith("_") and k not in _NOT_IN_FINGERPRINT and not callable(getattr(options, k))}
    return {"options": opts, "vscreen": __version__, "preparation_code": PREPARATION_CODE_VERSION}


@dataclass
class CachedForm:
    """One stored form, or the failure (ok False, error set, no molblock)."""
    variant: int
    ok: bool
    error: str
    smiles: str
    inchikey: str
    ring_forms: int
    molblock: str


class PreparedCache:
    """Prepared forms of molecules under ``root`` for one preparation setting (see the module's docstring)."""

    def __init__(self, root: os.PathLike, options: Any):
        self.settings = settings_fingerprint(options)
        text = json.dumps(self.settings, sort_keys=True)
        self.fingerprint = hashlib.sha256(text.encode()).hexdigest()[:20]
        self.dir = Path(root) / self.fingerprint
        self.hits = self.misses = self.corrupt = self.written = 0
        description = self.dir / "settings.json"
        if not description.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(description, (json.dumps(self.settings, sort_keys=True, indent=1) + "\n").encode())

    def path(self, key: str, fmt: str, text: str) -> Path:
        """Where the entry of a molecule lives (key: its InChIKey, or '' when it has none)."""
        digest = hashlib.sha256(f"{fmt}\0{text}".encode()).hexdigest()[:16]
        name = key or "nokey"
        return self.dir / name[:3] / f"{name}-{digest}.json.gz"

    def get(self, key: str, fmt: str, text: str, name: str) -> Optional[List[CachedForm]]:
        """The stored forms, or None for a miss (absent, or unreadable: then counted in ``corrupt``). A failure's
        reason that starts with the name of the molecule it was stored for is given ``name`` instead."""
        path = self.path(key, fmt, text)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            entry = json.loads(gzip.decompress(raw))
            body = entry["body"]
            if (entry["checksum"] != _checksum(body) or body["key"] != key or body["fingerprint"] != self.fingerprint
                    or not body["forms"]):
                raise ValueError("entry does not match")
            forms = [CachedForm(**f) for f in body["forms"]]
            stored_name = body["name"]
        except (OSError, EOFError, ValueError, KeyError, TypeError):
            self.corrupt += 1
            self.misses += 1
            return None
        self.hits += 1
        for f in forms:
            if stored_name != name and f.error.startswith(stored_name + ": "):
                f.error = name + f.error[len(stored_name):]
        return forms

    def put(self, key: str, fmt: str, text: str, name: str, forms: Sequence[CachedForm]) -> None:
        """Stores a molecule's forms (or its failure) atomically; ``name`` is the one its reasons start with."""
        body = {"key": key, "fingerprint": self.fingerprint, "name": name, "forms": [f.__dict__ for f in forms]}
        entry = {"checksum": _checksum(body), "body": body}
        path = self.path(key, fmt, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, gzip.compress(json.dumps(entry, sort_keys=True).encode(), compresslevel=6, mtime=0))
        self.written += 1


def _checksum(body: Dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    """Writes ``data`` to a temporary file beside ``path`` and renames it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
