"""`vscreen report` on a synthetic campaign of many chunk files: wall time and peak memory (/usr/bin/time -v).

    python benchmarks/campaign_report.py generate --campaign DIR --chunks 100000 --rows 100
    python benchmarks/campaign_report.py report --campaign DIR [--vscreen-python PATH]

`generate` writes a campaign directory as the runs would leave it: manifest, a plan.json that says how many
chunks the library has, and per chunk one results Parquet file (the columns of vscreen.campaign.COLUMNS, random
affinities drawn with a fixed seed, 2 % failures) and an empty poses file. `report` runs `vscreen report DIR`
with the package at --vscreen-python (e.g. the main checkout's python/ for the report before compaction).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def generate(campaign: str, chunks: int, rows: int, seed: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    sys.path.insert(0, os.path.join(ROOT, "python"))
    from vscreen.campaign import CampaignStore, config_from_dict
    from vscreen.campaign.chunk_job import COLUMNS, TERM_COLUMNS
    lib = os.path.join(campaign + ".lib.smi")
    with open(lib, "w") as f:
        f.write("CCO\n")
    cfg = config_from_dict({"name": "synthetic", "chunk_size": rows, "library": lib, "targets": [
        {"name": "t0", "receptor": os.path.join(ROOT, "tests", "data", "1iep_receptor.pdbqt"),
         "center": [0, 0, 0], "size": [20, 20, 20]}]}, ROOT)
    store = CampaignStore(campaign)
    store.open(cfg.identity(), "benchmark")
    os.makedirs(store.library_dir, exist_ok=True)
    with open(os.path.join(store.library_dir, "plan.json"), "w") as f:
        json.dump({"format": 1, "chunks": chunks, "chunk_size": rows, "unique": chunks * rows, "fingerprint": "-",
                   "records_read": chunks * rows, "duplicates": 0}, f)
    ints = ("chunk", "position", "variant", "variants", "heavy_atoms", "torsions")
    floats = ("affinity", "inter", "intra", *TERM_COLUMNS)
    schema = pa.schema([(c, pa.int64() if c in ints else pa.float64() if c in floats else pa.string())
                        for c in COLUMNS])
    rng = np.random.default_rng(seed)
    base = {c: pa.array([""] * rows, pa.string()) for c in COLUMNS if c not in ints + floats}
    base.update(target=pa.array(["t0"] * rows), smiles=pa.array(["c1ccccc1O"] * rows), backend=pa.array(["cpu"] * rows))
    for k in range(chunks):
        pos = np.arange(k * rows, (k + 1) * rows, dtype=np.int64)
        aff = rng.normal(-7.0, 1.2, rows)
        ok = rng.random(rows) >= 0.02
        cols = dict(base)
        cols.update(chunk=pa.array(np.full(rows, k, np.int64)), position=pa.array(pos),
                    id=pa.array([f"M{p}" for p in pos]), status=pa.array(np.where(ok, "ok", "failed")),
                    stage=pa.array(np.where(ok, "", "prepare")), error=pa.array(np.where(ok, "", "no embedding")),
                    affinity=pa.array(np.where(ok, aff, np.nan)), inter=pa.array(aff * 1.1), intra=pa.array(aff * 0.1),
                    variant=pa.array(np.zeros(rows, np.int64)), variants=pa.array(np.ones(rows, np.int64)),
                    heavy_atoms=pa.array(np.full(rows, 20, np.int64)), torsions=pa.array(np.full(rows, 4, np.int64)))
        for t in TERM_COLUMNS:
            cols[t] = pa.array(aff / len(TERM_COLUMNS))
        pq.write_table(pa.table([cols[c] for c in COLUMNS], schema=schema), store.results_path("t0", k))
        open(store.poses_path("t0", k), "w").close()


def report(campaign: str, vscreen_python: str) -> dict:
    env = dict(os.environ, PYTHONPATH=vscreen_python)
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "vscreen", "report", campaign, "--show", "3"],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(r.stderr[-3000:])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return {"wall_s": round(wall, 1), "peak_rss_mib": round(rss / 1024, 1), "first_line": r.stdout.splitlines()[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--campaign", required=True)
    g.add_argument("--chunks", type=int, default=100_000)
    g.add_argument("--rows", type=int, default=100)
    g.add_argument("--seed", type=int, default=5)
    r = sub.add_parser("report")
    r.add_argument("--campaign", required=True)
    r.add_argument("--vscreen-python", default=os.path.join(ROOT, "python"))
    args = ap.parse_args()
    if args.cmd == "generate":
        t0 = time.perf_counter()
        generate(args.campaign, args.chunks, args.rows, args.seed)
        print(json.dumps({"generated_chunks": args.chunks, "seconds": round(time.perf_counter() - t0, 1)}))
    else:
        print(json.dumps(report(args.campaign, args.vscreen_python)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
