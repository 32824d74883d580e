"""vscreen: GPU virtual screening (docking) with a C++ core.

The extension module ``vscreen._vscreen`` holds the receptors, ligands, scoring and batch docking; this package
re-exports it and adds file-level helpers (readers that dispatch on the extension, directory expansion, autobox).
"""
from __future__ import annotations

import os
from typing import Iterable, List, Sequence, Tuple, Union

from ._vscreen import (
    CapacityError,
    DeviceError,
    DockedMode,
    DockingResult,
    DockingSettings,
    InputError,
    Ligand,
    LigandRecord,
    PoseScore,
    Receptor,
    VscreenError,
    __version__,
    available_backends,
    cuda_device_count,
    dock,
    has_cuda,
    has_rdkit,
    ligand_to_pdbqt,
    optimize_poses,
    prepare_receptor_pdbqt,
    randomized_conformer,
    read_ligand_file,
    read_ligand_pdbqt,
    read_ligand_pdbqt_file,
    read_ligand_records,
    read_receptor_pdb_file,
    read_receptor_pdbqt,
    read_receptor_pdbqt_file,
    score,
    search_effort,
    term_names,
    write_pdbqt_modes,
    write_sdf_modes,
)

try:  # ligand preparation needs the RDKit part of the extension (vscreen::prep)
    from ._vscreen import (MoleculeInput, PreparationOptions, PreparationTimings, PreparedLigand, docking_chains,
                           has_inchi, inchikey, ligand_from_molblock, prepare_ligands)
except ImportError:  # pragma: no cover - a build without RDKit
    pass

from .box import Box, box_from_center_size, box_from_ligand, box_from_residues
from .receptor_prep import PreparedReceptor, prepare_receptor

PathLike = Union[str, "os.PathLike[str]"]

#: Ligand file extensions read by read_ligands (lower case).
LIGAND_EXTENSIONS = (".pdbqt", ".sdf", ".sd", ".mol", ".mol2")


def read_receptor(path: PathLike) -> Receptor:
    """Reads a receptor from .pdbqt (AutoDock types) or .pdb (with hydrogens, typed through RDKit)."""
    p = os.fspath(path)
    ext = os.path.splitext(p)[1].lower()
    if ext == ".pdbqt":
        return read_receptor_pdbqt_file(p)
    if ext in (".pdb", ".ent"):
        return read_receptor_pdb_file(p)
    raise InputError(f"{p}: unknown receptor format '{ext}'; expected .pdbqt or .pdb")


def ligand_files(paths: Iterable[PathLike]) -> List[str]:
    """Expands directories (their ligand files, sorted by name, not recursive); files are kept as given."""
    out: List[str] = []
    for path in paths:
        p = os.fspath(path)
        if os.path.isdir(p):
            names = sorted(n for n in os.listdir(p) if os.path.splitext(n)[1].lower() in LIGAND_EXTENSIONS)
            if not names:
                raise InputError(f"{p}: directory holds no ligand files ({', '.join(LIGAND_EXTENSIONS)})")
            out.extend(os.path.join(p, n) for n in names)
        else:
            out.append(p)
    return out


def read_ligands(paths: Union[PathLike, Sequence[PathLike]]) -> List[LigandRecord]:
    """Every record of every file (directories expanded); bad records come back with ok=False and a reason.

    Raises InputError when a file cannot be opened or has an unknown format.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    records: List[LigandRecord] = []
    for f in ligand_files(paths):
        records.extend(read_ligand_records(f))
    return records


def autobox(ligand: Union[Ligand, PathLike], padding: float = 4.0) -> Tuple[Tuple[float, float, float],
                                                                          Tuple[float, float, float]]:
    """Search box around a ligand: centre = centre of its heavy atoms' bounding box, size = extent + 2*padding.

    ``ligand``: a Ligand, a ligand file (.sdf/.mol/.mol2/.pdbqt) or a PDB/mmCIF file of the ligand alone (.pdb, .cif).
    Returns a :class:`Box` (unpacks as ``center, size``).
    """
    return box_from_ligand(ligand, padding)


__all__ = [
    "CapacityError", "DeviceError", "DockedMode", "DockingResult", "DockingSettings", "InputError", "Ligand",
    "LigandRecord", "PoseScore", "Receptor", "VscreenError", "__version__", "autobox", "available_backends", "cuda_device_count",
    "dock", "has_cuda", "has_rdkit", "ligand_files", "ligand_to_pdbqt", "optimize_poses", "prepare_receptor_pdbqt", "randomized_conformer", "read_ligand_file", "read_ligand_pdbqt", "read_ligand_pdbqt_file",
    "read_ligand_records", "read_ligands", "read_receptor", "read_receptor_pdb_file", "read_receptor_pdbqt",
    "read_receptor_pdbqt_file", "score", "search_effort", "term_names", "write_pdbqt_modes", "write_sdf_modes", "LIGAND_EXTENSIONS",
    "MoleculeInput", "PreparationOptions", "PreparationTimings", "PreparedLigand", "docking_chains", "has_inchi", "inchikey",
    "ligand_from_molblock", "prepare_ligands",
    "Box", "box_from_center_size", "box_from_ligand", "box_from_residues", "PreparedReceptor", "prepare_receptor",
]

# Notebook helpers and campaigns (pure Python, vscreen.api / vscreen.campaign).
from .api import Target, demo_library, demo_target, plot_scores, screen, view_pose, write_poses  # noqa: E402

__all__ += ["Target", "demo_library", "demo_target", "plot_scores", "screen", "view_pose", "write_poses"]

# Refinement of top poses with OpenMM (vscreen.refine; needs python3-simtk, libopenmm-plugins for the CPU platform).
from .refine import RefineSettings, refine_poses, refine_results  # noqa: E402

__all__ += ["RefineSettings", "refine_poses", "refine_results"]

# Homology models of targets without a structure (vscreen.homology; Biopython, PDBFixer, OpenMM, imported on use).
from .homology import ModelReport, ModelResult, model_target  # noqa: E402

__all__ += ["ModelReport", "ModelResult", "model_target"]
