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
                ligands=len(dev["ligands"]), max_top1_affinity_difference_vs_cpu=max(diffs) if diffs else None)


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
                  throughput=throughput(a.raw), targets=TARGETS)
    a.out.write_text(json.dumps(report, indent=1) + "\n")
    e, r, p, t = report["energies"], report["redocking"], report["repeat"], report["throughput"]
    print("\n".join(f"  {x}" for x in report["device"].splitlines()))
    print(f"{'check':34s} {'result':>40s}")
    print(f"{'pose energies vs CPU (max rel.)':34s} {e['max_relative_difference']:>29.2e} of {e['values']:>4d} "
          f"{'ok' if e['within_target'] else 'MISS'}")
    print(f"{'redocking top-1 < 2 A':34s} {'device %d, CPU %d of %d docked' % (r['device_success'], r['cpu_success'], r['docked']):>40s}")
    print(f"{'  same outcome / same top-1 pose':34s} {'%d / %d of %d' % (r['same_outcome'], r['same_top1_pose'], r['docked']):>40s}")
    if p["done"]:
        print(f"{'same seed twice: same bytes':34s} {str(p['identical_bytes']):>40s}")
        print(f"{'  drug sample equal to CPU results':34s} {str(p['identical_to_cpu_reference']):>40s}")
    for i, st in enumerate(t["steps"], 1):
        print(f"{'throughput step %d' % i:34s} {'%d ligands in %.1f s = %.3g ligands/s' % (st['ligands'], st['seconds'], st['ligands_per_s']):>40s}")
    print(f"{'whole run':34s} {'%.0f s%s' % (a.elapsed, ' (dry run: CPU back-end)' if a.dry_run else ''):>40s}")


if __name__ == "__main__":
    main()
