# The target sequence of a homology model: one FASTA record (Biopython's reader), checked against the amino-acid alphabet.
"""A target sequence is one record of a FASTA file (``--record ID`` picks one of several; a file of one record needs
none). Lower-case letters are read as upper case, white space and a trailing stop ``*`` are dropped; any other
letter outside the 20 standard amino acids (X, B, Z, U, O, gaps, digits) is an error that names the letters and
their positions, since a model cannot place a residue of unknown type.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Union

from .._vscreen import InputError

PathLike = Union[str, "os.PathLike[str]"]

#: The one-letter codes a target sequence may hold.
AMINO_ACID_LETTERS = "ACDEFGHIKLMNPQRSTVWY"
#: Three-letter residue names of the one-letter codes.
THREE_LETTER = {"A": "ALA", "C": "CYS", "D": "ASP", "E": "GLU", "F": "PHE", "G": "GLY", "H": "HIS", "I": "ILE",
                "K": "LYS", "L": "LEU", "M": "MET", "N": "ASN", "P": "PRO", "Q": "GLN", "R": "ARG", "S": "SER",
                "T": "THR", "V": "VAL", "W": "TRP", "Y": "TYR"}


@dataclass(frozen=True)
class TargetSequence:
    """One target sequence: its FASTA id and description, its letters, and the file it came from."""

    id: str
    description: str
    letters: str
    source: str

    def __len__(self) -> int:
        return len(self.letters)


def check_letters(letters: str, what: str) -> str:
    """``letters`` upper-cased without white space and a final ``*``; InputError naming each letter outside the
    alphabet with its 1-based position (the first 10)."""
    seq = "".join(letters.split()).upper()
    if seq.endswith("*"):
        seq = seq[:-1]
    if not seq:
        raise InputError(f"{what}: empty sequence")
    bad = [(i + 1, c) for i, c in enumerate(seq) if c not in AMINO_ACID_LETTERS]
    if bad:
        shown = ", ".join(f"'{c}' at {i}" for i, c in bad[:10]) + (f", ... ({len(bad)} in all)" if len(bad) > 10 else "")
        raise InputError(f"{what}: letter(s) outside the 20 amino acids ({AMINO_ACID_LETTERS}): {shown}")
    return seq


def read_sequence(path: PathLike, record: Optional[str] = None) -> TargetSequence:
    """The target sequence of a FASTA file: the record whose id is ``record`` (the id with or without its ``.N``
    version), or the only record. Raises InputError naming the file for a missing or unreadable file, a file with
    no FASTA record, several records and no ``record``, an unknown ``record`` (the ids are listed) and letters
    outside the amino-acid alphabet."""
    from Bio import SeqIO

    p = os.fspath(path)
    try:
        with open(p, encoding="utf-8", errors="replace") as f:
            records = list(SeqIO.parse(f, "fasta"))
    except OSError as e:
        raise InputError(f"{p}: cannot read the sequence file: {e.strerror or e}") from None
    except ValueError as e:  # Biopython's reader on malformed text
        raise InputError(f"{p}: not a FASTA file: {e}") from None
    if not records:
        raise InputError(f"{p}: no FASTA record (a record starts with a '>' line)")
    ids: List[str] = [r.id for r in records]
    if record is None:
        if len(records) > 1:
            raise InputError(f"{p}: {len(records)} records; choose one with record/--record (ids: "
                             f"{', '.join(ids[:10])}{', ...' if len(ids) > 10 else ''})")
        chosen = records[0]
    else:
        match = [r for r in records if r.id == record or r.id.split(".")[0] == record]
        if not match:
            raise InputError(f"{p}: no record '{record}' (ids: {', '.join(ids[:10])}{', ...' if len(ids) > 10 else ''})")
        chosen = match[0]
    letters = check_letters(str(chosen.seq), f"{p}: record {chosen.id}")
    return TargetSequence(chosen.id, chosen.description, letters, p)
