# Receptor preparation from raw PDB/mmCIF files: select, repair and protonate with PDBFixer/OpenMM, write PDB + PDBQT.
"""Turns a structure as the PDB distributes it into a docking receptor.

Why PDBFixer: it repairs proteins from residue templates (it knows which heavy atoms each standard residue must
have, and which hydrogens each protonation state carries), it reads PDB and mmCIF, and it is built on OpenMM,
the toolkit of the refinement stage, so a receptor prepared here is one that stage can parameterise as is.
Protonation uses OpenMM's residue templates at the given pH (standard pKa values, histidine tautomer from
hydrogen bonds); there is no pKa prediction, no loop modelling by default and no flexible residues.

Order of the steps (each is reported in :class:`PreparedReceptor`; steps 1-3 are in
:mod:`vscreen.receptor_selection`):

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

import contextlib
import io
import logging
import os
import random
import sys
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ._vscreen import InputError, VscreenError, prepare_receptor_pdbqt, read_receptor_pdbqt_file
from .receptor_selection import (AMINO_ACIDS, METAL_ELEMENTS, MIN_PROTEIN_CHAIN_RESIDUES, NUCLEOTIDES,  # noqa: F401
                                 Selection, select_residues, selection_pdb)
from .structure_file import WATER_NAMES, read_structure_file

PathLike = Union[str, "os.PathLike[str]"]

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
    out_pdbqt, pdb_path = _output_paths(src, os.fspath(out_pdbqt), pdb_out)
    structure = read_structure_file(src)
    openmm, app, unit, PDBFixer, pdbfixer_module = _openmm_modules()
    sel = select_residues(src, structure, dict(pdbfixer_module.substitutions), _as_list(chains), keep_waters,
                          {n.upper() for n in (_as_list(keep_het) or [])}, keep_metals)
    model = _complete(_Step(src), selection_pdb(sel, structure.sequences), PDBFixer, openmm, app, unit,
                      add_missing_atoms, add_missing_residues, replace_nonstandard, sel.changes)
    _protonate(_Step(src), model, ph, openmm, app, unit, sel.changes)
    pdbqt_atoms = _write_outputs(src, sel, model, ph, pdb_path, out_pdbqt, keep_waters, app, unit)
    return PreparedReceptor(
        source=src, pdbqt_path=out_pdbqt, pdb_path=pdb_path, ph=ph, chains=sel.chains,
        chains_dropped=sel.chains_dropped, residues=sel.polymer_residues + model.built,
        heavy_atoms=model.topology.getNumAtoms() - model.hydrogens, hydrogens=model.hydrogens,
        pdbqt_atoms=pdbqt_atoms, waters_kept=sel.waters_kept, waters_removed=sel.waters_removed,
        metals_kept=sel.metals_kept, metals_removed=sel.metals_removed, het_kept=sel.het_kept,
        het_removed=sel.het_removed, altlocs_resolved=sel.altlocs_resolved,
        altloc_atoms_removed=sel.altloc_atoms_removed, nonstandard_replaced=model.replaced,
        missing_residues=model.missing_residues, residues_built=model.built, heavy_atoms_added=model.heavy_added,
        hydrogens_added=model.hydrogens_added, chain_breaks=model.chain_breaks, models_ignored=sel.models_ignored,
        changes=sel.changes)


def _output_paths(src: str, out_pdbqt: str, pdb_out: Optional[PathLike]) -> Tuple[str, str]:
    """The PDBQT and PDB paths, checked before any work: not the input, distinct, in existing folders."""
    pdb_path = os.fspath(pdb_out) if pdb_out is not None else os.path.splitext(out_pdbqt)[0] + "_H.pdb"
    for out in (out_pdbqt, pdb_path):
        if os.path.exists(out) and os.path.exists(src) and os.path.samefile(out, src):
            raise InputError(f"{src}: output path {out} is the input file; choose another output name")
    if not out_pdbqt.lower().endswith(".pdbqt"):
        raise InputError(f"{out_pdbqt}: the receptor output must be a .pdbqt file")
    if out_pdbqt == pdb_path:
        raise InputError(f"{out_pdbqt}: the PDB and PDBQT outputs must differ")
    for out in (pdb_path, out_pdbqt):
        d = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(d):
            raise InputError(f"{out}: output folder {d} does not exist")
    return out_pdbqt, pdb_path


class _Step:
    """Runs one PDBFixer/OpenMM call; their plain exceptions become an InputError naming the file and the step."""

    def __init__(self, src: str):
        self.src = src

    def __call__(self, what: str, fn):
        try:
            return fn()
        except InputError:
            raise
        except Exception as e:  # PDBFixer and OpenMM raise plain Exception/ValueError with their reason
            raise InputError(f"{self.src}: PDBFixer/OpenMM could not {what}: {e}") from None


@dataclass
class _Model:
    """The OpenMM model through steps 4-5, and what those steps did."""
    topology: object
    positions: object
    hydrogens_in_file: int
    replaced: List[str] = field(default_factory=list)
    missing_residues: int = 0
    built: int = 0
    heavy_added: int = 0
    chain_breaks: int = 0
    hydrogens: int = 0
    hydrogens_added: int = 0


def _count_hydrogens(topology) -> int:
    return sum(1 for a in topology.atoms() if a.element is not None and a.element.symbol == "H")


def _complete(step: _Step, pdb_text: str, PDBFixer, openmm, app, unit, add_missing_atoms: bool,
              add_missing_residues: bool, replace_nonstandard: bool, changes: List[str]) -> _Model:
    """Step 4: PDBFixer on the selection (missing residues noted or built, modified residues replaced, missing
    heavy atoms added), then no bond across chain breaks."""
    fixer = step("read the selected atoms", lambda: PDBFixer(pdbfile=io.StringIO(pdb_text)))
    model = _Model(None, None, _count_hydrogens(fixer.topology))
    step("find missing residues", fixer.findMissingResidues)
    chains_list = list(fixer.topology.chains())
    internal: Dict[Tuple[int, int], List[str]] = {}
    missing_total = 0
    for (ci, ri), names in fixer.missingResidues.items():
        missing_total += len(names)
        if 0 < ri < len(list(chains_list[ci].residues())):
            internal[(ci, ri)] = names
    built = model.built = sum(len(v) for v in internal.values()) if add_missing_residues else 0
    model.missing_residues = missing_total - built
    fixer.missingResidues = internal if add_missing_residues else {}
    if model.missing_residues:
        changes.append(f"{model.missing_residues} residue(s) of the sequence are not in the model and were not built"
                       + ("" if add_missing_residues else " (add_missing_residues builds the internal ones)"))
    if replace_nonstandard:
        step("find nonstandard residues", fixer.findNonstandardResidues)
        model.replaced = [f"{r.chain.id}:{r.name}{r.id}{r.insertionCode.strip()}->{new}"
                          for r, new in fixer.nonstandardResidues]
        step("replace nonstandard residues", fixer.replaceNonstandardResidues)
        if model.replaced:
            changes.append(f"modified residue(s) replaced by their standard parent: {', '.join(model.replaced)}")
    if add_missing_atoms or built:
        step("find missing atoms", fixer.findMissingAtoms)
    if not add_missing_atoms:
        fixer.missingAtoms, fixer.missingTerminals = {}, {}
    where = [f"{r.chain.id}:{r.name}{r.id} {' '.join(a.name for a in v)}" for r, v in fixer.missingAtoms.items()]
    n_oxt = sum(len(v) for v in fixer.missingTerminals.values())
    n_before = fixer.topology.getNumAtoms()
    if where or n_oxt or built:
        def add_missing_atoms():
            with _deterministic_platform(openmm):  # PDBFixer makes its own Context on the default platform
                fixer.addMissingAtoms(seed=1)  # OpenMM reads a seed of 0 as "pick one at random"
        step("add missing atoms", add_missing_atoms)
    model.heavy_added = fixer.topology.getNumAtoms() - n_before
    if where or n_oxt:
        parts = ["; ".join(where[:8]) + ("; ..." if len(where) > 8 else "")] if where else []
        if n_oxt:
            parts.append(f"{n_oxt} terminal OXT")
        changes.append(f"{model.heavy_added} heavy atom(s) added" + (" (with the built residues)" if built else "")
                       + ": " + ", ".join(parts))
    if built:
        changes.append(f"{built} missing residue(s) built inside chains (PDBFixer loop model)")

    model.topology, model.positions = fixer.topology, fixer.positions
    breaks = _chain_break_bonds(model.topology, model.positions, unit)
    model.chain_breaks = len(breaks)
    if breaks:
        modeller = app.Modeller(model.topology, model.positions)
        modeller.delete(breaks)
        model.topology, model.positions = modeller.topology, modeller.positions
        changes.append(f"{len(breaks)} chain break(s) (gaps in the model): no bond across them")
    return model


def _protonate(step: _Step, model: _Model, ph: float, openmm, app, unit, changes: List[str]) -> None:
    """Step 5: hydrogens at the pH from OpenMM's templates (histidine tautomers from hydrogen bonds),
    reproducibly placed, then set to ideal bond lengths."""
    def add_h():
        modeller = app.Modeller(model.topology, model.positions)
        variants = _histidine_variants(model.topology, model.positions, ph, unit)
        state = random.getstate()
        random.seed(0)  # OpenMM places new hydrogens at random before minimising them: make that reproducible
        try:
            with _deterministic_platform(openmm) as platform:
                modeller.addHydrogens(pH=ph, variants=variants, platform=platform)
        finally:
            random.setstate(state)
        return modeller

    had_h = {(a.residue.index, a.name) for a in model.topology.atoms()
             if a.element is not None and a.element.symbol == "H"}
    modeller = step(f"add hydrogens at pH {ph:g}", add_h)
    model.topology = modeller.topology
    model.positions = _ideal_hydrogen_bonds(model.topology, modeller.positions, had_h, unit)
    model.hydrogens = _count_hydrogens(model.topology)
    model.hydrogens_added = model.hydrogens - model.hydrogens_in_file
    changes.append(f"{model.hydrogens_added} hydrogen(s) added at pH {ph:g} (OpenMM residue templates)"
                   + (f"; {model.hydrogens_in_file} were in the file" if model.hydrogens_in_file else ""))


@contextlib.contextmanager
def _deterministic_platform(openmm):
    """The platform for OpenMM's minimisations during preparation (PDBFixer's missing atoms, Modeller's
    hydrogens): the CPU platform on one thread (with several, its sums change order and the new hydrogens move by
    about 0.005 A from run to run), else Reference. Neither PDBFixer nor addHydrogens takes platform properties,
    and PDBFixer takes no platform, so while the block runs the CPU platform's default thread count is 1 and
    OPENMM_DEFAULT_PLATFORM names it (a GPU platform would otherwise be preferred where one exists). The large
    run-to-run differences of rebuilt side chains came from PDBFixer's seed, not from this (see the caller)."""
    try:
        platform = openmm.Platform.getPlatformByName("CPU")
    except Exception:  # no CPU plugin (python3-simtk without libopenmm-plugins)
        platform = openmm.Platform.getPlatformByName("Reference")
    saved_env = os.environ.get("OPENMM_DEFAULT_PLATFORM")
    os.environ["OPENMM_DEFAULT_PLATFORM"] = platform.getName()
    threads = platform.getPropertyDefaultValue("Threads") if platform.getName() == "CPU" else None
    if threads is not None:
        platform.setPropertyDefaultValue("Threads", "1")
    try:
        yield platform
    finally:
        if threads is not None:
            platform.setPropertyDefaultValue("Threads", threads)
        if saved_env is None:
            os.environ.pop("OPENMM_DEFAULT_PLATFORM", None)
        else:
            os.environ["OPENMM_DEFAULT_PLATFORM"] = saved_env


def _write_outputs(src: str, sel: Selection, model: _Model, ph: float, pdb_path: str, out_pdbqt: str,
                   keep_waters: bool, app, unit) -> int:
    """Step 6: the PDB with all hydrogens, then the PDBQT made from it, read back as a check; its atom count."""
    buf = io.StringIO()
    app.PDBFile.writeFile(model.topology, model.positions, buf, keepIds=True)
    header = (f"REMARK   1 PREPARED BY VSCREEN FROM {os.path.basename(src)}: CHAINS {','.join(sel.chains)}, "
              f"PH {ph:g}\n")
    with open(pdb_path, "w") as f:
        f.write(header + buf.getvalue())
    pdbqt = prepare_receptor_pdbqt(pdb_path)
    if keep_waters and sel.waters_kept:
        pdbqt += _water_pdbqt(model.topology, model.positions, unit, pdbqt)
    with open(out_pdbqt, "w") as f:
        f.write(pdbqt)
    return read_receptor_pdbqt_file(out_pdbqt).num_atoms


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
