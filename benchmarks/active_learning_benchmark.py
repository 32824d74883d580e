#!/usr/bin/env python3
# Simulated active learning over a full-docking reference: share of the reference top 1 % and of the actives found.
"""Replays surrogate-guided picking against a cached full docking (benchmarks/al_reference_dock.py): each round
"docks" its picks by looking up their reference affinity, with the same features, surrogate, acquisition and
seeded sampling as `vscreen screen --active-learning` (vscreen.campaign.active_learning). Reported per strategy and
budget (fraction of the library docked) over the seeds: the share of the reference's top 1 % (by affinity) and of
the actives among the docked molecules, the same for random picks of the same size, the surrogate seconds, and the
wall time = surrogate seconds + the reference's docking seconds of the docked molecules.

    nice -n 10 .venv/bin/python benchmarks/active_learning_benchmark.py --reference REF.parquet --out OUT \\
        [--seeds 0,1,2] [--budgets 0.05,0.1,0.2] [--strategies baseline,small-rounds,...]

Writes OUT/results.json and prints a Markdown table.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vscreen.campaign.active_learning.features import FeatureSpec, featurize
from vscreen.campaign.active_learning.picks import best_k, random_sample
from vscreen.campaign.active_learning.surrogate import SurrogateSpec, acquisition, fit_surrogate

# initial / batch: fractions of the library; the rounds stop exactly at each budget.
STRATEGIES = {
    # the lost branch's method: Morgan bits, 5 % rounds, one greedy model
    "baseline": dict(features=FeatureSpec(counts=False, descriptors=True), initial=0.05, batch=0.05,
                     surrogate=SurrogateSpec(), acquisition="greedy"),
    "small-rounds": dict(features=FeatureSpec(), initial=0.02, batch=0.01, surrogate=SurrogateSpec(),
                         acquisition="greedy"),
    "small-rounds-clip": dict(features=FeatureSpec(), initial=0.02, batch=0.01,
                              surrogate=SurrogateSpec(clip_quantile=0.5), acquisition="greedy"),
    "tiny-rounds-clip": dict(features=FeatureSpec(), initial=0.01, batch=0.005,
                             surrogate=SurrogateSpec(clip_quantile=0.5), acquisition="greedy"),
    "micro-rounds-clip": dict(features=FeatureSpec(), initial=0.01, batch=0.0025,
                              surrogate=SurrogateSpec(clip_quantile=0.5), acquisition="greedy"),
    "tiny-rounds-clip25": dict(features=FeatureSpec(), initial=0.01, batch=0.005,
                               surrogate=SurrogateSpec(clip_quantile=0.25), acquisition="greedy"),
    "ucb-ensemble": dict(features=FeatureSpec(), initial=0.02, batch=0.01,
                         surrogate=SurrogateSpec(members=4, clip_quantile=0.5), acquisition="ucb", beta=1.0),
}


def simulate(X, ok, y, top, actives, budgets, strategy, seed, threads):
    n = len(y)
    checkpoints = sorted(int(round(b * n)) for b in budgets)
    docked = random_sample(n, int(round(strategy["initial"] * n)), seed).tolist()
    is_docked = np.zeros(n, dtype=bool)
    is_docked[docked] = True
    out, surrogate_seconds, rounds = {}, 0.0, 1
    batch = max(1, int(round(strategy["batch"] * n)))
    while True:
        for c in checkpoints:
            if c not in out and len(docked) >= c:
                d = np.array(docked[:c])
                out[c] = dict(top=float(np.isin(d, top).sum() / len(top)), top_found=int(np.isin(d, top).sum()), actives_found=int(actives[d].sum()),
                              surrogate_seconds=surrogate_seconds, rounds=rounds)
        if len(docked) >= checkpoints[-1]:
            return out
        t0 = time.perf_counter()
        train = np.array([i for i in docked if np.isfinite(y[i]) and ok[i]])
        model = fit_surrogate(X[train], y[train], strategy["surrogate"], seed + rounds, threads)
        left = np.flatnonzero(~is_docked & ok)
        mean, spread = model.predict(X[left])
        score = acquisition(mean, spread, strategy["acquisition"], strategy.get("beta", 1.0))
        next_stop = min(c for c in checkpoints if c > len(docked))
        take = min(batch, next_stop - len(docked))
        picks = left[best_k(score, take)]
        surrogate_seconds += time.perf_counter() - t0
        docked.extend(picks.tolist())
        is_docked[picks] = True
        rounds += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True,
                    help="reference.parquet of al_reference_dock.py, or its folder (the chunks finished so far)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--budgets", default="0.05,0.1,0.2")
    ap.add_argument("--strategies", default=",".join(STRATEGIES))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ref_path = Path(args.reference)
    if ref_path.is_dir():  # a reference still docking: its finished chunks (a seeded shuffle, so a fair sample)
        ref = pd.concat([pd.read_parquet(p) for p in sorted(ref_path.glob("part*.parquet"))], ignore_index=True)
    else:
        ref = pd.read_parquet(ref_path)
    ref = ref.reset_index(drop=True)
    n = len(ref)
    y = ref["affinity"].where(ref["status"] == "ok", np.nan).to_numpy(float)
    actives = ref["active"].to_numpy(bool)
    k = max(1, int(round(0.01 * n)))
    finite = np.flatnonzero(np.isfinite(y))
    top = finite[np.argsort(y[finite], kind="stable")[:k]]
    chunk_seconds = ref.groupby("dock_seconds", sort=False).size()  # one value per docked chunk
    sec_per_mol = float(chunk_seconds.index.to_numpy().sum() / chunk_seconds.sum())
    budgets = [float(b) for b in args.budgets.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    t0 = time.perf_counter()
    X_by_spec = {}
    results = {"molecules": n, "top_k": k, "actives": int(actives.sum()), "docking_seconds_per_molecule": sec_per_mol,
               "strategies": {}}
    for name in args.strategies.split(","):
        strategy = STRATEGIES[name]
        spec = strategy["features"]
        if spec not in X_by_spec:
            tf = time.perf_counter()
            X_by_spec[spec] = featurize(list(zip(ref["smiles"], ["smiles"] * n)), spec)
            print(f"features {spec}: {time.perf_counter() - tf:.1f} s", flush=True)
        X, ok = X_by_spec[spec]
        runs = {}
        for seed in seeds:
            runs[seed] = simulate(X, ok, y, top, actives, budgets, strategy, seed, args.threads)
            print(name, seed, {c: (r["top"], r["actives_found"]) for c, r in runs[seed].items()}, flush=True)
        results["strategies"][name] = {str(s): {str(c): r for c, r in v.items()} for s, v in runs.items()}
    rand = {}
    for seed in seeds:
        for b in budgets:
            c = int(round(b * n))
            d = random_sample(n, c, 10_000 + seed)
            rand.setdefault(c, []).append((np.isin(d, top).sum() / k, actives[d].sum()))
    results["random"] = {str(c): v for c, v in rand.items()}
    results["seconds"] = time.perf_counter() - t0
    (out / "results.json").write_text(json.dumps(results, indent=1, default=float))
    na = int(actives.sum())
    print(f"\n{n} molecules, reference top 1 % = {k}, {na} actives, {sec_per_mol:.2f} docking s/molecule")
    print("| strategy | docked | top 1 % found (mean, min-max over seeds) | actives found | rounds | surrogate s | "
          "wall s (surrogate + docking) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for b in budgets:
        c = int(round(b * n))
        r = np.array(rand[c], float)
        print(f"| random | {b:.0%} ({c}) | {r[:, 0].mean():.0%} ({r[:, 0].min():.0%}-{r[:, 0].max():.0%}) | "
              f"{r[:, 1].mean() / max(1, na):.0%} | - | - | {c * sec_per_mol:.0f} |")
        for name, runs in results["strategies"].items():
            v = [runs[str(s)][str(c)] for s in seeds]
            tops = np.array([x["top"] for x in v])
            act = np.array([x["actives_found"] for x in v]) / max(1, na)
            ss = np.mean([x["surrogate_seconds"] for x in v])
            print(f"| {name} | {b:.0%} ({c}) | {tops.mean():.0%} ({tops.min():.0%}-{tops.max():.0%}) | "
                  f"{act.mean():.0%} | {v[0]['rounds']} | {ss:.1f} | {ss + c * sec_per_mol:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
