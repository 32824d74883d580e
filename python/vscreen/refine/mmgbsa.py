# Single-trajectory MM-GBSA: E(complex) - E(receptor) - E(ligand) at the minimised coordinates, and its split.
"""MM-GBSA estimate of one minimised complex.

Single trajectory: the receptor and the ligand are evaluated at their coordinates in the minimised complex, so
every intramolecular term (ff14SB bonded and nonbonded within the pocket, MMFF94 within the ligand) cancels and

    dG = E_complex - E_receptor - E_ligand = Coulomb(receptor, ligand) + vdW(receptor, ligand) + dG_GB

where dG_GB is the change of the GB polar solvation plus the ACE surface term on binding. No entropy term and no
ligand strain (the ligand's internal energy cancels); ``ligand_strain`` in the API reports it separately.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .complex_builder import COULOMB, ENERGY_GROUPS, GROUP_GB, ComplexSystem, Pocket
from .minimise import energy
from .mmff_openmm import KCAL


@dataclass
class MMGBSA:
    """Energies in kcal/mol."""
    e_complex: float
    e_receptor: float
    e_ligand: float
    dg: float            # e_complex - e_receptor - e_ligand
    coulomb: float       # receptor-ligand Coulomb (vacuum, dielectric 1)
    vdw: float           # receptor-ligand Lennard-Jones
    gb: float            # GB polar + surface change on binding


def cross_terms(pocket: Pocket, cx: ComplexSystem, positions: np.ndarray):
    """Receptor-ligand Coulomb and Lennard-Jones energies (kcal/mol) at ``positions`` (complex order, nm), from
    the same parameters as the complex's NonbondedForce (no cutoff, Lorentz-Berthelot)."""
    rec = positions[:cx.n_receptor]
    lig = positions[cx.n_receptor:]
    r = np.sqrt(((rec[:, None, :] - lig[None, :, :]) ** 2).sum(-1))
    atoms = pocket.atoms
    qq = pocket.receptor.charges[atoms][:, None] * cx.ligand_charges[None, :]
    coulomb = COULOMB * (qq / r).sum()
    sig = 0.5 * (pocket.receptor.sigma[atoms][:, None] + cx.ligand_sigma[None, :])
    eps = np.sqrt(pocket.receptor.epsilon[atoms][:, None] * cx.ligand_epsilon[None, :])
    s6 = (sig / r) ** 6
    vdw = (4.0 * eps * (s6 * s6 - s6)).sum()
    return coulomb / KCAL, vdw / KCAL


def mmgbsa(pocket: Pocket, cx: ComplexSystem, complex_ctx, receptor_ctx, ligand_ctx,
           positions: np.ndarray) -> MMGBSA:
    """The estimate at ``positions`` (nm, complex order); the contexts are those of cx.system, the pocket's
    receptor system and the ligand system (their positions are set here)."""
    complex_ctx.setPositions(positions)
    receptor_ctx.setPositions(positions[:cx.n_receptor])
    ligand_ctx.setPositions(positions[cx.n_receptor:])
    groups = set(ENERGY_GROUPS)
    e_c, e_r, e_l = energy(complex_ctx, groups), energy(receptor_ctx, groups), energy(ligand_ctx, groups)
    gb = energy(complex_ctx, {GROUP_GB}) - energy(receptor_ctx, {GROUP_GB}) - energy(ligand_ctx, {GROUP_GB})
    coulomb, vdw = cross_terms(pocket, cx, positions)
    return MMGBSA(e_c, e_r, e_l, e_c - e_r - e_l, coulomb, vdw, gb)
