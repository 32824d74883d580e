# Receptor preparation from raw PDB/mmCIF files: select, repair and protonate with PDBFixer/OpenMM, write PDB + PDBQT.
"""Turns a structure as the PDB distributes it into a docking receptor.

Why PDBFixer: it repairs proteins from residue templates (it knows which heavy atoms each standard residue must
have, and which hydrogens each protonation state carries), it reads PDB and mmCIF, and it is built on OpenMM,
the toolkit of the refinement stage, so a receptor prepared here is one that stage can parameterise as is.
Protonation uses OpenMM's residue templates at the given pH (standard pKa values, histidine tautomer from
hydrogen bonds); there is no pKa prediction, no loop modelling by default and no flexible residues.

Order of the steps (each is reported in :class:`PreparedReceptor`):

1. read the file (PDB or mmCIF, optionally gzipped); keep the first model;
2. resolve alternate locations, per residue: the alternate location with the highest mean occupancy over the
   residue's atoms is kept, the first one listed on ties; atoms without an alternate location are always kept;
3. select chains (default: every protein chain, i.e. one with at least 20 amino-acid residues, and chains that
   hold only hetero groups), drop waters (unless kept), hetero groups and cofactors (unless named in
   ``keep_het``); keep metal ions (unless ``keep_metals=False``);
4. PDBFixer: note missing residues (not built unless ``add_missing_residues``; never the missing termini),
   replace modified residues by their standard parents (MSE -> MET, ...), add missing heavy atoms of standard
   residues and terminal OXT atoms;
5. OpenMM ``Modeller.addHydrogens`` at the pH (no bond is made across a chain break, so the residues next to a
   gap keep ordinary backbone hydrogens);
6. write the PDB with all hydrogens (for inspection and for the OpenMM stage), then the rigid receptor PDBQT
   through :func:`vscreen.prepare_receptor_pdbqt` (polar hydrogens, AutoDock types, Gasteiger charges) and read
   it back with :func:`vscreen.read_receptor_pdbqt_file` as a check.
"""
from __future__ import annotations

import io
import logging
import os
import random
import sys
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ._vscreen import InputError, VscreenError, prepare_receptor_pdbqt, read_receptor_pdbqt_file
from .structure_file import WATER_NAMES, AtomRecord, read_structure_file

PathLike = Union[str, "os.PathLike[str]"]

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
#: Peptide (C-N) and phosphodiester (O3'-P) bonds longer than this (A) are chain breaks.
CHAIN_BREAK_DISTANCE = 2.0
# Bond lengths (A) given to the hydrogens OpenMM adds, by parent element (its placement without a force field
# leaves them about 1.19 A from their parent: a short minimisation against a repulsion that includes the parent).
_H_BOND_LENGTH = {"C": 1.09, "N": 1.01, "O": 0.96, "S": 1.34}
# Water charges of AutoDockTools' prepare_receptor4 (Gasteiger); informative only, Vina does not use charges.
_WATER_CHARGES = {"O": -0.410, "H": 0.205}


@dataclass
class PreparedReceptor:
    """What :func:`prepare_receptor` wrote and what it changed; ``print(result)`` shows a summary."""

    source: str
    pdbqt_path: str
    pdb_path: str
    ph: float
    chains: List[str]                       # chains kept
    chains_dropped: Dict[str, str]          # chain -> why
    residues: int                           # amino-acid and nucleotide residues kept
    heavy_atoms: int                        # in the prepared PDB
    hydrogens: int                          # in the prepared PDB
    pdbqt_atoms: int                        # scored atoms of the PDBQT read back (heavy atoms, ions, waters)
    waters_kept: int
    waters_removed: int
    metals_kept: List[str]                  # "ZN A:901"
    metals_removed: List[str]
    het_kept: Dict[str, int]                # residue name -> residues kept
    het_removed: Dict[str, int]             # residue name -> residues removed
    altlocs_resolved: int                   # residues with two or more alternate locations
    altloc_atoms_removed: int
    nonstandard_replaced: List[str]         # "A:MSE151->MET"
    missing_residues: int                   # residues in the sequence but not in the model, not built
    residues_built: int
    heavy_atoms_added: int                  # missing side-chain/backbone atoms and terminal OXT
    hydrogens_added: int
    chain_breaks: int
    models_ignored: int
    changes: List[str] = field(default_factory=list)  # one line per step that changed something

    def summary(self) -> str:
        """A few lines for a notebook or a terminal."""
        kept = ", ".join(self.chains)
        lines = [f"Receptor {self.source} -> {self.pdbqt_path} ({self.pdbqt_atoms} PDBQT atoms) and {self.pdb_path}",
                 f"  chains kept: {kept} ({self.residues} residues, {self.heavy_atoms} heavy atoms, "
                 f"{self.hydrogens} hydrogens at pH {self.ph:g})"]
        lines += [f"  {c}" for c in self.changes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _residue_label(chain: str, resname: str, resseq, icode: str = "") -> str:
    return f"{chain}:{resname}{resseq}{icode}"


def _as_list(value: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value]


def _openmm_modules():
    try:
        import openmm
        import openmm.app as app
        import openmm.unit as unit
        from pdbfixer import PDBFixer
        import pdbfixer.pdbfixer as pdbfixer_module
    except ImportError as e:
        raise VscreenError(f"receptor preparation needs PDBFixer and OpenMM (Debian: apt-get install python3-pdbfixer "
                           f"python3-simtk): {e}") from None
    # PDBFixer 1.8's soft force field imports the deprecated simtk.openmm, whose import logs a warning through
    # the root logger (printed on stderr when logging is not configured); import it once with that silenced.
    if "simtk.openmm" not in sys.modules:
        root = logging.getLogger()
        was = root.disabled
        root.disabled = True
        try:
            import simtk.openmm  # noqa: F401
        except ImportError:
            pass
        finally:
            root.disabled = was
    return openmm, app, unit, PDBFixer, pdbfixer_module


# ---------------------------------------------------------------------------------------------------
# Selection on the atom records

class _Residue:
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
        return _residue_label(self.key[0], self.name, self.key[1], self.key[2])


def _resolve_altlocs(res: _Residue) -> int:
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


def _classify(res: _Residue, modified: Dict[str, str]) -> str:
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


# ---------------------------------------------------------------------------------------------------
# The pipeline

def prepare_receptor(source: PathLike, out_pdbqt: PathLike, *, pdb_out: Optional[PathLike] = None,
                     chains: Union[None, str, Sequence[str]] = None, keep_waters: bool = False,
                     keep_het: Union[None, str, Sequence[str]] = None, keep_metals: bool = True, ph: float = 7.4,
                     add_missing_atoms: bool = True, add_missing_residues: bool = False,
                     replace_nonstandard: bool = True) -> PreparedReceptor:
    """Prepares a docking receptor from a raw PDB or mmCIF file (optionally .gz); writes PDBQT and PDB.

    Args:
        source: the structure (.pdb, .ent, .cif, .mmcif, each optionally gzipped).
        out_pdbqt: the rigid receptor PDBQT to write.
        pdb_out: the prepared PDB with all hydrogens; default: ``out_pdbqt`` with ``_H.pdb`` instead of ``.pdbqt``.
        chains: chain IDs to keep (a list or "A,B"); default: every protein chain (at least
            MIN_PROTEIN_CHAIN_RESIDUES amino-acid residues; shorter ones are bound peptides) and chains that hold
            only hetero groups. Waters, ions and hetero groups go with the chain ID they carry.
        keep_waters: keep crystal waters (default: removed).
        keep_het: residue names of hetero groups and cofactors to keep (e.g. ["HEM", "NAD"]); every other one is
            removed. Kept hetero groups get no hydrogens (OpenMM has no template for them).
        keep_metals: keep single-atom metal ions (METAL_ELEMENTS: Zn, Mg, Mn, Fe, Ca, ...); they matter for
            scoring (Vina's metal-donor type). Other single-atom ions (Cl-, ...) are hetero groups.
        ph: pH of the protonation states (standard residue pKa values, OpenMM's templates; no pKa prediction).
        add_missing_atoms: add missing heavy atoms of standard residues and the C-terminal OXT (PDBFixer).
        add_missing_residues: also build residues missing inside a chain (from SEQRES/the mmCIF sequence), as
            PDBFixer models them; off by default because modelled loops are guesses. Missing termini are never
            built.
        replace_nonstandard: replace modified residues by their standard parents (MSE -> MET, SEP -> SER, ...),
            as PDBFixer does; without it, such residues keep their atoms but get no hydrogens.

    Alternate locations are resolved per residue: the one with the highest mean occupancy is kept, the first
    listed on ties. Only the first model of a multi-model file is used.

    Returns:
        PreparedReceptor: paths, chains kept, counts, and ``changes`` (one line per step that did something).

    Raises:
        InputError: unreadable, empty or unknown-format file, a file with no protein (or nucleic-acid) residues,
            a chain that is not in the file, or a structure PDBFixer/OpenMM cannot complete; the message names the
            file.
        VscreenError: PDBFixer/OpenMM are not installed.
    """
    src = os.fspath(source)
    out_pdbqt = os.fspath(out_pdbqt)
    pdb_path = os.fspath(pdb_out) if pdb_out is not None else os.path.splitext(out_pdbqt)[0] + "_H.pdb"
    for out in (out_pdbqt, pdb_path):
        if os.path.exists(out) and os.path.exists(src) and os.path.samefile(out, src):
            raise InputError(f"{src}: output path {out} is the input file; choose another output name")
    if not out_pdbqt.lower().endswith(".pdbqt"):
        raise InputError(f"{out_pdbqt}: the receptor output must be a .pdbqt file")
    if out_pdbqt == pdb_path:
        raise InputError(f"{out_pdbqt}: the PDB and PDBQT outputs must differ")
    wanted_chains = _as_list(chains)
    keep_names = {n.upper() for n in (_as_list(keep_het) or [])}

    structure = read_structure_file(src)
    _, app, unit, PDBFixer, pdbfixer_module = _openmm_modules()
    modified = dict(pdbfixer_module.substitutions)
    changes: List[str] = []

    # 1. First model, residues in file order.
    models = structure.models
    first = models[0]
    residues: Dict[Tuple[str, int, str], _Residue] = {}
    for a in structure.atoms:
        if a.model != first:
            continue
        res = residues.get(a.residue_key)
        if res is None:
            res = residues[a.residue_key] = _Residue(a.residue_key)
        res.atoms.append(a)
    if len(models) > 1:
        changes.append(f"kept model {first}; {len(models) - 1} other model(s) ignored")

    # 2. Alternate locations (counted below over the residues kept).
    alt_removed = {key: _resolve_altlocs(res) for key, res in residues.items()}

    # 3. Classification and selection.
    for res in residues.values():
        res.kind = _classify(res, modified)
    chain_order: List[str] = []
    amino_count: Dict[str, int] = {}
    polymer_count: Dict[str, int] = {}
    for res in residues.values():
        if res.chain not in amino_count:
            chain_order.append(res.chain)
            amino_count[res.chain] = polymer_count[res.chain] = 0
        if res.kind == "amino":
            amino_count[res.chain] += 1
        if res.kind in ("amino", "nucleotide"):
            polymer_count[res.chain] += 1
    if not any(polymer_count.values()):
        n_atoms = sum(len(r.atoms) for r in residues.values())
        names = sorted({r.name for r in residues.values()})
        raise InputError(f"{src}: no protein atoms: its {n_atoms} atoms are in no amino-acid or nucleotide residue "
                         f"(residues: {', '.join(names[:12])}{', ...' if len(names) > 12 else ''})")
    chains_dropped: Dict[str, str] = {}
    if wanted_chains is not None:
        if not wanted_chains:
            raise InputError(f"{src}: no chain given to keep")
        missing = [c for c in wanted_chains if c not in amino_count]
        if missing:
            raise InputError(f"{src}: chain {', '.join(repr(c) for c in missing)} not found; chains in the file: "
                             f"{', '.join(repr(c) for c in chain_order)}")
        selected = [c for c in chain_order if c in wanted_chains]
        if not any(polymer_count[c] for c in selected):
            raise InputError(f"{src}: chain(s) {', '.join(selected)} hold no amino-acid or nucleotide residues")
        for c in chain_order:
            if c not in selected:
                chains_dropped[c] = "not selected"
    else:
        selected = []
        for c in chain_order:
            if amino_count[c] >= MIN_PROTEIN_CHAIN_RESIDUES or polymer_count[c] == 0:
                selected.append(c)
            elif amino_count[c]:
                chains_dropped[c] = (f"peptide of {amino_count[c]} amino-acid residue(s), treated as a ligand; "
                                     f"name it in chains to keep it")
            else:
                chains_dropped[c] = f"nucleic acid ({polymer_count[c]} residues); name it in chains to keep it"
        if not any(polymer_count[c] for c in selected):
            raise InputError(f"{src}: no protein chain (at least {MIN_PROTEIN_CHAIN_RESIDUES} amino-acid residues); "
                             f"chains: " + "; ".join(f"{c!r}: {chains_dropped.get(c, 'hetero groups only')}"
                                                     for c in chain_order) + "; name the chains to keep")
    if any(len(c) > 1 for c in selected):
        raise InputError(f"{src}: chain IDs longer than one character ({', '.join(c for c in selected if len(c) > 1)}) "
                         f"cannot be written as PDB; select other chains")
    for c, why in chains_dropped.items():
        changes.append(f"chain {c} removed ({why})")

    kept: List[_Residue] = []
    waters_kept = waters_removed = 0
    metals_kept: List[str] = []
    metals_removed: List[str] = []
    het_kept: Dict[str, int] = {}
    het_removed: Dict[str, int] = {}
    for res in residues.values():
        in_chain = res.chain in selected
        if res.kind in ("amino", "nucleotide"):
            keep = in_chain
        elif res.kind == "water":
            keep = in_chain and keep_waters
            if keep:
                waters_kept += 1
            else:
                waters_removed += 1
        elif res.kind == "metal":
            keep = in_chain and keep_metals
            (metals_kept if keep else metals_removed).append(f"{res.name} {res.chain}:{res.key[1]}{res.key[2]}")
        else:
            keep = in_chain and res.name.upper() in keep_names
            bucket = het_kept if keep else het_removed
            bucket[res.name] = bucket.get(res.name, 0) + 1
        if keep:
            kept.append(res)
    alt_residues = sum(1 for r in kept if alt_removed[r.key])
    alt_atoms = sum(alt_removed[r.key] for r in kept)
    if alt_residues:
        changes.append(f"alternate locations resolved in {alt_residues} residue(s) (highest occupancy, first on "
                       f"ties): {alt_atoms} atom record(s) removed")
    if waters_removed:
        changes.append(f"{waters_removed} water(s) removed" + (f", {waters_kept} kept" if waters_kept else ""))
    elif waters_kept:
        changes.append(f"{waters_kept} water(s) kept")
    if metals_kept:
        changes.append(f"metal ion(s) kept: {', '.join(metals_kept)}")
    if metals_removed:
        changes.append(f"metal ion(s) removed: {', '.join(metals_removed)}")
    if het_removed:
        changes.append("hetero group(s) removed: " + ", ".join(f"{n} x{k}" if k > 1 else n
                                                               for n, k in sorted(het_removed.items())))
    if het_kept:
        changes.append("hetero group(s) kept (no hydrogens added): " + ", ".join(sorted(het_kept)))
    unknown_keep = sorted(keep_names - {r.name.upper() for r in residues.values()})
    if unknown_keep:
        changes.append(f"keep_het: no residue named {', '.join(unknown_keep)} in the file")
    for res in kept:
        if res.key[1] > 9999 or res.key[1] < -999:
            raise InputError(f"{src}: residue {res.label}: number out of the PDB range (-999..9999)")
        if len(res.name) > 3:
            raise InputError(f"{src}: residue {res.label}: names longer than 3 characters cannot be written as PDB")

    # The selection as PDB text: sequences, polymer chains (TER after each), then ions, waters and hetero groups.
    lines: List[str] = []
    for c in selected:
        if c in structure.sequences and polymer_count[c]:
            lines += _seqres_lines(c, structure.sequences[c])
    serial = 0
    for c in selected:
        polymer = [r for r in kept if r.chain == c and r.kind in ("amino", "nucleotide")]
        for res in polymer:
            for a in res.atoms:
                serial += 1
                lines.append(_pdb_atom_line(serial, a, res.name))
        if polymer:
            lines.append("TER")
    for res in kept:
        if res.kind not in ("amino", "nucleotide"):
            for a in res.atoms:
                serial += 1
                lines.append(_pdb_atom_line(serial, a, res.name))
    lines.append("END")
    n_polymer = sum(1 for r in kept if r.kind in ("amino", "nucleotide"))

    # 4-5. PDBFixer and OpenMM.
    def step(what, fn):
        try:
            return fn()
        except InputError:
            raise
        except Exception as e:  # PDBFixer and OpenMM raise plain Exception/ValueError with their reason
            raise InputError(f"{src}: PDBFixer/OpenMM could not {what}: {e}") from None

    fixer = step("read the selected atoms", lambda: PDBFixer(pdbfile=io.StringIO("\n".join(lines) + "\n")))
    h_before = sum(1 for a in fixer.topology.atoms() if a.element is not None and a.element.symbol == "H")
    step("find missing residues", fixer.findMissingResidues)
    chains_list = list(fixer.topology.chains())
    internal: Dict[Tuple[int, int], List[str]] = {}
    missing_total = 0
    for (ci, ri), names in fixer.missingResidues.items():
        missing_total += len(names)
        if 0 < ri < len(list(chains_list[ci].residues())):
            internal[(ci, ri)] = names
    built = sum(len(v) for v in internal.values()) if add_missing_residues else 0
    fixer.missingResidues = internal if add_missing_residues else {}
    if missing_total - built:
        changes.append(f"{missing_total - built} residue(s) of the sequence are not in the model and were not built"
                       + ("" if add_missing_residues else " (add_missing_residues builds the internal ones)"))
    replaced: List[str] = []
    if replace_nonstandard:
        step("find nonstandard residues", fixer.findNonstandardResidues)
        replaced = [f"{r.chain.id}:{r.name}{r.id}{r.insertionCode.strip()}->{new}"
                    for r, new in fixer.nonstandardResidues]
        step("replace nonstandard residues", fixer.replaceNonstandardResidues)
        if replaced:
            changes.append(f"modified residue(s) replaced by their standard parent: {', '.join(replaced)}")
    if add_missing_atoms or built:
        step("find missing atoms", fixer.findMissingAtoms)
    if not add_missing_atoms:
        fixer.missingAtoms, fixer.missingTerminals = {}, {}
    where = [f"{r.chain.id}:{r.name}{r.id} {' '.join(a.name for a in v)}" for r, v in fixer.missingAtoms.items()]
    n_oxt = sum(len(v) for v in fixer.missingTerminals.values())
    n_before = fixer.topology.getNumAtoms()
    if where or n_oxt or built:
        step("add missing atoms", lambda: fixer.addMissingAtoms(seed=0))
    added_heavy = fixer.topology.getNumAtoms() - n_before
    if where or n_oxt:
        parts = ["; ".join(where[:8]) + ("; ..." if len(where) > 8 else "")] if where else []
        if n_oxt:
            parts.append(f"{n_oxt} terminal OXT")
        changes.append(f"{added_heavy} heavy atom(s) added" + (" (with the built residues)" if built else "")
                       + ": " + ", ".join(parts))
    if built:
        changes.append(f"{built} missing residue(s) built inside chains (PDBFixer loop model)")

    topology, positions = fixer.topology, fixer.positions
    breaks = _chain_break_bonds(topology, positions, unit)
    if breaks:
        modeller = app.Modeller(topology, positions)
        modeller.delete(breaks)
        topology, positions = modeller.topology, modeller.positions
        changes.append(f"{len(breaks)} chain break(s) (gaps in the model): no bond across them")

    def add_h():
        modeller = app.Modeller(topology, positions)
        variants = _histidine_variants(topology, positions, ph, unit)
        state = random.getstate()
        random.seed(0)  # OpenMM places new hydrogens at random before minimising them: make that reproducible
        try:
            modeller.addHydrogens(pH=ph, variants=variants)
        finally:
            random.setstate(state)
        return modeller

    had_h = {(a.residue.index, a.name) for a in topology.atoms() if a.element is not None and a.element.symbol == "H"}
    modeller = step(f"add hydrogens at pH {ph:g}", add_h)
    topology = modeller.topology
    positions = _ideal_hydrogen_bonds(topology, modeller.positions, had_h, unit)
    n_h = sum(1 for a in topology.atoms() if a.element is not None and a.element.symbol == "H")
    h_added = n_h - h_before
    changes.append(f"{h_added} hydrogen(s) added at pH {ph:g} (OpenMM residue templates)"
                   + (f"; {h_before} were in the file" if h_before else ""))

    # 6. Outputs.
    for out in (pdb_path, out_pdbqt):
        d = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(d):
            raise InputError(f"{out}: output folder {d} does not exist")
    buf = io.StringIO()
    app.PDBFile.writeFile(topology, positions, buf, keepIds=True)
    header = (f"REMARK   1 PREPARED BY VSCREEN FROM {os.path.basename(src)}: CHAINS {','.join(selected)}, "
              f"PH {ph:g}\n")
    with open(pdb_path, "w") as f:
        f.write(header + buf.getvalue())
    pdbqt = prepare_receptor_pdbqt(pdb_path)
    if keep_waters and waters_kept:
        pdbqt += _water_pdbqt(topology, positions, unit, pdbqt)
    with open(out_pdbqt, "w") as f:
        f.write(pdbqt)
    receptor = read_receptor_pdbqt_file(out_pdbqt)

    heavy = topology.getNumAtoms() - n_h
    return PreparedReceptor(
        source=src, pdbqt_path=out_pdbqt, pdb_path=pdb_path, ph=ph, chains=selected, chains_dropped=chains_dropped,
        residues=n_polymer + built, heavy_atoms=heavy, hydrogens=n_h, pdbqt_atoms=receptor.num_atoms,
        waters_kept=waters_kept, waters_removed=waters_removed, metals_kept=metals_kept,
        metals_removed=metals_removed, het_kept=het_kept, het_removed=het_removed, altlocs_resolved=alt_residues,
        altloc_atoms_removed=alt_atoms, nonstandard_replaced=replaced, missing_residues=missing_total - built,
        residues_built=built, heavy_atoms_added=added_heavy, hydrogens_added=h_added, chain_breaks=len(breaks),
        models_ignored=len(models) - 1, changes=changes)


def _chain_break_bonds(topology, positions, unit) -> List[tuple]:
    """Peptide and phosphodiester bonds OpenMM made between consecutive residues that are too far apart."""
    out = []
    for a1, a2 in topology.bonds():
        if a1.residue is a2.residue or {a1.name, a2.name} not in ({"C", "N"}, {"O3'", "P"}):
            continue
        d = positions[a1.index] - positions[a2.index]
        r = sum(v * v for v in d.value_in_unit(unit.angstrom)) ** 0.5
        if r > CHAIN_BREAK_DISTANCE:
            out.append((a1, a2))
    return out


def _water_pdbqt(topology, positions, unit, pdbqt: str) -> str:
    """PDBQT lines of the waters (prepare_receptor_pdbqt leaves waters out): O as OA, H as HD."""
    serial = sum(1 for line in pdbqt.splitlines() if line.startswith(("ATOM", "HETATM")))
    out = []
    for res in topology.residues():
        if res.name not in WATER_NAMES:
            continue
        for atom in res.atoms():
            el = atom.element.symbol if atom.element is not None else atom.name[:1]
            if el not in _WATER_CHARGES:
                continue
            serial += 1
            x, y, z = positions[atom.index].value_in_unit(unit.angstrom)
            name = atom.name if len(atom.name) == 4 else " " + atom.name
            out.append(f"HETATM{serial % 100000:5d} {name:<4} {res.name:>3} {res.chain.id[:1]:1}"
                       f"{int(res.id) % 10000:4d}{res.insertionCode.strip()[:1]:1}   "
                       f"{x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00    "
                       f"{_WATER_CHARGES[el]:6.3f} {'OA' if el == 'O' else 'HD':<2}\n")
    return "".join(out)


def _ideal_hydrogen_bonds(topology, positions, had_h, unit):
    """Positions with every added hydrogen moved along its bond to the ideal length from its parent atom."""
    xyz = [list(p.value_in_unit(unit.angstrom)) for p in positions]
    for a1, a2 in topology.bonds():
        for h, parent in ((a1, a2), (a2, a1)):
            if h.element is None or h.element.symbol != "H" or (h.residue.index, h.name) in had_h:
                continue
            if parent.element is None or parent.element.symbol == "H":
                continue
            d = [xyz[h.index][k] - xyz[parent.index][k] for k in range(3)]
            r = sum(v * v for v in d) ** 0.5
            if r > 1e-6:
                ideal = _H_BOND_LENGTH.get(parent.element.symbol, 1.0)
                xyz[h.index] = [xyz[parent.index][k] + d[k] * ideal / r for k in range(3)]
    from openmm import Vec3
    return unit.Quantity([Vec3(*p) for p in xyz], unit.angstrom)


def _histidine_variants(topology, positions, ph, unit) -> Optional[List[Optional[str]]]:
    """OpenMM's choice of neutral histidine tautomer (Modeller.addHydrogens, pH > 6.5), computed with numpy.

    The same rule as OpenMM: HIE when a hydrogen on NE2 (placed 1 A along the bisector) would make a hydrogen bond
    (donor-acceptor <= 3.5 A, D-H...A angle < 50 degrees) to an N or O of another residue and one on ND1 would not;
    HID otherwise. OpenMM does this with unit-carrying scalars, which takes most of the time on large receptors.
    Histidines that already carry a hydrogen are left to OpenMM (None), as is everything at pH <= 6.5 (HIP).
    """
    import numpy as np

    if ph <= 6.5:
        return None
    atoms = list(topology.atoms())
    xyz = np.array(positions.value_in_unit(unit.nanometer) if unit.is_quantity(positions)
                   else [p.value_in_unit(unit.nanometer) for p in positions], dtype=float)
    bonded: Dict[int, List[int]] = {}
    for a1, a2 in topology.bonds():
        bonded.setdefault(a1.index, []).append(a2.index)
        bonded.setdefault(a2.index, []).append(a1.index)
    acceptors = np.array([a.index for a in atoms if a.element is not None and a.element.symbol in ("N", "O")], int)
    acc_res = np.array([atoms[i].residue.index for i in acceptors], int)
    cos50 = np.cos(np.radians(50.0))
    variants: List[Optional[str]] = [None] * topology.getNumResidues()

    def hydrogen_bonded(donor: int, res_index: int) -> bool:
        d = xyz[donor]
        delta = sum((d - xyz[o] for o in bonded.get(donor, [])), np.zeros(3))
        norm = np.linalg.norm(delta)
        if norm == 0:
            return False
        h = d + delta * 0.1 / norm
        a = xyz[acceptors[acc_res != res_index]]
        near = np.linalg.norm(a - d, axis=1) <= 0.35
        if not near.any():
            return False
        dh = (h - d) / np.linalg.norm(h - d)
        ha = a[near] - h
        ha /= np.linalg.norm(ha, axis=1)[:, None]
        return bool((ha @ dh > cos50).any())

    for res in topology.residues():
        if res.name != "HIS":
            continue
        names = {a.name: a.index for a in res.atoms()}
        if "ND1" not in names or "NE2" not in names:
            continue  # OpenMM reports the incomplete residue
        if any(a.element is not None and a.element.symbol == "H" for a in res.atoms()):
            continue
        nd1 = hydrogen_bonded(names["ND1"], res.index)
        ne2 = hydrogen_bonded(names["NE2"], res.index)
        variants[res.index] = "HIE" if ne2 and not nd1 else "HID"
    return variants
