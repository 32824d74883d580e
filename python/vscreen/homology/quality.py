# Model quality checks: heavy-atom clashes and Ramachandran outliers (simple, documented phi/psi regions), with numpy.
"""Two checks, run on the model before and after the minimisation (and, in the benchmark, on crystals):

* clash: two heavy atoms of residues that are not sequence neighbours in one chain, closer than the sum of their
  Bondi van der Waals radii minus ``CLASH_OVERLAP`` (0.8 A: C-C 2.6 A, C-O 2.42 A, N-O 2.27 A, O-O 2.24 A);
  a disulfide (SG-SG) is not a clash. Hydrogen bonds (N-O about 2.8-3.0 A) are not clashes.
* Ramachandran outlier: a residue whose (phi, psi) falls outside every allowed region below (degrees). They are
  coarse rectangles drawn around the favoured and allowed regions of the Lovell et al. (2003) plots, not
  MolProbity's contours (no such library is on this machine), and say "look here", not "wrong":

  - general residues: beta/PPII phi -180..-45 with psi 50..180 or -180..-150; alpha-R and bridge
    phi -180..-30 with psi -100..50; alpha-L phi 30..100 with psi -20..100;
  - proline: phi -100..-45 with psi in the general beta or alpha-R bands;
  - glycine: the general regions or their mirror image (-phi, -psi), and phi +-180..+-140 with any psi;
  - terminal residues and residues next to a chain break (no phi or psi) are not tested.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

#: Bondi van der Waals radii (A) of the heavy elements of proteins.
VDW_RADIUS = {"C": 1.70, "N": 1.55, "O": 1.52, "S": 1.80, "SE": 1.90}
CLASH_OVERLAP = 0.8
#: Peptide C-N distance (A) above which two residues are not bonded (no phi/psi across it).
PEPTIDE_BOND_MAX = 2.0


@dataclass
class Atom:
    chain: str
    number: int
    resname: str
    name: str
    element: str
    xyz: Tuple[float, float, float]

    @property
    def residue(self) -> str:
        return f"{self.chain}:{self.resname}{self.number}"


def atoms_of(topology, positions) -> List[Atom]:
    """The heavy atoms of an OpenMM topology (positions in any length unit) as plain records (A)."""
    import openmm.unit as unit
    xyz = positions.value_in_unit(unit.angstrom) if unit.is_quantity(positions) else positions
    out = []
    for a in topology.atoms():
        if a.element is None or a.element.symbol == "H":
            continue
        p = xyz[a.index]
        out.append(Atom(a.residue.chain.id, int(a.residue.id), a.residue.name, a.name, a.element.symbol.upper(),
                        (float(p[0]), float(p[1]), float(p[2]))))
    return out


def clashes(atoms: List[Atom]) -> List[str]:
    """Clashing heavy-atom pairs, as "A:LEU27 CD1 - A:HIS41 NE2 2.10 A", in atom order."""
    import numpy as np

    if not atoms:
        return []
    xyz = np.array([a.xyz for a in atoms])
    radius = np.array([VDW_RADIUS.get(a.element, 1.7) for a in atoms])
    chain = np.array([a.chain for a in atoms])
    number = np.array([a.number for a in atoms])
    sg = np.array([a.name == "SG" for a in atoms])
    out = []
    for start in range(0, len(atoms), 512):
        block = slice(start, min(start + 512, len(atoms)))
        d = np.linalg.norm(xyz[block, None, :] - xyz[None, :, :], axis=2)
        limit = radius[block, None] + radius[None, :] - CLASH_OVERLAP
        far_in_sequence = (chain[block, None] != chain[None, :]) | (np.abs(number[block, None] - number[None, :]) > 1)
        hit = (d < limit) & far_in_sequence & ~(sg[block, None] & sg[None, :])
        for i, j in zip(*np.nonzero(hit)):
            i += start
            if j > i:
                a, b = atoms[i], atoms[j]
                out.append(f"{a.residue} {a.name} - {b.residue} {b.name} {d[i - start, j]:.2f} A")
    return out


def _dihedral(p0, p1, p2, p3) -> float:
    import numpy as np
    b0, b1, b2 = np.subtract(p0, p1), np.subtract(p2, p1), np.subtract(p3, p2)
    b1 = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1) * b1
    w = b2 - np.dot(b2, b1) * b1
    return math.degrees(math.atan2(np.dot(np.cross(b1, v), w), np.dot(v, w)))


def _general_allowed(phi: float, psi: float) -> bool:
    beta = -180 <= phi <= -45 and (psi >= 50 or psi <= -150)
    alpha = -180 <= phi <= -30 and -100 <= psi <= 50
    left = 30 <= phi <= 100 and -20 <= psi <= 100
    return beta or alpha or left


def allowed(resname: str, phi: float, psi: float) -> bool:
    """Whether (phi, psi) lies in an allowed region for the residue (the regions in the module text)."""
    if resname == "GLY":
        return _general_allowed(phi, psi) or _general_allowed(-phi, -psi) or abs(phi) >= 140
    if resname == "PRO":
        return -100 <= phi <= -45 and (psi >= 50 or psi <= -150 or -100 <= psi <= 50)
    return _general_allowed(phi, psi)


def backbone_dihedrals(atoms: List[Atom]) -> List[Tuple[str, str, Optional[float], Optional[float]]]:
    """(residue label, residue name, phi, psi) per residue in order; None across chain ends and breaks."""
    import numpy as np
    residues: dict = {}
    for a in atoms:
        residues.setdefault((a.chain, a.number), {"name": a.resname, "label": a.residue})[a.name] = a.xyz
    keys = list(residues)
    out = []
    for k, key in enumerate(keys):
        r = residues[key]
        prev = residues.get(keys[k - 1]) if k > 0 and keys[k - 1][0] == key[0] else None
        nxt = residues.get(keys[k + 1]) if k + 1 < len(keys) and keys[k + 1][0] == key[0] else None
        if not all(n in r for n in ("N", "CA", "C")):
            out.append((r["label"], r["name"], None, None))
            continue
        phi = psi = None
        if prev is not None and "C" in prev and np.linalg.norm(np.subtract(prev["C"], r["N"])) <= PEPTIDE_BOND_MAX:
            phi = _dihedral(prev["C"], r["N"], r["CA"], r["C"])
        if nxt is not None and "N" in nxt and np.linalg.norm(np.subtract(r["C"], nxt["N"])) <= PEPTIDE_BOND_MAX:
            psi = _dihedral(r["N"], r["CA"], r["C"], nxt["N"])
        out.append((r["label"], r["name"], phi, psi))
    return out


def ramachandran_outliers(atoms: List[Atom]) -> Tuple[List[str], int]:
    """(outliers as "A:ASN142 (phi -60, psi -170)", number of residues tested)."""
    outliers, tested = [], 0
    for label, name, phi, psi in backbone_dihedrals(atoms):
        if phi is None or psi is None:
            continue
        tested += 1
        if not allowed(name, phi, psi):
            outliers.append(f"{label} (phi {phi:.0f}, psi {psi:.0f})")
    return outliers, tested
