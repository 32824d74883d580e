"""Peak memory of the campaign's streaming stages as the library grows: generates SMILES libraries of 10k, 100k
and 1M lines, and in a fresh process per size streams each through the reader, the InChIKey de-duplication and
the chunker ("read"), and optionally also through ligand preparation ("prepare"), then reports peak RSS.

    .venv/bin/python benchmarks/campaign_memory.py --sizes 10000,100000,1000000 --stages read
    .venv/bin/python benchmarks/campaign_memory.py --sizes 1000,10000 --stages prepare

Peak RSS is the process's ru_maxrss (Linux: KiB). Flat numbers across sizes = memory does not grow.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

# 10 x 10 substituents on three positions of a benzene ring: 10^6 distinct SMILES strings (some may turn out to
# be the same molecule; the de-duplication counts them).
_CHAINS = ("", "C", "CC", "CCC", "CCCC", "C(C)", "CC(C)", "OC", "NC", "SC")
_ENDS = ("C", "O", "N", "F", "Cl", "C#N", "C(=O)O", "C(=O)N", "OC", "S(=O)(=O)C")
_GROUPS = [c + e for c in _CHAINS for e in _ENDS]


def smiles_of(n: int) -> str:
    a, b, c = _GROUPS[n % 100], _GROUPS[(n // 100) % 100], _GROUPS[(n // 10000) % 100]
    return f"c1cc({a})c({b})cc1{c}"


def generate(path: str, lines: int) -> None:
    with open(path, "w") as f:
        f.write("smiles id\n")
        for n in range(lines):
            f.write(f"{smiles_of(n)} G{n:07d}\n")


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def measure(path: str, stage: str, chunk_size: int) -> dict:
    """Runs in the child process: streams the library through the stage and returns counts and peak RSS."""
    from vscreen.campaign import KeySet, deduplicate, iter_chunks, read_smiles
    from vscreen.campaign.dedup import DedupStats
    t0 = time.perf_counter()
    stats = DedupStats()
    chunks = prepared = failed = 0
    trace = []  # current RSS after every chunk: a plateau means bounded memory
    with KeySet(os.path.dirname(path)) as keys:
        for chunk in iter_chunks(deduplicate(read_smiles(path), keys, stats), chunk_size):
            chunks += 1
            if stage == "prepare":
                from vscreen.campaign.prepare import prepare_molecules
                forms = prepare_molecules(chunk.records, {"max_stereoisomers": 1})
                prepared += sum(1 for f in forms if f.ok)
                failed += sum(1 for f in forms if not f.ok)
            trace.append(_rss_mib())
    return {"stage": stage, "lines": stats.read, "unique": stats.read - stats.duplicates, "chunks": chunks,
            "prepared_forms": prepared, "failed": failed, "seconds": round(time.perf_counter() - t0, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_trace_mib": [trace[round(i * (len(trace) - 1) / 10)] for i in range(11)] if trace else []}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--stages", default="read", help="read and/or prepare, comma-separated")
    ap.add_argument("--chunk-size", type=int, default=1000)
    ap.add_argument("--workdir", default=None, help="where the libraries go (default: a temporary folder)")
    ap.add_argument("--trace", action="store_true", help="also print the RSS after 0%%, 10%%, ... 100%% of the chunks")
    ap.add_argument("--child", nargs=2, metavar=("PATH", "STAGE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1], args.chunk_size)))
        return 0
    work = args.workdir or tempfile.mkdtemp(prefix="vscreen-memory-")
    os.makedirs(work, exist_ok=True)
    print(f"{'stage':<8} {'lines':>9} {'unique':>9} {'chunks':>7} {'seconds':>8} {'peak RSS (MiB)':>15}")
    for size in (int(s) for s in args.sizes.split(",")):
        path = os.path.join(work, f"library_{size}.smi")
        if not os.path.exists(path):
            generate(path, size)
        for stage in args.stages.split(","):
            out = subprocess.run([sys.executable, __file__, "--chunk-size", str(args.chunk_size), "--child", path,
                                  stage], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{r['stage']:<8} {r['lines']:>9} {r['unique']:>9} {r['chunks']:>7} {r['seconds']:>8} "
                  f"{r['peak_rss_mib']:>15}", flush=True)
            if args.trace:
                print(f"  RSS after 0, 10, ..., 100 % of the chunks (MiB): {r['rss_trace_mib']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
