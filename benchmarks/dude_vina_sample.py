#!/usr/bin/env python3
# Is a DUD-E ranking the docking engine's or the target's? AutoDock Vina on a sample of refine_dude.py's molecules.
"""Docks a seeded sample of actives and decoys from a refine_dude.py run with AutoDock Vina (the `vina` binary),
on the same receptor and box and the same vscreen-prepared ligand forms (written as PDBQT), so that only the
docking engine differs; reports both programs' ROC AUC on the sample. Vina is the reference here, never the product.

    .venv/bin/python benchmarks/dude_vina_sample.py --data ../shared/data --run build/refine-dude-1500 \\
        --target hs90a --actives 30 --decoys 30 --exhaustiveness 2
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

import vscreen
from vscreen.ligand_cli import prepared_ligands_for_docking

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refine_dude import TARGETS, roc_auc  # noqa: E402


def vina_best(receptor: str, conf: str, ligand_pdbqt: str, exhaustiveness: int, seed: int):
    out = subprocess.run(["vina", "--receptor", receptor, "--ligand", ligand_pdbqt, "--config", conf,
                          "--exhaustiveness", str(exhaustiveness), "--seed", str(seed), "--cpu", "1",
                          "--out", ligand_pdbqt + ".out.pdbqt"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        t = line.split()
        if len(t) >= 4 and t[0] == "1":
            return float(t[1])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--run", required=True, help="the --out folder of a refine_dude.py run")
    ap.add_argument("--target", default="hs90a")
    ap.add_argument("--actives", type=int, default=30)
    ap.add_argument("--decoys", type=int, default=30)
    ap.add_argument("--sample-seed", type=int, default=7)
    ap.add_argument("--exhaustiveness", type=int, default=2)
    args = ap.parse_args()
    ranking = pd.read_csv(Path(args.run) / args.target / "ranking.csv")
    sample = pd.concat([ranking[ranking.active].sample(args.actives, random_state=args.sample_seed),
                        ranking[~ranking.active].sample(args.decoys, random_state=args.sample_seed)])
    ds = Path(args.data) / "dockstring_targets" / "targets" / TARGETS[args.target]
    options = vscreen._vscreen.PreparationOptions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for _, r in sample.iterrows():
            forms, _ = prepared_ligands_for_docking([], [r["input"]], options)
            scores = []
            for k, lig in enumerate(forms):  # every prepared form, best score kept (as vscreen.screen does)
                path = os.path.join(tmp, f"{r['id']}_{k}.pdbqt")
                Path(path).write_text(vscreen.ligand_to_pdbqt(lig))
                s = vina_best(f"{ds}_target.pdbqt", f"{ds}_conf.txt", path, args.exhaustiveness, 1)
                if s is not None:
                    scores.append(s)
            rows.append((r["id"], bool(r["active"]), float(r["affinity"]), min(scores) if scores else float("nan")))
            print(*rows[-1], flush=True)
    res = pd.DataFrame(rows, columns=["id", "active", "vscreen", "vina"])
    res.to_csv(Path(args.run) / args.target / "vina_sample.csv", index=False)
    print(f"{args.target}: {args.actives} actives + {args.decoys} decoys; ROC AUC vscreen (the run's scores) "
          f"{roc_auc(res['vscreen'], res['active']):.3f}, Vina {roc_auc(res['vina'].fillna(0), res['active']):.3f}")
    print(res.groupby("active")[["vscreen", "vina"]].mean().to_string())


if __name__ == "__main__":
    sys.exit(main())
