# One pose through the refinement: parameterise, build the complex, minimise, MM-GBSA, optional MD; one result row.
"""The per-process refinement state (receptor model, pocket, receptor context, platform) and the work on one
pose. A pose that fails (MMFF94 cannot type it, the minimisation diverges, ...) becomes a row with
``status="failed"``, the ``stage`` and the ``error``; it never stops the batch."""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np

from .._vscreen import VscreenError
from .complex_builder import (ENERGY_GROUPS, LigandModel, Pocket, ReceptorModel, build_complex, ligand_system)
from .md import run_md
from .minimise import DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, energy, minimise
from .mmff_openmm import LigandParameterError
from .mmgbsa import mmgbsa
from .platforms import make_context, select_platform

#: Result columns, in order.
COLUMNS = ("id", "name", "status", "stage", "error", "atoms", "hydrogens_added", "e_complex", "e_receptor",
           "e_ligand", "dg_mmgbsa", "dg_coulomb", "dg_vdw", "dg_gb", "ligand_strain", "rmsd_minimised",
           "md_rmsd_final", "md_rmsd_mean", "md_stays", "platform", "seconds", "cpu_seconds")


@dataclass
class RefineSettings:
    """Settings of a refinement run (picklable; they travel to worker processes)."""
    pocket_radius: Optional[float] = 10.0   # A; residues within it of any pose are simulated; None = all
    restrain_beyond: float = 6.0            # A; pocket heavy atoms farther than this from the ligand are restrained
    restraint_k: float = 10.0               # kcal/mol/A^2
    gb_model: str = "OBC2"                  # or "GBn2"
    tolerance: float = DEFAULT_TOLERANCE    # kJ/mol/nm
    max_iterations: int = DEFAULT_MAX_ITERATIONS
    md_ps: float = 0.0                      # 0 = no MD
    md_report_ps: float = 0.5
    seed: int = 0
    platform: Optional[str] = None          # None = CUDA, else CPU, else Reference
    threads: int = 0                        # CPU platform threads (0 = OpenMM's default)
    ligand_strain: bool = True              # minimise the ligand alone too and report its strain
    deterministic: bool = True              # OpenMM DeterministicForces: same input, same energies


def empty_row(pose_id: str, name: str = "") -> Dict[str, Any]:
    row: Dict[str, Any] = {c: math.nan for c in COLUMNS}
    row.update(id=pose_id, name=name, status="failed", stage="", error="", md_stays=None, platform="")
    return row


class Refiner:
    """Refines poses against one receptor pocket; one per process (its receptor context is reused)."""

    def __init__(self, receptor: ReceptorModel, pocket_atoms: np.ndarray, settings: RefineSettings):
        self.settings = settings
        self.pocket = Pocket(receptor, np.asarray(pocket_atoms, dtype=int), settings.gb_model)
        self.platform, self.properties = select_platform(settings.platform, settings.threads, settings.deterministic)
        self.platform_name = self.platform.getName()
        self._receptor_ctx = None

    @property
    def receptor_context(self):
        if self._receptor_ctx is None:
            self._receptor_ctx = make_context(self.pocket.receptor_system(), self.platform, self.properties)
        return self._receptor_ctx

    def refine(self, mol, pose_id: str, name: str = "", hydrogens_added: int = 0) -> Tuple[Dict[str, Any], Any]:
        """(row, refined RDKit Mol or None) for one pose (a Mol with explicit hydrogens and the pose)."""
        import openmm
        s = self.settings
        t0, c0 = time.perf_counter(), time.process_time()
        row = empty_row(pose_id, name)
        row.update(platform=self.platform_name, hydrogens_added=hydrogens_added)
        stage = "parameterise"
        try:
            ligand = LigandModel.from_mol(mol, name)
            row["atoms"] = mol.GetNumAtoms()
            stage = "build"
            cx = build_complex(self.pocket, ligand, s.restrain_beyond, s.restraint_k)
            ctx = make_context(cx.system, self.platform, self.properties)
            lig_ctx = make_context(ligand_system(ligand, s.gb_model), self.platform, self.properties)
            stage = "minimise"
            pos = minimise(ctx, cx.positions, s.tolerance, s.max_iterations)
            stage = "mmgbsa"
            est = mmgbsa(self.pocket, cx, ctx, self.receptor_context, lig_ctx, pos)
            heavy = ligand.heavy
            d = (pos[cx.n_receptor:] - cx.positions[cx.n_receptor:])[heavy]
            row.update(e_complex=est.e_complex, e_receptor=est.e_receptor, e_ligand=est.e_ligand, dg_mmgbsa=est.dg,
                       dg_coulomb=est.coulomb, dg_vdw=est.vdw, dg_gb=est.gb,
                       rmsd_minimised=float(np.sqrt((d * d).sum(-1).mean()) * 10.0))
            if s.ligand_strain:
                stage = "ligand strain"
                relaxed = minimise(lig_ctx, pos[cx.n_receptor:], s.tolerance, s.max_iterations)
                lig_ctx.setPositions(relaxed)
                row["ligand_strain"] = est.e_ligand - energy(lig_ctx, ENERGY_GROUPS)
            if s.md_ps > 0:
                stage = "md"
                md = run_md(cx.system, pos, cx.n_receptor + np.nonzero(heavy)[0], self.platform, self.properties,
                            ps=s.md_ps, report_ps=s.md_report_ps, seed=s.seed)
                row.update(md_rmsd_final=md.final_rmsd, md_rmsd_mean=md.mean_rmsd_second_half, md_stays=md.stays)
            if not all(math.isfinite(row[k]) for k in ("e_complex", "e_receptor", "e_ligand", "dg_mmgbsa")):
                raise VscreenError("non-finite energy")
            row.update(status="ok", stage="")
            out = _with_coordinates(mol, pos[cx.n_receptor:] * 10.0, row)
        except (LigandParameterError, VscreenError, ValueError, RuntimeError, ArithmeticError,
                openmm.OpenMMException) as e:
            row.update(status="failed", stage=stage, error=str(e) or type(e).__name__)
            out = None
        row["seconds"] = time.perf_counter() - t0  # wall time of this pose
        row["cpu_seconds"] = time.process_time() - c0  # CPU time of this process (all its OpenMM threads)
        return row, out


def _with_coordinates(mol, xyz_angstrom: np.ndarray, row: Dict[str, Any]):
    from rdkit import Chem
    from rdkit.Geometry import Point3D
    out = Chem.Mol(mol)
    conf = out.GetConformer()
    for i, (x, y, z) in enumerate(xyz_angstrom):
        conf.SetAtomPosition(i, Point3D(float(x), float(y), float(z)))
    for key in ("dg_mmgbsa", "dg_coulomb", "dg_vdw", "dg_gb", "ligand_strain", "rmsd_minimised", "md_rmsd_mean"):
        v = row.get(key)
        if v is not None and isinstance(v, float) and math.isfinite(v):
            out.SetProp(f"vscreen_refine_{key}", f"{v:.3f}")
    if row.get("md_stays") is not None:
        out.SetProp("vscreen_refine_md_stays", str(bool(row["md_stays"])).lower())
    return out


# Per-process state of pool workers (set by init_worker).
_WORKER: Optional[Refiner] = None


def init_worker(receptor_path: str, pocket_atoms, settings_dict: Dict[str, Any]) -> None:
    """Process-pool initialiser: loads the receptor and makes this process's Refiner."""
    global _WORKER
    _WORKER = Refiner(ReceptorModel.load(receptor_path), np.asarray(pocket_atoms), RefineSettings(**settings_dict))


def refine_in_worker(task: Tuple[int, str, str, str, int]):
    """Pool task: (index, molblock, id, name, hydrogens added) -> (index, row, refined molblock or None)."""
    from rdkit import Chem
    index, molblock, pose_id, name, added = task
    assert _WORKER is not None, "init_worker was not called"
    mol = Chem.MolFromMolBlock(molblock, removeHs=False)
    row, out = _WORKER.refine(mol, pose_id, name, added)
    return index, row, (_molblock_with_props(out) if out is not None else None)


def _molblock_with_props(mol) -> str:
    from rdkit import Chem
    import io
    buf = io.StringIO()
    w = Chem.SDWriter(buf)
    w.write(mol)
    w.close()
    return buf.getvalue()


def settings_dict(settings: RefineSettings) -> Dict[str, Any]:
    return asdict(settings)
