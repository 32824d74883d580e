"""Receptor files as docking needs them: PDBQT and PDB-with-hydrogens are used as they are; a raw PDB/mmCIF
(no hydrogens) is prepared once with vscreen.receptor_prep (PDBFixer) into a PDBQT that is kept and reused.
"""
from __future__ import annotations

import os

from .errors import CampaignError


def needs_preparation(path: str) -> bool:
    """Whether a receptor file must go through receptor preparation before docking."""
    low = path.lower()
    if low.endswith(".pdbqt"):
        return False
    if low.endswith((".pdb", ".ent")):
        from ..structure_file import has_hydrogens
        return not has_hydrogens(path)
    return True  # mmCIF (and anything gzipped): only receptor preparation reads it


def docking_receptor(path: str, prepared_path: str) -> str:
    """The receptor file to dock into: ``path`` itself, or ``prepared_path`` (made here once if absent)."""
    if not os.path.exists(path):
        raise CampaignError(f"{path}: receptor file not found")
    if not needs_preparation(path):
        return path
    if os.path.exists(prepared_path):
        return prepared_path
    os.makedirs(os.path.dirname(os.path.abspath(prepared_path)), exist_ok=True)
    tmp = f"{prepared_path}.{os.getpid()}.tmp.pdbqt"
    try:
        from ..receptor_prep import prepare_receptor
        prepare_receptor(path, tmp, pdb_out=prepared_path[: -len(".pdbqt")] + "_H.pdb")
    except ImportError as e:
        raise CampaignError(f"{path}: a raw structure needs receptor preparation (PDBFixer/OpenMM), which is not "
                            f"available here ({e}); give a PDBQT or a PDB with hydrogens") from None
    os.replace(tmp, prepared_path)
    return prepared_path
