#!/usr/bin/env python3
# Homology models (issue 17) checked against the crystals: SARS-CoV-2 Mpro, PLpro and RBD modelled on SARS-CoV-1 templates.
"""Homology models of SARS-CoV-2 targets from their SARS-CoV-1 (2003) homologues, against the SARS-CoV-2 crystals.

Part "structure", per case (Mpro on 2Z9J, on 2AMD, on both; PLpro on 2FE8, on 3E9S, on both; RBD on 2AJF): build
the model with vscreen.homology.model_target (box = the template's pocket residues, for the pocket report), then
against the crystal (6LU7 chain A, 6W9C chain A, 6M0J chain E): the model's residues are matched to the crystal's
by a sequence alignment (the same aligner), superposed on the matched C-alpha atoms (numpy Kabsch) and compared:
C-alpha RMSD over the matched residues; heavy-atom RMSD of the pocket residues (same global superposition; atoms
matched by name, symmetric side-chain atoms (Phe, Tyr, Asp, Glu, Arg) swapped where that is closer). Pockets:
Mpro: 6LU7 residues with a heavy atom within 6 A of N3 (chain C); RBD: 6M0J chain E residues within 6 A of ACE2
(chain A); PLpro (6W9C is apo): the GRL0617 site residues L162 G163 D164 E167 M208 P247 P248 Y264 Y268 Q269 Y273
T301 (PLpro numbering). The template itself (its residues matched to the crystal the same way) is the baseline.
The clash and Ramachandran checks of vscreen.homology.quality are also run on each crystal chain, to calibrate them.

Part "docking": the Mpro model on both templates (the best alignment wins), superposed onto 6LU7 chain A (C-alpha of
the matched residues), and 6LU7 itself, each prepared with vscreen.prepare_receptor (defaults). (1) Redocking from
SMILES, as benchmarks/redock_smiles_benchmark.py does it (its functions): the ligand of each other mpro/ entry
(fitted into its raw PDB, then carried into 6LU7's frame by superposing that entry's chain A C-alpha atoms onto
6LU7's), box on the ligand (22.5 A or extent + 8 A), top-1 RMSD < 2 A = success. (2) The demo's 13 approved drugs
docked into both with the demo's box and settings; Spearman rank correlation of the best scores.

    .venv/bin/python benchmarks/homology_benchmark.py --data ../shared/data --out build/homology-benchmark \
        [--part structure|docking|all] [--exhaustiveness 8] [--search-scale 0.5] [--ligands 6w63,6lze,...] [--cpu 2]
Results: OUT/results.json (rewritten after every step), OUT/<case>/ (models, reports).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import vscreen
from vscreen.homology import align, model_target, read_template
from vscreen.homology.quality import Atom, clashes, ramachandran_outliers
from vscreen.homology.sequence import TargetSequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from redock_smiles_benchmark import (dock_vscreen, fit_to_pdb, kabsch, pose_rmsd,  # noqa: E402
                                     read_crystal)

PLPRO_SITE = [162, 163, 164, 167, 208, 247, 248, 264, 268, 269, 273, 301]
SYMMETRIC = {"PHE": [("CD1", "CD2"), ("CE1", "CE2")], "TYR": [("CD1", "CD2"), ("CE1", "CE2")],
             "ASP": [("OD1", "OD2")], "GLU": [("OE1", "OE2")], "ARG": [("NH1", "NH2")]}


def cases(data):
    h = data / "homology"
    seq, tpl = h / "sequences", h / "templates"
    mpro_seq = seq / "SARS-CoV-2_nsp5_Mpro_3CLpro_YP_009725301.1.fasta"
    plpro_seq = seq / "SARS-CoV-2_nsp3_incl_PLpro_Mac1_YP_009725299.1.fasta"
    z9j = f"{tpl / 'SARS-CoV-1_Mpro_2Z9J_chainA_FAH_pdbfixer_noHET.pdb'}:A"
    amd = str(tpl / "SARS-CoV-1_Mpro_dimer_2AMD_proteinonly_cavityplus.pdb")
    fe8 = f"{tpl / 'SARS-CoV-1_PLpro_2FE8_chainA_FAH_noHET.pdb'}:A"
    e9s = str(tpl / "SARS-CoV-1_PLpro_3E9S_FAH_pdbfixer_noHET.pdb")
    mpro = dict(sequence=mpro_seq, crystal=f"{data / 'mpro/rcsb_pdb/6lu7.pdb'}:A", pocket="ligand-chain:C",
                box=["A:HIS41", "A:CYS145", "A:MET165", "A:GLU166"])
    plpro = dict(sequence=plpro_seq, crystal=f"{data / 'sars_cov2_other_targets/6w9c_PLpro.pdb'}:A",
                 pocket="numbers", box=["A:CYS112", "A:HIS273", "A:ASP287"])
    rbd = dict(sequence=seq / "SARS-CoV-2_spike_S_YP_009724390.1.fasta", pocket="ligand-chain:A",
               crystal=f"{data / 'sars_cov2_other_targets/6m0j_spikeRBD_ACE2.pdb'}:E", box=None)
    return {"mpro_2z9j": dict(mpro, templates=[z9j]), "mpro_2amd": dict(mpro, templates=[amd]),
            "mpro_both": dict(mpro, templates=[z9j, amd]),
            "plpro_2fe8": dict(plpro, templates=[fe8]), "plpro_3e9s": dict(plpro, templates=[e9s]),
            "plpro_both": dict(plpro, templates=[fe8, e9s]),
            "rbd_2ajf": dict(rbd, templates=[str(tpl / "SARS-CoV-1_spikeRBD_ACE2_2AJF.pdb")])}


def chain_atoms(chain):
    return [Atom(r.chain, r.number, r.name, n, "SE" if n == "SE" else n[0], xyz)
            for r in chain.residues for n, xyz in r.atoms.items()]


def matched(a, b):
    """(index in a, index in b) of residues of two chains matched by a sequence alignment."""
    return align(TargetSequence("a", "", a.sequence, a.path), b).pairs


def pocket_of(case, crystal_path, crystal):
    """Crystal residue indices of the pocket."""
    from vscreen.structure_file import read_structure_file
    if case["pocket"] == "numbers":
        return [k for k, r in enumerate(crystal.residues) if r.number in PLPRO_SITE]
    other = case["pocket"].split(":")[1]
    atoms = read_structure_file(crystal_path).atoms
    lig = np.array([(a.x, a.y, a.z) for a in atoms if a.chain == other and a.element != "H" and a.resname != "HOH"
                    and a.model == atoms[0].model])
    out = []
    for k, r in enumerate(crystal.residues):
        xyz = np.array(list(r.atoms.values()))
        if np.linalg.norm(xyz[:, None] - lig[None], axis=2).min() <= 6.0:
            out.append(k)
    return out


def compare(probe, crystal, pocket):
    """C-alpha RMSD (superposed) over matched residues and pocket heavy-atom RMSD, probe vs crystal."""
    pairs = matched(probe, crystal)
    p = np.array([probe.residues[i].atoms["CA"] for i, _ in pairs])
    q = np.array([crystal.residues[j].atoms["CA"] for _, j in pairs])
    r, t = kabsch(p, q)
    ca = float(np.sqrt((((p @ r.T + t) - q) ** 2).sum(1).mean()))
    of = {j: i for i, j in pairs}
    sq, n_atoms, n_res = [], 0, 0
    for j in pocket:
        if j not in of:
            continue
        a, b = probe.residues[of[j]], crystal.residues[j]
        n_res += 1
        common = [n for n in b.atoms if n in a.atoms]
        if a.name == b.name and a.name in SYMMETRIC:
            best = None
            for swap in (False, True):
                names = dict(zip(common, common))
                if swap:
                    for x, y in SYMMETRIC[a.name]:
                        if x in names and y in names:
                            names[x], names[y] = y, x
                d = [float(((np.array(a.atoms[names[n]]) @ r.T + t - np.array(b.atoms[n])) ** 2).sum())
                     for n in common]
                best = d if best is None or sum(d) < sum(best) else best
            sq += best
        else:
            sq += [float(((np.array(a.atoms[n]) @ r.T + t - np.array(b.atoms[n])) ** 2).sum()) for n in common]
        n_atoms += len(common)
    return {"matched": len(pairs), "ca_rmsd": round(ca, 3), "pocket_residues": n_res, "pocket_atoms": n_atoms,
            "pocket_rmsd": round(float(np.sqrt(np.mean(sq))), 3) if sq else None}, (r, t, pairs)


def structure_part(args, results, save):
    for name, case in cases(args.data).items():
        if args.cases and name not in args.cases:
            continue
        d = args.out / name
        d.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        res = model_target(case["sequence"], case["templates"], d / "model.pdb", report=d / "report.json",
                           box_residues=None)
        seconds = time.perf_counter() - t0
        (d / "report.txt").write_text(res.report.text(residues=True) + "\n")
        crystal_path = case["crystal"].rsplit(":", 1)[0]
        crystal = read_template(case["crystal"])[0]
        pocket = pocket_of(case, crystal_path, crystal)
        model = read_template(f"{d / 'model.pdb'}:{res.report.template.rsplit(':', 1)[1][:1]}")[0]
        template = read_template(res.report.template)[0]
        m, _ = compare(model, crystal, pocket)
        tm, _ = compare(template, crystal, pocket)
        rama, tested = ramachandran_outliers(chain_atoms(crystal))
        rep = res.report
        results["structure"][name] = {
            "template": rep.template, "build_s": round(seconds, 1), "identity": rep.identity,
            "target_coverage": rep.target_coverage, "residues": f"{rep.first}-{rep.last}", "origins": rep.origins,
            "clashes": [len(rep.clashes_before), len(rep.clashes_after)],
            "rama": [len(rep.ramachandran_before), len(rep.ramachandran_after), rep.ramachandran_tested],
            "copied_ca_rmsd": rep.copied_ca_rmsd, "model_vs_crystal": m, "template_vs_crystal": tm,
            "crystal_clashes": len(clashes(chain_atoms(crystal))), "crystal_rama": [len(rama), tested],
            "pocket_crystal_residues": len(pocket), "candidates": rep.candidates, "warnings": rep.warnings}
        print(name, json.dumps(results["structure"][name]), flush=True)
        save()


def transform_pdb(src, dst, r, t):
    lines = []
    for line in Path(src).read_text().splitlines():
        if line.startswith(("ATOM", "HETATM")):
            x = np.array([float(line[30:38]), float(line[38:46]), float(line[46:54])]) @ r.T + t
            line = f"{line[:30]}{x[0]:8.3f}{x[1]:8.3f}{x[2]:8.3f}{line[54:]}"
        lines.append(line)
    Path(dst).write_text("\n".join(lines) + "\n")


def docking_part(args, results, save):
    from rdkit import Chem
    d = args.out / "docking"
    d.mkdir(parents=True, exist_ok=True)
    data = args.data
    c = cases(data)["mpro_both"]
    t0 = time.perf_counter()
    res = model_target(c["sequence"], c["templates"], d / "mpro_model_template_frame.pdb",
                       report=d / "mpro_model.json")
    crystal_pdb = data / "mpro/rcsb_pdb/6lu7.pdb"
    crystal = read_template(f"{crystal_pdb}:A")[0]
    model = read_template(f"{d / 'mpro_model_template_frame.pdb'}:{res.report.template.rsplit(':', 1)[1][:1]}")[0]
    _, (r, t, _) = compare(model, crystal, [])
    transform_pdb(d / "mpro_model_template_frame.pdb", d / "mpro_model.pdb", r, t)
    receptors = {}
    for tag, pdb in (("model", d / "mpro_model.pdb"), ("crystal", crystal_pdb)):
        prep = vscreen.prepare_receptor(str(pdb), str(d / f"{tag}.pdbqt"))
        receptors[tag] = vscreen.read_receptor_pdbqt_file(str(d / f"{tag}.pdbqt"))
        results["docking"].setdefault("receptors", {})[tag] = prep.summary()
    results["docking"]["model_s"] = round(time.perf_counter() - t0, 1)
    results["docking"]["model_template"] = res.report.template
    save()

    # (1) redocking the other entries' ligands from SMILES
    rows = results["docking"].setdefault("redock", {})
    for name in args.ligands:
        if name in rows:
            continue
        pdb = data / "mpro/rcsb_pdb" / f"{name}.pdb"
        sdf = sorted((data / "mpro/ligands_crystal_sdf").glob(f"{name}_*.sdf"))[0]
        lig = read_crystal(sdf)
        fit_to_pdb(lig, pdb)
        entry = read_template(f"{pdb}:A")[0]
        _, (r2, t2, _) = compare(entry, crystal, [])
        conf = lig.GetConformer()
        for i, p in enumerate(conf.GetPositions() @ r2.T + t2):
            conf.SetAtomPosition(i, p.tolist())
        Chem.AssignStereochemistryFrom3D(lig)
        ld = d / name
        ld.mkdir(exist_ok=True)
        ref = ld / "crystal_ligand_6lu7_frame.sdf"
        Chem.MolToMolFile(lig, str(ref))
        smiles = Chem.MolToSmiles(Chem.RemoveHs(lig))
        centre, size = vscreen.box_from_ligand(str(ref), 4.0)
        box = (tuple(centre), tuple(max(22.5, s) for s in size))
        row = {"smiles": smiles, "heavy_atoms": lig.GetNumHeavyAtoms()}
        for tag in ("crystal", "model"):
            sub = ld / tag
            sub.mkdir(exist_ok=True)
            out = dock_vscreen(smiles, name, receptors[tag], box, args, sub)
            pose = out.pop("vs_pose", None)
            row[tag] = {k: out.get(k) for k in ("vs_affinity", "vs_dock_s", "vs_error")}
            if pose:
                row[tag].update(pose_rmsd("vs", lig, pose))
        rows[name] = row
        print(name, json.dumps(row), flush=True)
        save()

    # (2) the demo's approved drugs, demo box and settings, into both
    import pandas as pd
    demo = Path(vscreen.__file__).parent / "data" / "demo"
    drugs = pd.read_csv(demo / "approved_drugs.csv")
    box = ((-9.732, 11.402, 68.925), (17.33, 27.889, 19.3))
    scores = results["docking"].setdefault("demo", {})
    for _, drug in drugs.iterrows():
        if drug["name"] in scores:
            continue
        row = {}
        for tag in ("crystal", "model"):
            sub = d / "demo" / f"{drug['drugbank_id']}_{tag}"
            sub.mkdir(parents=True, exist_ok=True)
            out = dock_vscreen(drug["smiles"], drug["name"], receptors[tag], box, args, sub)
            row[tag] = out.get("vs_affinity")
        scores[drug["name"]] = row
        print(drug["name"], row, flush=True)
        save()
    frame = pd.DataFrame(scores).T.dropna()
    if len(frame) > 2:
        results["docking"]["demo_spearman"] = round(float(frame["crystal"].corr(frame["model"], method="spearman")), 3)
    save()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--out", type=Path, default=Path("build/homology-benchmark"))
    ap.add_argument("--part", choices=("structure", "docking", "all"), default="all")
    ap.add_argument("--cases", default="", help="comma-separated structure cases (default: all)")
    ap.add_argument("--ligands", default="6w63,6lze,6m0k,6wnp,6y2f,7bqy", help="mpro/ entries to redock")
    ap.add_argument("--exhaustiveness", type=int, default=8)
    ap.add_argument("--search-scale", type=float, default=1.0, help="fraction of Vina's Monte Carlo steps")
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    args.cases = [c for c in args.cases.split(",") if c]
    args.ligands = [c for c in args.ligands.split(",") if c]
    args.no_protonation, args.full_chains_per_form = False, False
    args.ring_conformers = vscreen.PreparationOptions().ring_conformers
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"results_{args.part}.json"
    results = json.loads(path.read_text()) if path.exists() else {"structure": {}, "docking": {}}
    results["settings"] = {k: str(v) for k, v in vars(args).items()}

    def save():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(results, indent=1))
        os.replace(tmp, path)

    if args.part in ("structure", "all"):
        structure_part(args, results, save)
    if args.part in ("docking", "all"):
        docking_part(args, results, save)


if __name__ == "__main__":
    main()
