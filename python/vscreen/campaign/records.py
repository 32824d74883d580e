"""One molecule of a screening library as a reader yields it, before preparation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass
class MoleculeRecord:
    """A library record: identity, the molecule's text in one format, and where it came from.

    ``error`` is set when the reader found the record malformed (an empty SMILES cell, an SDF record without
    "M  END"); such a record is not prepared or docked but still becomes a result row (status "failed")."""
    id: str
    name: str
    text: str
    format: str  # "smiles", "inchi", "molblock" or "mol2" (the formats of vscreen.MoleculeInput)
    source: str  # "file:line"
    inchikey: Optional[str] = None  # the de-duplication key; None when it could not be computed
    error: str = ""
