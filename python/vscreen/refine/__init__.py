# Refinement and rescoring of docked poses with OpenMM: Amber ff14SB receptor, MMFF94 ligand, GB, MM-GBSA, MD.
"""vscreen.refine: minimise the top poses of a target in implicit solvent and rescore them by MM-GBSA.

The same stage exists in C++ (vscreen::refine), which takes the receptor's ff14SB System from
``ReceptorModel.save_system`` (``vscreen refine --export-system``); see docs/architecture.md, "Refinement".
"""
from .api import SCORE_FIELD, receptor_for_refinement, refine_poses, refine_results
from .campaign import refine_campaign
from .complex_builder import AMBER_FILES, GB_MODELS, LigandModel, Pocket, ReceptorModel, build_complex
from .mmff_openmm import (LigandParameterError, mmff_system, mmff_terms, openmm_mmff_energy, rdkit_mmff_energy)
from .platforms import available_platforms, select_platform
from .refiner import COLUMNS, Refiner, RefineSettings

__all__ = ["AMBER_FILES", "COLUMNS", "GB_MODELS", "LigandModel", "LigandParameterError", "Pocket", "ReceptorModel",
           "RefineSettings", "Refiner", "SCORE_FIELD", "available_platforms", "build_complex", "mmff_system",
           "mmff_terms", "openmm_mmff_energy", "rdkit_mmff_energy", "receptor_for_refinement", "refine_campaign",
           "refine_poses", "refine_results", "select_platform"]
