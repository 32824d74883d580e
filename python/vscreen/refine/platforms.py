# OpenMM platform choice for refinement: CUDA where a GPU is present, else CPU, else Reference; or one by name.
"""Which OpenMM platform runs the refinement.

Debian's ``python3-simtk`` ships only the Reference platform; ``libopenmm-plugins`` adds the CPU platform (and the
OpenCL one where an OpenCL driver is installed). A CUDA platform appears when OpenMM was built with it (e.g. a
conda or pip OpenMM on a GPU machine). ``None``/``"auto"`` picks CUDA, then CPU, then Reference.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .._vscreen import InputError

#: Preference order of ``platform=None``.
AUTO_ORDER = ("CUDA", "CPU", "Reference")


def available_platforms() -> List[str]:
    """Names of the OpenMM platforms that loaded in this process."""
    import openmm
    return [openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())]


def select_platform(name: Optional[str] = None, threads: int = 0,
                    deterministic: bool = True) -> Tuple[object, Dict[str, str]]:
    """(openmm.Platform, context properties) for ``name`` (CUDA, OpenCL, CPU, Reference, case-insensitive) or
    the best available one for None/"auto".

    ``deterministic``: the same input gives the same minimised energies run after run: OpenMM's
    DeterministicForces on CUDA/OpenCL, and one thread per context on the CPU platform (its multithreaded
    single-precision force sums differ in the last bits from run to run even with DeterministicForces, and the
    minimiser's path then drifts by up to ~0.3 kcal/mol; parallelism comes from worker processes instead).
    ``threads`` > 0 sets the CPU platform's thread count when not ``deterministic``. Raises InputError naming the
    platforms present when ``name`` is not.
    """
    import openmm

    present = available_platforms()
    if name is None or name.lower() == "auto":
        chosen = next(p for p in AUTO_ORDER + tuple(present) if p in present)
        if chosen == "CUDA":
            try:  # a CUDA platform whose driver/device is missing fails only when a context is made
                _probe(chosen)
            except Exception:
                chosen = next(p for p in AUTO_ORDER[1:] if p in present)
    else:
        match = [p for p in present if p.lower() == name.lower()]
        if not match:
            hint = " (Debian: apt-get install libopenmm-plugins adds CPU)" if name.lower() == "cpu" else ""
            raise InputError(f"OpenMM platform '{name}' is not available; present: {', '.join(present)}{hint}")
        chosen = match[0]
    props: Dict[str, str] = {}
    if chosen == "CPU" and (deterministic or threads > 0):
        props["Threads"] = "1" if deterministic else str(threads)
    if chosen in ("CUDA", "OpenCL"):
        props["Precision"] = "mixed"
        if deterministic:
            props["DeterministicForces"] = "true"
    return openmm.Platform.getPlatformByName(chosen), props


def _probe(name: str) -> None:
    import openmm
    system = openmm.System()
    system.addParticle(1.0)
    openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName(name))


def make_context(system, platform, properties: Dict[str, str], integrator=None):
    """An OpenMM Context of ``system`` on ``platform`` (a Verlet integrator unless one is given)."""
    import openmm
    return openmm.Context(system, integrator or openmm.VerletIntegrator(0.001), platform, dict(properties))
