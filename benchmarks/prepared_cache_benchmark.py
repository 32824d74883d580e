#!/usr/bin/env python3
"""The prepared-ligand cache of campaigns: a cold pass (prepare and store) and a warm pass (read back) over drugs.

Usage: .venv/bin/python benchmarks/prepared_cache_benchmark.py --data ../shared/data [--every 10] [--threads 1]
Takes every N-th approved drug (drugbank_approved_id_name_smiles.csv), runs the campaign's prepare_molecules twice
into a fresh cache directory and prints each pass's CPU time, molecules per CPU-second, the hits and the disk used;
the warm pass's forms are checked to be the cold pass's (same SMILES, same PDBQT, same failures).
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

import vscreen
from vscreen.campaign.prepare import PreparedCache, prepare_molecules, preparation_options
from vscreen.campaign.records import MoleculeRecord


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--every", type=int, default=10, help="take every N-th drug")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    path = os.path.join(args.data, "drugbank_approved", "drugbank_approved_id_name_smiles.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))[:: args.every]
    records = []
    for i, r in enumerate(rows):
        try:
            key = vscreen.inchikey(r["smiles"])
        except vscreen.InputError:
            key = None
        records.append(MoleculeRecord(r["drugbank_id"], r["name"], r["smiles"], "smiles", f"drugs.csv:{i}", key))
    with tempfile.TemporaryDirectory() as root:
        options = {"cache": root}
        passes = []
        for label in ("cold", "warm"):
            c0 = time.process_time()
            forms = prepare_molecules(records, options, args.threads)
            cpu = time.process_time() - c0
            passes.append(forms)
            print(f"{label}: {len(records)} molecules, {len(forms)} entries, {cpu:.2f} CPU-s, "
                  f"{len(records) / cpu:.1f} molecules per CPU-second")
        cold, warm = passes

        def summary(fs):
            return [(f.input_index, f.variant, f.ok, f.error, f.smiles,
                     vscreen.ligand_to_pdbqt(f.ligand) if f.ok else "") for f in fs]
        same = summary(cold) == summary(warm)
        files = list(Path(root).glob("*/*/*.json.gz"))
        size = sum(p.stat().st_size for p in files)
        cache = PreparedCache(root, preparation_options({}))
        hits = sum(cache.get(r.inchikey or "", r.format, r.text, r.id) is not None for r in records)
        print(f"warm pass identical to cold: {same}; entries {len(files)}, hits {hits}/{len(records)}, "
              f"{size / 1024:.0f} KiB ({size / max(1, len(files)) / 1024:.1f} KiB per molecule)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
