#!/usr/bin/env python3
"""Runs AutoDock Vina --score_only on receptor/ligand PDBQT pairs and prints its energies as JSON lines.

Usage: vina_score_only.py RECEPTOR.pdbqt LIGAND.pdbqt [RECEPTOR LIGAND ...] [--scoring vina|vinardo]
The box is the ligand's extent plus 8 A (score_only needs one; Vina 1.2.3 has no --autobox_ligand).
"""
import json
import re
import subprocess
import sys


def ligand_box(path):
    xs = []
    with open(path) as f:
        for line in f:
            if line.startswith(("ATOM", "HETATM")):
                xs.append((float(line[30:38]), float(line[38:46]), float(line[46:54])))
            elif line.startswith("ENDMDL"):
                break
    lo = [min(c[i] for c in xs) for i in range(3)]
    hi = [max(c[i] for c in xs) for i in range(3)]
    return [(a + b) / 2 for a, b in zip(lo, hi)], [b - a + 8.0 for a, b in zip(lo, hi)]


def vina_score(receptor, ligand, scoring="vina", vina="vina"):
    center, size = ligand_box(ligand)
    cmd = [vina, "--receptor", receptor, "--ligand", ligand, "--score_only", "--scoring", scoring]
    for axis, c, s in zip("xyz", center, size):
        cmd += [f"--center_{axis}", f"{c:.3f}", f"--size_{axis}", f"{s:.3f}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def grab(label):
        m = re.search(re.escape(label) + r"\s*:\s*(-?\d+\.\d+)", out)
        return float(m.group(1)) if m else None

    return {
        "receptor": receptor,
        "ligand": ligand,
        "scoring": scoring,
        "affinity": grab("Estimated Free Energy of Binding"),
        "inter": grab("(1) Final Intermolecular Energy"),
        "intra": grab("(2) Final Total Internal Energy"),
    }


def main(argv):
    scoring = "vina"
    if "--scoring" in argv:
        i = argv.index("--scoring")
        scoring = argv[i + 1]
        del argv[i : i + 2]
    for receptor, ligand in zip(argv[0::2], argv[1::2]):
        print(json.dumps(vina_score(receptor, ligand, scoring)))


if __name__ == "__main__":
    main(sys.argv[1:])
