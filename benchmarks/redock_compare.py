#!/usr/bin/env python3
"""Side-by-side table of redocking runs (redock_benchmark.py work folders) on the complexes they share.

Each run is LABEL=FOLDER; its rows.jsonl gives per complex the top-1 RMSD of vscreen and/or Vina. A run that
holds both programs gives two columns (LABEL:vscreen, LABEL:vina). For every column: top-1 successes k/n with
the 95 % Wilson interval, successes among the modes, vscreen's search/scoring miss split, median energy
evaluations per ligand, total CPU seconds and the CPU ratio to the reference (the first column, or --reference).
Paired comparison with the reference on the same complexes: the discordant pairs (won / lost) and the exact
two-sided McNemar p-value; p > 0.05 is printed as "cannot be told apart".

    .venv/bin/python benchmarks/redock_compare.py vina=benchmarks/results/astex-vina-s42 \\
        s1=benchmarks/results/astex-s1 s025=benchmarks/results/astex-s025 [--markdown] [--json out.json]
"""
import argparse
import json
from pathlib import Path

import numpy as np

from binomial import mcnemar_p, wilson


def load_rows(folder):
    rows = {}
    for line in (Path(folder) / "rows.jsonl").read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            rows[r["name"]] = r
    return rows


def columns(runs):
    """(label, program, rows) for every program a run holds."""
    out = []
    for label, rows in runs:
        progs = [p for p in ("vscreen", "vina") if any(f"{p}_rmsd" in r for r in rows.values())]
        for p in progs:
            out.append((label if len(progs) == 1 else f"{label}:{p}", p, rows))
    return out


def summarise(label, program, rows, names):
    hit = {n: rows[n][f"{program}_rmsd"] < 2.0 for n in names}
    k = sum(hit.values())
    lo, hi = wilson(k, len(names))
    s = dict(label=label, program=program, n=len(names), success=k, ci=(round(lo, 3), round(hi, 3)),
             modes=sum(bool(rows[n].get(f"{program}_modes_hit")) for n in names),
             cpu_s=round(sum(rows[n].get(f"{program}_cpu", 0.0) for n in names), 1), hit=hit)
    if program == "vscreen":
        s["search_misses"] = sum(rows[n].get("vscreen_miss") == "search" for n in names)
        s["scoring_misses"] = sum(rows[n].get("vscreen_miss") == "scoring" for n in names)
        evals = [rows[n]["vscreen_evaluations"] for n in names if rows[n].get("vscreen_evaluations")]
        s["evals_median"] = int(np.median(evals)) if evals else None
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", metavar="LABEL=FOLDER")
    ap.add_argument("--reference", default=None, help="column compared with the others (default: the first)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    runs = []
    for spec in args.runs:
        label, _, folder = spec.partition("=")
        runs.append((label, load_rows(folder)))
    cols = columns(runs)
    names = sorted(set.intersection(*[{n for n, r in rows.items() if f"{p}_rmsd" in r} for _, p, rows in cols]))
    if not names:
        raise SystemExit("the runs share no complex with results")
    summaries = [summarise(label, p, rows, names) for label, p, rows in cols]
    ref = next((s for s in summaries if s["label"] == args.reference), summaries[0])
    for s in summaries:
        won = sum(s["hit"][n] and not ref["hit"][n] for n in names)
        lost = sum(ref["hit"][n] and not s["hit"][n] for n in names)
        s.update(won=won, lost=lost, p=round(mcnemar_p(won, lost), 3),
                 cpu_ratio=round(s["cpu_s"] / ref["cpu_s"], 3) if ref["cpu_s"] else None)
    head = ["setting", "top-1", "95 % CI", "modes", "search / scoring misses", "median evals", "CPU s",
            f"CPU / {ref['label']}", f"vs {ref['label']}: won / lost (p)"]
    table = []
    for s in summaries:
        misses = f"{s['search_misses']} / {s['scoring_misses']}" if s["program"] == "vscreen" else "-"
        evals = f"{s['evals_median'] / 1e6:.2f} M" if s.get("evals_median") else "-"
        versus = "-" if s is ref else f"{s['won']} / {s['lost']} (p = {s['p']:.2f}" + \
            (", cannot be told apart)" if s["p"] > 0.05 else ")")
        table.append([s["label"], f"{s['success']}/{s['n']}", f"{s['ci'][0]:.2f}-{s['ci'][1]:.2f}",
                      f"{s['modes']}/{s['n']}", misses, evals, f"{s['cpu_s']:.0f}", f"{s['cpu_ratio']:.3f}", versus])
    if args.markdown:
        print("| " + " | ".join(head) + " |\n|" + " --- |" * len(head))
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]
        for row in [head] + table:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(f"\n{len(names)} complexes in common")
    if args.json:
        for s in summaries:
            s["hit"] = {n: bool(v) for n, v in s["hit"].items()}
        args.json.write_text(json.dumps(dict(complexes=names, columns=summaries), indent=1))


if __name__ == "__main__":
    main()
