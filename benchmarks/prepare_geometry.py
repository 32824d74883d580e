#!/usr/bin/env python3
"""Geometry of prepared forms against their own MMFF94 minimum: how far the preparation's clean-up leaves them.

Usage: .venv/bin/python benchmarks/prepare_geometry.py --data ../shared/data [--every 10] [--threads 1]
Prepares every Nth approved drug with the default options, then minimises each form's 3D (its molblock, hydrogens
included) with RDKit's MMFF94 to convergence (5,000 iterations) and reports, per form and on average, the RMS
difference of the bond lengths and bond angles between heavy atoms, the largest single deviations, and how many
forms each 3D builder made (PreparedLigand.embedding). Torsions are not compared: they are the docking's to search.
Also prints the CPU time per preparation step.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import statistics
import sys
import time
from collections import Counter

from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem, rdMolTransforms

import vscreen
from vscreen import _vscreen

def deviations(mol: Chem.Mol) -> tuple[float, float, float, float] | None:
    """(bond RMS A, angle RMS deg, worst bond A, worst angle deg) of `mol` against its converged MMFF94 minimum."""
    props = AllChem.MMFFGetMoleculeProperties(mol)
    if props is None:
        return None
    ref = Chem.Mol(mol)
    ff = AllChem.MMFFGetMoleculeForceField(ref, props)
    ff.Minimize(maxIts=5000)
    a, b = mol.GetConformer(), ref.GetConformer()
    heavy = [at.GetIdx() for at in mol.GetAtoms() if at.GetAtomicNum() > 1]
    hs = set(heavy)
    bonds = [(x.GetBeginAtomIdx(), x.GetEndAtomIdx()) for x in mol.GetBonds()
             if x.GetBeginAtomIdx() in hs and x.GetEndAtomIdx() in hs]
    angles = []
    for j in heavy:
        nbs = [n.GetIdx() for n in mol.GetAtomWithIdx(j).GetNeighbors() if n.GetIdx() in hs]
        angles += [(nbs[p], j, nbs[q]) for p in range(len(nbs)) for q in range(p + 1, len(nbs))]
    db = [rdMolTransforms.GetBondLength(a, i, j) - rdMolTransforms.GetBondLength(b, i, j) for i, j in bonds]
    da = [rdMolTransforms.GetAngleDeg(a, i, j, k) - rdMolTransforms.GetAngleDeg(b, i, j, k) for i, j, k in angles]
    rms = lambda v: math.sqrt(sum(x * x for x in v) / len(v)) if v else 0.0  # noqa: E731
    return rms(db), rms(da), max((abs(x) for x in db), default=0.0), max((abs(x) for x in da), default=0.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--every", type=int, default=10, help="every Nth approved drug")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    RDLogger.DisableLog("rdApp.*")
    path = os.path.join(args.data, "drugbank_approved", "drugbank_approved_id_name_smiles.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))[:: args.every]
    inputs = [_vscreen.MoleculeInput(r["smiles"], "smiles", r["drugbank_id"]) for r in rows]
    opts = vscreen.PreparationOptions()
    opts.threads = args.threads
    start = time.process_time()
    forms = _vscreen.prepare_ligands(inputs, opts)
    cpu = time.process_time() - start
    steps = Counter()
    for p in forms:
        steps.update(p.timings.as_dict())
    good = [p for p in forms if p.ok]
    print(f"{len(rows)} molecules, {len({p.input_index for p in good})} prepared, {len(good)} forms, "
          f"{cpu:.1f} CPU-s ({len(rows) / cpu:.2f} molecules per CPU-second, threads {args.threads})")
    print("CPU-s per step: " + ", ".join(f"{s} {sec:.2f}" for s, sec in steps.items()))
    print("3D builder: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(getattr(p, "embedding", "etkdg") for p in good).items())))
    by_builder: dict[str, list] = {}
    for p in good:
        mol = Chem.MolFromMolBlock(p.molblock, removeHs=False)
        d = deviations(mol) if mol is not None else None
        if d is not None:
            by_builder.setdefault(getattr(p, "embedding", "etkdg"), []).append(d)
    for name, ds in sorted(by_builder.items()):
        print(f"{name}: {len(ds)} forms, bond RMS {statistics.mean(d[0] for d in ds):.4f} A, angle RMS "
              f"{statistics.mean(d[1] for d in ds):.2f} deg (means over forms); worst bond {max(d[2] for d in ds):.3f} A, "
              f"worst angle {max(d[3] for d in ds):.1f} deg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
