# ctest fixture of test_pose_refiner: the Python refinement stage's inputs and results for 1S3V (DHFR + ligand).
"""Writes into --out:

* ``1s3v_H.pdb``       the receptor prepared by vscreen.prepare_receptor (PDBFixer, H at pH 7.4)
* ``1s3v_ff14sb.xml``  its Amber ff14SB System (ReceptorModel.save_system), the C++ side's receptor input
* ``ligand_H.sdf``     the crystal ligand with hydrogens (RDKit AddHs, addCoords), the pose refined by both sides
* ``reference.txt``    ``key value`` lines: the settings, the pocket's atom count, the Python Refiner's result row,
                       then ``ligand i x y z``: the minimised ligand (A)

The C++ test (tests/cpp/test_pose_refiner.cpp) refines the same pose with the same settings on OpenMM's Reference
platform and must reproduce these numbers. Settings are small (8 A pocket, 150 L-BFGS iterations, 0.02 ps MD) so
the pair runs in about a minute.
"""
import argparse
import os
import sys

from rdkit import Chem

import vscreen
from vscreen.refine import ReceptorModel, Refiner, RefineSettings

SETTINGS = dict(pocket_radius=8.0, restrain_beyond=6.0, restraint_k=10.0, gb_model="OBC2", tolerance=10.0,
                max_iterations=150, md_ps=0.02, md_report_ps=0.01, seed=3, platform="Reference", ligand_strain=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="tests/data")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    res = vscreen.prepare_receptor(os.path.join(a.data, "1s3v_protein.pdb"), os.path.join(a.out, "1s3v.pdbqt"),
                                   pdb_out=os.path.join(a.out, "1s3v_H.pdb"))
    receptor = ReceptorModel.load(res.pdb_path)
    receptor.save_system(os.path.join(a.out, "1s3v_ff14sb.xml"))
    ligand = Chem.AddHs(Chem.MolFromMolFile(os.path.join(a.data, "1s3v_ligand.sdf"), removeHs=False),
                        addCoords=True)
    with Chem.SDWriter(os.path.join(a.out, "ligand_H.sdf")) as w:
        w.write(ligand)
    # Read back, so both sides start from the coordinates as the SDF stores them (4 decimals).
    ligand = Chem.MolFromMolFile(os.path.join(a.out, "ligand_H.sdf"), removeHs=False)
    heavy = ligand.GetConformer().GetPositions()[[x.GetAtomicNum() > 1 for x in ligand.GetAtoms()]]
    pocket = receptor.pocket_atoms([heavy], SETTINGS["pocket_radius"])
    refiner = Refiner(receptor, pocket, RefineSettings(**SETTINGS))
    row, out = refiner.refine(ligand, "crystal")
    if row["status"] != "ok":
        print(f"reference refinement failed at {row['stage']}: {row['error']}", file=sys.stderr)
        return 1
    keep = ("e_complex", "e_receptor", "e_ligand", "dg_mmgbsa", "dg_coulomb", "dg_vdw", "dg_gb", "ligand_strain",
            "rmsd_minimised", "md_rmsd_final", "md_rmsd_mean", "md_stays")
    lines = [f"{k} {v}" for k, v in SETTINGS.items()] + [f"pocket_atoms {len(pocket)}"]
    lines += [f"{k} {int(row[k]) if k == 'md_stays' else repr(float(row[k]))}" for k in keep]
    lines += [f"ligand {i} {x!r} {y!r} {z!r}" for i, (x, y, z) in enumerate(out.GetConformer().GetPositions())]
    with open(os.path.join(a.out, "reference.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[:len(SETTINGS) + 1 + len(keep)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
