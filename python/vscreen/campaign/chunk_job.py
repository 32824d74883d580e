"""What happens to one chunk: prepare its molecules once, dock every prepared form into each target, keep the
best form per molecule, and turn the outcome into result rows and top poses. The same function runs in the
local loop, in a Dask worker and behind vscreen.screen(); it writes no files.
"""
from __future__ import annotations

import math
import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import _vscreen
from .config import TargetSpec
from .prepare import PreparedForm, prepare_molecules
from .records import MoleculeRecord

TERM_COLUMNS = tuple(f"term_{t}" for t in _vscreen.term_names)
#: The columns of every result table, in order (Parquet files, DataFrames of vscreen.screen()).
COLUMNS = ("target", "chunk", "position", "id", "name", "input", "smiles", "inchikey", "source", "status", "stage",
           "error", "affinity", "inter", "intra", *TERM_COLUMNS, "variant", "variants", "heavy_atoms", "torsions",
           "backend", "evaluations")


@dataclass
class ChunkJob:
    """A chunk and everything needed to process it (picklable: it travels to Dask workers)."""
    chunk: int
    start: int
    records: Optional[List[MoleculeRecord]]  # None: read them from library_chunk where the job runs
    targets: List[TargetSpec]  # receptor paths readable where the job runs
    docking: Dict[str, Any]
    preparation: Dict[str, Any]
    poses_per_molecule: int = 1
    device: str = "auto"
    threads: int = 0
    library_chunk: Optional[Tuple[str, str]] = None  # (planned chunk file, plan fingerprint)


@dataclass
class ChunkOutput:
    """Per target: the result rows (dicts in COLUMNS order) and the top poses as (position, SDF text) pairs."""
    chunk: int
    molecules: int
    rows: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    poses: Dict[str, List[Tuple[int, str]]] = field(default_factory=dict)
    seconds: float = 0.0


_RECEPTORS: "OrderedDict[Tuple[str, float], Any]" = OrderedDict()
_RECEPTOR_CACHE_SIZE = 8


def load_receptor(path: str):
    """Reads a receptor once per process (a small cache keyed by path and modification time)."""
    from .. import read_receptor
    key = (path, os.path.getmtime(path))
    if key in _RECEPTORS:
        _RECEPTORS.move_to_end(key)
        return _RECEPTORS[key]
    rec = read_receptor(path)
    _RECEPTORS[key] = rec
    while len(_RECEPTORS) > _RECEPTOR_CACHE_SIZE:
        _RECEPTORS.popitem(last=False)
    return rec


def _dock(receptor, ligands: Sequence[Any], settings, device: str, threads: int,
          chains: Sequence[int]) -> List[Tuple[Any, str]]:
    """(result, error) per ligand, ligand i searched by chains[i] Monte Carlo chains. A batch refused for one bad
    ligand (InputError, CapacityError) is docked one ligand at a time so that only that ligand fails; a DeviceError
    is not a property of a molecule and propagates (the chunk is then not written and a rerun redoes it)."""
    if not ligands:
        return []
    try:
        return [(r, "") for r in _vscreen.dock(receptor, list(ligands), settings, device=device, threads=threads,
                                               chains=list(chains))]
    except _vscreen.DeviceError:
        raise
    except _vscreen.VscreenError:
        pass
    out = []
    for lig, n in zip(ligands, chains):
        try:
            out.append((_vscreen.dock(receptor, [lig], settings, device=device, threads=threads, chains=[n])[0], ""))
        except _vscreen.DeviceError:
            raise
        except _vscreen.VscreenError as e:
            out.append((None, str(e)))
    return out


def _empty_row(target: str, job: ChunkJob, i: int, rec: MoleculeRecord) -> Dict[str, Any]:
    row = dict.fromkeys(COLUMNS)
    row.update(target=target, chunk=job.chunk, position=job.start + i, id=rec.id, name=rec.name,
               input=rec.text if rec.format in ("smiles", "inchi") else "", smiles="", inchikey=rec.inchikey or "",
               source=rec.source, status="failed", stage="", error="", variants=0, variant=-1)
    for c in ("affinity", "inter", "intra", *TERM_COLUMNS):
        row[c] = math.nan
    row["heavy_atoms"] = row["torsions"] = -1
    row["backend"] = ""
    row["evaluations"] = 0
    return row


def _pose_records(sdf: str, keep: int, fields: Dict[str, str]) -> str:
    records = [r for r in sdf.split("$$$$\n") if r.strip()][:keep]
    extra = "".join(f"> <{k}>\n{v}\n\n" for k, v in fields.items())
    return "".join(r + extra + "$$$$\n" for r in records)


def run_chunk_job(job: ChunkJob) -> ChunkOutput:
    """Prepares and docks one chunk into every target of the job. Molecules that fail to read, prepare or dock
    become rows with status "failed", the stage ("read", "prepare", "dock") and the reason."""
    t0 = time.perf_counter()
    if job.records is None:
        from dataclasses import replace
        from .planned import read_chunk
        job = replace(job, records=read_chunk(job.library_chunk[0], job.chunk, job.start, job.library_chunk[1]))
    out = ChunkOutput(job.chunk, len(job.records))
    readable = [i for i, r in enumerate(job.records) if not r.error]
    forms_of: Dict[int, List[PreparedForm]] = {i: [] for i in readable}
    if readable:
        for form in prepare_molecules([job.records[i] for i in readable], job.preparation, job.threads):
            forms_of[readable[form.input_index]].append(form)
    ok_forms = [(i, f) for i in readable for f in forms_of[i] if f.ok]
    for target in job.targets:
        settings = _vscreen.DockingSettings(center=target.center, size=target.size, **job.docking)
        receptor = load_receptor(target.receptor) if ok_forms else None
        # The ring shapes of a stereoisomer share its exhaustiveness chains (docking_chains).
        chains = [f.docking_chains(settings.exhaustiveness) for _, f in ok_forms]
        docked = _dock(receptor, [f.ligand for _, f in ok_forms], settings, job.device, job.threads, chains)
        by_input: Dict[int, List[Tuple[PreparedForm, Any, str]]] = {}
        for (i, form), (res, err) in zip(ok_forms, docked):
            by_input.setdefault(i, []).append((form, res, err))
        rows, poses = [], []
        for i, rec in enumerate(job.records):
            row = _empty_row(target.name, job, i, rec)
            rows.append(row)
            if rec.error:
                row.update(stage="read", error=rec.error)
                continue
            forms = forms_of[i]
            good = [f for f in forms if f.ok]
            row["variants"] = len(good)
            first = good[0] if good else (forms[0] if forms else None)
            if first is not None:
                row["smiles"] = first.smiles
                row["inchikey"] = row["inchikey"] or first.inchikey
            if not good:
                row.update(stage="prepare", error=(forms[0].error if forms else "preparation returned nothing"))
                continue
            tried = by_input.get(i, [])
            # The search cost of the molecule: energy evaluations of every form docked (all stereoisomers).
            row["evaluations"] = sum(res.evaluations for _, res, _ in tried if res is not None)
            scored = [(res.modes[0].affinity, form.variant, form, res) for form, res, _ in tried
                      if res is not None and len(res.modes) > 0]
            if not scored:
                errors = [e for _, _, e in tried if e]
                row.update(stage="dock", error=errors[0] if errors else "no pose found in the box")
                continue
            _, _, form, res = min(scored, key=lambda s: (s[0], s[1]))
            best = res.modes[0]
            lig = form.ligand
            row.update(status="ok", smiles=form.smiles, affinity=best.affinity, inter=best.inter, intra=best.intra,
                       variant=form.variant, heavy_atoms=lig.num_heavy_atoms, torsions=lig.num_torsions,
                       backend=res.backend)
            for t, v in best.terms.items():
                row[f"term_{t}"] = v
            if job.poses_per_molecule > 0:
                lig.name = rec.id
                sdf = _vscreen.write_sdf_modes(None, lig, res)
                poses.append((row["position"], _pose_records(sdf, job.poses_per_molecule, {
                    "vscreen_id": rec.id, "vscreen_name": rec.name, "vscreen_target": target.name,
                    "vscreen_smiles": form.smiles, "vscreen_variant": str(form.variant)})))
        out.rows[target.name] = rows
        out.poses[target.name] = poses
    out.seconds = time.perf_counter() - t0
    return out


def rows_frame(rows: List[Dict[str, Any]]):
    """A pandas DataFrame with the result columns in order and stable dtypes (also for zero rows)."""
    import pandas as pd
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in ("chunk", "position", "variant", "variants", "heavy_atoms", "torsions", "evaluations"):
        frame[c] = frame[c].astype("int64")
    for c in ("affinity", "inter", "intra", *TERM_COLUMNS):
        frame[c] = frame[c].astype("float64")
    for c in ("target", "id", "name", "input", "smiles", "inchikey", "source", "status", "stage", "error",
              "backend"):
        frame[c] = frame[c].astype(object)
    return frame
