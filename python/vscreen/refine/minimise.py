# Energy minimisation of a complex: OpenMM's L-BFGS with the far pocket atoms restrained (complex_builder).
"""Minimisation. The restraint scheme lives in :func:`complex_builder.build_complex` (pocket heavy atoms farther
than 6 A from the ligand held to their start by 10 kcal/mol/A^2 springs, everything near the ligand free); this
module runs OpenMM's LocalEnergyMinimizer (L-BFGS) and reads the result back."""
from __future__ import annotations

import math

import numpy as np

from .._vscreen import VscreenError
from .mmff_openmm import KCAL

#: Convergence: the minimiser stops when the RMS force drops below this (kJ/mol/nm, OpenMM's default 10).
DEFAULT_TOLERANCE = 10.0
#: And after this many L-BFGS iterations at most.
DEFAULT_MAX_ITERATIONS = 2000


class MinimisationError(VscreenError):
    """The minimisation produced non-finite coordinates or energies (e.g. from overlapping atoms)."""


def energy(context, groups) -> float:
    """Potential energy (kcal/mol) of the given force groups (a set of ints)."""
    import openmm
    state = context.getState(getEnergy=True, groups=set(groups))
    return state.getPotentialEnergy().value_in_unit(openmm.unit.kilojoule_per_mole) / KCAL


def minimise(context, positions: np.ndarray, tolerance: float = DEFAULT_TOLERANCE,
             max_iterations: int = DEFAULT_MAX_ITERATIONS) -> np.ndarray:
    """Sets ``positions`` (nm), minimises, returns the minimised positions (nm, (n, 3))."""
    import openmm
    context.setPositions(positions)
    openmm.LocalEnergyMinimizer.minimize(context, tolerance, max_iterations)
    state = context.getState(getPositions=True, getEnergy=True)
    out = np.asarray(state.getPositions(asNumpy=True).value_in_unit(openmm.unit.nanometer), dtype=float)
    e = state.getPotentialEnergy().value_in_unit(openmm.unit.kilojoule_per_mole)
    if not (np.isfinite(out).all() and math.isfinite(e)):
        raise MinimisationError("minimisation diverged (non-finite energy or coordinates)")
    return out
