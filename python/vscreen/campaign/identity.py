"""Standard InChIKeys of library records: the de-duplication key.

One copy of the InChI glue: the extension's ``inchikey`` (C++, the IUPAC InChI library; Debian's RDKit has no
InChI). A build without it falls back to RDKit's InChI where that RDKit has one; with neither, records get no
key and are not de-duplicated (UniChem dumps and DrugBank files carry their own keys and still are).
"""
from __future__ import annotations

from typing import Optional

from .. import _vscreen

KEY_FORMATS = ("smiles", "molblock", "inchi", "mol2")


def _rdkit_key(text: str, fmt: str) -> Optional[str]:
    from rdkit import Chem, rdBase
    from rdkit.Chem import inchi
    if not inchi.INCHI_AVAILABLE:
        return None
    with rdBase.BlockLogs():
        if fmt == "inchi":
            return inchi.InchiToInchiKey(text) or None
        mol = Chem.MolFromSmiles(text) if fmt == "smiles" else Chem.MolFromMolBlock(text) if fmt == "molblock" \
            else None
        return (Chem.MolToInchiKey(mol) or None) if mol is not None else None


def has_keys() -> bool:
    """Whether this installation can compute InChIKeys (else only files that carry keys are de-duplicated)."""
    if getattr(_vscreen, "has_inchi", False):
        return True
    from rdkit.Chem import inchi
    return bool(inchi.INCHI_AVAILABLE)


def inchikey(text: str, fmt: str) -> Optional[str]:
    """Standard InChIKey of a record's text in its format ("smiles", "molblock", "inchi", "mol2"), or None when
    the text cannot be parsed (preparation then reports why) or no InChI library is available."""
    if fmt not in KEY_FORMATS:
        return None
    if getattr(_vscreen, "has_inchi", False):
        try:
            return _vscreen.inchikey(text, fmt) or None
        except _vscreen.InputError:
            return None
    return _rdkit_key(text, fmt)
