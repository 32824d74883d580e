"""Receptor files as docking needs them: PDBQT and PDB-with-hydrogens are used as they are; a raw PDB/mmCIF
(no hydrogens) is prepared once with vscreen.receptor_prep (PDBFixer) into a PDBQT that is kept and reused.
A modelled target (sequence + template) is first built once with vscreen.homology into DIR/targets/NAME_model.pdb,
its model report beside it (NAME_model.json, NAME_model.txt), then prepared like a crystal.
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


def model_report_path(prepared_path: str) -> str:
    """Where the model report (JSON) of a modelled target lives, beside its prepared receptor."""
    return prepared_path[: -len(".pdbqt")] + "_model.json"


def target_receptor(target, prepared_path: str) -> str:
    """The receptor file to dock into for a TargetSpec: docking_receptor of its file, or of its homology model
    (built here once if absent, in the template's frame, with its report beside it)."""
    if not target.model:
        return docking_receptor(target.receptor, prepared_path)
    model_pdb = prepared_path[: -len(".pdbqt")] + "_model.pdb"
    if not os.path.exists(model_pdb):
        os.makedirs(os.path.dirname(os.path.abspath(model_pdb)), exist_ok=True)
        from ..homology import model_target
        m = target.model
        tmp = f"{model_pdb[:-4]}.{os.getpid()}.tmp.pdb"
        res = model_target(m["sequence"], m["templates"], tmp, record=m.get("record"),
                           box_residues=m.get("box_residues"),
                           box_center=None if m.get("box_residues") else target.center,
                           box_size=None if m.get("box_residues") else target.size)
        res.report.model_path = model_pdb
        with open(model_report_path(prepared_path), "w") as f:
            f.write(res.report.to_json())
        with open(model_pdb[:-4] + ".txt", "w") as f:
            f.write(res.report.text(residues=True) + "\n")
        os.replace(tmp, model_pdb)
    return docking_receptor(model_pdb, prepared_path)
