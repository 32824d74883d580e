# Template chains of a homology model: the observed residues of a PDB/mmCIF chain, read with the project's structure reader.
"""A template is ``FILE[:CHAIN]``. The file is read with :func:`vscreen.structure_file.read_structure_file` and its
residues chosen as receptor preparation chooses them (:func:`vscreen.receptor_selection.select_residues`: first
model, alternate locations resolved by occupancy); without a chain every protein chain of the file is a candidate.
Only the residues with coordinates count (not SEQRES): the alignment is made to what the template can give. A
residue needs its N, CA and C atoms to be a template residue; modified residues (MSE, ...) count as their standard
parent (PDBFixer's table) and give only the atoms the parent has.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .._vscreen import InputError
from .sequence import THREE_LETTER

Vec3 = Tuple[float, float, float]

#: One-letter codes of the standard residue names.
ONE_LETTER = {v: k for k, v in THREE_LETTER.items()}
#: Force-field protonation variants, read as their standard residue.
VARIANT_PARENT = {"HID": "HIS", "HIE": "HIS", "HIP": "HIS", "HIN": "HIS", "CYX": "CYS", "CYM": "CYS", "ASH": "ASP",
                  "GLH": "GLU", "LYN": "LYS"}
BACKBONE = ("N", "CA", "C", "O")


@dataclass
class TemplateResidue:
    """One observed residue of a template chain: its number, standard name, one-letter code, heavy atoms."""

    chain: str
    number: int
    icode: str
    name: str                                    # standard three-letter name (MSE is read as MET)
    letter: str
    atoms: Dict[str, Vec3] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.chain}:{self.name}{self.number}{self.icode}"


@dataclass
class TemplateChain:
    """The observed residues of one chain of a template file, in file order."""

    path: str
    chain: str
    residues: List[TemplateResidue]
    dropped: List[str] = field(default_factory=list)  # residues without N/CA/C, or of no standard parent

    @property
    def sequence(self) -> str:
        return "".join(r.letter for r in self.residues)

    @property
    def spec(self) -> str:
        return f"{self.path}:{self.chain}"


def parse_template_spec(spec: str) -> Tuple[str, Optional[str]]:
    """(path, chain or None) from "FILE" or "FILE:CHAIN" (a chain is 1-4 letters or digits after the last ':')."""
    s = os.fspath(spec)
    head, sep, tail = s.rpartition(":")
    if sep and head and tail and len(tail) <= 4 and tail.isalnum() and not os.path.exists(s):
        return head, tail
    return s, None


def read_template(spec: str) -> List[TemplateChain]:
    """The template chain of ``spec`` ("FILE:CHAIN"), or every protein chain of FILE when no chain is named.

    Raises InputError naming the file for a file that is not a structure (unknown format, no atom records), a
    chain that is not in the file (the chains present are listed) and a chain without amino-acid residues."""
    from ..receptor_prep import _openmm_modules
    from ..receptor_selection import select_residues
    from ..structure_file import read_structure_file

    path, chain = parse_template_spec(spec)
    structure = read_structure_file(path)
    pdbfixer_module = _openmm_modules()[4]
    substitutions = dict(pdbfixer_module.substitutions)
    sel = select_residues(path, structure, substitutions, [chain] if chain else None, False, set(), False)
    chains: List[TemplateChain] = []
    for c in sel.chains:
        tc = TemplateChain(path, c, [])
        for res in sel.residues:
            if res.chain != c or res.kind != "amino":
                continue
            name = substitutions.get(res.name, res.name)
            name = VARIANT_PARENT.get(name, name)
            atoms = {a.name: (a.x, a.y, a.z) for a in res.atoms if a.element not in ("H", "D")}
            if name not in ONE_LETTER or not all(k in atoms for k in ("N", "CA", "C")):
                tc.dropped.append(res.label)
                continue
            tc.residues.append(TemplateResidue(c, res.key[1], res.key[2], name, ONE_LETTER[name], atoms))
        if tc.residues:
            chains.append(tc)
    if not chains:
        raise InputError(f"{spec}: no amino-acid residue with N, CA and C atoms in "
                         f"{'chain ' + chain if chain else 'any chain'}")
    return chains
