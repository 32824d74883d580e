#!/usr/bin/env python3
"""Floor estimate of the GPU docking rate: instructions and bytes per energy evaluation (from the team-form code of
energy.hpp / kinematics.hpp / bfgs.hpp, counted by hand below), evaluations per ligand at the default search
(exhaustiveness 8, Vina's Monte Carlo steps), over an H200's rates. Reads vscreen-dock results JSON (dock mode, any
search: the evaluation counts are scaled to the default search) for the ligands' sizes and evaluation counts.

    python3 benchmarks/gpu/floor_estimate.py build/gpu-kit/reference/drugs_sample.json [more.json ...]
        [--measured LIGANDS_PER_S]   (a device check's throughput, to say what fraction of the floor it reaches)

Instruction counts are warp instructions: work split over the 32 lanes (atoms, pairs) counts 1/32 per lane-step,
work every lane repeats or lane 0 does alone (tree frames, per-node reductions, BFGS as it runs now) counts whole.
"""
import argparse
import json
import statistics

# H200 (SXM) rates. Clock: 1980 MHz read by nvidia-smi under load (.library/device/KINDS.md); 132 SMs, 4 warp
# schedulers per SM issuing one warp instruction per cycle each, 128 B/cycle of L1/shared memory per SM (Hopper's
# published figures); HBM3e: about 4.3 TB/s device-to-device copy, measured there (KINDS.md).
SMS, SCHEDULERS, CLOCK_HZ, L1_BYTES_PER_CYCLE, HBM_BPS = 132, 4, 1.98e9, 128, 4.3e12
ISSUE_RATE = SMS * SCHEDULERS * CLOCK_HZ  # warp instructions per second
L1_RATE = SMS * L1_BYTES_PER_CYCLE * CLOCK_HZ  # bytes per second


def per_evaluation(atoms, heavy, torsions, pairs):
    """(lane-parallel lane-instructions, warp-serial instructions, L1/shared bytes) of one evaluation with gradient."""
    nodes, n = torsions + 1, 6 + torsions
    parallel = (37 * atoms  # place an atom: quaternion -> matrix, rotate, translate
                + 35 * pairs  # pair: distance, table lookup and interpolation, cap, force, store
                + 110 * heavy  # grid: trilinear energy and gradient, cap, out-of-grid penalty
                + 14 * pairs + 10 * atoms  # gather the pair forces of each atom (two incidences per pair)
                + 15 * atoms)  # pose gradient: force and torque of each atom about its node
    serial = (70 * torsions + 30 * nodes  # lane 0: frames of the tree, node force/torque passed to the parent
              + 6 * 10 * nodes + 2 * 10  # butterfly reductions (5 shuffles + 5 adds) per node and for the energies
              + 3 * n * n)  # BFGS per evaluation (H v, the rank-2 update, dots; ~1.3 evaluations per iteration)
    bytes_ = pairs * (12 + 16 + 24 + 16 + 32) + heavy * (8 * 4 + 12) + atoms * (12 + 12 + 12)
    return parallel, serial, bytes_


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--measured", type=float, default=None)
    a = ap.parse_args()
    rows = []
    for path in a.results:
        d = json.load(open(path))
        scale = (8 / d["exhaustiveness"]) / d["search_scale"]  # to exhaustiveness 8 x Vina's steps
        for lig in d["ligands"]:
            if "pairs" not in lig:
                raise SystemExit(f"{path}: no pair counts (made by an older vscreen-dock)")
            par, ser, b = per_evaluation(lig["atoms"], lig["heavy"], lig["torsions"], lig["pairs"])
            rows.append(dict(atoms=lig["atoms"], heavy=lig["heavy"], torsions=lig["torsions"], pairs=lig["pairs"],
                             evaluations=lig["evaluations"] * scale, parallel=par, serial=ser, bytes=b))
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    # Seconds of the whole machine per ligand, summed over the set (every ligand costs its own evaluations).
    now = sum(r["evaluations"] * (r["parallel"] / 32 + r["serial"]) for r in rows) / ISSUE_RATE
    ideal = sum(r["evaluations"] * (r["parallel"] + r["serial"]) / 32 for r in rows) / ISSUE_RATE
    mem = sum(r["evaluations"] * r["bytes"] for r in rows) / L1_RATE
    n = len(rows)
    print(f"{n} ligands; median: {med['atoms']:.0f} atoms ({med['heavy']:.0f} heavy), {med['torsions']:.0f} torsions, "
          f"{med['pairs']:.0f} pairs; {med['evaluations'] / 1e6:.2f} M evaluations per ligand at exhaustiveness 8 "
          f"and Vina's steps")
    print(f"per evaluation (median): {med['parallel']:.0f} lane-parallel + {med['serial']:.0f} warp-serial "
          f"instructions, {med['bytes'] / 1024:.1f} KiB of L1/shared traffic")
    for label, seconds in (("issue-bound, warp per chain, serial steps on lane 0", now),
                           ("issue-bound, everything split over the lanes", ideal), ("L1/shared-bandwidth-bound", mem)):
        print(f"H200 floor, {label + ':':52s} {n / seconds:6.0f} ligands/s")
    print(f"(HBM is not a limit: a target's maps stay in the 60 MB L2; {HBM_BPS / 1e12:.1f} TB/s is not reached)")
    if a.measured:
        print(f"measured {a.measured:.1f} ligands/s = {a.measured / min(n / now, n / mem):.1%} of the tighter floor")


if __name__ == "__main__":
    main()
