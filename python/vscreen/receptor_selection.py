# Receptor atom selection: first model, alternate locations, chains, waters, metals and hetero groups, as PDB text.
"""The selection half of receptor preparation (:mod:`vscreen.receptor_prep`), on the atom records of the file.

Residues of the first model are grouped in file order, their alternate locations resolved, each classified
(amino acid, nucleotide, water, metal ion, hetero group), chains chosen and residues kept or dropped; the result
is PDB text for PDBFixer plus the counts and the change lines that :class:`vscreen.PreparedReceptor` reports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ._vscreen import InputError
from .structure_file import WATER_NAMES, AtomRecord

#: Amino-acid residue names read as protein (the standard 20 and the protonation variants of force fields).
AMINO_ACIDS = frozenset({
    "ALA", "ARG", "ASN", "ASP", "CYS", "GLN", "GLU", "GLY", "HIS", "ILE", "LEU", "LYS", "MET", "PHE", "PRO", "SER",
    "THR", "TRP", "TYR", "VAL", "HID", "HIE", "HIP", "HIN", "CYX", "CYM", "ASH", "GLH", "LYN", "UNK", "ACE", "NME",
})
#: Nucleotide residue names.
NUCLEOTIDES = frozenset({"A", "G", "C", "U", "I", "DA", "DG", "DC", "DT", "DI", "N"})
#: Elements of single-atom ions kept as metal ions; the AutoDock/Vina atom types of the C++ typing cover them.
METAL_ELEMENTS = frozenset({"Na", "Mg", "K", "Ca", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Sr", "Cd", "Hg"})
#: A chain with fewer amino-acid residues than this is a bound peptide, not a receptor chain, unless named.
MIN_PROTEIN_CHAIN_RESIDUES = 20
_POLYMER = ("amino", "nucleotide")


def residue_label(chain: str, resname: str, resseq, icode: str = "") -> str:
    return f"{chain}:{resname}{resseq}{icode}"


class Residue:
    """The atom records of one residue (chain, number, insertion code) and its kind (set by :func:`classify`)."""
    __slots__ = ("key", "atoms", "kind")

    def __init__(self, key):
        self.key = key
        self.atoms: List[AtomRecord] = []
        self.kind = ""

    @property
    def chain(self) -> str:
        return self.key[0]

    @property
    def name(self) -> str:
        return self.atoms[0].resname

    @property
    def label(self) -> str:
        return residue_label(self.key[0], self.name, self.key[1], self.key[2])


def resolve_altlocs(res: Residue) -> int:
    """Keeps one alternate location of the residue; returns the number of atoms removed (0: nothing to resolve)."""
    order: List[str] = []
    occupancy: Dict[str, List[float]] = {}
    for a in res.atoms:
        if a.altloc:
            if a.altloc not in occupancy:
                order.append(a.altloc)
                occupancy[a.altloc] = []
            occupancy[a.altloc].append(a.occupancy)
    if not order:
        return 0
    # Highest mean occupancy; max() keeps the first of equal keys, i.e. the first alternate location listed.
    best = max(order, key=lambda alt: sum(occupancy[alt]) / len(occupancy[alt]))
    before = len(res.atoms)
    kept: List[AtomRecord] = []
    names = set()
    for a in res.atoms:
        if a.altloc and a.altloc != best:
            continue
        if a.name in names:  # the same atom once without and once with an alternate location
            continue
        names.add(a.name)
        a.altloc = ""
        kept.append(a)
    res.atoms = kept
    return before - len(kept) if len(order) > 1 else 0


def classify(res: Residue, modified: Dict[str, str]) -> str:
    """"water", "amino" (standard or a modified residue PDBFixer knows), "nucleotide", "metal" or "het"."""
    name = res.name
    if name in WATER_NAMES:
        return "water"
    if name in AMINO_ACIDS or name in modified:
        return "amino"
    if name in NUCLEOTIDES:
        return "nucleotide"
    heavy = [a for a in res.atoms if a.element not in ("H", "D")]
    if len(heavy) == 1 and heavy[0].element in METAL_ELEMENTS:
        return "metal"
    return "het"


@dataclass
class Selection:
    """What was kept of the file and what was dropped, with one change line per step that did something."""
    residues: List[Residue]                  # kept, in file order
    chains: List[str]                        # chains kept, in file order
    chains_dropped: Dict[str, str]           # chain -> why
    polymer_residues: int = 0
    waters_kept: int = 0
    waters_removed: int = 0
    metals_kept: List[str] = field(default_factory=list)
    metals_removed: List[str] = field(default_factory=list)
    het_kept: Dict[str, int] = field(default_factory=dict)
    het_removed: Dict[str, int] = field(default_factory=dict)
    altlocs_resolved: int = 0
    altloc_atoms_removed: int = 0
    models_ignored: int = 0
    changes: List[str] = field(default_factory=list)


def _first_model_residues(structure) -> Tuple[Dict[Tuple[str, int, str], Residue], int]:
    """Residues of the first model in file order, and the number of other models."""
    first = structure.models[0]
    residues: Dict[Tuple[str, int, str], Residue] = {}
    for a in structure.atoms:
        if a.model != first:
            continue
        res = residues.get(a.residue_key)
        if res is None:
            res = residues[a.residue_key] = Residue(a.residue_key)
        res.atoms.append(a)
    return residues, len(structure.models) - 1


def _choose_chains(src: str, residues: Iterable[Residue], wanted: Optional[List[str]]) -> Tuple[List[str], Dict[str, str]]:
    """The chains to keep (the named ones, or every protein chain and hetero-only chain) and why others go."""
    order: List[str] = []
    amino: Dict[str, int] = {}
    polymer: Dict[str, int] = {}
    for res in residues:
        if res.chain not in amino:
            order.append(res.chain)
            amino[res.chain] = polymer[res.chain] = 0
        amino[res.chain] += res.kind == "amino"
        polymer[res.chain] += res.kind in _POLYMER
    dropped: Dict[str, str] = {}
    if wanted is not None:
        if not wanted:
            raise InputError(f"{src}: no chain given to keep")
        missing = [c for c in wanted if c not in amino]
        if missing:
            raise InputError(f"{src}: chain {', '.join(repr(c) for c in missing)} not found; chains in the file: "
                             f"{', '.join(repr(c) for c in order)}")
        selected = [c for c in order if c in wanted]
        if not any(polymer[c] for c in selected):
            raise InputError(f"{src}: chain(s) {', '.join(selected)} hold no amino-acid or nucleotide residues")
        dropped = {c: "not selected" for c in order if c not in selected}
    else:
        selected = []
        for c in order:
            if amino[c] >= MIN_PROTEIN_CHAIN_RESIDUES or polymer[c] == 0:
                selected.append(c)
            elif amino[c]:
                dropped[c] = (f"peptide of {amino[c]} amino-acid residue(s), treated as a ligand; "
                              f"name it in chains to keep it")
            else:
                dropped[c] = f"nucleic acid ({polymer[c]} residues); name it in chains to keep it"
        if not any(polymer[c] for c in selected):
            raise InputError(f"{src}: no protein chain (at least {MIN_PROTEIN_CHAIN_RESIDUES} amino-acid residues); "
                             f"chains: " + "; ".join(f"{c!r}: {dropped.get(c, 'hetero groups only')}"
                                                     for c in order) + "; name the chains to keep")
    if any(len(c) > 1 for c in selected):
        raise InputError(f"{src}: chain IDs longer than one character ({', '.join(c for c in selected if len(c) > 1)}) "
                         f"cannot be written as PDB; select other chains")
    return selected, dropped


def _keep_residues(sel: Selection, residues: Iterable[Residue], keep_waters: bool, keep_het: Set[str],
                   keep_metals: bool) -> None:
    """Fills sel.residues and the water, metal and hetero-group counts."""
    for res in residues:
        in_chain = res.chain in sel.chains
        if res.kind in _POLYMER:
            keep = in_chain
        elif res.kind == "water":
            keep = in_chain and keep_waters
            if keep:
                sel.waters_kept += 1
            else:
                sel.waters_removed += 1
        elif res.kind == "metal":
            keep = in_chain and keep_metals
            (sel.metals_kept if keep else sel.metals_removed).append(f"{res.name} {res.chain}:{res.key[1]}{res.key[2]}")
        else:
            keep = in_chain and res.name.upper() in keep_het
            bucket = sel.het_kept if keep else sel.het_removed
            bucket[res.name] = bucket.get(res.name, 0) + 1
        if keep:
            sel.residues.append(res)
    sel.polymer_residues = sum(1 for r in sel.residues if r.kind in _POLYMER)


def _report(sel: Selection, unknown_keep: List[str]) -> None:
    """The change lines of the selection, in the order of the steps."""
    c = sel.changes
    c += [f"chain {chain} removed ({why})" for chain, why in sel.chains_dropped.items()]
    if sel.altlocs_resolved:
        c.append(f"alternate locations resolved in {sel.altlocs_resolved} residue(s) (highest occupancy, first on "
                 f"ties): {sel.altloc_atoms_removed} atom record(s) removed")
    if sel.waters_removed:
        c.append(f"{sel.waters_removed} water(s) removed" + (f", {sel.waters_kept} kept" if sel.waters_kept else ""))
    elif sel.waters_kept:
        c.append(f"{sel.waters_kept} water(s) kept")
    if sel.metals_kept:
        c.append(f"metal ion(s) kept: {', '.join(sel.metals_kept)}")
    if sel.metals_removed:
        c.append(f"metal ion(s) removed: {', '.join(sel.metals_removed)}")
    if sel.het_removed:
        c.append("hetero group(s) removed: " + ", ".join(f"{n} x{k}" if k > 1 else n
                                                         for n, k in sorted(sel.het_removed.items())))
    if sel.het_kept:
        c.append("hetero group(s) kept (no hydrogens added): " + ", ".join(sorted(sel.het_kept)))
    if unknown_keep:
        c.append(f"keep_het: no residue named {', '.join(unknown_keep)} in the file")


def select_residues(src: str, structure, modified: Dict[str, str], chains: Optional[List[str]], keep_waters: bool,
                    keep_het: Set[str], keep_metals: bool) -> Selection:
    """Steps 1-3 of receptor preparation on ``structure`` (read from ``src``); raises InputError with ``src``."""
    residues, models_ignored = _first_model_residues(structure)
    alt_removed = {key: resolve_altlocs(res) for key, res in residues.items()}
    for res in residues.values():
        res.kind = classify(res, modified)
    if not any(r.kind in _POLYMER for r in residues.values()):
        n_atoms = sum(len(r.atoms) for r in residues.values())
        names = sorted({r.name for r in residues.values()})
        raise InputError(f"{src}: no protein atoms: its {n_atoms} atoms are in no amino-acid or nucleotide residue "
                         f"(residues: {', '.join(names[:12])}{', ...' if len(names) > 12 else ''})")
    selected, dropped = _choose_chains(src, residues.values(), chains)
    sel = Selection(residues=[], chains=selected, chains_dropped=dropped, models_ignored=models_ignored)
    if models_ignored:
        sel.changes.append(f"kept model {structure.models[0]}; {models_ignored} other model(s) ignored")
    _keep_residues(sel, residues.values(), keep_waters, keep_het, keep_metals)
    sel.altlocs_resolved = sum(1 for r in sel.residues if alt_removed[r.key])
    sel.altloc_atoms_removed = sum(alt_removed[r.key] for r in sel.residues)
    _report(sel, sorted(keep_het - {r.name.upper() for r in residues.values()}))
    for res in sel.residues:
        if res.key[1] > 9999 or res.key[1] < -999:
            raise InputError(f"{src}: residue {res.label}: number out of the PDB range (-999..9999)")
        if len(res.name) > 3:
            raise InputError(f"{src}: residue {res.label}: names longer than 3 characters cannot be written as PDB")
    return sel


def _pdb_atom_line(serial: int, a: AtomRecord, resname: str) -> str:
    name = a.name
    if len(name) < 4 and len(a.element) == 1:
        name = " " + name
    record = "HETATM" if a.hetero else "ATOM"
    element = a.element.upper()
    return (f"{record:<6}{serial % 100000:5d} {name:<4} {resname:>3} {a.chain:1}{a.resseq:4d}{a.icode:1}   "
            f"{a.x:8.3f}{a.y:8.3f}{a.z:8.3f}{a.occupancy:6.2f}{a.bfactor:6.2f}          {element:>2}{a.charge:<2}")


def _seqres_lines(chain: str, names: Sequence[str]) -> List[str]:
    lines = []
    for k in range(0, len(names), 13):
        chunk = " ".join(f"{n:>3}" for n in names[k:k + 13])
        lines.append(f"SEQRES {k // 13 + 1:3d} {chain:1} {len(names):4d}  {chunk}")
    return lines


def selection_pdb(sel: Selection, sequences: Dict[str, Sequence[str]]) -> str:
    """The selection as PDB text: sequences, polymer chains (TER after each), then ions, waters, hetero groups."""
    lines: List[str] = []
    for c in sel.chains:
        if c in sequences and any(r.chain == c and r.kind in _POLYMER for r in sel.residues):
            lines += _seqres_lines(c, sequences[c])
    serial = 0
    for c in sel.chains:
        polymer = [r for r in sel.residues if r.chain == c and r.kind in _POLYMER]
        for res in polymer:
            for a in res.atoms:
                serial += 1
                lines.append(_pdb_atom_line(serial, a, res.name))
        if polymer:
            lines.append("TER")
    for res in sel.residues:
        if res.kind not in _POLYMER:
            for a in res.atoms:
                serial += 1
                lines.append(_pdb_atom_line(serial, a, res.name))
    lines.append("END")
    return "\n".join(lines) + "\n"
