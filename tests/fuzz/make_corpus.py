#!/usr/bin/env python3
"""Seed corpora of the fuzz targets, cut from the test data and a shared data folder (small inputs, one a file).

    python3 tests/fuzz/make_corpus.py --data tests/data --data ../shared/data --out build-fuzz/corpus

Ligand PDBQT/SDF/MOL2 records whole; receptors as excerpts of 40 atom lines (the parsers' paths are the same at
any length, and small inputs keep the fuzzers fast); V3000 molblocks written from the V2000 ones with RDKit;
SMILES from CSV/SMILES files; InChI strings found in the files, plus some made from SMILES with Open Babel when it
is installed (corpus tooling only, never part of the product).
"""
import argparse
import glob
import hashlib
import os
import random
import shutil
import subprocess

MAX_SEEDS = 300  # per target and kind of source: libFuzzer's corpus, not a benchmark


def files(roots, *patterns):
    out = []
    for root in roots:
        for p in patterns:
            out += glob.glob(os.path.join(root, "**", p), recursive=True)
    return sorted(set(out))


def read(path):
    if path.endswith(".gz"):
        return ""
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def excerpts(text, lines_per=40, keep=("ATOM", "HETATM")):
    lines = [l for l in text.splitlines() if l.startswith(keep)]
    return ["\n".join(lines[i:i + lines_per]) + "\n" for i in range(0, min(len(lines), 400), lines_per)]


def sdf_records(text):
    return [r.strip("\n") + "\n$$$$\n" for r in text.split("$$$$") if "M  END" in r]


def mol2_records(text):
    parts = text.split("@<TRIPOS>MOLECULE")
    return ["@<TRIPOS>MOLECULE" + p for p in parts[1:]]


def smiles_of(roots, rng):
    out = []
    for path in files(roots, "*.csv", "*.smi", "*.ism"):
        for line in read(path).splitlines()[1:]:
            field = line.split(",")[2] if path.endswith(".csv") and line.count(",") >= 2 else line.split()[0] \
                if line.split() else ""
            if field and not field.startswith("InChI"):
                out.append(field.strip('"'))
    rng.shuffle(out)
    return out[:MAX_SEEDS]


def v3000(records):
    try:
        from rdkit import Chem, RDLogger
        RDLogger.DisableLog("rdApp.*")
    except ImportError:
        return []
    out = []
    for r in records:
        m = Chem.MolFromMolBlock(r, removeHs=False)
        if m is not None:
            out.append(Chem.MolToMolBlock(m, forceV3000=True) + "$$$$\n")
    return out


def inchis(roots, smiles):
    found = set()
    for path in files(roots, "*.py", "*.md", "*.csv", "*.tsv", "*.xml"):
        for tok in read(path).replace('"', " ").replace(",", " ").split():
            if tok.startswith("InChI=1S/") and not tok.endswith("..."):
                found.add(tok.strip("'()"))
    if shutil.which("obabel"):
        r = subprocess.run(["obabel", "-ismi", "-oinchi"], input="\n".join(smiles[:200]) + "\n",
                           capture_output=True, text=True)
        found.update(l.strip() for l in r.stdout.splitlines() if l.startswith("InChI="))
    return sorted(found)


def write(out_dir, seeds):
    os.makedirs(out_dir, exist_ok=True)
    for s in seeds:
        data = s.encode("latin-1", "replace")
        with open(os.path.join(out_dir, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    return len(os.listdir(out_dir))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", required=True, help="a folder to take seeds from (repeatable)")
    ap.add_argument("--out", required=True, help="corpus root: one folder per fuzz target")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    roots = a.data
    pdbqt = files(roots, "*.pdbqt")
    ligands = [read(p) for p in pdbqt if "ROOT" in read(p)][:MAX_SEEDS]
    receptors = [e for p in pdbqt if "ROOT" not in read(p) for e in excerpts(read(p))][:MAX_SEEDS]
    sdf = [r for p in files(roots, "*.sdf", "*.mol") for r in sdf_records(read(p)) if len(r) < 20000][:MAX_SEEDS]
    mol2 = [r for p in files(roots, "*.mol2") for r in mol2_records(read(p))][:MAX_SEEDS]
    pdb = [e for p in files(roots, "*H.pdb", "*H_excerpt.pdb", "*_protein.pdb") for e in excerpts(read(p))]
    rng.shuffle(pdb)
    smi = smiles_of(roots, rng)
    seeds = {"ligand_pdbqt": ligands, "receptor_pdbqt": receptors, "sdf": sdf + v3000(sdf[:100]), "mol2": mol2,
             "pdb_receptor": pdb[:MAX_SEEDS], "smiles": smi, "inchi": inchis(roots, smi)}
    for target, items in seeds.items():
        n = write(os.path.join(a.out, target), items)
        print(f"{target}: {n} seed(s)")


if __name__ == "__main__":
    main()
