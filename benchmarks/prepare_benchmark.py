#!/usr/bin/env python3
"""Ligand preparation over the approved-drugs library: success rate, every failure with its reason, throughput.

Usage: .venv/bin/python benchmarks/prepare_benchmark.py --data ../shared/data [--threads N] [--limit N]
        [--forms-out build/prepared_forms.csv] [--smiles OTHER_LIBRARY.smi] [--every N]
Reads drugbank_approved/drugbank_approved_id_name_smiles.csv and prepares every SMILES with the default options
(one call per batch of 256, all threads); prints the figures, the CPU time of each preparation step (from
PreparedLigand.timings) and writes the failures table as CSV; --forms-out writes every form (id, variant, SMILES,
ring forms) or failure, so that two builds' outputs can be compared with diff. --smiles prepares another library
(SMILES and id per line, e.g. DUD-E's decoys_final.ism) instead; "3D of the forms" counts PreparedLigand.embedding.
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
    ap.add_argument("--smiles", default="", help="another library instead: a SMILES file (SMILES, then an id; .smi/.ism)")
    ap.add_argument("--every", type=int, default=1, help="every Nth molecule only")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--ring-conformers", type=int, default=vscreen.PreparationOptions().ring_conformers,
                    help="ring shapes per stereoisomer (default: vscreen's)")
    ap.add_argument("--failures", default="build/prepare_failures.csv", help="where to write the failures table")
    ap.add_argument("--forms-out", default="", help="write every form or failure to this CSV")
    args = ap.parse_args(argv)

    path = os.path.join(args.data, "drugbank_approved", "drugbank_approved_id_name_smiles.csv")
    if args.smiles:
        path = args.smiles
        with open(path) as f:
            rows = [{"smiles": parts[0], "drugbank_id": parts[1] if len(parts) > 1 else "", "name": ""}
                    for parts in (line.split() for line in f) if parts]
    else:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    rows = rows[:: args.every]
    if args.limit:
        rows = rows[: args.limit]
    inputs = [vscreen.MoleculeInput(r["smiles"], "smiles", id=r["drugbank_id"], name=r["name"],
                                    source=f"{os.path.basename(path)}:{i + 2}") for i, r in enumerate(rows)]
    threads = args.threads or os.cpu_count() or 1
    opts = vscreen.PreparationOptions(threads=threads, ring_conformers=args.ring_conformers)
    ok_inputs, forms, failures, isomers, builders = set(), 0, [], set(), Counter()
    stage_s: Counter = Counter()
    table = []
    t0, c0 = time.perf_counter(), time.process_time()
    for b in range(0, len(inputs), args.batch):
        for p in vscreen.prepare_ligands(inputs[b: b + args.batch], opts):
            stage_s.update(p.timings.as_dict())
            table.append((p.id, p.variant, p.ok, p.smiles, p.ring_forms, p.error))
            if p.ok:
                ok_inputs.add(b + p.input_index)
                isomers.add((b + p.input_index, p.smiles))
                forms += 1
                builders[getattr(p, "embedding", "") or "-"] += 1
            else:
                failures.append((p.id, p.name, p.source, p.error))
        done = min(b + args.batch, len(inputs))
        print(f"  {done}/{len(inputs)} molecules, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(inputs)
    print(f"molecules: {n}   prepared: {len(ok_inputs)} ({100.0 * len(ok_inputs) / n:.2f} %)   forms: {forms} "
          f"({len(isomers)} stereoisomers; ring_conformers {args.ring_conformers})   "
          f"failed: {len(failures)}")
    print("3D of the forms: " + ", ".join(f"{k} {v}" for k, v in sorted(builders.items())))
    print(f"wall time: {wall:.1f} s on {threads} threads   throughput: {n / wall:.2f} molecules/s, "
          f"{n / wall / threads:.2f} molecules/s per core")
    # CPU time of the whole process (all threads): the per-core figure that holds on a shared machine.
    print(f"CPU time: {cpu:.1f} s   throughput: {n / cpu:.2f} molecules per CPU-second")
    # CPU time of each step, summed over the molecules (the preparing threads' clocks; the rest of the CPU time
    # above is Python, batching and thread start-up).
    steps = sum(stage_s.values())
    print(f"per step (CPU-s, share of the steps' {steps:.1f} s, molecules per CPU-second of that step alone):")
    for stage, sec in stage_s.items():
        rate = f"{n / sec:10.1f}" if sec > 0 else "         -"
        print(f"  {stage:12s} {sec:8.1f} s  {100.0 * sec / steps if steps else 0:5.1f} %  {rate}")
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
    if args.forms_out:
        os.makedirs(os.path.dirname(args.forms_out) or ".", exist_ok=True)
        with open(args.forms_out, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "variant", "ok", "smiles", "ring_forms", "error"])
            w.writerows(table)
        print(f"forms table: {args.forms_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
