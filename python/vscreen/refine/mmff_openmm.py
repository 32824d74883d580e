# MMFF94 from RDKit's own parameters, translated term by term into OpenMM forces (exact functional forms).
"""RDKit MMFF94 -> OpenMM.

RDKit types the molecule and supplies every parameter (``MMFFGetMoleculeProperties`` and its ``GetMMFF*Params``
methods); this module only enumerates the terms the way RDKit's force-field builder does
(``Code/GraphMol/ForceFieldHelpers/MMFF/Builder.cpp``) and writes MMFF94's functional forms
(``Code/ForceField/MMFF/*.cpp``) as OpenMM custom forces. Nothing is fitted or invented, so the energy of the
OpenMM system equals ``MMFFGetMoleculeForceField(mol, props).CalcEnergy()`` for the same coordinates (tested to
1e-3 relative, in practice ~1e-9 on the Reference platform).

Terms (kcal/mol and A inside the expressions; OpenMM sees kJ/mol and nm):

* bond stretch  0.5*143.9325*kb*dr^2*(1 + cs*dr + 7/12*cs^2*dr^2), cs = -2 A^-1;
* angle bend    0.5*143.9325*(pi/180)^2*ka*dt^2*(1 + cb*dt), cb = -0.006981317 deg^-1 (dt in degrees); for a
  linear central atom (MMFFPROP ``lin`` = 1: types 4, 53, 61) 143.9325*ka*(1 + cos(theta));
* stretch-bend  143.9325*(pi/180)*(kbaIJK*dr_ij + kbaKJI*dr_kj)*dt, not for linear central atoms;
* out-of-plane  0.5*143.9325*(pi/180)^2*koop*chi^2 with chi the Wilson angle, three terms per trivalent centre;
* torsion       0.5*(V1*(1 + cos phi) + V2*(1 - cos 2phi) + V3*(1 + cos 3phi)) (a PeriodicTorsionForce);
* van der Waals buffered 14-7 with RDKit's per-pair R*_ij and epsilon_ij (MMFF combination rules, donor-acceptor
  scaling included), every pair three or more bonds apart;
* electrostatics 332.0716*qi*qj/(D*(r + 0.05)), D = 1, pairs exactly three bonds apart scaled by 0.75, no cutoff.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .._vscreen import InputError

#: kJ per kcal.
KCAL = 4.184
#: MMFF's unit constant (md/A -> kcal/mol/A^2).
MDYNE_A_TO_KCAL_MOL = 143.9325
#: MMFF94 atom types whose ``lin`` flag is set in MMFFPROP.PAR (angle bends around them use the linear form and
#: they carry no stretch-bend): 4 (CSP, C of a triple bond or allene), 53 (=N= of azides), 61 (isonitrile N).
LINEAR_MMFF_TYPES = frozenset({4, 53, 61})
#: Elements MMFF94 can type (organic elements and the ions of MMFFPROP.PAR).
MMFF_ELEMENTS = frozenset({"H", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Br", "I", "Li", "Na", "K", "Mg", "Ca",
                           "Fe", "Cu", "Zn"})
#: Names of the term groups, in the order of ``MMFFTerms.group_of`` defaults.
TERM_NAMES = ("bond", "angle", "stretch_bend", "oop", "torsion", "vdw", "ele")

_PI = "3.141592653589793"
_BOND_EXPR = (f"{KCAL}*0.5*{MDYNE_A_TO_KCAL_MOL}*kb*dr^2*(1 + cs*dr + (7/12)*cs^2*dr^2);"
              "dr = 10*r - r0; cs = -2.0")
_ANGLE_EXPR = (f"{KCAL}*(lin*{MDYNE_A_TO_KCAL_MOL}*ka*(1 + cos(theta))"
               f" + (1 - lin)*0.5*{MDYNE_A_TO_KCAL_MOL}*(pi/180)^2*ka*dt^2*(1 + cb*dt));"
               f"dt = theta*180/pi - theta0; cb = -0.006981317; pi = {_PI}")
_STBN_EXPR = (f"{KCAL}*{MDYNE_A_TO_KCAL_MOL}*(pi/180)*(kijk*(10*distance(p1,p2) - r1)"
              f" + kkji*(10*distance(p2,p3) - r2))*(angle(p1,p2,p3)*180/pi - theta0); pi = {_PI}")
# Wilson angle of l (p4) out of the plane of i-j-k (p1-p2-p3), j the centre: sin chi = n.(l - j)/|l - j| with
# n = (i - j) x (k - j) / |...|, as RDKit's calcOopChi.
_OOP_EXPR = (f"{KCAL}*0.5*{MDYNE_A_TO_KCAL_MOL}*(pi/180)^2*koop*chi^2;"
             f"chi = asin(min(1, max(-1, s)))*180/pi;"
             "s = (nx*cx + ny*cy + nz*cz)/sqrt((nx^2 + ny^2 + nz^2)*(cx^2 + cy^2 + cz^2));"
             "nx = ay*bz - az*by; ny = az*bx - ax*bz; nz = ax*by - ay*bx;"
             "ax = x1 - x2; ay = y1 - y2; az = z1 - z2;"
             "bx = x3 - x2; by = y3 - y2; bz = z3 - z2;"
             "cx = x4 - x2; cy = y4 - y2; cz = z4 - z2;"
             f"pi = {_PI}")
_VDW_EXPR = (f"{KCAL}*eps*(1.07*rs/(d + 0.07*rs))^7*(1.12*rs^7/(d^7 + 0.12*rs^7) - 2); d = 10*r")
_ELE_EXPR = f"{KCAL}*332.0716*qq/(10*r + 0.05)"


class LigandParameterError(InputError):
    """A ligand MMFF94 cannot parameterise (atom typing failed, or a term has no parameters).

    A subclass of vscreen.InputError; the refinement records its message as the pose's failure reason."""


@dataclass
class MMFFTerms:
    """Every MMFF94 term of one molecule, with RDKit's parameters (MMFF units: kcal/mol, A, degrees)."""
    num_atoms: int
    atom_types: List[int]
    charges: np.ndarray                                          # MMFF partial charges (e)
    vdw_self: np.ndarray                                         # (n, 2): R*_ii (A), epsilon_ii (kcal/mol)
    bonds: List[Tuple[int, int, float, float]] = field(default_factory=list)            # i, j, kb, r0
    angles: List[Tuple[int, int, int, float, float, bool]] = field(default_factory=list)  # i, j, k, ka, theta0, lin
    stretch_bends: List[Tuple[int, int, int, float, float, float, float, float]] = field(default_factory=list)
    # i, j, k, kbaIJK, kbaKJI, r0_ij, r0_kj, theta0
    oops: List[Tuple[int, int, int, int, float]] = field(default_factory=list)          # i, j (centre), k, l, koop
    torsions: List[Tuple[int, int, int, int, float, float, float]] = field(default_factory=list)  # i,j,k,l,V1,V2,V3
    vdw_pairs: List[Tuple[int, int, float, float]] = field(default_factory=list)        # i, j, R*_ij, eps_ij
    ele_pairs: List[Tuple[int, int, float]] = field(default_factory=list)               # i, j, qi*qj*(0.75 if 1-4)
    skipped: List[str] = field(default_factory=list)    # terms without parameters, left out as RDKit leaves them out

    @property
    def formal_charge(self) -> float:
        return float(np.round(self.charges.sum(), 6))

    def lennard_jones(self) -> Tuple[np.ndarray, np.ndarray]:
        """Per-atom Lennard-Jones sigma (nm) and epsilon (kJ/mol) for the cross terms with another force field:
        the 12-6 potential whose minimum sits at MMFF's R*_ii with MMFF's depth epsilon_ii."""
        sigma = self.vdw_self[:, 0] / 10.0 / 2.0 ** (1.0 / 6.0)
        eps = self.vdw_self[:, 1] * KCAL
        return sigma, eps


def _mmff_properties(mol, variant: str):
    from rdkit.Chem import AllChem
    from rdkit import rdBase
    bad = sorted({a.GetSymbol() for a in mol.GetAtoms() if a.GetSymbol() not in MMFF_ELEMENTS})
    if bad:
        raise LigandParameterError(f"MMFF94 has no atom types for element(s) {', '.join(bad)}")
    with rdBase.BlockLogs():  # RDKit logs the untyped atoms; the reason is raised instead (state restored after)
        props = AllChem.MMFFGetMoleculeProperties(mol, mmffVariant=variant)
    if props is None:
        raise LigandParameterError(f"{variant} atom typing failed (an atom in an environment {variant} does not "
                                   "cover, e.g. hypervalent or unusual bonding)")
    return props


def mmff_properties(mol, variant: str = "MMFF94"):
    """RDKit's MMFFMolProperties of ``mol`` (explicit hydrogens), or LigandParameterError with the reason."""
    return _mmff_properties(mol, variant)


def mmff_terms(mol, variant: str = "MMFF94", require_all: bool = True) -> MMFFTerms:
    """Enumerates the MMFF94 terms of ``mol`` (all hydrogens explicit) as RDKit's builder does.

    A term for which RDKit's getter finds no parameters is left out, as RDKit's builder leaves it out (RDKit does
    this for some torsions and ring stretch-bends that MMFF94 gives no term). ``require_all``: the molecule must
    also pass RDKit's ``MMFFHasAllMoleculeParams``. Raises LigandParameterError with the reason when the molecule
    cannot be typed or parameterised.
    """
    from rdkit import Chem

    if any(a.GetTotalNumHs(includeNeighbors=False) for a in mol.GetAtoms()):
        raise LigandParameterError("the molecule has implicit hydrogens; add them (Chem.AddHs(mol, addCoords=True))")
    from rdkit.Chem import AllChem

    props = _mmff_properties(mol, variant)
    if require_all and not AllChem.MMFFHasAllMoleculeParams(mol):
        raise LigandParameterError(f"{variant} has no parameters for some bond, angle or torsion of the molecule")
    n = mol.GetNumAtoms()
    missing: List[str] = []  # terms RDKit's builder leaves out too (kept for inspection)
    atom_types = [props.GetMMFFAtomType(i) for i in range(n)]
    charges = np.array([props.GetMMFFPartialCharge(i) for i in range(n)], dtype=float)
    vdw_self = np.zeros((n, 2))
    for i in range(n):
        p = props.GetMMFFVdWParams(i, i)
        if p is None:
            raise LigandParameterError(f"{variant} has no van der Waals parameters for atom {i + 1} "
                                       f"(type {atom_types[i]})")
        vdw_self[i] = (p[2], p[3])
    terms = MMFFTerms(n, atom_types, charges, vdw_self)

    def name(*idx):
        return "-".join(f"{mol.GetAtomWithIdx(i).GetSymbol()}{i + 1}" for i in idx)

    bond_params: Dict[Tuple[int, int], Tuple[float, float]] = {}
    for b in mol.GetBonds():
        i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        p = props.GetMMFFBondStretchParams(mol, i, j)
        if p is None:
            missing.append(f"bond {name(i, j)}")
            continue
        terms.bonds.append((i, j, p[1], p[2]))
        bond_params[(i, j)] = bond_params[(j, i)] = (p[1], p[2])

    for j in range(n):
        atom = mol.GetAtomWithIdx(j)
        if atom.GetDegree() == 1:
            continue
        nbrs = [a.GetIdx() for a in atom.GetNeighbors()]
        linear = atom_types[j] in LINEAR_MMFF_TYPES
        for a in range(len(nbrs)):
            for c in range(a + 1, len(nbrs)):
                i, k = nbrs[a], nbrs[c]
                p = props.GetMMFFAngleBendParams(mol, i, j, k)
                if p is None:
                    missing.append(f"angle {name(i, j, k)}")
                    continue
                terms.angles.append((i, j, k, p[1], p[2], linear))
                if linear:
                    continue
                s = props.GetMMFFStretchBendParams(mol, i, j, k)
                if s is None:
                    missing.append(f"stretch-bend {name(i, j, k)}")
                    continue
                if (i, j) not in bond_params or (j, k) not in bond_params:
                    continue  # the bond was reported missing
                terms.stretch_bends.append((i, j, k, s[1], s[2], bond_params[(i, j)][1], bond_params[(j, k)][1],
                                            p[2]))

    for j in range(n):
        atom = mol.GetAtomWithIdx(j)
        if atom.GetDegree() != 3:
            continue
        n0, n1, n2 = [a.GetIdx() for a in atom.GetNeighbors()]
        koop = props.GetMMFFOopBendParams(mol, n0, j, n1, n2)
        if koop is None:
            missing.append(f"out-of-plane {name(n0, j, n1, n2)}")
            continue
        for i, k, l in ((n0, n1, n2), (n0, n2, n1), (n1, n2, n0)):
            terms.oops.append((i, j, k, l, float(koop)))

    torsion_bond = Chem.MolFromSmarts("[!$(*#*)&!D1]~[!$(*#*)&!D1]")
    allowed = (Chem.HybridizationType.SP2, Chem.HybridizationType.SP3)
    for j, k in mol.GetSubstructMatches(torsion_bond, uniquify=True, maxMatches=1000000):
        aj, ak = mol.GetAtomWithIdx(j), mol.GetAtomWithIdx(k)
        if aj.GetHybridization() not in allowed or ak.GetHybridization() not in allowed:
            continue
        for ai in aj.GetNeighbors():
            i = ai.GetIdx()
            if i == k:
                continue
            for al in ak.GetNeighbors():
                l = al.GetIdx()
                if l == j or l == i:
                    continue
                p = props.GetMMFFTorsionParams(mol, i, j, k, l)
                if p is None:
                    missing.append(f"torsion {name(i, j, k, l)}")
                    continue
                terms.torsions.append((i, j, k, l, p[1], p[2], p[3]))

    topo = Chem.GetDistanceMatrix(mol)
    for i in range(n):
        for j in range(i + 1, n):
            d = topo[i, j]
            if d < 3:
                continue
            p = props.GetMMFFVdWParams(i, j)
            if p is None:
                missing.append(f"van der Waals {name(i, j)}")
            else:
                terms.vdw_pairs.append((i, j, p[2], p[3]))
            qq = charges[i] * charges[j]
            if abs(charges[i]) < 1e-10 or abs(charges[j]) < 1e-10:
                continue
            terms.ele_pairs.append((i, j, qq * (0.75 if d == 3 else 1.0)))

    terms.skipped = missing
    return terms


def add_mmff_forces(system, terms: MMFFTerms, offset: int = 0, groups: Optional[Dict[str, int]] = None,
                    nonbonded: bool = True) -> Dict[str, object]:
    """Adds the MMFF94 terms of a molecule whose atoms are particles ``offset .. offset+n-1`` of ``system``.

    ``groups`` maps term names (TERM_NAMES) to OpenMM force groups (default: all in group 0). With
    ``nonbonded=False`` the intramolecular van der Waals and electrostatics are left out. Returns the forces by
    term name.
    """
    import openmm

    groups = groups or {}
    forces: Dict[str, object] = {}

    def put(key, force):
        force.setName(f"MMFF94 {key}")
        force.setForceGroup(groups.get(key, 0))
        system.addForce(force)
        forces[key] = force

    if terms.bonds:
        f = openmm.CustomBondForce(_BOND_EXPR)
        f.addPerBondParameter("kb")
        f.addPerBondParameter("r0")
        for i, j, kb, r0 in terms.bonds:
            f.addBond(offset + i, offset + j, [kb, r0])
        put("bond", f)
    if terms.angles:
        f = openmm.CustomAngleForce(_ANGLE_EXPR)
        for p in ("ka", "theta0", "lin"):
            f.addPerAngleParameter(p)
        for i, j, k, ka, theta0, lin in terms.angles:
            f.addAngle(offset + i, offset + j, offset + k, [ka, theta0, 1.0 if lin else 0.0])
        put("angle", f)
    if terms.stretch_bends:
        f = openmm.CustomCompoundBondForce(3, _STBN_EXPR)
        for p in ("kijk", "kkji", "r1", "r2", "theta0"):
            f.addPerBondParameter(p)
        for i, j, k, kijk, kkji, r1, r2, theta0 in terms.stretch_bends:
            f.addBond([offset + i, offset + j, offset + k], [kijk, kkji, r1, r2, theta0])
        put("stretch_bend", f)
    if terms.oops:
        f = openmm.CustomCompoundBondForce(4, _OOP_EXPR)
        f.addPerBondParameter("koop")
        for i, j, k, l, koop in terms.oops:
            f.addBond([offset + i, offset + j, offset + k, offset + l], [koop])
        put("oop", f)
    if terms.torsions:
        f = openmm.PeriodicTorsionForce()
        for i, j, k, l, v1, v2, v3 in terms.torsions:
            idx = (offset + i, offset + j, offset + k, offset + l)
            for periodicity, v, phase in ((1, v1, 0.0), (2, v2, math.pi), (3, v3, 0.0)):
                if v != 0.0:
                    f.addTorsion(*idx, periodicity, phase, 0.5 * v * KCAL)
        put("torsion", f)
    if nonbonded and terms.vdw_pairs:
        f = openmm.CustomBondForce(_VDW_EXPR)
        f.addPerBondParameter("rs")
        f.addPerBondParameter("eps")
        for i, j, rs, eps in terms.vdw_pairs:
            f.addBond(offset + i, offset + j, [rs, eps])
        put("vdw", f)
    if nonbonded and terms.ele_pairs:
        f = openmm.CustomBondForce(_ELE_EXPR)
        f.addPerBondParameter("qq")
        for i, j, qq in terms.ele_pairs:
            f.addBond(offset + i, offset + j, [qq])
        put("ele", f)
    return forces


def mmff_system(mol, variant: str = "MMFF94", terms: Optional[MMFFTerms] = None, separate_groups: bool = True):
    """An OpenMM System of the molecule alone in vacuum with its MMFF94 energy (no cutoff).

    With ``separate_groups`` each term sits in its own force group (TERM_NAMES order, groups 0..6).
    Returns (system, terms)."""
    import openmm

    terms = terms or mmff_terms(mol, variant)
    system = openmm.System()
    for atom in mol.GetAtoms():
        system.addParticle(atom.GetMass())
    groups = {k: g for g, k in enumerate(TERM_NAMES)} if separate_groups else None
    add_mmff_forces(system, terms, 0, groups)
    return system, terms


def positions_nm(mol, conf_id: int = -1) -> np.ndarray:
    """The conformer's coordinates in nm, (n, 3)."""
    return np.asarray(mol.GetConformer(conf_id).GetPositions(), dtype=float) / 10.0


def openmm_mmff_energy(mol, platform: str = "Reference", variant: str = "MMFF94",
                       per_term: bool = False):
    """The MMFF94 energy (kcal/mol) of ``mol``'s conformer computed by the OpenMM translation; with ``per_term``
    a dict {term name: kcal/mol} as well (the check against RDKit's ``CalcEnergy``)."""
    import openmm

    system, terms = mmff_system(mol, variant)
    ctx = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName(platform))
    ctx.setPositions(positions_nm(mol))
    total = ctx.getState(getEnergy=True).getPotentialEnergy().value_in_unit(openmm.unit.kilojoule_per_mole) / KCAL
    if not per_term:
        return total
    parts = {}
    for g, key in enumerate(TERM_NAMES):
        e = ctx.getState(getEnergy=True, groups={g}).getPotentialEnergy()
        parts[key] = e.value_in_unit(openmm.unit.kilojoule_per_mole) / KCAL
    return total, parts


def rdkit_mmff_energy(mol, variant: str = "MMFF94", terms: Sequence[str] = TERM_NAMES) -> float:
    """RDKit's own MMFF94 energy (kcal/mol) of the conformer with only ``terms`` switched on (the reference),
    interactions between disconnected fragments included."""
    from rdkit.Chem import AllChem

    props = _mmff_properties(mol, variant)
    setters = {"bond": props.SetMMFFBondTerm, "angle": props.SetMMFFAngleTerm,
               "stretch_bend": props.SetMMFFStretchBendTerm, "oop": props.SetMMFFOopTerm,
               "torsion": props.SetMMFFTorsionTerm, "vdw": props.SetMMFFVdWTerm, "ele": props.SetMMFFEleTerm}
    for key, setter in setters.items():
        setter(key in terms)
    ff = AllChem.MMFFGetMoleculeForceField(mol, props, nonBondedThresh=1.0e6, ignoreInterfragInteractions=False)
    return ff.CalcEnergy()
