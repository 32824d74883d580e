"""The plan step at scale and a shard's start-up, before (every shard re-reads the library) and after (a plan).

    python benchmarks/campaign_plan.py generate-unichem --records 10000000 --out DIR/structure.tsv.gz
    python benchmarks/campaign_plan.py generate-smiles --records 1000000 --out DIR/lib.smi
    python benchmarks/campaign_plan.py plan --library FILE --campaign DIR [--chunk-size 1000]
    python benchmarks/campaign_plan.py startup --campaign DIR --shard 999/1000           (after: reads the plan)
    python benchmarks/campaign_plan.py startup-before --library FILE --shard 999/1000 [--vscreen-python PATH]

`plan` runs `vscreen plan` under /usr/bin/time -v (wall time, peak RSS) and reports the plan's disk use.
`startup` times, in a fresh process, what `vscreen screen --shard I/N` does before its first docking: import
vscreen, open the campaign's manifest, open the plan, read the shard's first chunk. `startup-before` times the
same with the stream of the code before the plan (reader -> on-disk InChIKey set -> chunker, run with the
package at --vscreen-python, e.g. the main checkout's python/): until the shard's first chunk, and to the end of
the library (which such a shard has to read as well to find all of its chunks).

The UniChem generator writes the dump layout (UCI, STANDARDINCHI, STANDARDINCHIKEY; header line; gzip) with
``--duplicates`` of the rows repeating an earlier row's InChIKey (UniChem's keys are unique; a concatenation of
dumps or other sources is not). The InChI strings are placeholders: the plan never parses them (UniChem carries
its keys), docking would.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _key(n: int) -> str:
    """A well-formed, distinct Standard InChIKey-shaped string for every n."""
    h = (n * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % (1 << 64)
    a = "".join(_LETTERS[(h >> (5 * i)) % 26] for i in range(12))
    b = "".join(_LETTERS[(n // 26 ** i) % 26] for i in range(8))
    return f"{a}{_LETTERS[n % 26]}{_LETTERS[(n // 7) % 26]}-{b}SA-N"


def generate_unichem(path: str, records: int, duplicates: float, seed: int) -> None:
    rng = random.Random(seed)
    with gzip.open(path, "wt", compresslevel=1, newline="") as f:
        f.write("UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n")
        lines = []
        for uci in range(1, records + 1):
            n = rng.randrange(1, uci) if uci > 1 and rng.random() < duplicates else uci
            lines.append(f"{uci}\tInChI=1S/C{n % 40 + 1}H{n % 83 + 2}N{n % 5}O{n % 7}/c{n}\t{_key(n)}\n")
            if len(lines) == 100_000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))


def generate_smiles(path: str, records: int) -> None:
    sys.path.insert(0, HERE)
    from campaign_memory import generate
    generate(path, records)


def _time_v(cmd, env=None) -> dict:
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"{cmd} failed ({r.returncode}):\n{r.stdout}\n{r.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", r.stderr).group(1)) for k in ("User", "System"))
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mib": round(rss / 1024, 1),
            "stdout": r.stdout.strip().splitlines()[-1:]}


def _du(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(path) for n in names)


def _env(vscreen_python: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = vscreen_python
    return env


def cmd_plan(args) -> None:
    receptor = os.path.join(ROOT, "tests", "data", "1iep_receptor.pdbqt")
    cmd = [sys.executable, "-m", "vscreen", "plan", "--receptor", receptor, "--library", args.library,
           "--center", "0", "0", "0", "--size", "20", "20", "20", "--chunk-size", str(args.chunk_size),
           "--out", args.campaign, "--workers", str(args.workers)]
    res = _time_v(cmd, _env(args.vscreen_python))
    with open(os.path.join(args.campaign, "library", "plan.json")) as f:
        plan = json.load(f)
    res.update(records=plan["records_read"], unique=plan["unique"], chunks=plan["chunks"],
               library_mib=round(os.path.getsize(args.library) / 2 ** 20, 1),
               plan_disk_mib=round(_du(os.path.join(args.campaign, "library")) / 2 ** 20, 1))
    print(json.dumps(res))


_AFTER = """
import time, sys
t0 = time.perf_counter()
from vscreen.campaign import CampaignStore, PlannedLibrary
from vscreen.campaign.chunks import parse_shard
i, n = parse_shard(sys.argv[2])
store = CampaignStore(sys.argv[1])
manifest = store.read_manifest()
plan = PlannedLibrary.open(store.library_dir)
t1 = time.perf_counter()
records = plan.records(i)
t2 = time.perf_counter()
print(len(records), round(t1 - t0, 3), round(t2 - t0, 3), plan.chunks)
"""

_BEFORE = """
import time, sys
t0 = time.perf_counter()
from vscreen.campaign import KeySet, deduplicate, iter_chunks
from vscreen.campaign.config import LibrarySpec
from vscreen.campaign.runner import library_records
i, n = map(int, sys.argv[2].split("/"))
first = None
k = -1
with KeySet(sys.argv[3]) as keys:
    for chunk in iter_chunks(deduplicate(library_records(LibrarySpec([sys.argv[1]])), keys), int(sys.argv[4])):
        k = chunk.index
        if first is None and k % n == i:
            first = time.perf_counter() - t0
print(first, round(time.perf_counter() - t0, 1), k + 1)
"""


def cmd_startup(args) -> None:
    out = subprocess.run([sys.executable, "-c", _AFTER, args.campaign, args.shard], capture_output=True, text=True,
                         env=_env(args.vscreen_python), check=True).stdout.split()
    print(json.dumps({"shard": args.shard, "records_in_first_chunk": int(out[0]), "plan_open_s": float(out[1]),
                      "first_chunk_in_hand_s": float(out[2]), "chunks": int(out[3])}))


def cmd_startup_before(args) -> None:
    out = subprocess.run([sys.executable, "-c", _BEFORE, args.library, args.shard, os.path.dirname(
        os.path.abspath(args.library)), str(args.chunk_size)], capture_output=True, text=True,
        env=_env(args.vscreen_python), check=True).stdout.split()
    print(json.dumps({"shard": args.shard, "first_chunk_in_hand_s": None if out[0] == "None" else round(
        float(out[0]), 1), "whole_library_read_s": float(out[1]), "chunks": int(out[2])}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate-unichem")
    g.add_argument("--records", type=int, required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--duplicates", type=float, default=0.05)
    g.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("generate-smiles")
    s.add_argument("--records", type=int, required=True)
    s.add_argument("--out", required=True)
    for name in ("plan", "startup", "startup-before"):
        p = sub.add_parser(name)
        p.add_argument("--vscreen-python", default=os.path.join(ROOT, "python"),
                       help="the vscreen package's folder (PYTHONPATH) to measure")
        p.add_argument("--chunk-size", type=int, default=1000)
        if name != "startup":
            p.add_argument("--library", required=True)
        if name != "startup-before":
            p.add_argument("--campaign", required=True)
        if name == "plan":
            p.add_argument("--workers", type=int, default=0)
        else:
            p.add_argument("--shard", default="999/1000")
    args = ap.parse_args()
    if args.cmd == "generate-unichem":
        generate_unichem(args.out, args.records, args.duplicates, args.seed)
    elif args.cmd == "generate-smiles":
        generate_smiles(args.out, args.records)
    elif args.cmd == "plan":
        cmd_plan(args)
    elif args.cmd == "startup":
        cmd_startup(args)
    else:
        cmd_startup_before(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
