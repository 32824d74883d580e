# Docking search boxes: around a reference ligand, around chosen receptor residues, or from a centre and a size.
"""Search boxes as ``Box(center, size)``, a named tuple that unpacks like ``center, size = ...``.

Every box is axis-aligned; around atoms it is the bounding box of their heavy atoms, widened by ``padding`` on
each side (size = extent + 2 * padding).
"""
from __future__ import annotations

import os
import re
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from ._vscreen import InputError, Ligand, read_ligand_file
from .structure_file import CIF_EXTENSIONS, PDB_EXTENSIONS, WATER_NAMES, AtomRecord, read_structure_file

PathLike = Union[str, "os.PathLike[str]"]
Vec3 = Tuple[float, float, float]
ResidueSpec = Union[str, Tuple[str, int]]

_SPEC = re.compile(r"^(?:(?P<chain>[^:\s]+):)?(?P<name>[A-Za-z]{1,3})?(?P<num>-?\d+)(?P<icode>[A-Za-z]?)$")


class Box(NamedTuple):
    """An axis-aligned search box (A): its centre and its edge lengths."""

    center: Vec3
    size: Vec3


def box_from_center_size(center: Sequence[float], size: Sequence[float]) -> Box:
    """A box from an explicit centre and size (three numbers each; sizes must be positive)."""
    c, s = tuple(float(v) for v in center), tuple(float(v) for v in size)
    if len(c) != 3 or len(s) != 3:
        raise InputError(f"box: centre and size need three numbers each, got {list(center)} and {list(size)}")
    if min(s) <= 0:
        raise InputError(f"box: sizes must be positive, got {list(s)}")
    return Box(c, s)  # type: ignore[arg-type]


def _around(points: List[Vec3], padding: float, what: str) -> Box:
    if not points:
        raise InputError(f"{what}: no heavy atoms to put a box around")
    if padding < 0:
        raise InputError(f"{what}: padding must not be negative, got {padding}")
    lo = [min(p[k] for p in points) for k in range(3)]
    hi = [max(p[k] for p in points) for k in range(3)]
    center = tuple((a + b) / 2 for a, b in zip(lo, hi))
    size = tuple(b - a + 2 * padding for a, b in zip(lo, hi))
    return Box(center, size)  # type: ignore[arg-type]


def _structure_ext(path: str) -> str:
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def _first_model(atoms: Iterable[AtomRecord]) -> List[AtomRecord]:
    atoms = list(atoms)
    first = atoms[0].model if atoms else 1
    return [a for a in atoms if a.model == first]


def _pdbqt_atoms(path: str) -> List[AtomRecord]:
    """ATOM/HETATM records of a PDBQT file; hydrogens are the H, HD and HS AutoDock types."""
    atoms: List[AtomRecord] = []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read file: {e.strerror or e}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.startswith(("ATOM  ", "HETATM")):
            continue
        try:
            ad = line[77:79].strip()
            atoms.append(AtomRecord(
                hetero=line.startswith("HETATM"), serial=len(atoms) + 1, name=line[12:16].strip(),
                altloc=line[16:17].strip(), resname=line[17:20].strip(), chain=line[21:22].strip(),
                resseq=int(line[22:26]), icode=line[26:27].strip(), x=float(line[30:38]), y=float(line[38:46]),
                z=float(line[46:54]), occupancy=1.0, bfactor=0.0, element="H" if ad in ("H", "HD", "HS") else ad))
        except ValueError as e:
            raise InputError(f"{path}:{lineno}: malformed atom record ({e})") from None
    if not atoms:
        raise InputError(f"{path}: no ATOM/HETATM records")
    return atoms


def _structure_atoms(path: str) -> List[AtomRecord]:
    if _structure_ext(path) == ".pdbqt":
        return _pdbqt_atoms(path)
    return _first_model(read_structure_file(path).atoms)


def box_from_ligand(ligand: Union[Ligand, PathLike], padding: float = 4.0) -> Box:
    """Box around a reference ligand: a Ligand, a ligand file (.sdf/.mol/.mol2/.pdbqt, first record) or a PDB/mmCIF
    file of the ligand alone (.pdb/.ent/.cif, optionally .gz: every non-water heavy atom of its first model)."""
    if isinstance(ligand, Ligand):
        points = [tuple(xyz) for xyz, z in zip(ligand.coords.tolist(), ligand.elements) if z != 1]
        return _around(points, padding, f"box: ligand '{ligand.name}'")  # type: ignore[arg-type]
    p = os.fspath(ligand)
    if _structure_ext(p) in PDB_EXTENSIONS + CIF_EXTENSIONS:
        atoms = _structure_atoms(p)
        points = [(a.x, a.y, a.z) for a in atoms if a.element not in ("H", "D") and a.resname not in WATER_NAMES]
        return _around(points, padding, f"{p}")
    lig = read_ligand_file(p)
    points = [tuple(xyz) for xyz, z in zip(lig.coords.tolist(), lig.elements) if z != 1]
    return _around(points, padding, f"box: ligand '{lig.name}' ({p})")  # type: ignore[arg-type]


def parse_residue_spec(spec: ResidueSpec) -> Tuple[Optional[str], Optional[str], int, str]:
    """(chain or None, residue name or None, number, insertion code) from "A:HIS41", "A:41", "HIS41", "41", "A:52B"
    or ("A", 41)."""
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise InputError(f"residue {spec!r}: expected (chain, number)")
        return str(spec[0]), None, int(spec[1]), ""
    m = _SPEC.match(str(spec).strip())
    if not m:
        raise InputError(f"residue '{spec}': expected CHAIN:RESNUM such as 'A:HIS41', 'A:41' or 'HIS41'")
    name = m.group("name")
    return m.group("chain"), name.upper() if name else None, int(m.group("num")), m.group("icode") or ""


def box_from_residues(structure: PathLike, residues: Sequence[ResidueSpec], padding: float = 4.0) -> Box:
    """Box around the heavy atoms of the given residues of a receptor (.pdb/.ent/.cif[.gz] or .pdbqt).

    ``residues`` are specs such as ``["A:HIS41", "A:CYS145"]`` (see :func:`parse_residue_spec`); a spec without a
    chain must match one chain only. Raises InputError naming the file for a residue that is not there, a name
    that does not match the residue at that number, or an ambiguous spec.
    """
    p = os.fspath(structure)
    if isinstance(residues, (str, tuple)):
        residues = [residues]  # type: ignore[list-item]
    if not residues:
        raise InputError(f"{p}: no residues given for the box")
    atoms = _structure_atoms(p)
    points: List[Vec3] = []
    for spec in residues:
        chain, name, num, icode = parse_residue_spec(spec)
        match = [a for a in atoms if a.resseq == num and a.icode == icode and (chain is None or a.chain == chain)]
        chains = sorted({a.chain for a in match})
        if not match:
            raise InputError(f"{p}: residue '{spec}' not found")
        if len(chains) > 1:
            raise InputError(f"{p}: residue '{spec}' is in chains {', '.join(chains)}; give the chain, e.g. "
                             f"'{chains[0]}:{spec}'")
        names = sorted({a.resname for a in match})
        if name is not None and name not in names:
            raise InputError(f"{p}: residue '{spec}': residue {chains[0]}:{num}{icode} is {'/'.join(names)}, "
                             f"not {name}")
        points += [(a.x, a.y, a.z) for a in match if a.element not in ("H", "D")]
    return _around(points, padding, p)
