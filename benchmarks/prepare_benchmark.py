#!/usr/bin/env python3
"""Ligand preparation over the approved-drugs library: success rate, every failure with its reason, throughput.

Usage: .venv/bin/python benchmarks/prepare_benchmark.py --data ../shared/data [--threads N] [--limit N]
Reads drugbank_approved/drugbank_approved_id_name_smiles.csv and prepares every SMILES with the default options
(one call per batch of 256, all threads); prints the figures and writes the failures table as CSV.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from collections import Counter

import vscreen

# Failures that are no docking ligand for Vina's types: salts and elements, ions, elements without an XS type.
OUT_OF_SCOPE = re.compile(r"inorganic|too small|unsupported element")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores)")
    ap.add_argument("--limit", type=int, default=0, help="first N molecules only")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ring-conformers", type=int, default=vscreen.PreparationOptions().ring_conformers,
                    help="ring shapes per stereoisomer (default: vscreen's)")
    ap.add_argument("--failures", default="build/prepare_failures.csv", help="where to write the failures table")
    args = ap.parse_args(argv)

    path = os.path.join(args.data, "drugbank_approved", "drugbank_approved_id_name_smiles.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if args.limit:
        rows = rows[: args.limit]
    inputs = [vscreen.MoleculeInput(r["smiles"], "smiles", id=r["drugbank_id"], name=r["name"],
                                    source=f"{os.path.basename(path)}:{i + 2}") for i, r in enumerate(rows)]
    threads = args.threads or os.cpu_count() or 1
    opts = vscreen.PreparationOptions(threads=threads, ring_conformers=args.ring_conformers)
    ok_inputs, forms, failures, isomers = set(), 0, [], set()
    t0, c0 = time.perf_counter(), time.process_time()
    for b in range(0, len(inputs), args.batch):
        for p in vscreen.prepare_ligands(inputs[b: b + args.batch], opts):
            if p.ok:
                ok_inputs.add(b + p.input_index)
                isomers.add((b + p.input_index, p.smiles))
                forms += 1
            else:
                failures.append((p.id, p.name, p.source, p.error))
        done = min(b + args.batch, len(inputs))
        print(f"  {done}/{len(inputs)} molecules, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(inputs)
    print(f"molecules: {n}   prepared: {len(ok_inputs)} ({100.0 * len(ok_inputs) / n:.2f} %)   forms: {forms} "
          f"({len(isomers)} stereoisomers; ring_conformers {args.ring_conformers})   "
          f"failed: {len(failures)}")
    print(f"wall time: {wall:.1f} s on {threads} threads   throughput: {n / wall:.2f} molecules/s, "
          f"{n / wall / threads:.2f} molecules/s per core")
    # CPU time of the whole process (all threads): the per-core figure that holds on a shared machine.
    print(f"CPU time: {cpu:.1f} s   throughput: {n / cpu:.2f} molecules per CPU-second")
    out_of_scope = [f for f in failures if OUT_OF_SCOPE.search(f[3])]
    in_scope = n - len(out_of_scope)
    print(f"organic, Vina-typable molecules (inorganic, too small and unsupported elements excluded): {in_scope}, "
          f"prepared {len(ok_inputs)} ({100.0 * len(ok_inputs) / in_scope:.2f} %)")
    # The reason without the molecule's ID prefix ("DB00188: unsupported element B (atom 26); ...").
    reasons = Counter(e.removeprefix(f"{i}: ").split(":")[0].split("(")[0].strip() for i, _, _, e in failures)
    for reason, count in reasons.most_common():
        print(f"  {count:4d}  {reason}")
    os.makedirs(os.path.dirname(args.failures) or ".", exist_ok=True)
    with open(args.failures, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "source", "error"])
        w.writerows(failures)
    print(f"failures table: {args.failures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
