# Optional short Langevin MD of a minimised complex: does the pose stay (ligand heavy-atom RMSD over time)?
"""Short molecular dynamics of the restrained complex (the same system as the minimisation: far pocket atoms
restrained, so the frame does not drift and no superposition is needed).

LangevinMiddleIntegrator, 300 K, friction 1/ps, 1 fs steps (no constraints: the systems carry no constrained bonds,
so the X-H vibrations limit the step), velocities drawn from the seed. The ligand heavy-atom RMSD to the
minimised pose is sampled every ``report_ps``; the pose *stays* when the mean RMSD over the second half of the run
is below ``stay_rmsd`` (2 A)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

#: The pose stays when the mean ligand RMSD over the second half of the run is below this (A).
STAY_RMSD = 2.0


@dataclass
class MDResult:
    times_ps: List[float]
    rmsd: List[float]            # A, ligand heavy atoms vs the minimised pose
    mean_rmsd_second_half: float
    final_rmsd: float
    stays: bool


def run_md(system, positions: np.ndarray, ligand_heavy: np.ndarray, platform, properties, ps: float = 10.0,
           timestep_fs: float = 1.0, temperature: float = 300.0, friction: float = 1.0, report_ps: float = 0.5,
           seed: int = 0, stay_rmsd: float = STAY_RMSD) -> MDResult:
    """Runs ``ps`` picoseconds from ``positions`` (nm); ``ligand_heavy``: indices into the system."""
    import openmm
    u = openmm.unit
    integrator = openmm.LangevinMiddleIntegrator(temperature * u.kelvin, friction / u.picosecond,
                                                 timestep_fs * u.femtosecond)
    integrator.setRandomNumberSeed(int(seed) + 1)  # 0 would mean "pick one at random"
    ctx = openmm.Context(system, integrator, platform, dict(properties))
    ctx.setPositions(positions)
    ctx.setVelocitiesToTemperature(temperature * u.kelvin, int(seed) + 1)
    ref = positions[ligand_heavy]
    steps_per_report = max(1, int(round(report_ps * 1000.0 / timestep_fs)))
    n_reports = max(1, int(round(ps * 1000.0 / timestep_fs / steps_per_report)))
    times, rmsd = [], []
    for k in range(1, n_reports + 1):
        integrator.step(steps_per_report)
        pos = ctx.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(u.nanometer)
        d = np.asarray(pos)[ligand_heavy] - ref
        times.append(k * steps_per_report * timestep_fs / 1000.0)
        rmsd.append(float(np.sqrt((d * d).sum(-1).mean()) * 10.0))
    half = rmsd[len(rmsd) // 2:] or rmsd
    mean_half = float(np.mean(half))
    return MDResult(times, rmsd, mean_half, rmsd[-1], bool(np.isfinite(mean_half) and mean_half < stay_rmsd))
