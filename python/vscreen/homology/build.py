# Model building: copy template coordinates along the alignment, then PDBFixer rebuilds side chains and builds loops.
"""How the model's heavy atoms are made (before the restrained minimisation of :mod:`.minimise`):

1. the model spans the first to the last aligned target residue; terminal overhangs of the target (residues
   before the first or after the last aligned one) are not built but trimmed and reported: the template says
   nothing about where they go, PDBFixer would lay them out as an extended strand pointing into the solvent, and
   for a domain inside a polyprotein (PLpro in nsp3, the RBD in the spike) they are hundreds of residues;
2. every aligned target residue gets the template residue's backbone (N, CA, C, O) and CB (unless the target
   residue is a glycine); an identical residue also gets the template's side chain ("copied"), the other ones
   get theirs from PDBFixer's residue templates ("rebuilt side chain");
3. loops ("built loop"): target residues aligned to no template residue (insertions) are built by PDBFixer's
   missing-residue model; where consecutive target residues sit on template residues that are not bonded
   neighbours (a deletion, or a chain break of the template) there is no room for a peptide bond, so the aligned
   residues on both sides are released into the loop, one on each side at a time, until the two anchoring
   C-alpha atoms are close enough for the loop between them (at most ``LOOP_RISE`` A per residue step); a loop
   that reaches the end of the span is trimmed with it;
4. PDBFixer adds the missing heavy atoms (side chains, loops, the C-terminal OXT) with its own soft minimisation
   of the new atoms only, the copied atoms held fixed (seed fixed, CPU platform on one thread).

Model residues are numbered by their position in the target sequence (1-based) and keep the template's chain ID.
"""
from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .._vscreen import InputError
from .alignment import SequenceAlignment
from .sequence import THREE_LETTER

#: The largest C-alpha to C-alpha distance (A) per residue step that a built loop may span (3.8 A fully extended).
LOOP_RISE = 3.3
#: Peptide C-N bonds of the template longer than this (A) are chain breaks.
CHAIN_BREAK_DISTANCE = 2.0

COPIED, REBUILT_SIDE_CHAIN, BUILT_LOOP = "copied", "rebuilt side chain", "built loop"


@dataclass
class ModelResidue:
    """One residue of the model: target position (1-based), name, origin, and the template residue it sits on."""

    number: int
    name: str
    origin: str                       # COPIED, REBUILT_SIDE_CHAIN or BUILT_LOOP
    template: Optional[str] = None    # "A:HIS41" for aligned residues kept on the template


@dataclass
class BuiltModel:
    """The heavy-atom model as OpenMM objects, what each residue is, and the copied atoms (residue number, atom
    name) -> template coordinates (A) that the minimisation restrains."""

    chain: str
    topology: object
    positions: object
    residues: List[ModelResidue]
    copied_atoms: Dict[Tuple[int, str], Tuple[float, float, float]]
    trimmed: Tuple[int, int]                 # target residues not built before and after the span
    released: int = 0                        # aligned residues released into loops (at deletions and breaks)
    notes: List[str] = field(default_factory=list)


@functools.lru_cache(maxsize=None)
def standard_heavy_atoms(name: str) -> frozenset:
    """Heavy-atom names of a standard residue in PDBFixer's residue templates (without OXT)."""
    import openmm.app as app
    import pdbfixer
    path = os.path.join(os.path.dirname(pdbfixer.__file__), "templates", f"{name}.pdb")
    pdb = app.PDBFile(path)
    return frozenset(a.name for a in pdb.topology.atoms() if a.element is not None and a.element.symbol != "H"
                     and a.name != "OXT")


def _distance(a, b) -> float:
    return sum((a[k] - b[k]) ** 2 for k in range(3)) ** 0.5


def _bonded(res_a, res_b) -> bool:
    return "C" in res_a.atoms and "N" in res_b.atoms and _distance(res_a.atoms["C"], res_b.atoms["N"]) <= CHAIN_BREAK_DISTANCE


def plan_residues(aln: SequenceAlignment) -> Tuple[int, int, Dict[int, int], int]:
    """(first, last, target index -> template residue index of the residues kept on the template, residues
    released into loops): steps 1 and 3 above, on 0-based target indices."""
    tmpl = aln.template.residues
    kept = aln.template_of()
    first, last = aln.pairs[0][0], aln.pairs[-1][0]
    released = 0
    while True:
        anchors = sorted(i for i in kept if first <= i <= last)
        problem = None
        for a, b in zip(anchors, anchors[1:]):
            ja, jb = kept[a], kept[b]
            if b == a + 1 and jb == ja + 1 and _bonded(tmpl[ja], tmpl[jb]):
                continue
            span = _distance(tmpl[ja].atoms["CA"], tmpl[jb].atoms["CA"])
            if b == a + 1 or span > LOOP_RISE * (b - a):
                problem = (a, b)
                break
        if problem is None:
            return first, last, {i: j for i, j in kept.items() if first <= i <= last}, released
        a, b = problem
        for end in (a, b):  # release one anchor on each side into the loop
            del kept[end]
            released += 1
        if a == first:  # the loop reached the N-terminal end of the span: trim it
            first = min((i for i in kept if i > a), default=last)
        if b == last:
            last = max((i for i in kept if i < b), default=first)
        if first >= last:
            raise InputError(f"template {aln.template.spec}: no continuous stretch of the alignment to build")


def _copied_pdb(aln: SequenceAlignment, chain: str, first: int, last: int, kept: Dict[int, int]):
    """PDB text of the copied atoms (target names and numbers), and (number, atom) -> coordinates."""
    t, tmpl = aln.target.letters, aln.template.residues
    lines: List[str] = []
    copied: Dict[Tuple[int, str], Tuple[float, float, float]] = {}
    serial = 0
    for i in range(first, last + 1):
        if i not in kept:
            continue
        src = tmpl[kept[i]]
        name = THREE_LETTER[t[i]]
        allowed = standard_heavy_atoms(name)
        if t[i] == src.letter:
            names = [n for n in src.atoms if n in allowed]
        else:
            names = [n for n in ("N", "CA", "C", "O", "CB") if n in src.atoms and n in allowed]
        for n in names:
            serial += 1
            x, y, z = src.atoms[n]
            copied[(i + 1, n)] = (x, y, z)
            element = n[0] if n != "SE" else "SE"
            atom = n if len(n) == 4 else " " + n
            lines.append(f"ATOM  {serial:5d} {atom:<4} {name:>3} {chain:1}{i + 1:4d}    {x:8.3f}{y:8.3f}{z:8.3f}"
                         f"  1.00  0.00          {element:>2}")
    lines += ["TER", "END"]
    return "\n".join(lines) + "\n", copied


def build_model(aln: SequenceAlignment) -> BuiltModel:
    """Steps 1-4: the heavy-atom model of the target on the alignment's template."""
    from ..receptor_prep import _deterministic_platform, _openmm_modules

    openmm, app, unit, PDBFixer, _ = _openmm_modules()
    t, tmpl = aln.target.letters, aln.template.residues
    if any(i + 1 > 9999 for i, _ in aln.pairs):
        raise InputError(f"{aln.target.source}: record {aln.target.id}: the aligned region goes past residue 9999, "
                         f"which PDB files cannot number; cut the sequence to the domain to model")
    chain = (aln.template.chain or "A")[:1]
    first, last, kept, released = plan_residues(aln)
    pdb_text, copied = _copied_pdb(aln, chain, first, last, kept)
    try:
        fixer = PDBFixer(pdbfile=io.StringIO(pdb_text))
    except Exception as e:
        raise InputError(f"template {aln.template.spec}: PDBFixer could not read the copied atoms: {e}") from None
    chain_residues = list(next(fixer.topology.chains()).residues())
    index_of = {int(r.id): k for k, r in enumerate(chain_residues)}
    missing: Dict[Tuple[int, int], List[str]] = {}
    loop: List[str] = []
    for i in range(first, last + 1):
        if i in kept:
            if loop:
                missing[(0, index_of[i + 1])] = loop
                loop = []
        else:
            loop.append(THREE_LETTER[t[i]])
    fixer.missingResidues = missing
    fixer.findMissingAtoms()

    def add_atoms():
        with _deterministic_platform(openmm):  # PDBFixer makes its own Context on the default platform
            fixer.addMissingAtoms(seed=1)
    try:
        add_atoms()
    except Exception as e:
        raise InputError(f"template {aln.template.spec}: PDBFixer could not build the missing atoms: {e}") from None

    residues: List[ModelResidue] = []
    for i in range(first, last + 1):
        name = THREE_LETTER[t[i]]
        if i not in kept:
            residues.append(ModelResidue(i + 1, name, BUILT_LOOP))
            continue
        src = tmpl[kept[i]]
        complete = standard_heavy_atoms(name) <= {n for (num, n) in copied if num == i + 1}
        origin = COPIED if t[i] == src.letter and complete else REBUILT_SIDE_CHAIN
        residues.append(ModelResidue(i + 1, name, origin, src.label))
    model = BuiltModel(chain, fixer.topology, fixer.positions, residues, copied,
                       (first, len(t) - 1 - last), released)
    if first or last < len(t) - 1:
        model.notes.append(f"target residues 1-{first} and {last + 2}-{len(t)} (terminal overhangs beyond the "
                           f"template) were trimmed, not built" if first and last < len(t) - 1 else
                           f"target residues 1-{first} (N-terminal overhang) were trimmed, not built" if first else
                           f"target residues {last + 2}-{len(t)} (C-terminal overhang) were trimmed, not built")
    if released:
        model.notes.append(f"{released} aligned residue(s) next to deletions or template chain breaks were rebuilt "
                           f"as loop so that the chain can close")
    return model
