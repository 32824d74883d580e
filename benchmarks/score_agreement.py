#!/usr/bin/env python3
"""Score agreement: `vscreen score` against AutoDock Vina 1.2 `--score_only` on crystal poses.

Uses the complexes of redock_benchmark.py (receptor PDBQT as given or prepared from a PDB with hydrogens;
the crystal ligand prepared by vscreen and written as PDBQT), scores each with both programs and prints
affinity and intermolecular energy with their differences.

    .venv/bin/python benchmarks/score_agreement.py --data ../shared/data [--scoring vina|vinardo]
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import redock_benchmark as rb  # noqa: E402
from vina_score_only import vina_score  # noqa: E402

import vscreen  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--sets", default="vina_examples,diffdock")
    ap.add_argument("--scoring", default="vina")
    ap.add_argument("--vscreen", default=str(Path(sys.executable).parent / "vscreen"))
    ap.add_argument("--work", type=Path, default=Path("benchmarks/results/score"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    complexes = []
    for s in args.sets.split(","):
        complexes += rb.SETS[s](args.data)
    worst = 0.0
    print(f"{'complex':10s} {'vina aff':>9s} {'vscreen':>9s} {'diff':>7s} {'vina inter':>11s} {'vscreen':>9s} {'diff':>7s}")
    for c in complexes:
        d = args.work / c["name"]
        d.mkdir(exist_ok=True)
        try:
            ligand = vscreen.read_ligand_file(str(c["ligand"]))
        except vscreen.InputError as e:
            print(f"{c['name']:10s} skipped: {e}")
            continue
        receptor = rb.prepared_receptor(c, d)
        lig_path = d / "ligand_crystal.pdbqt"
        lig_path.write_text(vscreen.ligand_to_pdbqt(ligand))
        ref = vina_score(str(receptor), str(lig_path), args.scoring)
        out = subprocess.run([args.vscreen, "score", "--receptor", str(receptor), "--ligand", str(lig_path),
                              "--scoring", args.scoring, "--json"], capture_output=True, text=True, check=True).stdout
        ours = json.loads(out)
        ours = ours[0] if isinstance(ours, list) else ours
        da, di = ours["affinity"] - ref["affinity"], ours["inter"] - ref["inter"]
        worst = max(worst, abs(da), abs(di))
        print(f"{c['name']:10s} {ref['affinity']:9.3f} {ours['affinity']:9.3f} {da:7.3f} {ref['inter']:11.3f} "
              f"{ours['inter']:9.3f} {di:7.3f}")
    print(json.dumps(dict(complexes=len(complexes), scoring=args.scoring, max_abs_difference=round(worst, 4))))


if __name__ == "__main__":
    main()
