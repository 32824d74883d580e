# Restrained minimisation of a homology model: OpenMM, Amber ff14SB + OBC2 implicit solvent, copied atoms held by restraints.
"""The built model (:mod:`.build`) gets hydrogens (OpenMM's templates at pH 7), then a local energy minimisation in
Amber ff14SB (``amber14-all.xml``) with the OBC2 generalised-Born solvent (``implicit/obc2.xml``), no cut-off. The
copied heavy atoms are held to their template positions by harmonic restraints of ``RESTRAINT_K``
(1000 kJ/mol/nm^2 = 2.4 kcal/mol/A^2: a 0.3 A move costs 0.2 kcal/mol per atom), so the model keeps the
template's fold while rebuilt side chains and loops move freely and clashes are relieved. Deterministic: the
hydrogens are placed with Python's random generator seeded, the minimiser runs on OpenMM's CPU platform with one
thread (Reference where the CPU plugin is missing); the same input gives the same coordinates. The hydrogens are
removed again afterwards: the model is a heavy-atom structure that receptor preparation protonates like a crystal.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Dict, Tuple

from .._vscreen import InputError

#: Force constant of the positional restraints on copied heavy atoms (kJ/mol/nm^2).
RESTRAINT_K = 1000.0
#: Minimiser tolerance (kJ/mol/nm) and iteration limit.
TOLERANCE = 10.0
MAX_ITERATIONS = 500
#: Cut-off of the non-bonded and GB interactions (nm): 1.2 nm keeps the energies of a compact protein close to
#: those without a cut-off at a fraction of the cost.
CUTOFF_NM = 1.2
#: Amber ff14SB; the OBC2 solvent is added as OpenMM's GBSAOBCForce with the parameters of implicit/obc2.xml (that
#: file itself makes a CustomGBForce, about 30 times slower on the CPU platform), as vscreen.refine does.
FORCE_FIELD = ("amber14-all.xml",)


def _obc2(system, topology, openmm):
    """OBC2 (GBSAOBCForce, solute dielectric 1, solvent 78.5) with implicit/obc2.xml's radii and scales and the
    system's charges, with the same cut-off as the non-bonded force."""
    from ..refine.complex_builder import _standard_gb_parameters, gb_force
    nonbonded = next(f for f in system.getForces() if isinstance(f, openmm.NonbondedForce))
    charges = [nonbonded.getParticleParameters(i)[0]._value for i in range(system.getNumParticles())]
    force = gb_force("OBC2", charges, _standard_gb_parameters(topology, "OBC2"))
    force.setNonbondedMethod(openmm.GBSAOBCForce.CutoffNonPeriodic)
    force.setCutoffDistance(CUTOFF_NM)
    force.setForceGroup(0)
    return force


@dataclass
class Minimised:
    """Heavy-atom topology and positions after minimisation, and the energies (kJ/mol, restraints excluded)."""

    topology: object
    positions: object
    energy_before: float
    energy_after: float


def minimise_model(topology, positions, restrained: Dict[Tuple[int, str], Tuple[float, float, float]],
                   max_iterations: int = MAX_ITERATIONS) -> Minimised:
    """Adds hydrogens, minimises with restraints on the atoms ``restrained`` names ((residue number, atom name) ->
    position in A), removes the hydrogens. Raises InputError when OpenMM cannot parameterise the model."""
    from ..receptor_prep import _deterministic_platform, _histidine_variants, _openmm_modules

    openmm, app, unit, _, _ = _openmm_modules()
    forcefield = app.ForceField(*FORCE_FIELD)
    modeller = app.Modeller(topology, positions)
    state = random.getstate()
    random.seed(0)  # OpenMM places new hydrogens at random before minimising them
    try:
        with _deterministic_platform(openmm) as platform:
            # histidine tautomers from hydrogen bonds as receptor preparation chooses them (OpenMM's own choice
            # is the same rule, written with unit-carrying scalars, and takes minutes on a protein)
            variants = _histidine_variants(topology, positions, 7.0, unit)
            modeller.addHydrogens(pH=7.0, variants=variants, platform=platform)
            system = forcefield.createSystem(modeller.topology, nonbondedMethod=app.CutoffNonPeriodic,
                                             nonbondedCutoff=CUTOFF_NM * unit.nanometer, constraints=None)
            system.addForce(_obc2(system, modeller.topology, openmm))
            restraint = openmm.CustomExternalForce("0.5*k*((x-x0)^2+(y-y0)^2+(z-z0)^2)")
            restraint.addGlobalParameter("k", RESTRAINT_K)
            for name in ("x0", "y0", "z0"):
                restraint.addPerParticleParameter(name)
            for atom in modeller.topology.atoms():
                xyz = restrained.get((int(atom.residue.id), atom.name))
                if xyz is not None:
                    restraint.addParticle(atom.index, [v / 10.0 for v in xyz])
            restraint.setForceGroup(1)
            system.addForce(restraint)
            context = openmm.Context(system, openmm.VerletIntegrator(0.001), platform)
            context.setPositions(modeller.positions)
            before = context.getState(getEnergy=True, groups={0}).getPotentialEnergy()
            openmm.LocalEnergyMinimizer.minimize(context, TOLERANCE, max_iterations)
            after_state = context.getState(getEnergy=True, getPositions=True, groups={0})
    except Exception as e:  # OpenMM raises plain Exception/ValueError with its reason
        raise InputError(f"OpenMM could not minimise the model: {e}") from None
    finally:
        random.setstate(state)
    modeller = app.Modeller(modeller.topology, after_state.getPositions())
    modeller.delete([a for a in modeller.topology.atoms() if a.element is not None and a.element.symbol == "H"])
    kj = unit.kilojoule_per_mole
    return Minimised(modeller.topology, modeller.positions, before.value_in_unit(kj),
                     after_state.getPotentialEnergy().value_in_unit(kj))
