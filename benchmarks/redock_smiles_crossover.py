#!/usr/bin/env python3
# Redocking from SMILES, crossed: each engine docks the other's prepared ligand (preparation vs search effects).
"""Crossover of a `redock_smiles_benchmark.py` run: vscreen docks Open Babel's ligand, Vina docks vscreen's.

The benchmark compares two pipelines that differ in two places, the ligand preparation (vscreen's RDKit forms vs
`obabel --gen3d -p 7.4`) and the docking engine. This script swaps the preparations on the same receptor PDBQT,
box, exhaustiveness and seed, so that each complex has all four combinations:

    vscreen on vscreen's form   (the benchmark's vscreen column, from --vscreen-run, default the same run)
    Vina on Open Babel's form   (the benchmark's Vina column, read from its results.json)
    vscreen on Open Babel's form   (new here: `vscreen dock` on the run's vina_ligand.pdbqt)
    Vina on vscreen's form         (new here: `vina` on vscreen's prepared form written as PDBQT)

A complex whose outcome follows the form and not the engine is a preparation effect; one that follows the engine
is a search or scoring effect. Success and RMSD as in the benchmark (top-1 within 2 A, symmetry-aware, heavy atoms,
no alignment). Results go to OUT/results.json after every complex.

    .venv/bin/python benchmarks/redock_smiles_crossover.py --run build/redock_smiles --out build/redock_crossover \
        [--vscreen-run build/redock_smiles_v2] [--sets posebusters,diffdock,mpro-noncovalent] [--only 1s3v,7ZTL_BCN]
        [--cpu 2] [--ring-conformers 1]
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import vscreen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from redock_benchmark import first_affinity, run_timed  # noqa: E402
from redock_smiles_benchmark import pose_rmsd, read_crystal, vina_command  # noqa: E402


def to_sdf(obabel, pdbqt, sdf):
    """Every mode of a docked PDBQT as SDF records, best first (Open Babel, as the benchmark reads Vina's output)."""
    subprocess.run([obabel, str(pdbqt), "-O", str(sdf)], capture_output=True, check=True)
    return sdf


def vscreen_forms(smiles, args):
    """vscreen's prepared forms of the SMILES, with the benchmark's options (deterministic for a seed)."""
    forms = vscreen.prepare_ligands([vscreen.MoleculeInput(smiles, id="ligand")],
                                    vscreen.PreparationOptions(seed=args.seed, threads=args.cpu,
                                                               ring_conformers=args.ring_conformers))
    return [f for f in forms if f.ok]


def cross(row, args):
    run = args.run / row["name"]
    d = args.out / row["name"]
    d.mkdir(parents=True, exist_ok=True)
    crystal = read_crystal(run / "crystal_ligand.sdf")
    receptor = run / "receptor.pdbqt"
    mine = args.vscreen_rows.get(row["name"], {})
    out = dict(name=row["name"], set=row["set"], vs_rmsd=mine.get("vs_rmsd"), vina_rmsd=row.get("vina_rmsd"),
               vs_affinity=mine.get("vs_affinity"), vina_affinity=row.get("vina_affinity"))

    obabel_form = run / "vina_ligand.pdbqt"
    if obabel_form.exists() and obabel_form.stat().st_size:
        pose = d / "vscreen_on_obabel.pdbqt"
        centre, size = row["box"]
        cmd = [args.vscreen, "dock", "--receptor", str(receptor), "--ligand", str(obabel_form),
               "--center", *(f"{c:.3f}" for c in centre), "--size", *(f"{v:.3f}" for v in size),
               "--exhaustiveness", str(args.exhaustiveness), "--seed", str(args.seed), "--cpu", str(args.cpu),
               "--device", "cpu", "--out", str(pose)]
        out["vs_on_obabel_s"], rc = run_timed(cmd, d / "vscreen_on_obabel.log")
        if rc == 0:
            out["vs_on_obabel_affinity"] = first_affinity(pose)
            out.update(pose_rmsd("vs_on_obabel", crystal, to_sdf(args.obabel, pose, d / "vscreen_on_obabel.sdf")))
        else:
            out["vs_on_obabel_error"] = f"vscreen dock failed (see {d / 'vscreen_on_obabel.log'})"
    else:
        out["vs_on_obabel_error"] = "no Open Babel form in the run (obabel failed there)"

    best = None
    for i, form in enumerate(vscreen_forms(row["smiles"], args)):
        lig, pose = d / f"vscreen_form{i}.pdbqt", d / f"vina_on_vscreen{i}.pdbqt"
        lig.write_text(vscreen.ligand_to_pdbqt(form.ligand))
        t, rc = run_timed(vina_command(args, receptor, lig, pose, row["box"]), d / f"vina_on_vscreen{i}.log")
        out["vina_on_vs_s"] = out.get("vina_on_vs_s", 0.0) + t
        if rc == 0 and (best is None or first_affinity(pose) < best[0]):
            best = (first_affinity(pose), pose)
    if best is None:
        out["vina_on_vs_error"] = "no form docked"
    else:
        out["vina_on_vs_affinity"] = best[0]
        out.update(pose_rmsd("vina_on_vs", crystal, to_sdf(args.obabel, best[1], d / "vina_on_vscreen.sdf")))
    return out


def report(rows):
    def cell(r, key):
        v = r.get(f"{key}_rmsd")
        return "   -  " if v is None else (f"{v:5.2f}*" if v < 2.0 else f"{v:5.2f} ")

    print(f"\n{'complex':10s} {'form:':>6s} {'vscreen':>15s} {'vscreen':>15s} {'OpenBabel':>15s} {'OpenBabel':>15s}")
    print(f"{'':10s} {'engine:':>6s} {'vscreen':>15s} {'Vina':>15s} {'vscreen':>15s} {'Vina':>15s}")
    for r in rows:
        print(f"{r['name']:10s} {'':6s} {cell(r, 'vs'):>15s} {cell(r, 'vina_on_vs'):>15s} "
              f"{cell(r, 'vs_on_obabel'):>15s} {cell(r, 'vina'):>15s}")
    summary = {k: sum((r.get(f"{k}_rmsd") or 99) < 2.0 for r in rows)
               for k in ("vs", "vina_on_vs", "vs_on_obabel", "vina")}
    print(f"\nsuccesses of {len(rows)} (* = top-1 within 2 A): vscreen form + vscreen {summary['vs']}, vscreen form + "
          f"Vina {summary['vina_on_vs']}, Open Babel form + vscreen {summary['vs_on_obabel']}, Open Babel form + "
          f"Vina {summary['vina']}")
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path("build/redock_smiles"),
                    help="workdir of a redock_smiles_benchmark.py run with Vina")
    ap.add_argument("--vscreen-run", type=Path, help="run whose vscreen column to show (a later --skip-vina run of "
                    "the same complexes and settings, e.g. after a change to vscreen); default --run")
    ap.add_argument("--out", type=Path, default=Path("build/redock_crossover"))
    ap.add_argument("--sets", default="posebusters,diffdock,mpro-noncovalent")
    ap.add_argument("--only", default="", help="comma-separated complex names")
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--ring-conformers", type=int, default=1,
                    help="as the run's vscreen side used (default 1, as in the recorded 2026-11-29 run)")
    ap.add_argument("--resume", action="store_true", help="skip the complexes already in OUT/results.json")
    ap.add_argument("--vscreen", default=str(Path(sys.executable).with_name("vscreen")))
    ap.add_argument("--vina", default=shutil.which("vina") or "vina")
    ap.add_argument("--obabel", default=shutil.which("obabel") or "obabel")
    args = ap.parse_args()

    saved = json.loads((args.run / "results.json").read_text())
    settings = saved["settings"]
    mine = json.loads(((args.vscreen_run or args.run) / "results.json").read_text())
    if mine["settings"] != settings:
        raise SystemExit(f"--vscreen-run has other settings ({mine['settings']}) than --run ({settings})")
    args.vscreen_rows = {r["name"]: r for r in mine["rows"]}
    args.seed, args.exhaustiveness = settings["seed"], settings["exhaustiveness"]
    sets, only = args.sets.split(","), set(filter(None, args.only.split(",")))
    todo = [r for r in saved["rows"] if r["set"] in sets and (not only or r["name"] in only)]
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    rows = json.loads(path.read_text())["rows"] if args.resume and path.exists() else []
    done = {r["name"] for r in rows}
    for row in todo:
        if row["name"] in done:
            continue
        t0 = time.perf_counter()
        r = cross(row, args)
        r["wall_s"] = time.perf_counter() - t0
        rows.append(r)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}), flush=True)
        path.write_text(json.dumps(dict(run=str(args.run), settings=settings, rows=rows), indent=1))
    summary = report(rows)
    path.write_text(json.dumps(dict(run=str(args.run), settings=settings, rows=rows, summary=summary), indent=1))


if __name__ == "__main__":
    main()
