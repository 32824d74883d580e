#!/usr/bin/env python3
# Refinement benchmark: does OpenMM MM-GBSA rank the crystal pose above docked decoys? Rates and time per complex.
"""Crystal pose vs docked decoys after the same OpenMM refinement (vscreen.refine_poses).

For each complex: the receptor is prepared from the raw PDB (vscreen.prepare_receptor: PDBFixer, hydrogens at
pH 7.4, waters and hetero groups removed); the crystal ligand is read as vscreen reads a docking ligand
(vscreen.read_ligand_file) and docked back (box of 22.5 A around it, ``--exhaustiveness`` (8), seed 1, 9 modes within
5 kcal/mol); the modes farther than 2 A from the crystal pose (symmetry-aware heavy-atom RMSD, no alignment) are
the decoys. The crystal pose and the decoys go through one refine_poses call (same pocket, same settings), every
pose built the same way (the ligand's heavy atoms and polar hydrogens at the pose, other hydrogens placed by
RDKit). Reported: per complex and overall, the fraction of (crystal, decoy) pairs where the crystal pose has the
lower MM-GBSA energy, and the same rate for the docking score (Vina score of the crystal pose in place vs the
decoy's affinity); refinement seconds per pose and the OpenMM platform.

6LU7: the crystal ligand SDF of ../shared/data/mpro is in another frame than the PDB entry; it is moved onto the
entry's chain C (N3, the same 49 heavy atoms in the same order) by a least-squares fit, heavy atoms then set to
the entry's coordinates. N3 is covalently bound to Cys145 in the crystal; the refinement models no covalent bond.

    .venv/bin/python benchmarks/refine_benchmark.py --data ../shared/data --out build/refine-benchmark \
        [--only 6lu7,1a0q] [--md-ps 0] [--threads 2] [--workers 0] [--exhaustiveness 8]

Results are cached per complex in OUT/<name>.json (delete to redo); the summary goes to OUT/summary.json and
stdout (Markdown).
"""
import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdMolAlign
from rdkit.Geometry import Point3D

import vscreen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from redock_benchmark import diffdock  # noqa: E402


def complexes(data: Path):
    out = [dict(name="6lu7", protein=data / "mpro/rcsb_pdb/6lu7.pdb",
                ligand=data / "mpro/ligands_crystal_sdf/6lu7_ligand_final.sdf", fit_chain="C")]
    pb = data / "redocking/posebusters_examples"
    for d in sorted(p for p in pb.iterdir() if p.is_dir()):
        if d.name.startswith("2HA2"):
            for size in ("larger", "smaller"):
                out.append(dict(name=f"{d.name}_{size}", protein=d / f"{d.name}_{size}_receptor.pdb",
                                ligand=d / f"{d.name}_{size}_ligand.sdf"))
            continue
        pdbs = sorted(d.glob("*.pdb"))
        lig = d / f"{d.name}_ligand.sdf"
        if pdbs and lig.exists():
            out.append(dict(name=d.name, protein=pdbs[0], ligand=lig))
    out += [dict(name=c["name"], protein=c["receptor_pdb"], ligand=c["ligand"]) for c in diffdock(data)]
    return out


def fit_to_chain(sdf: Path, pdb: Path, chain: str, out: Path) -> Path:
    """The SDF ligand moved onto the heavy atoms of ``chain`` in ``pdb`` (same atoms, same order)."""
    mol = Chem.MolFromMolFile(str(sdf), removeHs=False)
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    lines = [l for l in open(pdb) if l.startswith(("ATOM", "HETATM")) and l[21] == chain and l[76:78].strip() != "H"]
    q = np.array([[float(l[30:38]), float(l[38:46]), float(l[46:54])] for l in lines])
    if len(q) != len(heavy) or [l[76:78].strip().capitalize() for l in lines] != \
            [mol.GetAtomWithIdx(i).GetSymbol() for i in heavy]:
        raise SystemExit(f"{sdf}: heavy atoms do not match chain {chain} of {pdb}")
    p = mol.GetConformer().GetPositions()
    pc, qc = p[heavy].mean(0), q.mean(0)
    u, _, vt = np.linalg.svd((p[heavy] - pc).T @ (q - qc))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    x = (p - pc) @ r.T + qc
    conf = mol.GetConformer()
    for i in range(mol.GetNumAtoms()):
        conf.SetAtomPosition(i, Point3D(*map(float, x[i])))
    for k, i in enumerate(heavy):
        conf.SetAtomPosition(i, Point3D(*map(float, q[k])))
    w = Chem.SDWriter(str(out))
    w.write(mol)
    w.close()
    return out


def pose_mol(ligand, coords):
    """RDKit Mol of a vscreen Ligand at ``coords`` (its atoms: heavy atoms and polar H); the other hydrogens are
    placed by RDKit, the same way for every pose."""
    mol = Chem.MolFromMolBlock(ligand.molblock, removeHs=False, sanitize=True)
    conf = mol.GetConformer()
    mapped = set()
    for atom, k in enumerate(ligand.molblock_index):
        if k >= 0:
            conf.SetAtomPosition(k, Point3D(*map(float, coords[atom])))
            mapped.add(k)
    em = Chem.RWMol(mol)
    for a in sorted((a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 1 and a.GetIdx() not in mapped),
                    reverse=True):
        em.RemoveAtom(a)
    out = em.GetMol()
    Chem.SanitizeMol(out)
    return Chem.AddHs(out, addCoords=True)


def heavy_rmsd(a, b) -> float:
    return rdMolAlign.CalcRMS(Chem.RemoveHs(a), Chem.RemoveHs(b))


def run_complex(c, work: Path, args):
    t0 = time.perf_counter()
    d = work / c["name"]
    d.mkdir(parents=True, exist_ok=True)
    prep = vscreen.prepare_receptor(str(c["protein"]), str(d / "receptor.pdbqt"), pdb_out=str(d / "receptor_H.pdb"))
    lig_path = c["ligand"]
    if c.get("fit_chain"):
        lig_path = fit_to_chain(c["ligand"], c["protein"], c["fit_chain"], d / "crystal_ligand.sdf")
    ligand = vscreen.read_ligand_file(str(lig_path))
    receptor = vscreen.read_receptor_pdbqt_file(prep.pdbqt_path)
    crystal_score = vscreen.score(receptor, ligand).affinity
    center, _ = vscreen.autobox(ligand, 4.0)
    settings = vscreen.DockingSettings(center=center, size=(22.5, 22.5, 22.5), exhaustiveness=args.exhaustiveness,
                                       num_modes=9, energy_range=5.0, seed=1, threads=args.threads)
    t_dock = time.perf_counter()
    result = vscreen.dock(receptor, [ligand], settings, device="cpu")[0]
    t_dock = time.perf_counter() - t_dock
    crystal = pose_mol(ligand, ligand.coords)
    crystal.SetProp("_Name", "crystal")
    poses, modes = [crystal], []
    for k, mode in enumerate(result.modes):
        m = pose_mol(ligand, mode.coords)
        rmsd = heavy_rmsd(m, crystal)
        modes.append(dict(mode=k + 1, affinity=mode.affinity, rmsd=rmsd, decoy=rmsd > 2.0))
        if rmsd > 2.0:
            m.SetProp("_Name", f"mode{k + 1}")
            poses.append(m)
    df = vscreen.refine_poses(prep.pdb_path, poses, ids=[p.GetProp("_Name") for p in poses],
                              out_sdf=d / "refined.sdf", sort_by_score=False, workers=args.workers,
                              md_ps=args.md_ps, platform=args.platform)
    df.to_csv(d / "refine.csv", index=False)
    rows = df.to_dict("records")
    xtal = rows[0]
    pairs = []
    for m, row in zip([x for x in modes if x["decoy"]], rows[1:]):
        pairs.append(dict(mode=m["mode"], rmsd=m["rmsd"], affinity=m["affinity"], dg=row["dg_mmgbsa"],
                          status=row["status"], error=row["error"],
                          mmgbsa_crystal_better=(xtal["status"] == "ok" and row["status"] == "ok"
                                                 and xtal["dg_mmgbsa"] < row["dg_mmgbsa"]),
                          dock_crystal_better=crystal_score < m["affinity"]))
    ok = [r for r in rows if r["status"] == "ok"]
    return dict(name=c["name"], heavy_atoms=ligand.num_heavy_atoms, receptor_atoms=prep.heavy_atoms + prep.hydrogens,
                crystal_score=crystal_score, crystal_dg=xtal["dg_mmgbsa"], crystal_status=xtal["status"],
                crystal_error=xtal["error"], crystal_rmsd_minimised=xtal["rmsd_minimised"],
                crystal_md_stays=xtal.get("md_stays"), modes=modes, pairs=pairs,
                pose_atoms=[r["atoms"] for r in rows], seconds_per_pose=float(np.mean([r["seconds"] for r in ok]))
                if ok else None, platform=ok[0]["platform"] if ok else "", dock_seconds=t_dock,
                total_seconds=time.perf_counter() - t0)


def plot(results, path):
    """Per complex: MM-GBSA dG of the crystal pose (star) and of each decoy (dots, by its RMSD to the crystal)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    shown = [r for r in results if r["crystal_status"] == "ok" and r["pairs"]]
    if not shown:
        return
    cols = min(4, len(shown))
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows), squeeze=False)
    for ax, r in zip(axes.flat, shown):
        ok = [p for p in r["pairs"] if p["status"] == "ok"]
        ax.scatter([p["rmsd"] for p in ok], [p["dg"] for p in ok], s=14, label="docked decoys")
        ax.scatter([0.0], [r["crystal_dg"]], marker="*", s=120, color="C3", label="crystal pose")
        ax.set_title(r["name"], fontsize=9)
        ax.set_xlabel("RMSD to crystal (A)", fontsize=8)
        ax.set_ylabel("MM-GBSA dG (kcal/mol)", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def summarise(results, work: Path, skipped):
    """The Markdown table and the summary dict. Pairs are (crystal pose, decoy) with both refined. Docking
    columns: the Vina score of the crystal pose as it is (not optimised, so it often loses) and, fairer, the best
    docked mode within 2 A of the crystal pose (where docking found one) against each decoy."""
    import pandas as pd
    lines = ["| complex | heavy atoms | decoys | crystal dG (kcal/mol) | MM-GBSA: crystal better | MM-GBSA + strain: "
             "crystal better | crystal lowest dG of all | docking: crystal score better | docking: best near-native "
             "mode better | s/pose |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    tot = dict(m=0, s=0, d=0, n=0, nn=0, nn_n=0)
    per_complex_m, lowest = [], 0
    for r in results:
        pairs = [p for p in r["pairs"] if p["status"] == "ok"] if r["crystal_status"] == "ok" else []
        n = len(pairs)
        wm = sum(p["mmgbsa_crystal_better"] for p in pairs)
        wd = sum(p["dock_crystal_better"] for p in pairs)
        near = [m["affinity"] for m in r["modes"] if not m["decoy"]]
        nn = [min(near) < p["affinity"] for p in pairs] if near else []
        ws = 0
        if n:  # dG + ligand strain, from the refinement table
            t = pd.read_csv(work / r["name"] / "refine.csv").set_index("id")
            total = t["dg_mmgbsa"] + t["ligand_strain"]
            ws = sum(total["crystal"] < total[f"mode{p['mode']}"] for p in pairs)
            lowest += int(wm == n)
        for key, v in (("m", wm), ("s", ws), ("d", wd), ("n", n), ("nn", sum(nn)), ("nn_n", len(nn))):
            tot[key] += v
        if n:
            per_complex_m.append(wm / n)
        dg = f"{r['crystal_dg']:.1f}" if r["crystal_status"] == "ok" else f"failed: {r['crystal_error']}"
        sp = f"{r['seconds_per_pose']:.1f}" if r["seconds_per_pose"] else "-"
        nn_text = f"{sum(nn)}/{len(nn)}" if near else "no near-native mode"
        lines.append(f"| {r['name']} | {r['heavy_atoms']} | {len(r['pairs'])} | {dg} | {wm}/{n} | {ws}/{n} | "
                     f"{'yes' if n and wm == n else 'no'} | {wd}/{n} | {nn_text} | {sp} |")
    rate = (lambda a, b: a / b if b else None)
    seconds = [r["seconds_per_pose"] for r in results if r["seconds_per_pose"]]
    summary = dict(pairs=tot["n"], mmgbsa_rate=rate(tot["m"], tot["n"]), dock_rate=rate(tot["d"], tot["n"]),
                   mmgbsa_strain_rate=rate(tot["s"], tot["n"]), dock_near_native_rate=rate(tot["nn"], tot["nn_n"]),
                   dock_near_native_pairs=tot["nn_n"], complexes_crystal_lowest=lowest,
                   complexes_majority=sum(x > 0.5 for x in per_complex_m), complexes_with_pairs=len(per_complex_m),
                   seconds_per_pose=float(np.mean(seconds)) if seconds else None,
                   platforms=sorted({r["platform"] for r in results}), skipped=skipped)
    lines.append(f"\nAll pairs: MM-GBSA crystal better {tot['m']}/{tot['n']}, MM-GBSA + strain {tot['s']}/{tot['n']}, "
                 f"docking score of the crystal pose better {tot['d']}/{tot['n']}, best near-native docked mode better "
                 f"{tot['nn']}/{tot['nn_n']}; complexes where MM-GBSA prefers the crystal pose in most pairs: "
                 f"{summary['complexes_majority']}/{summary['complexes_with_pairs']}, in all pairs: {lowest}")
    if skipped:
        lines.append("Skipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))
    return lines, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--out", default="build/refine-benchmark")
    ap.add_argument("--only", default="")
    ap.add_argument("--threads", type=int, default=2, help="docking threads")
    ap.add_argument("--workers", type=int, default=0, help="refinement processes (0 = one per core)")
    ap.add_argument("--exhaustiveness", type=int, default=8, help="docking exhaustiveness (decoy generation)")
    ap.add_argument("--md-ps", type=float, default=0.0)
    ap.add_argument("--platform", default=None)
    args = ap.parse_args()
    data, work = Path(args.data), Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    results, skipped = [], {}
    for c in complexes(data):
        if only and c["name"] not in only:
            continue
        cache = work / f"{c['name']}.json"
        if cache.exists():
            results.append(json.loads(cache.read_text()))
            continue
        print(f"[{time.strftime('%H:%M:%S')}] {c['name']}", file=sys.stderr, flush=True)
        try:
            res = run_complex(c, work, args)
        except Exception as e:  # a complex that cannot be prepared or read is reported, the others go on
            skipped[c["name"]] = f"{type(e).__name__}: {e}"
            traceback.print_exc()
            continue
        cache.write_text(json.dumps(res, indent=1, default=float))
        results.append(res)

    lines, summary = summarise(results, work, skipped)
    print("\n".join(lines))
    (work / "summary.json").write_text(json.dumps(dict(summary=summary, results=results), indent=1, default=float))
    plot(results, work / "crystal_vs_decoys.png")


if __name__ == "__main__":
    main()
