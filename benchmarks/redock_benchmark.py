#!/usr/bin/env python3
"""Redocking benchmark: vscreen and AutoDock Vina side by side on the same complexes and inputs.

For every complex the crystal ligand is prepared once by vscreen (types, torsion tree), given a random
conformer (random torsions, orientation; root at the box centre), and written as PDBQT; both programs dock
that same file into the same receptor PDBQT, in the same box, with the same exhaustiveness, seed and cores.
Success = top-1 pose within 2 A heavy-atom RMSD of the crystal pose, symmetry-aware (RDKit CalcRMS, no
re-alignment). Prints a table, the success rates, the wall times and their ratio; writes results.json.

    .venv/bin/python benchmarks/redock_benchmark.py --data ../shared/data [--exhaustiveness 8] [--cpu 2]
        [--seed 1] [--search-scale 1.0] [--sets vina_examples,diffdock[,posebusters]] [--only 1iep,6moa] [--skip-vina]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdMolAlign

import vscreen


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


SETS = {"vina_examples": vina_examples, "diffdock": diffdock, "posebusters": posebusters}


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
    """The receptor PDBQT of a complex: as given, or prepared by vscreen from its PDB (with hydrogens)."""
    if "receptor" in c:
        return Path(c["receptor"])
    receptor = d / "receptor.pdbqt"
    receptor.write_text(vscreen.prepare_receptor_pdbqt(str(protein_only_pdb(c["receptor_pdb"], d / "protein.pdb"))))
    return receptor


def box_of(ligand, size):
    xyz = ligand.coords[[i for i, z in enumerate(ligand.elements) if z != 1]]
    centre = (xyz.min(axis=0) + xyz.max(axis=0)) / 2
    return [float(c) for c in centre], list(size)


def first_model_coords(pdbqt_path):
    coords = []
    with open(pdbqt_path) as f:
        for line in f:
            if line.startswith(("ATOM", "HETATM")):
                coords.append((float(line[30:38]), float(line[38:46]), float(line[46:54])))
            elif line.startswith("ENDMDL"):
                break
    return np.array(coords)


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
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0, proc.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--sets", default="vina_examples,diffdock")
    ap.add_argument("--only", default="", help="comma-separated complex names")
    ap.add_argument("--exhaustiveness", type=int, default=8)
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--search-scale", type=float, default=1.0, help="vscreen's Monte Carlo step multiplier")
    ap.add_argument("--box-size", type=float, default=22.5, help="edge when the set gives no box")
    ap.add_argument("--vscreen", default=str(Path(sys.executable).parent / "vscreen"))
    ap.add_argument("--vina", default=shutil.which("vina") or "vina")
    ap.add_argument("--skip-vina", action="store_true")
    ap.add_argument("--work", type=Path, default=Path("benchmarks/results/redock"))
    args = ap.parse_args()

    complexes = []
    for s in args.sets.split(","):
        complexes += SETS[s](args.data)
    if args.only:
        keep = set(args.only.split(","))
        complexes = [c for c in complexes if c["name"] in keep]
    args.work.mkdir(parents=True, exist_ok=True)

    rows = []
    for c in complexes:
        d = args.work / c["name"]
        d.mkdir(exist_ok=True)
        try:
            crystal = vscreen.read_ligand_file(str(c["ligand"]))
        except vscreen.InputError as e:
            print(f"{c['name']}: skipped, the crystal ligand cannot be prepared: {e}", flush=True)
            continue
        receptor = prepared_receptor(c, d)
        centre, size = box_of(crystal, c.get("size", (args.box_size,) * 3))
        start = vscreen.randomized_conformer(crystal, args.seed, centre)
        ligand = d / "ligand_random_start.pdbqt"
        ligand.write_text(vscreen.ligand_to_pdbqt(start))
        box = ["--center", *map(str, centre), "--size", *map(str, size)]
        common = ["--exhaustiveness", str(args.exhaustiveness), "--seed", str(args.seed), "--cpu", str(args.cpu)]
        row = dict(name=c["name"], heavy_atoms=crystal.num_heavy_atoms, torsions=crystal.num_torsions,
                   rmsd_start=symmetric_rmsd(crystal, start.coords))
        out = d / "vscreen_out.pdbqt"
        cmd = [args.vscreen, "dock", "--receptor", str(receptor), "--ligand", str(ligand), *box, *common,
               "--search-scale", str(args.search_scale), "--device", "cpu", "--out", str(out)]
        row["vscreen_time"], rc = run_timed(cmd, d / "vscreen.log")
        if rc == 0:
            row["vscreen_rmsd"] = symmetric_rmsd(crystal, first_model_coords(out))
            row["vscreen_affinity"] = first_affinity(out)
        if not args.skip_vina:
            vout = d / "vina_out.pdbqt"
            vcmd = [args.vina, "--receptor", str(receptor), "--ligand", str(ligand), "--out", str(vout),
                    "--exhaustiveness", str(args.exhaustiveness), "--seed", str(args.seed), "--cpu", str(args.cpu)]
            for axis, cval, sval in zip("xyz", centre, size):
                vcmd += [f"--center_{axis}", str(cval), f"--size_{axis}", str(sval)]
            row["vina_time"], rc = run_timed(vcmd, d / "vina.log")
            if rc == 0:
                row["vina_rmsd"] = symmetric_rmsd(crystal, first_model_coords(vout))
                row["vina_affinity"] = first_affinity(vout)
        rows.append(row)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)

    def rate(key):
        ok = [r for r in rows if key in r]
        return sum(r[key] < 2.0 for r in ok), len(ok)

    print(f"\n{'complex':10s} {'heavy':>5s} {'tors':>4s} {'vscreen RMSD':>12s} {'time':>7s} {'Vina RMSD':>10s} {'time':>7s}")
    for r in rows:
        print(f"{r['name']:10s} {r['heavy_atoms']:5d} {r['torsions']:4d} {r.get('vscreen_rmsd', float('nan')):12.2f} "
              f"{r['vscreen_time']:7.1f} {r.get('vina_rmsd', float('nan')):10.2f} {r.get('vina_time', float('nan')):7.1f}")
    s_ok, s_n = rate("vscreen_rmsd")
    t_s = sum(r["vscreen_time"] for r in rows)
    summary = dict(complexes=len(rows), exhaustiveness=args.exhaustiveness, cpu=args.cpu, seed=args.seed,
                   search_scale=args.search_scale, vscreen_success=f"{s_ok}/{s_n}", vscreen_time_s=round(t_s, 1))
    if not args.skip_vina:
        v_ok, v_n = rate("vina_rmsd")
        t_v = sum(r.get("vina_time", 0) for r in rows)
        summary.update(vina_success=f"{v_ok}/{v_n}", vina_time_s=round(t_v, 1), time_ratio=round(t_s / t_v, 3))
    print("\n" + json.dumps(summary))
    (args.work / "results.json").write_text(json.dumps(dict(summary=summary, rows=rows), indent=1))


if __name__ == "__main__":
    main()
