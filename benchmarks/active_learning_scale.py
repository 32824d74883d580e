#!/usr/bin/env python3
# Surrogate cost per million molecules: features, training and a streamed prediction pass over a planned library.
"""Plans a SMILES library (vscreen plan's chunk files) and times, on this machine, what an active-learning round
costs besides docking: fitting the surrogate on --train docked molecules, and one prediction pass over every planned
chunk (read chunk, features, predict, write its predictions file, keep the best --batch), with the pass's peak
memory. Per-million figures are the measured seconds scaled linearly (the pass is chunk by chunk, so its memory
does not grow with the library).

    nice -n 10 .venv/bin/python benchmarks/active_learning_scale.py --library A.ism [B.ism ...] --out OUT \\
        [--chunk-size 1000] [--train 5000] [--batch 1000] [--threads 1]
"""
import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

from vscreen.campaign import LibrarySpec, build_plan
from vscreen.campaign.active_learning.features import featurize
from vscreen.campaign.active_learning.rounds import _predict_pass
from vscreen.campaign.active_learning.settings import ActiveLearningSettings
from vscreen.campaign.active_learning.state import ActiveLearningStore
from vscreen.campaign.active_learning.surrogate import fit_surrogate


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunk-size", type=int, default=1000)
    ap.add_argument("--train", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    plan = build_plan(LibrarySpec(list(args.library), "smiles"), args.chunk_size, str(out / "library"), workers=1)
    n = int(plan.plan["unique"])
    print(f"planned {n} molecules in {plan.chunks} chunks: {time.perf_counter() - t:.1f} s", flush=True)
    s = ActiveLearningSettings(threads=args.threads)
    records = plan.records(0)
    while len(records) < args.train and len(records) // args.chunk_size < plan.chunks:
        records += plan.records(len(records) // args.chunk_size)
    records = records[:args.train]
    t = time.perf_counter()
    X, ok = featurize([(r.text, r.format) for r in records], s.features)
    feat_s = time.perf_counter() - t
    y = X[:, -14]  # a real-valued property of each molecule stands in for the docking score (timing only)
    t = time.perf_counter()
    model = fit_surrogate(X[ok], y[ok], s.surrogate, 0, args.threads)
    fit_s = time.perf_counter() - t
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, c = time.perf_counter(), time.process_time()
    _predict_pass(plan, model, np.arange(len(records)), s, ActiveLearningStore(str(out)), "bench", 1, args.batch)
    pass_s, pass_cpu = time.perf_counter() - t, time.process_time() - c
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"features of {len(records)}: {feat_s:.1f} s ({feat_s / len(records) * 1e6 / 3600:.2f} h per million)")
    print(f"fit on {int(ok.sum())} ({s.boosting_rounds} trees): {fit_s:.1f} s")
    print(f"prediction pass over {n}: {pass_s:.1f} s = {pass_s / n * 1e6 / 3600:.2f} h per million, "
          f"{pass_s / n * 1e7 / 3600:.1f} h for 10 M ({pass_cpu / n * 1e6 / 3600:.2f} CPU-h per million); "
          f"peak RSS {rss0 / 1024:.0f} MiB before, {rss1 / 1024:.0f} MiB "
          f"after the pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
