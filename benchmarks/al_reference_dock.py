#!/usr/bin/env python3
# Full-docking reference of a DUD-E target for the active-learning benchmark: every active and decoy, resumable chunks.
"""Docks every molecule of a DUD-E target (actives + decoys) into its dockstring receptor and box with vscreen.screen
(or, as target `mpro`, the DrugBank approved drugs into the demo's SARS-CoV-2 Mpro 6LU7 receptor and box; no labels),
in chunks cached as Parquet files (a stopped run resumes at the first missing chunk), and writes the whole
reference as OUT/<target>/reference.parquet (id, smiles, active, affinity, status, dock_seconds of its chunk).

    nice -n 10 .venv/bin/python benchmarks/al_reference_dock.py --data ../shared/data --out build/al-reference \\
        --target mapk2 [--search fast] [--exhaustiveness N] [--search-scale S] [--threads 1] [--chunk 250] [--limit 0]

--limit N docks only the first N molecules of a seeded shuffle (a rate measurement).
"""
import argparse
import csv
import random
import sys
import time
from pathlib import Path

import pandas as pd

import vscreen
from vscreen.campaign.config import load_config

TARGETS = {"hs90a": "HSP90AA1", "mapk2": "MAPKAPK2", "mpro": None}
DEMO = Path(vscreen.__file__).parent / "data" / "demo"


def read_ism(path, prefix):
    out = []
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            out.append((f"{prefix}_{parts[1]}", parts[0]))
    return out


def read_approved(path):
    with open(path, newline="") as f:
        return [(f"D_{r['drugbank_id']}", r["smiles"]) for r in csv.DictReader(f)]


def load_box(conf_path):
    conf = dict(line.split("=") for line in open(conf_path) if "=" in line)
    conf = {k.strip(): float(v) for k, v in conf.items()}
    return ((conf["center_x"], conf["center_y"], conf["center_z"]), (conf["size_x"], conf["size_y"], conf["size_z"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--target", default="mapk2", choices=sorted(TARGETS))
    ap.add_argument("--search", default="fast")
    ap.add_argument("--exhaustiveness", type=int, default=None)
    ap.add_argument("--search-scale", type=float, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=250)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0, help="order of the shuffle (the docking seed is fixed at 1)")
    args = ap.parse_args()
    data = Path(args.data)
    out = Path(args.out) / args.target
    out.mkdir(parents=True, exist_ok=True)
    if args.target == "mpro":  # approved drugs: no actives known (every id gets the D_ prefix)
        mols = read_approved(data / "drugbank_approved" / "drugbank_approved_id_name_smiles.csv")
    else:
        mols = (read_ism(data / "dude" / args.target / "actives_final.ism", "A")
                + read_ism(data / "dude" / args.target / "decoys_final.ism", "D"))
    random.Random(args.seed).shuffle(mols)  # chunks mix actives and decoys, so a partial run is a fair sample
    if args.limit:
        mols = mols[:args.limit]
    if args.target == "mpro":
        demo = load_config(str(DEMO / "demo.toml")).targets[0]  # the demo campaign's receptor and box
        tgt = vscreen.Target.from_pdbqt(demo.receptor, (demo.center, demo.size), name=demo.name)
    else:
        ds = data / "dockstring_targets" / "targets" / TARGETS[args.target]
        tgt = vscreen.Target.from_pdbqt(f"{ds}_target.pdbqt", load_box(f"{ds}_conf.txt"), name=args.target)
    parts = []
    for c, start in enumerate(range(0, len(mols), args.chunk)):
        path = out / f"part{c:04d}.parquet"
        if path.exists():
            parts.append(pd.read_parquet(path))
            continue
        batch = mols[start:start + args.chunk]
        t0 = time.perf_counter()
        df = vscreen.screen(tgt, batch, search=args.search, exhaustiveness=args.exhaustiveness,
                            search_scale=args.search_scale, seed=1, device="cpu", threads=args.threads)
        seconds = time.perf_counter() - t0
        smiles = dict(batch)
        df = pd.DataFrame({"id": df["id"].astype(str), "smiles": df["id"].map(smiles),
                           "affinity": df["affinity"].astype(float), "status": df["status"].astype(str)})
        # molecules screen dropped as InChIKey duplicates are kept out of the reference
        df["active"] = df["id"].str.startswith("A_")
        df["dock_seconds"] = seconds
        df.to_parquet(path.with_suffix(".tmp"), index=False)
        path.with_suffix(".tmp").rename(path)
        parts.append(df)
        print(f"{args.target}: chunk {c} {len(batch)} molecules in {seconds:.1f} s "
              f"({len(batch) / seconds:.2f} mol/s); {min(start + args.chunk, len(mols))}/{len(mols)}", flush=True)
    ref = pd.concat(parts, ignore_index=True)
    ref.to_parquet(out / "reference.parquet", index=False)
    print(f"{args.target}: reference {len(ref)} molecules, {int((ref['status'] == 'ok').sum())} ok, "
          f"{int(ref['active'].sum())} actives", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
