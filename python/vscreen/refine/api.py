# vscreen.refine_poses / refine_results: the top poses of a target -> minimised complexes, MM-GBSA table, SDF.
"""Python entry points of the refinement stage.

``refine_poses(receptor_pdb, poses)`` takes poses (an SDF file, SDF texts or RDKit molecules), keeps the best
``top`` of them, refines each against the receptor and returns a pandas DataFrame (one row per pose, input order
of the kept poses; COLUMNS of vscreen.refine.refiner) and, with ``out_sdf``, writes the refined poses.
``refine_results(df, receptor_pdb)`` does the same for a results table with a pose column (vscreen.screen's or a
campaign's) and returns the new columns aligned with the table's index, ready to join.

Parallelism: ``workers`` > 1 runs a process pool (spawn); each worker loads the receptor once, keeps one OpenMM
context of the pocket and makes one context per pose. With ``deterministic`` (default) each CPU context is
single-threaded, so the same input gives the same energies, and ``workers=0`` means one worker per core; without
it, CPU threads are shared out (``threads`` per worker, default cores // workers). On a GPU one worker per device
is the sensible choice (OpenMM's CUDA platform is already parallel inside one context).
"""
from __future__ import annotations

import io
import math
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from .._vscreen import InputError
from ..campaign.store import atomic_write_text
from .complex_builder import ReceptorModel
from .refiner import COLUMNS, Refiner, RefineSettings, empty_row, init_worker, refine_in_worker, settings_dict

PathLike = Union[str, "os.PathLike[str]"]
#: SDF field read as the docking score when choosing the top poses (written by vscreen dock / write_sdf_modes).
SCORE_FIELD = "vscreen_affinity"


def receptor_for_refinement(path: PathLike, workdir: Optional[str] = None) -> str:
    """A PDB with all hydrogens for ``path``: a PDB with hydrogens as it is; a raw PDB/mmCIF prepared with
    vscreen.prepare_receptor (defaults) into ``workdir`` (default: a new temporary folder)."""
    from ..receptor_cli import preparation_reason
    p = os.fspath(path)
    if not os.path.exists(p):
        raise InputError(f"{p}: receptor file not found")
    if p.lower().endswith(".pdbqt"):
        raise InputError(f"{p}: refinement needs the receptor as a PDB with all hydrogens (a PDBQT has only polar "
                         "ones); pass the PDB (vscreen prepare-receptor --pdb-out writes it)")
    if preparation_reason(p) is None:
        return p
    from ..receptor_prep import prepare_receptor
    d = workdir or tempfile.mkdtemp(prefix="vscreen-refine-")
    stem = os.path.basename(p).split(".")[0] or "receptor"
    res = prepare_receptor(p, os.path.join(d, stem + ".pdbqt"), pdb_out=os.path.join(d, stem + "_H.pdb"))
    return res.pdb_path


def _read_poses(poses) -> List[Tuple[Any, str, str]]:
    """(RDKit Mol or None, id, error) for every input pose, in order."""
    from rdkit import Chem
    out: List[Tuple[Any, str, str]] = []
    if isinstance(poses, (str, os.PathLike)) and os.path.exists(os.fspath(poses)):
        path = os.fspath(poses)
        supplier = Chem.SDMolSupplier(path, removeHs=False, sanitize=True)
        for i, mol in enumerate(supplier):
            if mol is None:
                out.append((None, f"{os.path.basename(path)}:{i + 1}", "RDKit cannot read this SDF record"))
            else:
                out.append((mol, mol.GetProp("_Name") if mol.HasProp("_Name") else "", ""))
        return out
    if isinstance(poses, (str, os.PathLike)):
        if "M  END" not in str(poses):
            raise InputError(f"{poses}: pose file not found")
        poses = [r + "$$$$\n" for r in str(poses).split("$$$$\n") if r.strip()]
    for i, item in enumerate(poses):
        if isinstance(item, str):
            mol = Chem.MolFromMolBlock(item.split("$$$$")[0], removeHs=False)
            name = item.split("\n", 1)[0].strip()
            if mol is None:
                out.append((None, name or f"pose {i + 1}", "RDKit cannot read this molblock"))
                continue
            for line_key, value in _sdf_fields(item).items():
                mol.SetProp(line_key, value)
            out.append((mol, name, ""))
        elif item is None:
            out.append((None, f"pose {i + 1}", "no molecule"))
        else:
            out.append((item, item.GetProp("_Name") if item.HasProp("_Name") else "", ""))
    return out


def _sdf_fields(text: str) -> Dict[str, str]:
    fields: Dict[str, str] = {}
    lines = text.split("\n")
    for k, line in enumerate(lines):
        if line.startswith(">") and "<" in line and k + 1 < len(lines):
            fields[line[line.index("<") + 1:line.rindex(">")]] = lines[k + 1].strip()
    return fields


def _with_hydrogens(mol) -> Tuple[Any, int]:
    from rdkit import Chem
    missing = sum(a.GetTotalNumHs(includeNeighbors=False) for a in mol.GetAtoms())
    if missing == 0:
        return mol, 0
    return Chem.AddHs(mol, addCoords=True), int(missing)


def _score(mol) -> float:
    if mol is not None and mol.HasProp(SCORE_FIELD):
        try:
            return float(mol.GetProp(SCORE_FIELD))
        except ValueError:
            return math.inf
    return math.inf


def refine_poses(receptor: PathLike, poses, *, top: Optional[int] = None, ids: Optional[Sequence[str]] = None,
                 out_sdf: Optional[PathLike] = None, sort_by_score: bool = True, workers: int = 1,
                 workdir: Optional[str] = None, settings: Optional[RefineSettings] = None, **options):
    """Refines poses against a receptor; returns a pandas DataFrame (COLUMNS, one row per kept pose).

    ``receptor``: a PDB with all hydrogens (e.g. vscreen.prepare_receptor's ``pdb_out``); a raw PDB/mmCIF is
    prepared first. ``poses``: an SDF path, SDF text, a list of molblocks or RDKit Mols (hydrogens are added with
    coordinates where missing; the protonation is the input's). ``top``: keep the ``top`` best poses, by the
    ``vscreen_affinity`` SDF field where present (``sort_by_score``), else in input order. ``ids``: row ids (default:
    the molecule names, made unique with ``#k``). ``workers``: processes (0 = one per core on the CPU platform,
    one on a GPU). ``out_sdf``: the refined poses (ok rows), with vscreen_refine_*
    fields. ``options``: RefineSettings fields (pocket_radius, restrain_beyond, restraint_k, gb_model, md_ps,
    platform, threads, seed, tolerance, max_iterations, ligand_strain, deterministic).

    A pose that cannot be read or parameterised, or whose minimisation fails, is a row with status "failed", the
    stage and the error; the others go on. Raises InputError for a bad receptor or option.
    """
    import pandas as pd

    settings = replace(settings or RefineSettings(), **options)
    receptor_pdb = receptor_for_refinement(receptor, workdir)
    items = _read_poses(poses)
    if ids is not None:
        if len(ids) != len(items):
            raise InputError(f"{len(ids)} ids for {len(items)} poses")
        items = [(m, str(i), e) for (m, _, e), i in zip(items, ids)]
    order = list(range(len(items)))
    if sort_by_score:
        order.sort(key=lambda k: _score(items[k][0]))  # stable: input order among equal / missing scores
    if top is not None:
        if top < 1:
            raise InputError(f"top must be at least 1, got {top}")
        order = sorted(order[:top])
    seen: Dict[str, int] = {}
    kept = []
    for k in order:
        mol, name, err = items[k]
        pose_id = name or f"pose {k + 1}"
        if pose_id in seen:
            seen[pose_id] += 1
            pose_id = f"{pose_id}#{seen[pose_id]}"
        else:
            seen[pose_id] = 1
        kept.append((mol, pose_id, name, err))

    rows: List[Dict[str, Any]] = [empty_row(pid, name) for _, pid, name, _ in kept]
    refined: List[Optional[str]] = [None] * len(kept)
    tasks = []
    coords = []
    for k, (mol, pose_id, name, err) in enumerate(kept):
        if mol is None:
            rows[k].update(stage="read", error=err)
            continue
        try:
            mol_h, added = _with_hydrogens(mol)
        except Exception as e:  # RDKit cannot place hydrogens
            rows[k].update(stage="read", error=f"cannot add hydrogens: {e}")
            continue
        if mol_h.GetNumConformers() == 0:
            rows[k].update(stage="read", error="the pose has no coordinates")
            continue
        heavy = [a.GetIdx() for a in mol_h.GetAtoms() if a.GetAtomicNum() > 1]
        coords.append(np.asarray(mol_h.GetConformer().GetPositions())[heavy])
        tasks.append((k, mol_h, pose_id, name, added))

    if tasks:
        model = ReceptorModel.load(receptor_pdb)
        pocket = model.pocket_atoms(coords, settings.pocket_radius)
        if workers <= 0:
            workers = default_workers(settings)
        workers = min(workers, len(tasks))
        if workers <= 1:
            refiner = Refiner(model, pocket, settings)
            for k, mol_h, pose_id, name, added in tasks:
                row, out = refiner.refine(mol_h, pose_id, name, added)
                rows[k] = row
                refined[k] = _molblock(out) if out is not None else None
        else:
            _run_pool(receptor_pdb, pocket, settings, tasks, workers, rows, refined)

    df = pd.DataFrame(rows, columns=list(COLUMNS))
    if out_sdf is not None:  # whole or not at all, as every file of a campaign directory
        atomic_write_text(os.fspath(out_sdf), "".join(text for text in refined if text))
    return df


def default_workers(settings: RefineSettings) -> int:
    """Worker processes for ``workers=0``: one per core on the deterministic (single-threaded) CPU platform, else
    one (a GPU platform or a multithreaded CPU context is parallel inside itself)."""
    from .platforms import select_platform
    platform, _ = select_platform(settings.platform, settings.threads, settings.deterministic)
    if platform.getName() == "CPU" and settings.deterministic:
        return max(1, os.cpu_count() or 1)
    return 1


def _run_pool(receptor_pdb, pocket, settings, tasks, workers, rows, refined) -> None:
    import multiprocessing
    threads = settings.threads or max(1, (os.cpu_count() or 1) // workers)  # used when not deterministic
    sd = settings_dict(replace(settings, threads=threads))
    payload = [(k, _molblock(m), pid, name, added) for k, m, pid, name, added in tasks]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=init_worker, initargs=(receptor_pdb, pocket.tolist(), sd)) as pool:
        for k, row, text in pool.map(refine_in_worker, payload):
            rows[k] = row
            refined[k] = text


def _molblock(mol) -> str:
    from rdkit import Chem
    buf = io.StringIO()
    w = Chem.SDWriter(buf)
    w.SetKekulize(False)
    w.write(mol)
    w.close()
    return buf.getvalue()


def refine_results(df, receptor: PathLike, *, top: int = 100, pose_column: str = "pose", id_column: str = "id",
                   score_column: Optional[str] = "affinity", prefix: str = "refine_",
                   out_sdf: Optional[PathLike] = None,
                   **kwargs):
    """Refines the best ``top`` rows of a results table (lowest ``score_column``; rows without a pose skipped)
    whose ``pose_column`` holds SDF text (the first record is refined). Returns a DataFrame indexed like ``df``
    with the refinement columns prefixed (``refine_dg_mmgbsa``, ...; NaN/None for rows not refined), to
    ``df.join``. ``kwargs`` go to refine_poses."""
    have = df[df[pose_column].fillna("").astype(str).str.contains("M  END")]
    if score_column is not None and score_column in have.columns:
        have = have.sort_values(score_column, kind="stable")
    have = have.head(top)
    texts = [t.split("$$$$")[0] + "$$$$\n" for t in have[pose_column]]
    ids = [str(v) for v in have[id_column]] if id_column in have.columns else None
    res = refine_poses(receptor, texts, ids=ids, out_sdf=out_sdf, sort_by_score=False, **kwargs)
    res.index = have.index
    res = res.drop(columns=["id"]).add_prefix(prefix)
    return res.reindex(df.index)
