# Reads the atom records of a structure file as the PDB distributes it (PDB or mmCIF, optionally gzipped).
"""Atom records of PDB and PDBx/mmCIF files, for receptor preparation and search boxes.

Only what preparation needs is read: the atoms of every model (with their model number), the alternate
location indicator and occupancy of each atom, and the chain sequences (PDB ``SEQRES`` records, mmCIF
``pdbx_poly_seq_scheme``). mmCIF files are read through the PDBx reader that ships with OpenMM, and their
author identifiers (``auth_asym_id``, ``auth_seq_id``, ``auth_comp_id``, ``auth_atom_id``) are used, so that
a structure gives the same chains, residue numbers and atom names from either format.
"""
from __future__ import annotations

import gzip
import io
import os
from dataclasses import dataclass, field
from typing import Dict, List, Union

from ._vscreen import InputError

PathLike = Union[str, "os.PathLike[str]"]

#: File name endings read as PDB and as mmCIF (lower case; a further ".gz" is allowed).
PDB_EXTENSIONS = (".pdb", ".ent", ".pdb1")
CIF_EXTENSIONS = (".cif", ".mmcif")

#: Residue names of water.
WATER_NAMES = frozenset({"HOH", "WAT", "H2O", "DOD", "D2O", "TIP", "TIP3", "SOL"})

# Two-letter element symbols, to read the element from an atom name when the element columns are blank.
_TWO_LETTER = frozenset({
    "HE", "LI", "BE", "NE", "NA", "MG", "AL", "SI", "CL", "AR", "CA", "SC", "TI", "CR", "MN", "FE", "CO", "NI", "CU",
    "ZN", "GA", "GE", "AS", "SE", "BR", "KR", "RB", "SR", "ZR", "MO", "RU", "RH", "PD", "AG", "CD", "IN", "SN", "SB",
    "TE", "XE", "CS", "BA", "LA", "CE", "GD", "YB", "LU", "HF", "TA", "RE", "OS", "IR", "PT", "AU", "HG", "TL", "PB",
    "BI", "PO", "AT",
})


@dataclass
class AtomRecord:
    """One ATOM/HETATM record. ``element`` is capitalised as in the periodic table ("C", "Zn")."""

    hetero: bool
    serial: int
    name: str
    altloc: str
    resname: str
    chain: str
    resseq: int
    icode: str
    x: float
    y: float
    z: float
    occupancy: float
    bfactor: float
    element: str
    charge: str = ""
    model: int = 1

    @property
    def residue_key(self):
        """(chain, residue number, insertion code): one residue position."""
        return (self.chain, self.resseq, self.icode)


@dataclass
class StructureFile:
    """The atom records of a structure file (all models) and the sequences of its chains."""

    path: str
    format: str  # "pdb" or "mmcif"
    atoms: List[AtomRecord]
    sequences: Dict[str, List[str]] = field(default_factory=dict)  # chain -> residue names (SEQRES)

    @property
    def models(self) -> List[int]:
        """Model numbers, in file order."""
        seen: Dict[int, None] = {}
        for a in self.atoms:
            seen.setdefault(a.model, None)
        return list(seen)


def structure_format(path: PathLike) -> str:
    """'pdb' or 'mmcif' from the file name (a trailing .gz is ignored); InputError for anything else."""
    p = os.fspath(path)
    name = p.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    ext = os.path.splitext(name)[1]
    if ext in PDB_EXTENSIONS:
        return "pdb"
    if ext in CIF_EXTENSIONS:
        return "mmcif"
    raise InputError(f"{p}: unknown structure format '{ext or os.path.basename(p)}'; expected "
                     f"{', '.join(PDB_EXTENSIONS + CIF_EXTENSIONS)} (optionally gzipped, .gz)")


def _read_text(p: str) -> str:
    try:
        if p.lower().endswith(".gz"):
            with gzip.open(p, "rt", encoding="utf-8", errors="replace") as f:
                return f.read()
        with open(p, encoding="utf-8", errors="replace") as f:
            return f.read()
    except (EOFError, gzip.BadGzipFile) as e:  # BadGzipFile is an OSError
        raise InputError(f"{p}: not a valid gzip file: {e}") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read file: {e.strerror or e}") from None


def read_structure_file(path: PathLike) -> StructureFile:
    """Reads every atom record of a PDB or mmCIF file (format from the name; .gz is decompressed).

    Raises InputError naming the file for an unknown format, an empty file, a file without atom records and
    a malformed record.
    """
    p = os.fspath(path)
    fmt = structure_format(p)
    text = _read_text(p)
    if not text.strip():
        raise InputError(f"{p}: file is empty")
    structure = _parse_pdb(p, text) if fmt == "pdb" else _parse_mmcif(p, text)
    if not structure.atoms:
        what = "ATOM/HETATM records" if fmt == "pdb" else "_atom_site rows"
        raise InputError(f"{p}: no atoms in file (no {what}); is this a {fmt.upper()} coordinate file?")
    return structure


def has_hydrogens(path: PathLike) -> bool:
    """Whether the structure's amino-acid and nucleotide residues carry hydrogen atoms (first model)."""
    s = read_structure_file(path)
    first = s.models[0]
    return any(a.element in ("H", "D") and a.model == first and not a.hetero for a in s.atoms)


# ---------------------------------------------------------------------------------------------------
# PDB

def _element_from_name(name_field: str, hetero: bool) -> str:
    # Columns 13-16: a one-letter element sits in column 14 (column 13 blank or a digit); two-letter elements
    # (metal ions) start in column 13. Four-character hydrogen names (HG21) also start in column 13.
    two = name_field[:2].upper()
    if name_field[:1] in (" ",) or name_field[:1].isdigit():
        return name_field[1:2].upper()
    if hetero and two in _TWO_LETTER:
        return two
    return name_field[:1].upper()


def _parse_pdb(p: str, text: str) -> StructureFile:
    atoms: List[AtomRecord] = []
    sequences: Dict[str, List[str]] = {}
    model = 1
    for lineno, line in enumerate(text.splitlines(), 1):
        rec = line[:6]
        if rec == "MODEL ":
            try:
                model = int(line[6:].split()[0])
            except (ValueError, IndexError):
                model += 1
            continue
        if rec == "SEQRES":
            chain = line[11:12].strip()
            sequences.setdefault(chain, []).extend(line[19:].split())
            continue
        if rec not in ("ATOM  ", "HETATM"):
            continue
        try:
            name_field = line[12:16]
            element = line[76:78].strip()
            if not element.isalpha():
                element = _element_from_name(name_field, rec == "HETATM")
            occupancy = line[54:60].strip()
            bfactor = line[60:66].strip()
            atoms.append(AtomRecord(
                hetero=rec == "HETATM",
                serial=int(line[6:11]) if line[6:11].strip().isdigit() else len(atoms) + 1,
                name=name_field.strip(),
                altloc=line[16:17].strip(),
                resname=line[17:20].strip(),
                chain=line[21:22].strip(),
                resseq=int(line[22:26]),
                icode=line[26:27].strip(),
                x=float(line[30:38]), y=float(line[38:46]), z=float(line[46:54]),
                occupancy=float(occupancy) if occupancy else 1.0,
                bfactor=float(bfactor) if bfactor else 0.0,
                element=element[:1].upper() + element[1:].lower(),
                charge=line[78:80].strip(),
                model=model,
            ))
        except ValueError as e:
            raise InputError(f"{p}:{lineno}: malformed {rec.strip()} record ({e}): {line.rstrip()!r}") from None
    return StructureFile(p, "pdb", atoms, sequences)


# ---------------------------------------------------------------------------------------------------
# mmCIF

def _cif_rows(block, category: str, wanted: List[str]):
    """Rows of a category as dicts over the wanted attributes (missing attributes and '?', '.' give '')."""
    obj = block.getObj(category)
    if obj is None:
        return []
    index = {name: obj.getAttributeIndex(name) for name in wanted}
    out = []
    for row in obj.getRowList():
        d = {}
        for name, i in index.items():
            v = row[i] if i >= 0 else ""
            d[name] = "" if v in ("?", ".") else v
        out.append(d)
    return out


def _parse_mmcif(p: str, text: str) -> StructureFile:
    from openmm.app.internal.pdbx.reader.PdbxReader import PdbxReader

    data: list = []
    try:
        PdbxReader(io.StringIO(text)).read(data)
    except Exception as e:  # the PDBx reader raises its own syntax error types
        raise InputError(f"{p}: cannot parse mmCIF: {e}") from None
    if not data:
        raise InputError(f"{p}: no data block; not an mmCIF file")
    block = data[0]
    cols = ["group_PDB", "id", "type_symbol", "label_atom_id", "auth_atom_id", "label_alt_id", "label_comp_id",
            "auth_comp_id", "label_asym_id", "auth_asym_id", "label_seq_id", "auth_seq_id", "pdbx_PDB_ins_code",
            "Cartn_x", "Cartn_y", "Cartn_z", "occupancy", "B_iso_or_equiv", "pdbx_formal_charge",
            "pdbx_PDB_model_num"]
    atoms: List[AtomRecord] = []
    for n, r in enumerate(_cif_rows(block, "atom_site", cols), 1):
        try:
            seq = r["auth_seq_id"] or r["label_seq_id"]
            charge = r["pdbx_formal_charge"]
            if charge and charge not in ("0",):
                charge = charge.lstrip("+-") + ("-" if charge.startswith("-") else "+")
            else:
                charge = ""
            element = r["type_symbol"] or (r["auth_atom_id"] or r["label_atom_id"])[:1]
            atoms.append(AtomRecord(
                hetero=r["group_PDB"] == "HETATM",
                serial=int(r["id"]) if r["id"].isdigit() else n,
                name=r["auth_atom_id"] or r["label_atom_id"],
                altloc=r["label_alt_id"],
                resname=r["auth_comp_id"] or r["label_comp_id"],
                chain=r["auth_asym_id"] or r["label_asym_id"],
                resseq=int(seq) if seq else 0,
                icode=r["pdbx_PDB_ins_code"],
                x=float(r["Cartn_x"]), y=float(r["Cartn_y"]), z=float(r["Cartn_z"]),
                occupancy=float(r["occupancy"]) if r["occupancy"] else 1.0,
                bfactor=float(r["B_iso_or_equiv"]) if r["B_iso_or_equiv"] else 0.0,
                element=element[:1].upper() + element[1:].lower(),
                charge=charge,
                model=int(r["pdbx_PDB_model_num"]) if r["pdbx_PDB_model_num"] else 1,
            ))
        except ValueError as e:
            raise InputError(f"{p}: _atom_site row {n}: malformed value ({e})") from None
    sequences: Dict[str, List[str]] = {}
    for r in _cif_rows(block, "pdbx_poly_seq_scheme", ["pdb_strand_id", "mon_id"]):
        if r["pdb_strand_id"] and r["mon_id"]:
            sequences.setdefault(r["pdb_strand_id"], []).append(r["mon_id"])
    return StructureFile(p, "mmcif", atoms, sequences)

