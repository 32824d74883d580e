#!/usr/bin/env python3
"""Writes the GPU device-check kit: one folder with everything benchmarks/gpu/run_device_checks.sh needs.

    .venv/bin/python benchmarks/gpu/make_gpu_kit.py --data ../shared/data --out gpu-kit \
        [--every 4] [--astex 8] [--receptor-cache build/receptor-cache] [--app build/bin/vscreen-dock]

Contents (manifest.json lists it all, with the boxes and the reference settings):
- mpro/receptor.pdbqt: SARS-CoV-2 Mpro, PDB 6LU7 (the demo's receptor), and its box (the demo's, around N3);
- drugs/*.pdbqt: the approved drugs of drugbank_approved prepared by vscreen (first form of each molecule), every
  --every-th row of the CSV (all of them at --every 1; preparing all 2,579 does not fit a shared 2-core machine);
- redock/<name>/: receptor.pdbqt, crystal.pdbqt (the crystal pose) and start.pdbqt (a random conformer of it at the
  box centre) for AutoDock Vina's three examples and the first --astex complexes of the Astex Diverse Set;
- reference/: the CPU's results from vscreen-dock itself (the program the device runs): the energies of fixed poses
  (each complex's crystal pose; the CPU top-1 poses of the first drugs), the CPU top-1 poses and scores of the
  redocking complexes and of those drugs, all with the settings named in manifest.json.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import vscreen
from vscreen import _vscreen

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import redock_benchmark as rb  # noqa: E402  (the Astex preparation rules and boxes, shared with the benchmark)

MPRO_BOX = dict(center=[-9.732, 11.402, 68.925], size=[17.33, 27.889, 19.3])  # python/vscreen/data/demo/demo.toml
REFERENCE = dict(search="fast", seed=1)  # CPU reference docking settings (the device check repeats them)
DRUG_SAMPLE = 16  # drugs docked on the CPU for the reference (top-1 poses, scores, pose energies)


def run(cmd):
    t0 = time.perf_counter()
    subprocess.run([str(c) for c in cmd], check=True)
    return time.perf_counter() - t0


def prepare_drugs(data, out, every, threads):
    rows = list(csv.DictReader(open(data / "drugbank_approved/drugbank_approved_id_name_smiles.csv")))
    picked = rows[::every]
    inputs = [_vscreen.MoleculeInput(r["smiles"], "smiles", r["drugbank_id"], r["name"], "drugbank_approved")
              for r in picked]
    options = _vscreen.PreparationOptions(max_stereoisomers=1, seed=42, threads=threads)
    out.mkdir(parents=True, exist_ok=True)
    written, failed, seen = 0, [], set()
    for form in _vscreen.prepare_ligands(inputs, options):
        if form.input_index in seen:
            continue
        seen.add(form.input_index)
        if not form.ok:
            failed.append(dict(id=form.id, error=form.error))
            continue
        (out / f"{form.input_index * every:04d}_{form.id}.pdbqt").write_text(vscreen.ligand_to_pdbqt(form.ligand))
        written += 1
    return dict(rows=len(rows), every=every, picked=len(picked), written=written, failed=failed)


def heavy_coords(pdbqt):
    lig = vscreen.read_ligand_pdbqt_file(str(pdbqt))
    return [[float(x) for x in lig.coords[i]] for i, z in enumerate(lig.elements) if z != 1]


def prepare_complexes(data, out, astex, cache, seed):
    complexes = rb.vina_examples(data) + rb.astex(data)[:astex]
    entries = []
    for c in complexes:
        d = out / c["name"]
        d.mkdir(parents=True, exist_ok=True)
        receptor = rb.prepared_receptor(c, cache / c["name"])
        shutil.copyfile(receptor, d / "receptor.pdbqt")
        crystal = vscreen.read_ligand_file(str(c["ligand"]))
        centre, size = rb.box_of(crystal, c.get("size", (22.5,) * 3))
        (d / "crystal.pdbqt").write_text(vscreen.ligand_to_pdbqt(crystal))
        (d / "start.pdbqt").write_text(vscreen.ligand_to_pdbqt(vscreen.randomized_conformer(crystal, seed, centre)))
        entries.append(dict(name=c["name"], center=centre, size=size,
                            crystal_heavy=heavy_coords(d / "crystal.pdbqt")))
        print(f"kit: complex {c['name']}", flush=True)
    return entries


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--out", type=Path, default=Path("gpu-kit"))
    ap.add_argument("--every", type=int, default=4, help="every N-th drug row (1: all 2,579)")
    ap.add_argument("--astex", type=int, default=8, help="Astex complexes to include (receptors are prepared)")
    ap.add_argument("--receptor-cache", type=Path, default=Path("build/receptor-cache"))
    ap.add_argument("--app", type=Path, default=Path("build/bin/vscreen-dock"))
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if not args.app.exists():
        sys.exit(f"make_gpu_kit: {args.app} missing (build it: cmake --build build --target vscreen_dock)")
    t0 = time.perf_counter()
    kit = args.out
    if kit.exists():
        shutil.rmtree(kit)
    (kit / "mpro").mkdir(parents=True)
    shutil.copyfile(Path(vscreen.__file__).parent / "data/demo/6lu7_receptor.pdbqt", kit / "mpro/receptor.pdbqt")
    drugs = prepare_drugs(args.data, kit / "drugs", args.every, args.threads)
    print(f"kit: {drugs['written']} drugs prepared ({len(drugs['failed'])} failed) in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    complexes = prepare_complexes(args.data, kit / "redock", args.astex, args.receptor_cache, REFERENCE["seed"])

    ref = kit / "reference"
    (ref / "drug_poses").mkdir(parents=True)
    threads = ["--threads", str(args.threads)] if args.threads else []
    common = [args.app, "--backend", "cpu", "--search", REFERENCE["search"], "--seed", REFERENCE["seed"], *threads]
    timings = {}
    for c in complexes:
        d = kit / "redock" / c["name"]
        box = ["--center", *c["center"], "--size", *c["size"]]
        run([*common, "--receptor", d / "receptor.pdbqt", "--ligands", d / "start.pdbqt", *box,
             "--out", ref / f"redock_{c['name']}.json"])
        run([args.app, "--mode", "score", "--backend", "cpu", "--receptor", d / "receptor.pdbqt", "--ligands",
             d / "crystal.pdbqt", *box, "--out", ref / f"score_crystal_{c['name']}.json"])
    mpro_box = ["--center", *MPRO_BOX["center"], "--size", *MPRO_BOX["size"]]
    timings["drug_sample_s"] = run([*common, "--receptor", kit / "mpro/receptor.pdbqt", "--ligands", kit / "drugs",
                                    "--limit", DRUG_SAMPLE, *mpro_box, "--out", ref / "drugs_sample.json",
                                    "--timings", ref / "drugs_sample_timings.json"])
    # The CPU top-1 poses of the drug sample, as PDBQT (fixed poses for the energy comparison).
    receptor = vscreen.read_receptor_pdbqt_file(str(kit / "mpro/receptor.pdbqt"))
    files = sorted((kit / "drugs").glob("*.pdbqt"))[:DRUG_SAMPLE]
    ligands = [vscreen.read_ligand_pdbqt_file(str(f)) for f in files]
    settings = vscreen.DockingSettings(center=MPRO_BOX["center"], size=MPRO_BOX["size"], search=REFERENCE["search"],
                                       seed=REFERENCE["seed"])
    for f, lig, res in zip(files, ligands, vscreen.dock(receptor, ligands, settings, device="cpu")):
        text = vscreen.write_pdbqt_modes(None, lig, res)
        first = text.split("ENDMDL")[0].split("\n", 1)[1]  # the top MODEL's records
        (ref / "drug_poses" / f.name).write_text(first)
    run([args.app, "--mode", "score", "--backend", "cpu", "--receptor", kit / "mpro/receptor.pdbqt", "--ligands",
         ref / "drug_poses", *mpro_box, "--out", ref / "score_drug_poses.json"])

    manifest = dict(
        mpro=dict(receptor="mpro/receptor.pdbqt", **MPRO_BOX, source="PDB 6LU7, vscreen demo receptor"),
        drugs=dict(folder="drugs", **drugs),
        complexes=complexes,
        reference=dict(REFERENCE, drug_sample=DRUG_SAMPLE, backend="cpu", made_with=str(args.app),
                       cpu_threads=args.threads or os.cpu_count(), **timings),
    )
    (kit / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(p.stat().st_size for p in kit.rglob("*") if p.is_file())
    print(f"kit: {kit} written, {size / 2**20:.1f} MiB, {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
