#!/usr/bin/env python3
# Redocking from SMILES (issue 3): vscreen and AutoDock Vina prepare each crystal ligand from its SMILES alone.
"""Redocking from SMILES: vscreen vs AutoDock Vina, same raw-PDB receptor, same box, same SMILES.

Per complex: the raw PDB goes through vscreen.prepare_receptor (waters and additives dropped, metals kept, and
cofactors kept when a heavy atom lies within 5 A of the crystal ligand); the box is centred on the crystal
ligand's heavy atoms, 22.5 A per axis (SCIENCE.md) or extent + 2 x 4 A where that is larger; the SMILES is RDKit's
of the crystal SDF (stereo from 3D). vscreen prepares it (vscreen.prepare_ligands: standardise, pH 7.4, stereo
enumeration, ETKDG) and docks every form, keeping the best-scored; Vina gets `obabel -:SMILES -O lig.pdbqt --gen3d
-p 7.4` and the same receptor PDBQT. Success: top-1 heavy-atom RMSD < 2 A to the crystal pose, symmetry-aware, no
alignment, on the heavy-atom graph with every bond single and no charges (a docked molecule whose graph differs
from the crystal's is a failure, "graph mismatch"). Also reported: the least RMSD over all modes, and whether the
top pose kept the crystal's stereocentres. Mpro ligands come from CHARMM-prepared systems in another frame: each
is superposed on its heavy atoms in the raw PDB first. Results go to WORKDIR/results.json after every complex.

    .venv/bin/python benchmarks/redock_smiles_benchmark.py --data ../shared/data [--exhaustiveness 8] [--cpu 2]
        [--seed 1] [--sets posebusters,diffdock,mpro-noncovalent,mpro-covalent] [--only 6ahs,6w63] [--skip-vina]
        [--box-size 22.5] [--device auto] [--workdir build/redock_smiles] [--resume] [--rescore]
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
from rdkit import Chem, RDLogger

import vscreen
from vscreen.search import SEARCH_PRESETS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from redock_benchmark import first_affinity, run_timed  # noqa: E402


def cpu_s(who=resource.RUSAGE_SELF):
    """User + system CPU seconds of this process (all its threads) or of its finished children."""
    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime

RDLogger.DisableLog("rdApp.warning")
# Covalent inhibitors among the Mpro entries (crystal ligand in its adduct form); 6W63/X77 is non-covalent.
MPRO_COVALENT = {"6lu7": "N3, Michael acceptor", "7bqy": "N3, Michael acceptor", "6y2f": "13b, alpha-ketoamide",
                 "6lze": "11a, aldehyde", "6m0k": "11b, aldehyde", "6wnp": "boceprevir, alpha-ketoamide"}
# Hetero groups never kept as cofactors (crystallisation additives, glycans, ions without a role in the site).
ADDITIVES = {"HOH", "WAT", "DOD", "GOL", "EDO", "PEG", "PG4", "P6G", "PGE", "1PE", "SO4", "PO4", "ACT", "DMS", "CL",
             "BR", "IOD", "NO3", "FMT", "EPE", "MES", "TRS", "BME", "NAG", "FUC", "MAN", "BMA", "NA", "K"}
# Complexes with no usable receptor/crystal-ligand pair, and why.
KNOWN_SKIPS = {"1a30": "no receptor in the folder (ligand MOL2 only)",
               "5ze6": "no crystal-ligand SDF, and 5ze6_cond.pdb is not the holo receptor of 5ze6_true.mol2 "
                       "(Tyr A116 CZ lies 0.4 A from a ligand atom)"}


def complexes(data):
    """(name, set, receptor PDB, crystal ligand file, fit-to-PDB flag) for every complex; skips as (name, reason)."""
    out, skips = [], []
    for folder in ("posebusters_examples", "diffdock_examples"):
        tag = folder.split("_")[0]
        for d in sorted(p for p in (data / "redocking" / folder).iterdir() if p.is_dir() and p.name != "id_lists"):
            if d.name in KNOWN_SKIPS:
                skips.append((d.name, KNOWN_SKIPS[d.name]))
                continue
            pdbs = sorted(d.glob("*.pdb"))
            ligs = sorted(p for p in d.glob("*ligand.sdf"))
            if not pdbs or not ligs:
                skips.append((d.name, f"no receptor PDB / crystal SDF pair ({', '.join(p.name for p in d.iterdir())})"))
                continue
            for lig in ligs:
                rec = pdbs[0] if len(pdbs) == 1 else d / lig.name.replace("ligand.sdf", "receptor.pdb")
                name = d.name
                if len(ligs) > 1:  # 2HA2_SCK_2HA3_CHT: the larger ligand is 2HA2's, the smaller 2HA3's
                    parts = d.name.split("_")
                    name = "_".join(parts[:2] if "larger" in lig.name else parts[2:])
                out.append(dict(name=name, set=tag, receptor=rec, ligand=lig, fit=False))
    mpro = data / "mpro"
    for pdb in sorted((mpro / "rcsb_pdb").glob("*.pdb")):
        ligs = sorted((mpro / "ligands_crystal_sdf").glob(pdb.stem + "_*.sdf"))
        if not ligs:
            skips.append((pdb.stem, "Mpro entry without a crystal ligand in ligands_crystal_sdf/"))
            continue
        kind = "mpro-covalent" if pdb.stem in MPRO_COVALENT else "mpro-noncovalent"
        out.append(dict(name=pdb.stem, set=kind, receptor=pdb, ligand=ligs[0], fit=True))
    return out, skips


def read_crystal(path):
    """The first SDF record, sanitised; raises ValueError with RDKit's reason."""
    block = Path(path).read_text().split("$$$$")[0]
    mol = Chem.MolFromMolBlock(block, removeHs=False, sanitize=False)
    if mol is None:
        raise ValueError("RDKit cannot parse the molblock")
    Chem.SanitizeMol(mol)  # raises e.g. AtomValenceException
    Chem.AssignStereochemistryFrom3D(mol)
    return mol


def pdb_heavy_atoms(pdb):
    """(coords, elements, residue keys, residue names, is-hetero) of the first model's heavy atoms."""
    xyz, el, key, resn, het = [], [], [], [], []
    for line in Path(pdb).read_text().splitlines():
        if line.startswith("ENDMDL"):
            break
        if line.startswith(("ATOM", "HETATM")) and line[76:78].strip().upper() not in ("H", "D"):
            xyz.append((float(line[30:38]), float(line[38:46]), float(line[46:54])))
            el.append(line[76:78].strip().upper())
            key.append((line[21], line[22:27], line[17:20].strip()))
            resn.append(line[17:20].strip())
            het.append(line.startswith("HETATM"))
    return np.array(xyz), np.array(el), key, resn, np.array(het)


def kabsch(p, q):
    pc, qc = p.mean(0), q.mean(0)
    u, _, vt = np.linalg.svd((p - pc).T @ (q - qc))
    r = vt.T @ np.diag([1, 1, np.sign(np.linalg.det(vt.T @ u.T))]) @ u.T
    return r, qc - r @ pc


def fit_to_pdb(mol, pdb, tol=0.1):
    """Moves mol rigidly onto the copy of its heavy atoms in the PDB (any frame); returns (atoms fitted, max dev)."""
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    pos = mol.GetConformer().GetPositions()
    x, ex = pos[heavy], np.array([mol.GetAtomWithIdx(i).GetSymbol().upper() for i in heavy])
    y, ey, key, _, het = pdb_heavy_atoms(pdb)
    per_chain = {}
    for k in set(key):
        per_chain[k[0]] = per_chain.get(k[0], 0) + 1
    ligand_like = het | np.array([per_chain[k[0]] < 20 for k in key])  # hetero groups and short peptide chains
    y, ey = y[ligand_like], ey[ligand_like]
    dx = np.linalg.norm(x[:, None] - x[None], axis=2)
    best = (0, None)
    for a in range(0, len(x), max(1, len(x) // 6)):  # a few anchors: one of them is where the PDB copy is exact
        b = int(np.argmax(dx[a]))
        c = int(np.argmax(np.minimum(dx[a], dx[b])))
        for i in np.where(ey == ex[a])[0]:
            di = np.linalg.norm(y - y[i], axis=1)
            for j in np.where((ey == ex[b]) & (abs(di - dx[a, b]) < tol))[0]:
                dj = np.linalg.norm(y - y[j], axis=1)
                for k in np.where((ey == ex[c]) & (abs(di - dx[a, c]) < tol) & (abs(dj - dx[b, c]) < tol))[0]:
                    r, t = kabsch(x[[a, b, c]], y[[i, j, k]])
                    dd = np.linalg.norm((x @ r.T + t)[:, None] - y[None], axis=2)
                    ok = (dd.min(1) < 2 * tol) & (ey[dd.argmin(1)] == ex)
                    if ok.sum() > best[0]:
                        best = (int(ok.sum()), (ok, dd.argmin(1)))
    if best[1] is None or best[0] < 0.8 * len(x):
        raise ValueError(f"crystal ligand not found in {Path(pdb).name} (best rigid fit: {best[0]}/{len(x)} atoms)")
    ok, nn = best[1]
    r, t = kabsch(x[ok], y[nn[ok]])
    conf = mol.GetConformer()
    for i, p in enumerate(pos @ r.T + t):
        conf.SetAtomPosition(i, p.tolist())
    dev = np.linalg.norm((x @ r.T + t) - y[np.linalg.norm((x @ r.T + t)[:, None] - y[None], axis=2).argmin(1)], axis=1)
    return best[0], float(dev.max())


def cofactors_near(pdb, mol, cutoff=5.0):
    """Hetero residue names with a heavy atom within cutoff of the crystal ligand, except the ligand itself
    (residues with an atom within 0.5 A of it), additives and metals (kept anyway)."""
    xyz, _, key, resn, het = pdb_heavy_atoms(pdb)
    lig = Chem.RemoveHs(mol).GetConformer().GetPositions()
    d = np.linalg.norm(xyz[:, None] - lig[None], axis=2).min(1)
    own = {key[i] for i in np.where(d < 0.5)[0]}
    names = {resn[i] for i in np.where(het & (d < cutoff))[0] if key[i] not in own}
    return sorted(n for n in names if n not in ADDITIVES and len(n) > 2)


def skeleton(mol):
    """Heavy-atom graph with every bond single, no aromaticity, no charges, no hydrogens (a substructure query)."""
    m = Chem.RWMol(mol)
    for i in reversed([a.GetIdx() for a in m.GetAtoms() if a.GetAtomicNum() == 1]):
        m.RemoveAtom(i)  # every hydrogen: RemoveHs keeps some (e.g. one that sets an imine's stereo)
    for a in m.GetAtoms():
        a.SetFormalCharge(0)
        a.SetNumRadicalElectrons(0)
        a.SetIsotope(0)
        a.SetIsAromatic(False)
        a.SetNoImplicit(True)
        a.SetNumExplicitHs(0)
        a.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    for b in m.GetBonds():
        b.SetBondType(Chem.BondType.SINGLE)
        b.SetIsAromatic(False)
    m = m.GetMol()
    m.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(m)
    return m


def graph_matches(ref, probe):
    """Every mapping (ref atom k -> probe atom m[k]) of two equal heavy-atom skeletons, symmetric ones included.
    Both directions are tried: RDKit's match of a plain molecule used as a query can fail one way and succeed
    the other for the same graph (seen on 1IA1 and 6w70)."""
    if ref.GetNumAtoms() != probe.GetNumAtoms():
        return []
    matches = probe.GetSubstructMatches(ref, uniquify=False, useChirality=False, maxMatches=1000000)
    if matches:
        return [list(m) for m in matches]
    out = []
    for m in ref.GetSubstructMatches(probe, uniquify=False, useChirality=False, maxMatches=1000000):
        inv = [0] * len(m)  # probe atom i -> ref atom m[i]
        for i, k in enumerate(m):
            inv[k] = i
        out.append(inv)
    return out


def graph_rmsd(crystal, docked):
    """Symmetry-aware heavy-atom RMSD without alignment, as RDKit's CalcRMS computes it (the least RMSD over every
    mapping of the crystal's heavy-atom skeleton onto the docked one); None when the heavy-atom graphs differ."""
    ref, probe = skeleton(crystal), skeleton(docked)
    matches = graph_matches(ref, probe)
    if not matches:
        return None
    a = ref.GetConformer().GetPositions()
    b = probe.GetConformer().GetPositions()
    return min(float(np.sqrt(((a - b[m]) ** 2).sum(1).mean())) for m in matches)


def first_sdf_record(path):
    """The first record of an SDF, unsanitised (hydrogens kept, removed later)."""
    block = Path(path).read_text().split("$$$$")[0]
    return Chem.MolFromMolBlock(block, removeHs=False, sanitize=False)


def dock_vscreen(smiles, name, receptor, box, args, d):
    row = {}
    t0, c0 = time.perf_counter(), cpu_s()
    forms = vscreen.prepare_ligands([vscreen.MoleculeInput(smiles, id=name)],
                                    vscreen.PreparationOptions(seed=args.seed, threads=args.cpu,
                                                               protonate=not args.no_protonation,
                                                               ring_conformers=args.ring_conformers))
    row["vs_prep_s"], row["vs_prep_cpu_s"] = time.perf_counter() - t0, cpu_s() - c0
    bad = [f.error for f in forms if not f.ok]
    forms = [f for f in forms if f.ok]
    row["vs_forms"] = [f.smiles for f in forms]
    if not forms:
        row["vs_error"] = "preparation failed: " + "; ".join(bad)
        return row
    # As vscreen's campaigns and CLI dock: the ring shapes of a stereoisomer share the --exhaustiveness chains
    # (vscreen.docking_chains), unless --full-chains-per-form gives every form all of them.
    # vscreen's search effort: --search's preset, or Vina's step count at --exhaustiveness (Vina's own setting).
    effort = (vscreen.search_effort(args.search) if args.search else
              dict(exhaustiveness=args.exhaustiveness, search_scale=1.0, stall_fraction=0.0))
    exh = effort["exhaustiveness"]
    chains = [exh if args.full_chains_per_form else vscreen.docking_chains(f, exh) for f in forms]
    row["vs_chains"] = chains
    settings = vscreen.DockingSettings(center=box[0], size=box[1], exhaustiveness=exh, seed=args.seed,
                                       search_scale=effort["search_scale"], stall_fraction=effort["stall_fraction"])
    t0, c0 = time.perf_counter(), cpu_s()
    results = vscreen.dock(receptor, [f.ligand for f in forms], settings, device=args.device, threads=args.cpu,
                           chains=chains)
    row["vs_dock_s"], row["vs_dock_cpu_s"] = time.perf_counter() - t0, cpu_s() - c0
    row["vs_backend"] = results[0].backend
    best = min(range(len(forms)), key=lambda i: results[i].modes[0].affinity if len(results[i]) else 1e9)
    if not len(results[best]):
        row["vs_error"] = "no docked mode"
        return row
    out = d / "vscreen_out.sdf"
    vscreen.write_sdf_modes(str(out), forms[best].ligand, results[best])
    row["vs_affinity"] = results[best].modes[0].affinity
    row["vs_smiles"] = forms[best].smiles
    row["vs_pose"] = str(out)
    return row


def vina_command(args, receptor_pdbqt, ligand, out, box):
    """`vina` docking a ligand PDBQT in the box ((centre, size)) with the run's exhaustiveness, seed and cores."""
    cmd = [args.vina, "--receptor", str(receptor_pdbqt), "--ligand", str(ligand), "--out", str(out),
           "--exhaustiveness", str(args.exhaustiveness), "--seed", str(args.seed), "--cpu", str(args.cpu)]
    for axis, c, s in zip("xyz", *box):
        cmd += [f"--center_{axis}", f"{c:.3f}", f"--size_{axis}", f"{s:.3f}"]
    return cmd


def dock_vina(smiles, receptor_pdbqt, box, args, d):
    row = {}
    lig, out, sdf = d / "vina_ligand.pdbqt", d / "vina_out.pdbqt", d / "vina_out.sdf"
    cmd = [args.obabel, f"-:{smiles}", "-O", str(lig), "--gen3d", "-p", "7.4"]
    c0 = cpu_s(resource.RUSAGE_CHILDREN)
    row["vina_prep_s"], rc = run_timed(cmd, d / "obabel.log")
    row["vina_prep_cpu_s"] = cpu_s(resource.RUSAGE_CHILDREN) - c0
    if rc != 0 or not lig.exists() or lig.stat().st_size == 0:
        row["vina_error"] = f"obabel failed (see {d / 'obabel.log'})"
        return row
    vcmd = vina_command(args, receptor_pdbqt, lig, out, box)
    c0 = cpu_s(resource.RUSAGE_CHILDREN)
    row["vina_dock_s"], rc = run_timed(vcmd, d / "vina.log")
    row["vina_dock_cpu_s"] = cpu_s(resource.RUSAGE_CHILDREN) - c0
    if rc != 0 or not out.exists():
        row["vina_error"] = f"vina failed (see {d / 'vina.log'})"
        return row
    subprocess.run([args.obabel, str(out), "-O", str(sdf)], capture_output=True)  # every mode, best first
    row["vina_affinity"] = first_affinity(out)
    row["vina_pose"] = str(sdf)
    return row


def run_complex(c, args):
    row = dict(name=c["name"], set=c["set"])
    crystal = read_crystal(c["ligand"])
    d = args.workdir / c["name"]
    d.mkdir(parents=True, exist_ok=True)
    if c["fit"]:
        n, dev = fit_to_pdb(crystal, c["receptor"])
        row["fit"] = f"{n}/{crystal.GetNumHeavyAtoms()} atoms, max dev {dev:.2f} A"
    Chem.AssignStereochemistryFrom3D(crystal)
    ref = d / "crystal_ligand.sdf"
    Chem.MolToMolFile(crystal, str(ref))
    smiles = Chem.MolToSmiles(Chem.RemoveHs(crystal))
    row.update(smiles=smiles, heavy_atoms=crystal.GetNumHeavyAtoms())

    keep = cofactors_near(c["receptor"], crystal)
    receptor_pdbqt = d / "receptor.pdbqt"
    t0 = time.perf_counter()
    prep = vscreen.prepare_receptor(str(c["receptor"]), str(receptor_pdbqt), keep_het=keep or None)
    row.update(receptor_prep_s=time.perf_counter() - t0, chains=",".join(prep.chains), cofactors=",".join(keep),
               metals=",".join(prep.metals_kept))
    (d / "receptor_prep.txt").write_text(prep.summary() + "\n")
    rec_xyz = np.array([(float(x[30:38]), float(x[38:46]), float(x[46:54]))
                        for x in receptor_pdbqt.read_text().splitlines()
                        if x.startswith(("ATOM", "HETATM")) and x[77:79].strip() not in ("H", "HD")])
    lig_xyz = Chem.RemoveHs(crystal).GetConformer().GetPositions()
    # Frame and ligand-removal check: the receptor's closest heavy atom to the crystal ligand (a covalent
    # inhibitor's Cys SG sits at ~1.8 A; anything far below ~2.5 A otherwise means a leftover or a wrong frame).
    row["receptor_min_dist"] = float(np.linalg.norm(rec_xyz[:, None] - lig_xyz[None], axis=2).min())
    centre, size = vscreen.box_from_ligand(str(ref), 4.0)
    box = (tuple(centre), tuple(max(args.box_size, s) for s in size))
    row["box"] = [[round(v, 3) for v in box[0]], [round(v, 2) for v in box[1]]]

    receptor = vscreen.read_receptor_pdbqt_file(str(receptor_pdbqt))
    try:
        row.update(dock_vscreen(smiles, c["name"], receptor, box, args, d))
    except vscreen.VscreenError as e:  # reported as a vscreen failure; Vina still runs
        row["vs_error"] = f"{type(e).__name__}: {e}"
    if not args.skip_vina:
        row.update(dock_vina(smiles, receptor_pdbqt, box, args, d))
    for tag, pose in (("vs", row.pop("vs_pose", None)), ("vina", row.pop("vina_pose", None))):
        if pose is not None:
            row.update(pose_rmsd(tag, crystal, pose))
    return row


def sdf_records(path):
    """Every record of an SDF, unsanitised, hydrogens kept (None for one RDKit cannot parse)."""
    return list(Chem.SDMolSupplier(str(path), sanitize=False, removeHs=False))


def stereo_kept(crystal, docked):
    """True when every tetrahedral stereocentre of the crystal ligand (with three or more heavy neighbours) has the
    same handedness in the docked pose (signed volume of its first three heavy neighbours, under the best
    RMSD mapping): a check of the 3D preparation (ETKDG, Open Babel --gen3d), not of the docking."""
    ref, probe = skeleton(crystal), skeleton(docked)
    heavy = [a.GetIdx() for a in crystal.GetAtoms() if a.GetAtomicNum() > 1]  # skeleton index k = heavy[k]
    # A centre only counts when its neighbours stay distinct on the skeleton: P(=O)(OH) of a phosphonate is a
    # stereocentre as drawn, not once the two oxygens are the same atom type (and the graph mapping may swap them).
    rank = list(Chem.CanonicalRankAtoms(ref, breakTies=False))
    centres = [k for k, i in enumerate(heavy)
               if crystal.GetAtomWithIdx(i).GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED
               and len({rank[n.GetIdx()] for n in ref.GetAtomWithIdx(k).GetNeighbors()})
               == ref.GetAtomWithIdx(k).GetDegree()]
    if not centres:
        return None
    a = ref.GetConformer().GetPositions()
    b = probe.GetConformer().GetPositions()
    m = min(graph_matches(ref, probe), key=lambda m: ((a - b[m]) ** 2).sum())
    bm = b[m]
    for k in centres:
        nb = [n.GetIdx() for n in ref.GetAtomWithIdx(k).GetNeighbors()][:3]
        if len(nb) < 3:
            continue
        va = np.linalg.det(np.array([a[n] - a[k] for n in nb]))
        vb = np.linalg.det(np.array([bm[n] - bm[k] for n in nb]))
        if va * vb < 0:
            return False
    return True


def pose_rmsd(tag, crystal, pose):
    """{tag_rmsd: top-1 RMSD, tag_best_rmsd: least RMSD over every mode, tag_stereo: stereo kept} for an SDF of
    modes (best first), or {tag_error: "graph mismatch"}."""
    modes = [m for m in sdf_records(pose) if m is not None]
    rmsds = [graph_rmsd(crystal, m) for m in modes]
    if not rmsds or rmsds[0] is None:
        return {f"{tag}_error": "graph mismatch"}
    return {f"{tag}_rmsd": rmsds[0], f"{tag}_best_rmsd": min(r for r in rmsds if r is not None),
            f"{tag}_modes": len(rmsds), f"{tag}_stereo": stereo_kept(crystal, modes[0])}


def rescore(args):
    """Recomputes the RMSDs of a finished run from the poses and crystal ligands kept in its workdir."""
    saved = json.loads((args.workdir / "results.json").read_text())
    for row in saved["rows"]:
        d = args.workdir / row["name"]
        crystal = read_crystal(d / "crystal_ligand.sdf")
        if (d / "vina_out.pdbqt").exists():  # every Vina mode (runs before this script kept the first one only)
            subprocess.run([args.obabel, str(d / "vina_out.pdbqt"), "-O", str(d / "vina_out.sdf")], capture_output=True)
        for tag, pose in (("vs", d / "vscreen_out.sdf"), ("vina", d / "vina_out.sdf")):
            if f"{tag}_rmsd" in row or row.get(f"{tag}_error") == "graph mismatch":
                row.pop(f"{tag}_rmsd", None), row.pop(f"{tag}_error", None)
                row.update(pose_rmsd(tag, crystal, pose))
    args.skip_vina = not any("vina_dock_s" in r for r in saved["rows"])
    saved["summary"] = report(saved["rows"], [tuple(s) for s in saved["skipped"]], args)
    (args.workdir / "results.json").write_text(json.dumps(saved, indent=1))


def fmt(v, spec):
    return format(v, spec) if isinstance(v, (int, float)) else format("-", ">" + spec.split(".")[0].lstrip(">"))


def report(rows, skips, args):
    print(f"\n{'complex':10s} {'set':17s} {'heavy':>5s} {'forms':>5s} {'vs RMSD':>8s} {'best':>5s} {'vs kcal':>8s} "
          f"{'vs s':>6s} {'Vina RMSD':>9s} {'best':>5s} {'Vina kcal':>9s} {'obabel s':>8s} {'Vina s':>6s}  notes")
    for r in rows:
        notes = [f"{k.split('_')[0]}: {r[k]}" for k in ("vs_error", "vina_error") if k in r]
        notes += [f"{t} top pose has inverted stereo" for t in ("vs", "vina") if r.get(f"{t}_stereo") is False]
        vs_t = r.get("vs_prep_s", 0) + r.get("vs_dock_s", 0)
        print(f"{r['name']:10s} {r['set']:17s} {r['heavy_atoms']:5d} {len(r.get('vs_forms', [])):5d} "
              f"{fmt(r.get('vs_rmsd'), '8.2f')} {fmt(r.get('vs_best_rmsd'), '5.2f')} "
              f"{fmt(r.get('vs_affinity'), '8.2f')} {vs_t:6.1f} "
              f"{fmt(r.get('vina_rmsd'), '9.2f')} {fmt(r.get('vina_best_rmsd'), '5.2f')} "
              f"{fmt(r.get('vina_affinity'), '9.2f')} {fmt(r.get('vina_prep_s'), '8.1f')} "
              f"{fmt(r.get('vina_dock_s'), '6.1f')}  {'; '.join(notes)}")
    for name, why in skips:
        print(f"{name:10s} skipped: {why}")
    summary = {}
    groups = [("all", lambda r: True), ("non-covalent", lambda r: r["set"] != "mpro-covalent"),
              ("redocking sets", lambda r: not r["set"].startswith("mpro")),
              ("Mpro covalent", lambda r: r["set"] == "mpro-covalent"),
              ("Mpro non-covalent", lambda r: r["set"] == "mpro-noncovalent")]
    print()
    for label, sel in groups:
        sub = [r for r in rows if sel(r)]
        if not sub:
            continue
        def total(key):
            return round(sum(r.get(key, 0) for r in sub), 1)
        line = dict(n=len(sub), vscreen=sum(r.get("vs_rmsd", 99) < 2.0 for r in sub), vscreen_prep_s=total("vs_prep_s"),
                    vscreen_dock_s=total("vs_dock_s"))
        line["vscreen_any_mode"] = sum(r.get("vs_best_rmsd", 99) < 2.0 for r in sub)
        text = (f"vscreen {line['vscreen']}/{line['n']} (any mode {line['vscreen_any_mode']}; prep "
                f"{line['vscreen_prep_s']} s + dock {line['vscreen_dock_s']} s)")
        if not args.skip_vina:
            line.update(vina=sum(r.get("vina_rmsd", 99) < 2.0 for r in sub), obabel_s=total("vina_prep_s"),
                        vina_dock_s=total("vina_dock_s"),
                        vina_any_mode=sum(r.get("vina_best_rmsd", 99) < 2.0 for r in sub))
            text += (f"   Vina {line['vina']}/{line['n']} (any mode {line['vina_any_mode']}; "
                     f"obabel {line['obabel_s']} s + vina {line['vina_dock_s']} s)")
        for key in ("vs_prep_cpu_s", "vs_dock_cpu_s", "vina_prep_cpu_s", "vina_dock_cpu_s"):
            if any(key in r for r in sub):  # CPU seconds (runs before this script recorded them lack them)
                line[key] = total(key)
        summary[label] = line
        print(f"{label:18s} {text}")
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VSCREEN_DATA", "../shared/data")))
    ap.add_argument("--only", default="", help="comma-separated complex names")
    ap.add_argument("--sets", default="posebusters,diffdock,mpro-noncovalent,mpro-covalent",
                    help="comma-separated sets, run in this order")
    ap.add_argument("--box-size", type=float, default=22.5,
                    help="least edge (A); the box is the crystal ligand's extent + 2 x 4 A where that is larger")
    ap.add_argument("--device", default="auto", help="vscreen device (auto, cpu, cuda)")
    ap.add_argument("--exhaustiveness", type=int, default=8,
                    help="Vina's; vscreen's too unless --search is given (then Vina's step count)")
    ap.add_argument("--search", default=None, choices=SEARCH_PRESETS,
                    help="vscreen's search preset (its exhaustiveness and step count; Vina keeps --exhaustiveness)")
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-vina", action="store_true")
    ap.add_argument("--no-protonation", action="store_true",
                    help="vscreen: keep the neutralised form (no pH 7.4 charge states), to study their effect")
    ap.add_argument("--ring-conformers", type=int, default=vscreen.PreparationOptions().ring_conformers,
                    help="vscreen: forms per stereoisomer with distinct non-aromatic ring shapes (default: vscreen's)")
    ap.add_argument("--full-chains-per-form", action="store_true",
                    help="vscreen: every ring shape gets all --exhaustiveness chains (default: they share them)")
    ap.add_argument("--vina", default=shutil.which("vina") or "vina")
    ap.add_argument("--obabel", default=shutil.which("obabel") or "obabel")
    ap.add_argument("--workdir", type=Path, default=Path("build/redock_smiles"))
    ap.add_argument("--resume", action="store_true", help="skip the complexes already in --workdir's results.json")
    ap.add_argument("--rescore", action="store_true", help="only recompute the RMSDs of the run in --workdir")
    args = ap.parse_args()
    if args.rescore:
        return rescore(args)

    todo, skips = complexes(args.data)
    sets = args.sets.split(",")
    todo = sorted((c for c in todo if c["set"] in sets), key=lambda c: sets.index(c["set"]))
    if args.only:
        keep = set(args.only.split(","))
        todo = [c for c in todo if c["name"] in keep]
        skips = [s for s in skips if s[0] in keep]
    args.workdir.mkdir(parents=True, exist_ok=True)
    # Rows of earlier runs in the same workdir are kept (a run over a subset adds to them or replaces them), so a
    # set can be run in parts; the summary covers every row in results.json.
    out = args.workdir / "results.json"
    saved = json.loads(out.read_text()) if out.exists() else dict(rows=[], skipped=[])
    settings = dict(exhaustiveness=args.exhaustiveness, cpu=args.cpu, seed=args.seed, box_size=args.box_size)
    if args.search:
        settings["search"] = args.search
    if saved.get("settings", settings) != settings:
        raise SystemExit(f"{out} holds a run with other settings ({saved['settings']}); use another --workdir")
    if args.resume:
        todo = [c for c in todo if c["name"] not in {r["name"] for r in saved["rows"]}]
    names = {c["name"] for c in todo}
    rows = [r for r in saved["rows"] if r["name"] not in names]
    skips = [tuple(s) for s in saved["skipped"] if s[0] not in names and s[0] not in {x[0] for x in skips}] + skips

    def save():
        out.write_text(json.dumps(dict(settings=settings, summary=summary, rows=rows, skipped=skips), indent=1))

    summary = {}
    for c in todo:
        t0 = time.perf_counter()
        try:
            row = run_complex(c, args)
        except ValueError as e:  # an unreadable crystal ligand (RDKit sanitisation) or one not found in the PDB
            skips.append((c["name"], f"crystal ligand {Path(c['ligand']).name}: {e}"))
            print(f"{c['name']}: skipped: {skips[-1][1]}", flush=True)
            save()
            continue
        except vscreen.VscreenError as e:  # receptor preparation or box: neither program can run
            skips.append((c["name"], f"{type(e).__name__}: {e}"))
            print(f"{c['name']}: skipped: {skips[-1][1]}", flush=True)
            save()
            continue
        row["wall_s"] = time.perf_counter() - t0
        rows.append(row)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)
        save()
    order = {n: i for i, n in enumerate(c["name"] for c in complexes(args.data)[0])}
    rows.sort(key=lambda r: order.get(r["name"], len(order)))
    summary = report(rows, skips, args)
    save()


if __name__ == "__main__":
    main()
