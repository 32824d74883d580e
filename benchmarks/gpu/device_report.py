#!/usr/bin/env python3
"""The device check's report: the device's results beside the kit's CPU references (standard library only: it runs
on the GPU machine's plain python3). Called by run_device_checks.sh; prints the table, writes the JSON."""
import argparse
import json
import math
from pathlib import Path

TARGETS = dict(ligands_per_s=300.0, energy_rel=1e-4)  # issue 14's targets on one H200


def load(p):
    return json.loads(Path(p).read_text()) if Path(p).exists() else None


def rel(a, b):
    """|a - b| relative to |b|, with 0.01 kcal/mol as the smallest scale (energies near zero)."""
    return abs(a - b) / max(abs(b), 0.01)


def rmsd(a, b):
    return math.sqrt(sum((x - y) ** 2 for p, q in zip(a, b) for x, y in zip(p, q)) / len(a)) if a else float("nan")


def energies(kit, raw):
    pairs = [(f"crystal {c['name']}", kit / f"reference/score_crystal_{c['name']}.json",
              raw / f"score_crystal_{c['name']}.json") for c in load(kit / "manifest.json")["complexes"]]
    pairs.append(("drug top-1 poses", kit / "reference/score_drug_poses.json", raw / "score_drug_poses.json"))
    worst, n, missing = 0.0, 0, []
    for what, ref_p, dev_p in pairs:
        ref, dev = load(ref_p), load(dev_p)
        if dev is None:
            missing.append(what)
            continue
        for r, d in zip(ref["ligands"], dev["ligands"]):
            for k in ("inter", "intra"):
                worst = max(worst, rel(d[k], r[k]))
                n += 1
    return dict(values=n, max_relative_difference=worst, within_target=n > 0 and worst <= TARGETS["energy_rel"],
                missing=missing)


def redocking(kit, raw):
    rows = []
    for c in load(kit / "manifest.json")["complexes"]:
        ref, dev = load(kit / f"reference/redock_{c['name']}.json"), load(raw / f"redock_{c['name']}.json")
        row = dict(name=c["name"], cpu_rmsd=rmsd(ref["ligands"][0]["top_heavy_coords"], c["crystal_heavy"]),
                   cpu_affinity=ref["ligands"][0]["modes"][0]["affinity"])
        if dev:
            d = dev["ligands"][0]
            row.update(device_rmsd=rmsd(d["top_heavy_coords"], c["crystal_heavy"]),
                       device_affinity=d["modes"][0]["affinity"], device_backend=d["backend"],
                       same_top1=rmsd(d["top_heavy_coords"], ref["ligands"][0]["top_heavy_coords"]) < 0.1)
        rows.append(row)
    done = [r for r in rows if "device_rmsd" in r]
    return dict(rows=rows, complexes=len(rows), docked=len(done),
                cpu_success=sum(r["cpu_rmsd"] < 2 for r in done),
                device_success=sum(r["device_rmsd"] < 2 for r in done),
                same_outcome=sum((r["cpu_rmsd"] < 2) == (r["device_rmsd"] < 2) for r in done),
                same_top1_pose=sum(r["same_top1"] for r in done))


def repeat(kit, raw):
    a, b = raw / "repeat_a.json", raw / "repeat_b.json"
    if not (a.exists() and b.exists()):
        return dict(done=False)
    ref, dev = load(kit / "reference/drugs_sample.json"), load(a)
    diffs = [abs(d["modes"][0]["affinity"] - r["modes"][0]["affinity"])
             for r, d in zip(ref["ligands"], dev["ligands"]) if r["modes"] and d["modes"]]
    return dict(done=True, identical_bytes=a.read_bytes() == b.read_bytes(),
                identical_to_cpu_reference=[l["modes"] for l in ref["ligands"]] == [l["modes"] for l in dev["ligands"]],
                ligands=len(dev["ligands"]), backends=sorted({l.get("backend", "") for l in dev["ligands"]}),
                max_top1_affinity_difference_vs_cpu=max(diffs) if diffs else None)


def grids(raw):
    """Device grid maps vs the CPU's (vscreen-dock --mode grids)."""
    g = load(raw / "grids.json")
    return g["ligands"][0] if g else None


def variants(raw):
    """The CUDA search kernel per variant and size bucket (the timings' profiles), and whether the global-memory
    variant's run gave the default run's bytes (same math, other memory)."""
    runs = {}
    for name, f in (("default (repeat a)", "repeat_a"), ("global memory", "variant_global"),
                    ("128-register cap", "variant_cap")):
        t = load(raw / f"{f}_timings.json")
        if t:
            runs[name] = dict(ligands_per_s=t["ligands_per_s"], work_s=t["work_s"], profile=t.get("profile", {}))
    a, g, c = raw / "repeat_a.json", raw / "variant_global.json", raw / "variant_cap.json"
    same = a.read_bytes() == g.read_bytes() if a.exists() and g.exists() else None
    same_cap = a.read_bytes() == c.read_bytes() if a.exists() and c.exists() else None
    tp = [load(f) for f in sorted(raw.glob("throughput_*_timings.json"))]
    grids = [t["profile"] for t in tp if t and t.get("profile")]
    return dict(runs=runs, global_same_bytes_as_default=same, capped_same_bytes_as_default=same_cap,
                throughput_profiles=grids)


def throughput(raw):
    """Every throughput step (growing batches of drugs); the figure is the rate of the largest batch."""
    steps = []
    for f in sorted(raw.glob("throughput_*_timings.json"), key=lambda p: int(p.stem.split("_")[1])):
        t = load(f)
        steps.append(dict(ligands=t["ligands"], seconds=t["work_s"], ligands_per_s=t["ligands_per_s"],
                          evaluations_per_s=t["evaluations"] / t["work_s"] if t["work_s"] > 0 else None))
    best = max(steps, key=lambda s: s["ligands"]) if steps else None
    return dict(steps=steps, ligands_per_s=best["ligands_per_s"] if best else None,
                ligands=best["ligands"] if best else 0,
                meets_target=bool(best and best["ligands_per_s"] >= TARGETS["ligands_per_s"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", type=Path, required=True)
    ap.add_argument("--raw", type=Path, required=True)
    ap.add_argument("--device", type=Path, required=True)
    ap.add_argument("--dry-run", type=int, default=0)
    ap.add_argument("--elapsed", type=float, default=0)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    report = dict(device=a.device.read_text().strip(), dry_run=bool(a.dry_run), elapsed_s=a.elapsed,
                  energies=energies(a.kit, a.raw), redocking=redocking(a.kit, a.raw), repeat=repeat(a.kit, a.raw),
                  throughput=throughput(a.raw), variants=variants(a.raw), grids=grids(a.raw),
                  targets=TARGETS)
    a.out.write_text(json.dumps(report, indent=1) + "\n")
    e, r, p, t = report["energies"], report["redocking"], report["repeat"], report["throughput"]
    print("\n".join(f"  {x}" for x in report["device"].splitlines()))
    print(f"{'check':34s} {'result':>40s}")
    print(f"{'pose energies vs CPU (max rel.)':34s} {e['max_relative_difference']:>29.2e} of {e['values']:>4d} "
          f"{'ok' if e['within_target'] else 'MISS'}")
    if report["grids"]:
        gr = report["grids"]
        print(f"{'grid maps vs CPU: values differing':34s} {'%d of %d (max %.2g)' % (gr['differ'], gr['values'], gr['max_abs_difference']):>40s}")
    print(f"{'redocking top-1 < 2 A':34s} {'device %d, CPU %d of %d docked' % (r['device_success'], r['cpu_success'], r['docked']):>40s}")
    print(f"{'  same outcome / same top-1 pose':34s} {'%d / %d of %d' % (r['same_outcome'], r['same_top1_pose'], r['docked']):>40s}")
    if p["done"]:
        print(f"{'same seed twice: same bytes':34s} {str(p['identical_bytes']):>40s}")
        print(f"{'  ran on':34s} {', '.join(p['backends']):>40s}")
        print(f"{'  drug sample equal to CPU results':34s} {str(p['identical_to_cpu_reference']):>40s}")
        if p["max_top1_affinity_difference_vs_cpu"] is not None:
            print(f"{'  top-1 affinity vs CPU (max diff.)':34s} {'%.3g kcal/mol' % p['max_top1_affinity_difference_vs_cpu']:>40s}")
    v = report["variants"]
    if v["global_same_bytes_as_default"] is not None:
        print(f"{'  global-memory kernel: same bytes':34s} {str(v['global_same_bytes_as_default']):>40s}")
    if v["capped_same_bytes_as_default"] is not None:
        print(f"{'  128-register kernel: same bytes':34s} {str(v['capped_same_bytes_as_default']):>40s}")
    for name, run in v["runs"].items():
        prof = run["profile"]
        print(f"{'sample, ' + name:34s} {'%.3g ligands/s' % run['ligands_per_s']:>40s}")
        for l in prof.get("launches", []):
            what = "%s 2^%d: %d tasks, %d warps/blk, %.0f ms" % (l["variant"], l["bucket"], l["tasks"],
                                                                 l["warps_per_block"], l["kernel_ms"])
            print(f"{'  kernel':34s} {what:>40s}")
    for i, prof in enumerate(v["throughput_profiles"], 1):
        if not prof.get("searches"):
            continue  # the CPU back-end (dry run) reports no profile
        grid = "grid maps: %d builds (%.1f ms), %d reuses" % (prof["grid_builds"], prof["grid_ms"], prof["grid_reuses"])
        print(f"{'throughput run %d' % i:34s} {grid:>40s}")
        for l in prof.get("launches", []):
            what = "%s 2^%d: %d tasks, %.0f ms" % (l["variant"], l["bucket"], l["tasks"], l["kernel_ms"])
            print(f"{'  kernel':34s} {what:>40s}")
    for i, st in enumerate(t["steps"], 1):
        print(f"{'throughput step %d' % i:34s} {'%d ligands in %.1f s = %.3g ligands/s' % (st['ligands'], st['seconds'], st['ligands_per_s']):>40s}")
    print(f"{'whole run':34s} {'%.0f s%s' % (a.elapsed, ' (dry run: CPU back-end)' if a.dry_run else ''):>40s}")


if __name__ == "__main__":
    main()
