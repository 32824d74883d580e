#!/usr/bin/env python3
"""Redocking benchmark: vscreen and AutoDock Vina side by side on the same complexes and inputs.

For every complex the crystal ligand is prepared once by vscreen (types, torsion tree), given a random
conformer (random torsions, orientation; root at the box centre), and written as PDBQT; both programs dock
that same file into the same receptor PDBQT, in the same box, with the same exhaustiveness, seed and cores.
Success = top-1 pose within 2 A heavy-atom RMSD of the crystal pose, symmetry-aware (RDKit CalcRMS, no
re-alignment); "among the modes" = any output mode within 2 A. Per complex it also records the CPU time of each
program (user + system of the child process), vscreen's energy evaluations (REMARK VSCREEN SEARCH EVALUATIONS),
and the crystal pose optimised locally on vscreen's landscape (vscreen.optimize_poses): when vscreen's top pose
misses and scores worse than the optimised crystal pose, the miss is a search failure (the search did not find a
better-scoring pose that exists); when it scores better, a scoring failure. Prints a table, the success counts with
95 % Wilson intervals, the times and their ratio; writes results.json (rows are kept per complex in rows.jsonl, so
--resume goes on where a killed run stopped).

    .venv/bin/python benchmarks/redock_benchmark.py --data ../shared/data [--exhaustiveness 8] [--cpu 2]
        [--seed 1] [--search-scale 1.0] [--sets vina_examples,diffdock,posebusters,astex | all] [--only 1iep,6moa]
        [--skip-vina | --programs vscreen,vina] [--receptor-cache DIR] [--resume]

Vina's rows do not depend on vscreen's settings: run them once (--programs vina, into their own --work) and
compare any number of vscreen runs with them through benchmarks/redock_compare.py; --receptor-cache shares the
prepared receptor PDBQTs between such runs (the preparation is deterministic).
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdMolAlign

import vscreen
from binomial import wilson


def vina_examples(data):
    v = data / "vina_examples"
    return [
        dict(name="1iep", receptor=v / "basic_docking/1iep_receptor.pdbqt", ligand=v / "basic_docking/1iep_ligand.sdf",
             size=(20.0, 20.0, 20.0)),
        dict(name="1s63", receptor=v / "docking_with_zinc_metalloproteins/protein.pdbqt",
             ligand=v / "docking_with_zinc_metalloproteins/1s63_ligand.sdf"),
        dict(name="1uw6", receptor=v / "hydrated_docking/1uw6_receptor.pdbqt", ligand=v / "hydrated_docking/1uw6_ligand.sdf"),
    ]


def diffdock(data):
    out = []
    root = data / "redocking/diffdock_examples"
    for d in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "id_lists"):
        pdbs = sorted(d.glob("*.pdb"))
        sdf = d / f"{d.name}_ligand.sdf"
        if pdbs and sdf.exists():
            out.append(dict(name=d.name, receptor_pdb=pdbs[0], ligand=sdf))
    return out


def posebusters(data):
    """The PoseBusters examples with a receptor PDB and a crystal-ligand SDF (1a30 and 5ze6 have no such pair;
    2HA2_SCK_2HA3_CHT holds two complexes, each ligand with its own receptor)."""
    out = []
    root = data / "redocking/posebusters_examples"
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        pdbs = sorted(d.glob("*.pdb"))
        ligs = sorted(d.glob("*ligand.sdf"))
        if not pdbs or not ligs:
            continue
        for lig in ligs:
            if len(ligs) == 1:
                out.append(dict(name=d.name, receptor_pdb=pdbs[0], ligand=lig))
            else:
                parts = d.name.split("_")
                out.append(dict(name="_".join(parts[:2] if "larger" in lig.name else parts[2:]),
                                receptor_pdb=d / lig.name.replace("ligand.sdf", "receptor.pdb"), ligand=lig))
    return out


# Crystallisation additives, buffers, cryoprotectants, detergents and halide ions: removed from Astex receptors.
ADDITIVES = {"SO4", "PO4", "GOL", "EDO", "ACT", "DMS", "MRD", "IPA", "EOH", "BME", "PEG", "PG4", "PGE", "CO3", "SIN",
             "BOG", "CL", "BR", "IOD", "FMT", "MPD", "TRS", "EPE", "MES", "CIT", "ACE", "BAL"}


def het_names(pdb):
    return sorted({line[17:20].strip() for line in Path(pdb).read_text().splitlines() if line.startswith("HETATM")})


def astex(data):
    """The Astex Diverse Set folders: whole deposited proteins (heavy atoms; cofactors and buffer molecules as
    deposited), prepared by vscreen.prepare_receptor (hydrogens at pH 7.4, metal ions kept) keeping every hetero
    group but the ADDITIVES: cofactors (HEM, NDP, FAD, IMP, H4B, ...), glycans and other bound molecules shape the
    pockets (without the haem, a P450 or NOS pocket is a cavity the ligand falls into); kept groups get no
    hydrogens (OpenMM has no template for them)."""
    root = data / "redocking/astex_diverse"
    out = []
    for d in sorted(p for p in root.iterdir() if (p / "protein.pdb").exists() and (p / "ligand.sdf").exists()):
        keep = [n for n in het_names(d / "protein.pdb") if n not in ADDITIVES]
        out.append(dict(name=d.name, raw_receptor=d / "protein.pdb", ligand=d / "ligand.sdf", keep_het=keep))
    return out


SETS = {"vina_examples": vina_examples, "diffdock": diffdock, "posebusters": posebusters, "astex": astex}


METALS = {"ZN", "MG", "MN", "CA", "FE", "CU", "CO", "NI", "NA", "K"}


def protein_only_pdb(pdb, out):
    """Copies a PDB keeping polymer atoms and metal ions: crystal ligands, waters and buffer molecules go
    (6w70 is a full PDB entry that still holds its ligand)."""
    keep = []
    for line in Path(pdb).read_text().splitlines():
        if line.startswith("ATOM") or (line.startswith("HETATM") and line[17:20].strip() in METALS):
            keep.append(line)
        elif line.startswith(("TER", "END")):
            keep.append(line)
    Path(out).write_text("\n".join(keep) + "\n")
    return out


def prepared_receptor(c, d):
    """The receptor PDBQT of a complex: as given, or prepared by vscreen from its PDB (with hydrogens) into d."""
    if "receptor" in c:
        return Path(c["receptor"])
    d.mkdir(parents=True, exist_ok=True)
    receptor = d / "receptor.pdbqt"
    if receptor.exists() and receptor.stat().st_size > 0:
        return receptor
    partial = d / f"receptor.{os.getpid()}.pdbqt"  # renamed when complete: runs sharing a cache never read half
    if "raw_receptor" in c:
        vscreen.prepare_receptor(c["raw_receptor"], partial, pdb_out=d / "receptor_H.pdb",
                                 keep_het=c.get("keep_het") or None)
    else:
        partial.write_text(vscreen.prepare_receptor_pdbqt(str(protein_only_pdb(c["receptor_pdb"], d / "protein.pdb"))))
    os.replace(partial, receptor)
    return receptor


def box_of(ligand, size):
    xyz = ligand.coords[[i for i, z in enumerate(ligand.elements) if z != 1]]
    centre = (xyz.min(axis=0) + xyz.max(axis=0)) / 2
    return [float(c) for c in centre], list(size)


def model_coords(pdbqt_path):
    """Atom coordinates of every MODEL of a PDBQT output, in file order."""
    models, coords = [], []
    with open(pdbqt_path) as f:
        for line in f:
            if line.startswith(("ATOM", "HETATM")):
                coords.append((float(line[30:38]), float(line[38:46]), float(line[46:54])))
            elif line.startswith("ENDMDL"):
                models.append(np.array(coords))
                coords = []
    if coords:
        models.append(np.array(coords))
    return models


def search_evaluations(pdbqt_path):
    with open(pdbqt_path) as f:
        for line in f:
            if line.startswith("REMARK VSCREEN SEARCH EVALUATIONS:"):
                return int(line.split(":")[1])
    return None


def crystal_optimized(receptor_path, crystal, centre, size):
    """vscreen's affinity of the crystal pose after local optimisation, and how far the optimisation moved it."""
    receptor = vscreen.read_receptor_pdbqt_file(str(receptor_path))
    settings = vscreen.DockingSettings(center=centre, size=size)
    mode = vscreen.optimize_poses(receptor, [crystal], settings, threads=1)[0].modes[0]
    return mode.affinity, symmetric_rmsd(crystal, mode.coords)


def first_affinity(pdbqt_path):
    with open(pdbqt_path) as f:
        for line in f:
            if line.startswith("REMARK VINA RESULT:"):
                return float(line.split()[3])
    return None


def symmetric_rmsd(ligand, docked_coords):
    """Heavy-atom RMSD to the crystal pose over the molecule's symmetries, without re-alignment."""
    ref = Chem.MolFromMolBlock(ligand.molblock, removeHs=False, sanitize=True)
    probe = Chem.Mol(ref)
    conf = probe.GetConformer()
    for atom, mol_index in enumerate(ligand.molblock_index):
        if mol_index >= 0:
            x, y, z = docked_coords[atom]
            conf.SetAtomPosition(mol_index, (float(x), float(y), float(z)))
    return rdMolAlign.CalcRMS(Chem.RemoveHs(probe), Chem.RemoveHs(ref))


def run_timed(cmd, log_path):
    """Runs cmd; returns wall seconds, CPU seconds (user + system of the child) and the exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def score_outcome(row, program):
    """The top-1 RMSD and whether any output mode is within 2 A, from the per-mode RMSDs."""
    rmsds = row.get(f"{program}_mode_rmsds")
    if not rmsds:
        return
    row[f"{program}_rmsd"] = rmsds[0]
    row[f"{program}_modes_hit"] = min(rmsds) < 2.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--sets", default="vina_examples,diffdock")
    ap.add_argument("--only", default="", help="comma-separated complex names")
    ap.add_argument("--exhaustiveness", type=int, default=None,
                    help="Vina's (default 8); vscreen's too, except that with --search the preset's holds unless given")
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--search-scale", type=float, default=1.0, help="vscreen's Monte Carlo step multiplier")
    ap.add_argument("--search", default=None, help="vscreen's search preset (fast, balanced, detail)")
    ap.add_argument("--vscreen-option", action="append", default=[], metavar="OPT",
                    help="extra option for vscreen dock, e.g. --vscreen-option=--stall-steps=200 (repeatable)")
    ap.add_argument("--box-size", type=float, default=22.5, help="edge when the set gives no box")
    ap.add_argument("--vscreen", default=str(Path(sys.executable).parent / "vscreen"))
    ap.add_argument("--vina", default=shutil.which("vina") or "vina")
    ap.add_argument("--skip-vina", action="store_true", help="same as --programs vscreen")
    ap.add_argument("--programs", default="vscreen,vina", help="which programs dock: vscreen, vina or both")
    ap.add_argument("--receptor-cache", type=Path, default=None,
                    help="folder for the prepared receptor PDBQTs (default: each complex's folder under --work)")
    ap.add_argument("--work", type=Path, default=Path("benchmarks/results/redock"))
    ap.add_argument("--resume", action="store_true", help="keep the rows of rows.jsonl and dock only the others")
    args = ap.parse_args()
    programs = set(args.programs.split(","))
    if args.skip_vina:
        programs.discard("vina")
    if not programs or not programs <= {"vscreen", "vina"}:
        ap.error("--programs takes vscreen, vina or vscreen,vina")

    complexes = []
    for s in (SETS if args.sets == "all" else args.sets.split(",")):
        complexes += SETS[s](args.data)
    if args.only:
        keep = set(args.only.split(","))
        complexes = [c for c in complexes if c["name"] in keep]
    args.work.mkdir(parents=True, exist_ok=True)
    search_options = ["--search", args.search] if args.search else ["--search-scale", str(args.search_scale)]
    search_options += args.vscreen_option

    rows_path = args.work / "rows.jsonl"
    done = {}
    if args.resume and rows_path.exists():
        for line in rows_path.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                done[r["name"]] = r
    elif rows_path.exists():
        rows_path.unlink()
    rows = []
    for c in complexes:
        if c["name"] in done:
            rows.append(done[c["name"]])
            continue
        d = args.work / c["name"]
        d.mkdir(exist_ok=True)
        try:
            crystal = vscreen.read_ligand_file(str(c["ligand"]))
        except vscreen.InputError as e:
            print(f"{c['name']}: skipped, the crystal ligand cannot be prepared: {e}", flush=True)
            continue
        try:
            receptor = prepared_receptor(c, d if args.receptor_cache is None else args.receptor_cache / c["name"])
        except (vscreen.VscreenError, ValueError, RuntimeError) as e:
            print(f"{c['name']}: skipped, the receptor cannot be prepared: {e}", flush=True)
            continue
        centre, size = box_of(crystal, c.get("size", (args.box_size,) * 3))
        start = vscreen.randomized_conformer(crystal, args.seed, centre)
        ligand = d / "ligand_random_start.pdbqt"
        ligand.write_text(vscreen.ligand_to_pdbqt(start))
        box = ["--center", *map(str, centre), "--size", *map(str, size)]
        common = ["--seed", str(args.seed), "--cpu", str(args.cpu)]
        vina_exh = ["--exhaustiveness", str(args.exhaustiveness or 8)]
        # With --search the preset sets vscreen's chains (an --exhaustiveness given as well overrides them).
        vscreen_exh = [] if args.search and args.exhaustiveness is None else vina_exh
        row = dict(name=c["name"], heavy_atoms=crystal.num_heavy_atoms, torsions=crystal.num_torsions,
                   rmsd_start=symmetric_rmsd(crystal, start.coords))
        if "vscreen" in programs:
            out = d / "vscreen_out.pdbqt"
            cmd = [args.vscreen, "dock", "--receptor", str(receptor), "--ligand", str(ligand), *box, *common,
                   *vscreen_exh, *search_options, "--device", "cpu", "--out", str(out)]
            row["vscreen_time"], row["vscreen_cpu"], rc = run_timed(cmd, d / "vscreen.log")
            if rc == 0:
                row["vscreen_mode_rmsds"] = [symmetric_rmsd(crystal, m) for m in model_coords(out)]
                row["vscreen_affinity"] = first_affinity(out)
                row["vscreen_evaluations"] = search_evaluations(out)
                score_outcome(row, "vscreen")
        row["crystal_opt_affinity"], row["crystal_opt_shift"] = crystal_optimized(receptor, crystal, centre, size)
        if "vscreen_rmsd" in row and row["vscreen_rmsd"] >= 2.0:
            row["vscreen_miss"] = "search" if row["crystal_opt_affinity"] < row["vscreen_affinity"] else "scoring"
        if "vina" in programs:
            vout = d / "vina_out.pdbqt"
            vcmd = [args.vina, "--receptor", str(receptor), "--ligand", str(ligand), "--out", str(vout),
                    *vina_exh, "--seed", str(args.seed), "--cpu", str(args.cpu)]
            for axis, cval, sval in zip("xyz", centre, size):
                vcmd += [f"--center_{axis}", str(cval), f"--size_{axis}", str(sval)]
            row["vina_time"], row["vina_cpu"], rc = run_timed(vcmd, d / "vina.log")
            if rc == 0:
                row["vina_mode_rmsds"] = [symmetric_rmsd(crystal, m) for m in model_coords(vout)]
                row["vina_affinity"] = first_affinity(vout)
                score_outcome(row, "vina")
        rows.append(row)
        with open(rows_path, "a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)

    def rate(key):
        ok = [r for r in rows if key in r]
        return sum(r[key] < 2.0 for r in ok), len(ok)

    def counted(program):
        k, n = rate(f"{program}_rmsd")
        m = sum(bool(r.get(f"{program}_modes_hit")) for r in rows)
        lo, hi = wilson(k, n)
        cpu = sum(r.get(f"{program}_cpu", 0) for r in rows)
        return {f"{program}_success": f"{k}/{n}", f"{program}_success_95ci": [round(lo, 3), round(hi, 3)],
                f"{program}_modes_success": f"{m}/{n}", f"{program}_cpu_s": round(cpu, 1)}

    print(f"\n{'complex':16s} {'heavy':>5s} {'tors':>4s} {'vscreen RMSD':>12s} {'affinity':>8s} {'xtal opt':>8s} "
          f"{'miss':>7s} {'evals':>9s} {'cpu s':>7s} {'Vina RMSD':>10s} {'cpu s':>7s}")
    nan = float("nan")
    for r in rows:
        print(f"{r['name']:16s} {r['heavy_atoms']:5d} {r['torsions']:4d} {r.get('vscreen_rmsd', nan):12.2f} "
              f"{r.get('vscreen_affinity') or nan:8.2f} {r.get('crystal_opt_affinity', nan):8.2f} "
              f"{r.get('vscreen_miss', ''):>7s} {r.get('vscreen_evaluations') or 0:9d} {r.get('vscreen_cpu', nan):7.1f} "
              f"{r.get('vina_rmsd', nan):10.2f} {r.get('vina_cpu', nan):7.1f}")
    t_s = sum(r.get("vscreen_time", 0) for r in rows)
    summary = dict(complexes=len(rows), exhaustiveness=args.exhaustiveness, cpu=args.cpu, seed=args.seed,
                   search_scale=args.search_scale, search=args.search, vscreen_options=args.vscreen_option,
                   programs=sorted(programs))
    if "vscreen" in programs:
        summary.update(**counted("vscreen"), vscreen_time_s=round(t_s, 1))
    evals = [r["vscreen_evaluations"] for r in rows if r.get("vscreen_evaluations")]
    if evals:
        summary["vscreen_evaluations_median"] = int(np.median(evals))
    summary["vscreen_search_failures"] = sum(r.get("vscreen_miss") == "search" for r in rows)
    summary["vscreen_scoring_failures"] = sum(r.get("vscreen_miss") == "scoring" for r in rows)
    if "vina" in programs and any("vina_time" in r for r in rows):
        t_v = sum(r.get("vina_time", 0) for r in rows)
        summary.update(**counted("vina"), vina_time_s=round(t_v, 1))
        if "vscreen" in programs:
            summary["time_ratio"] = round(t_s / t_v, 3)
        if "vscreen" in programs and summary["vina_cpu_s"] > 0:
            summary["cpu_ratio"] = round(summary["vscreen_cpu_s"] / summary["vina_cpu_s"], 3)
    print("\n" + json.dumps(summary))
    (args.work / "results.json").write_text(json.dumps(dict(summary=summary, rows=rows), indent=1))


if __name__ == "__main__":
    main()
