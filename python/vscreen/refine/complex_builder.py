# Receptor (Amber ff14SB) + ligand (MMFF94) -> OpenMM systems of the complex, the receptor and the ligand, with GB.
"""Builds the three OpenMM systems of an MM-GBSA estimate from a receptor PDB with hydrogens and a ligand pose.

* Receptor: OpenMM's bundled ``amber14-all.xml`` (ff14SB; ``amber14/tip3p.xml`` for kept waters and ions), no
  cutoff, no constraints. Only the *pocket* is simulated: whole residues with an atom within ``pocket_radius`` of
  a ligand heavy atom of any pose of the batch (one region for all poses of a target, so their energies compare).
  The pocket system is the ff14SB system of the whole receptor with the other atoms taken out: every bonded term
  among kept atoms and every kept atom's charge and Lennard-Jones parameters are the full receptor's; the bonded
  terms that crossed the cut are dropped (whole residues are kept, so each residue keeps its integer charge).
* Ligand: MMFF94 from RDKit (mmff_openmm), exact for the ligand's internal energy.
* Protein-ligand cross terms (a documented approximation, not part of either force field): Coulomb between
  ff14SB charges and MMFF94 partial charges (dielectric 1, no buffer), and Lennard-Jones 12-6 with ligand
  parameters from MMFF94's own R*_ii and epsilon_ii (sigma = R*/2^(1/6), so the minimum sits at R* with depth
  epsilon), Lorentz-Berthelot mixing with ff14SB's, all in one NonbondedForce; ligand-ligand pairs are excluded
  there (the ligand's own nonbonded terms are MMFF94's).
* Implicit solvent: OBC2 (OpenMM's GBSAOBCForce, Amber igb=5) or GBn2 (igb=8), solute dielectric 1, solvent
  78.5, ACE surface term; radii and screening factors are those OpenMM's implicit/*.xml assign by element and
  bonding (mbondi2 for OBC2, mbondi3 for GBn2), for ligand atoms from the ligand's own elements and bonds.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence

import numpy as np

from .._vscreen import InputError
from .mmff_openmm import KCAL, TERM_NAMES, LigandParameterError, MMFFTerms, add_mmff_forces, mmff_terms

#: Force-field files of the receptor (OpenMM's bundled Amber ff14SB; TIP3P/ion parameters for kept waters, ions).
AMBER_FILES = ("amber14-all.xml", "amber14/tip3p.xml")
#: Force groups: receptor bonded terms, the NonbondedForce (receptor and receptor-ligand), GB, restraints, and the
#: ligand's MMFF94 terms from MMFF_GROUP0 on (TERM_NAMES order).
GROUP_BONDED, GROUP_NONBONDED, GROUP_GB, GROUP_RESTRAINT, MMFF_GROUP0 = 0, 1, 2, 3, 4
MMFF_GROUPS = {name: MMFF_GROUP0 + i for i, name in enumerate(TERM_NAMES)}
#: Groups whose sum is the reported energy (everything but the restraints).
ENERGY_GROUPS = frozenset({GROUP_BONDED, GROUP_NONBONDED, GROUP_GB, *MMFF_GROUPS.values()})
GB_MODELS = ("OBC2", "GBn2")
#: Coulomb constant, kJ mol^-1 nm e^-2 (OpenMM's ONE_4PI_EPS0).
COULOMB = 138.935456


@dataclass
class ReceptorModel:
    """A receptor PDB with hydrogens parameterised with Amber ff14SB (the whole receptor, built once)."""
    path: str
    topology: object
    positions: np.ndarray          # (n, 3) nm
    system: object                 # openmm.System of the whole receptor
    heavy: np.ndarray              # bool (n,)
    residue_of: np.ndarray         # residue index of each atom
    charges: np.ndarray            # e
    sigma: np.ndarray              # nm
    epsilon: np.ndarray            # kJ/mol
    gb_params: Dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str) -> "ReceptorModel":
        """Reads and parameterises ``path``; raises InputError when it has no hydrogens or a residue that Amber
        ff14SB has no template for (hetero groups: prepare the receptor without them)."""
        import openmm
        import openmm.app as app

        if not os.path.exists(path):
            raise InputError(f"{path}: receptor file not found")
        if os.path.splitext(path)[1].lower() not in (".pdb", ".ent"):
            raise InputError(f"{path}: refinement needs the receptor as a PDB file with all hydrogens (e.g. the "
                             "pdb_out of vscreen.prepare_receptor), not a PDBQT")
        try:
            pdb = app.PDBFile(path)
        except Exception as e:
            raise InputError(f"{path}: cannot read the PDB file: {e}") from None
        top = pdb.topology
        if not any(a.element is not None and a.element.symbol == "H" for a in top.atoms()):
            raise InputError(f"{path}: the receptor has no hydrogens; prepare it first (vscreen.prepare_receptor)")
        ff = app.ForceField(*AMBER_FILES)
        try:
            system = ff.createSystem(top, nonbondedMethod=app.NoCutoff, constraints=None, rigidWater=False)
        except ValueError as e:
            raise InputError(f"{path}: Amber ff14SB cannot parameterise the receptor ({str(e).splitlines()[0]}); "
                             "prepare it with vscreen.prepare_receptor and leave hetero groups out") from None
        nb = next(f for f in system.getForces() if isinstance(f, openmm.NonbondedForce))
        n = top.getNumAtoms()
        q, s, e = np.zeros(n), np.zeros(n), np.zeros(n)
        for i in range(n):
            qi, si, ei = nb.getParticleParameters(i)
            q[i] = qi.value_in_unit(openmm.unit.elementary_charge)
            s[i] = si.value_in_unit(openmm.unit.nanometer)
            e[i] = ei.value_in_unit(openmm.unit.kilojoule_per_mole)
        atoms = list(top.atoms())
        heavy = np.array([a.element is not None and a.element.symbol != "H" for a in atoms])
        pos = np.array(pdb.positions.value_in_unit(openmm.unit.nanometer), dtype=float)
        return cls(path, top, pos, system, heavy, np.array([a.residue.index for a in atoms]), q, s, e)

    def save_system(self, xml_path: str) -> None:
        """Writes the whole receptor's ff14SB System as OpenMM XML (XmlSerializer): with the PDB it came from, the
        receptor input of the C++ refinement (vscreen::ReceptorModel::load), which cannot run OpenMM's Python
        force-field machinery itself."""
        import openmm
        from ..campaign.store import atomic_write_text
        atomic_write_text(os.fspath(xml_path), openmm.XmlSerializer.serialize(self.system))

    def gb_parameters(self, model: str) -> np.ndarray:
        if model not in self.gb_params:
            self.gb_params[model] = np.asarray(_standard_gb_parameters(self.topology, model), dtype=float)
        return self.gb_params[model]

    def pocket_atoms(self, ligand_coords: Sequence[np.ndarray], radius: Optional[float]) -> np.ndarray:
        """Indices (sorted) of the atoms of every residue with an atom within ``radius`` A of any of the given
        ligand heavy-atom coordinates (A, arrays (m, 3)); all atoms for radius None."""
        if radius is None or radius <= 0:
            return np.arange(len(self.heavy))
        pts = np.concatenate([np.asarray(c, dtype=float).reshape(-1, 3) for c in ligand_coords]) / 10.0
        near = np.zeros(len(self.heavy), dtype=bool)
        r2 = (radius / 10.0) ** 2
        for chunk in np.array_split(np.arange(len(self.heavy)), max(1, len(self.heavy) // 2000)):
            d2 = ((self.positions[chunk, None, :] - pts[None, :, :]) ** 2).sum(-1)
            near[chunk] = (d2 <= r2).any(axis=1)
        keep_res = np.unique(self.residue_of[near])
        return np.nonzero(np.isin(self.residue_of, keep_res))[0]


@dataclass
class LigandModel:
    """A ligand pose with all hydrogens and its MMFF94 parameters."""
    mol: object                    # RDKit Mol with explicit H and the pose as its conformer
    terms: MMFFTerms
    topology: object               # openmm.app.Topology (one residue LIG), for GB radii
    name: str = ""

    @classmethod
    def from_mol(cls, mol, name: str = "") -> "LigandModel":
        """Raises LigandParameterError when MMFF94 cannot type or parameterise the molecule."""
        if mol is None:
            raise LigandParameterError("no molecule")
        if mol.GetNumConformers() == 0 or not mol.GetConformer().Is3D():
            raise LigandParameterError("the pose has no 3D coordinates")
        return cls(mol, mmff_terms(mol), _ligand_topology(mol), name)

    @property
    def positions(self) -> np.ndarray:
        """(n, 3) nm."""
        return np.asarray(self.mol.GetConformer().GetPositions(), dtype=float) / 10.0

    @property
    def heavy(self) -> np.ndarray:
        return np.array([a.GetAtomicNum() > 1 for a in self.mol.GetAtoms()])


def _ligand_topology(mol):
    import openmm.app as app
    top = app.Topology()
    res = top.addResidue("LIG", top.addChain("L"))
    atoms = [top.addAtom(f"{a.GetSymbol()}{a.GetIdx() + 1}", app.Element.getByAtomicNumber(a.GetAtomicNum()), res)
             for a in mol.GetAtoms()]
    for b in mol.GetBonds():
        top.addBond(atoms[b.GetBeginAtomIdx()], atoms[b.GetEndAtomIdx()])
    return top


def _standard_gb_parameters(topology, model: str):
    from openmm.app.internal.customgbforces import GBSAGBn2Force, GBSAOBC2Force
    if model == "OBC2":
        return GBSAOBC2Force.getStandardParameters(topology)
    if model == "GBn2":
        return GBSAGBn2Force.getStandardParameters(topology)
    raise InputError(f"unknown GB model '{model}'; expected one of {', '.join(GB_MODELS)}")


def gb_force(model: str, charges: np.ndarray, params: np.ndarray):
    """The implicit-solvent force for particles with these charges (e) and standard parameters."""
    import openmm
    if model == "OBC2":
        f = openmm.GBSAOBCForce()
        f.setNonbondedMethod(openmm.GBSAOBCForce.NoCutoff)
        f.setSoluteDielectric(1.0)
        f.setSolventDielectric(78.5)
        for q, p in zip(charges, params):
            f.addParticle(float(q), float(p[0]), float(p[1]))
    else:
        from openmm.app.internal.customgbforces import GBSAGBn2Force
        f = GBSAGBn2Force(solventDielectric=78.5, soluteDielectric=1.0, SA="ACE")
        for q, p in zip(charges, params):
            f.addParticle([float(q), *map(float, p)])
        f.finalize()
        f.setNonbondedMethod(openmm.CustomGBForce.NoCutoff)
    f.setName(f"GB {model}")
    f.setForceGroup(GROUP_GB)
    return f


def _subset_forces(source, keep: np.ndarray, target) -> object:
    """Copies the Amber receptor terms among ``keep`` (sorted indices of ``source``) into ``target`` (whose first
    len(keep) particles are those atoms); returns target's NonbondedForce."""
    import openmm

    new = -np.ones(source.getNumParticles(), dtype=int)
    new[keep] = np.arange(len(keep))
    bonded = {openmm.HarmonicBondForce: ("getNumBonds", "getBondParameters", "addBond", 2),
              openmm.HarmonicAngleForce: ("getNumAngles", "getAngleParameters", "addAngle", 3),
              openmm.PeriodicTorsionForce: ("getNumTorsions", "getTorsionParameters", "addTorsion", 4)}
    nb_out = None
    for f in source.getForces():
        kind = type(f)
        if kind in bonded:
            count, get, add, natoms = bonded[kind]
            out = kind()
            for t in range(getattr(f, count)()):
                p = getattr(f, get)(t)
                idx = [new[i] for i in p[:natoms]]
                if min(idx) >= 0:
                    getattr(out, add)(*idx, *p[natoms:])
            out.setForceGroup(GROUP_BONDED)
            target.addForce(out)
        elif kind is openmm.NonbondedForce:
            out = openmm.NonbondedForce()
            out.setNonbondedMethod(openmm.NonbondedForce.NoCutoff)
            for i in keep:
                out.addParticle(*f.getParticleParameters(int(i)))
            for t in range(f.getNumExceptions()):
                i, j, qq, sig, eps = f.getExceptionParameters(t)
                if new[i] >= 0 and new[j] >= 0:
                    out.addException(int(new[i]), int(new[j]), qq, sig, eps)
            out.setForceGroup(GROUP_NONBONDED)
            target.addForce(out)
            nb_out = out
        elif kind is openmm.CMMotionRemover:
            continue
        else:
            raise InputError(f"receptor system has a {kind.__name__}, which the pocket builder does not copy")
    return nb_out


@dataclass
class Pocket:
    """The simulated part of a receptor: its atoms (indices into the receptor) and their Amber terms."""
    receptor: ReceptorModel
    atoms: np.ndarray
    gb_model: str = "OBC2"

    @property
    def positions(self) -> np.ndarray:
        return self.receptor.positions[self.atoms]

    def _base_system(self):
        import openmm
        system = openmm.System()
        for i in self.atoms:
            system.addParticle(self.receptor.system.getParticleMass(int(i)))
        nb = _subset_forces(self.receptor.system, self.atoms, system)
        return system, nb

    def receptor_system(self):
        """The pocket alone with GB (the E_receptor system)."""
        system, _ = self._base_system()
        system.addForce(gb_force(self.gb_model, self.receptor.charges[self.atoms],
                                 self.receptor.gb_parameters(self.gb_model)[self.atoms]))
        return system


def ligand_system(ligand: LigandModel, gb_model: str):
    """The ligand alone: MMFF94 + GB (the E_ligand system)."""
    import openmm
    system = openmm.System()
    for a in ligand.mol.GetAtoms():
        system.addParticle(a.GetMass())
    add_mmff_forces(system, ligand.terms, 0, MMFF_GROUPS)
    system.addForce(gb_force(gb_model, ligand.terms.charges,
                             np.asarray(_standard_gb_parameters(ligand.topology, gb_model), dtype=float)))
    return system


@dataclass
class ComplexSystem:
    """The complex: pocket atoms first (0 .. n_receptor-1), then the ligand's atoms in RDKit order."""
    system: object
    positions: np.ndarray          # (n, 3) nm
    n_receptor: int
    restrained: np.ndarray         # indices (into the complex) of restrained pocket atoms
    ligand_charges: np.ndarray
    ligand_sigma: np.ndarray
    ligand_epsilon: np.ndarray


def build_complex(pocket: Pocket, ligand: LigandModel, restrain_beyond: float = 6.0,
                  restraint_k: float = 10.0) -> ComplexSystem:
    """The complex system. Pocket heavy atoms farther than ``restrain_beyond`` A from every ligand heavy atom are
    held by harmonic restraints of ``restraint_k`` kcal/mol/A^2 to their start (group GROUP_RESTRAINT, left out of
    reported energies); pocket hydrogens and the heavy atoms near the ligand move freely."""
    import openmm

    system, nb = pocket._base_system()
    n_rec = len(pocket.atoms)
    lig_pos = ligand.positions
    n_lig = len(lig_pos)
    q = ligand.terms.charges
    sigma, eps = ligand.terms.lennard_jones()
    for k, atom in enumerate(ligand.mol.GetAtoms()):
        system.addParticle(atom.GetMass())
        nb.addParticle(float(q[k]), float(sigma[k]), float(eps[k]))
    for a in range(n_lig):
        for b in range(a + 1, n_lig):
            nb.addException(n_rec + a, n_rec + b, 0.0, 1.0, 0.0)
    add_mmff_forces(system, ligand.terms, n_rec, MMFF_GROUPS)
    rec_gb = pocket.receptor.gb_parameters(pocket.gb_model)[pocket.atoms]
    lig_gb = np.asarray(_standard_gb_parameters(ligand.topology, pocket.gb_model), dtype=float)
    system.addForce(gb_force(pocket.gb_model, np.concatenate([pocket.receptor.charges[pocket.atoms], q]),
                             np.concatenate([rec_gb, lig_gb])))

    rec_pos = pocket.positions
    heavy_lig = lig_pos[ligand.heavy]
    d2 = ((rec_pos[:, None, :] - heavy_lig[None, :, :]) ** 2).sum(-1).min(axis=1)
    far = (d2 > (restrain_beyond / 10.0) ** 2) & pocket.receptor.heavy[pocket.atoms]
    restrained = np.nonzero(far)[0]
    if len(restrained) and restraint_k > 0:
        f = openmm.CustomExternalForce("0.5*k*((x-x0)^2 + (y-y0)^2 + (z-z0)^2)")
        f.addGlobalParameter("k", restraint_k * KCAL * 100.0)  # kcal/mol/A^2 -> kJ/mol/nm^2
        for p in ("x0", "y0", "z0"):
            f.addPerParticleParameter(p)
        for i in restrained:
            f.addParticle(int(i), [float(v) for v in rec_pos[i]])
        f.setForceGroup(GROUP_RESTRAINT)
        f.setName("pocket restraints")
        system.addForce(f)
    return ComplexSystem(system, np.concatenate([rec_pos, lig_pos]), n_rec, restrained, q, sigma, eps)
