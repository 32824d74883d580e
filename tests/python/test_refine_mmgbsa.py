# Refinement of a real complex (1S3V, DHFR + crystal ligand): MM-GBSA sign and split, failures recorded, determinism.
import math

import pytest

pytest.importorskip("openmm")
from rdkit import Chem  # noqa: E402
from rdkit.Chem import AllChem  # noqa: E402

import vscreen  # noqa: E402


@pytest.fixture(scope="module")
def prepared_1s3v(data_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("refine")
    res = vscreen.prepare_receptor(str(data_dir / "1s3v_protein.pdb"), str(d / "1s3v.pdbqt"),
                                   pdb_out=str(d / "1s3v_H.pdb"))
    crystal = Chem.AddHs(Chem.MolFromMolFile(str(data_dir / "1s3v_ligand.sdf"), removeHs=False), addCoords=True)
    crystal.SetProp("_Name", "crystal")
    return d, res.pdb_path, crystal


def _shifted(mol, by, name):
    out = Chem.Mol(mol)
    conf = out.GetConformer()
    for i in range(out.GetNumAtoms()):
        p = conf.GetAtomPosition(i)
        conf.SetAtomPosition(i, (p.x + by[0], p.y + by[1], p.z + by[2]))
    out.SetProp("_Name", name)
    return out


def _away_from_protein(receptor_pdb, crystal, distance=25.0):
    """A shift that moves the ligand ``distance`` A from its pocket, away from the protein's centre."""
    import numpy as np
    xyz = np.array([[float(l[30:38]), float(l[38:46]), float(l[46:54])] for l in open(receptor_pdb)
                    if l.startswith("ATOM")])
    c = crystal.GetConformer().GetPositions().mean(0)
    u = (c - xyz.mean(0)) / np.linalg.norm(c - xyz.mean(0))
    return u * distance


def _boron_ligand(at):
    m = Chem.AddHs(Chem.MolFromSmiles("OB(O)c1ccccc1"))
    AllChem.EmbedMolecule(m, randomSeed=1)
    conf = m.GetConformer()
    shift = at - m.GetConformer().GetPositions().mean(0)
    for i in range(m.GetNumAtoms()):
        p = conf.GetAtomPosition(i)
        conf.SetAtomPosition(i, (p.x + shift[0], p.y + shift[1], p.z + shift[2]))
    m.SetProp("_Name", "boronic")
    return m


@pytest.fixture(scope="module")
def refined(prepared_1s3v):
    d, receptor, crystal = prepared_1s3v
    boron = _boron_ligand(crystal.GetConformer().GetPositions().mean(0))
    far = _shifted(crystal, _away_from_protein(receptor, crystal), "far")
    poses = [crystal, boron, None, Chem.Mol(crystal), far]
    df = vscreen.refine_poses(receptor, poses, out_sdf=d / "refined.sdf", pocket_radius=6.0, platform="CPU"
                              if "CPU" in vscreen.refine.available_platforms() else None, workers=2, md_ps=0.05,
                              md_report_ps=0.025)
    return d, df


def test_crystal_pose_has_finite_negative_mmgbsa(refined):
    _, df = refined
    row = df.iloc[0]
    assert row["status"] == "ok", row["error"]
    assert math.isfinite(row["dg_mmgbsa"]) and row["dg_mmgbsa"] < 0
    assert row["dg_vdw"] < 0
    # single trajectory: the internal terms cancel, so dG is exactly the receptor-ligand terms plus the GB change
    assert abs(row["dg_mmgbsa"] - (row["dg_coulomb"] + row["dg_vdw"] + row["dg_gb"])) < 1e-2
    assert row["dg_mmgbsa"] == pytest.approx(row["e_complex"] - row["e_receptor"] - row["e_ligand"], abs=1e-6)
    assert 0 <= row["rmsd_minimised"] < 2.0
    assert row["ligand_strain"] >= 0
    assert row["md_stays"] in (True, False) and math.isfinite(row["md_rmsd_final"])


def test_failed_ligands_are_recorded_and_others_go_on(refined):
    _, df = refined
    assert list(df["status"]) == ["ok", "failed", "failed", "ok", "ok"]
    assert df.iloc[1]["stage"] == "parameterise" and "B" in df.iloc[1]["error"]
    assert df.iloc[2]["stage"] == "read"
    assert df.iloc[3]["id"] == "crystal#2"


def test_same_input_same_energies(refined):
    _, df = refined
    for col in ("e_complex", "e_receptor", "e_ligand", "dg_mmgbsa", "rmsd_minimised"):
        assert df.iloc[0][col] == pytest.approx(df.iloc[3][col], rel=1e-9, abs=1e-9), col


def test_pose_out_of_the_pocket_scores_worse(refined):
    # the same ligand 25 A out in the solvent: no contacts, so dG is near zero and far above the crystal pose's
    _, df = refined
    xtal, far = df.iloc[0], df.iloc[4]
    assert far["status"] == "ok", far["error"]
    assert abs(far["dg_vdw"]) < 0.5 and abs(far["dg_mmgbsa"]) < 3.0, far.to_dict()
    assert far["dg_mmgbsa"] > xtal["dg_mmgbsa"] + 10.0


@pytest.mark.parametrize("model,xml", [("OBC2", "implicit/obc2.xml")])
def test_receptor_system_matches_openmm_app(prepared_1s3v, model, xml):
    # the pocket builder (whole receptor here) + our GB force equal OpenMM's own ff14SB + implicit-solvent system.
    # GBn2 agrees too (1e-16 relative, checked once) but its CustomGBForce takes ~16 s on the Reference platform.
    import numpy as np
    import openmm
    import openmm.app as app
    from vscreen.refine.complex_builder import ENERGY_GROUPS, Pocket, ReceptorModel
    from vscreen.refine.minimise import energy
    _, receptor, _ = prepared_1s3v
    model_ = ReceptorModel.load(receptor)
    ours = Pocket(model_, np.arange(len(model_.heavy)), model).receptor_system()
    ref = app.ForceField("amber14-all.xml", xml).createSystem(model_.topology, nonbondedMethod=app.NoCutoff,
                                                             constraints=None)
    platform = openmm.Platform.getPlatformByName("Reference")
    energies = []
    for system, groups in ((ours, ENERGY_GROUPS), (ref, set(range(32)))):
        ctx = openmm.Context(system, openmm.VerletIntegrator(0.001), platform)
        ctx.setPositions(model_.positions)
        energies.append(energy(ctx, groups))
    assert energies[0] == pytest.approx(energies[1], rel=1e-5)


def test_refined_poses_written(refined):
    d, df = refined
    mols = [m for m in Chem.SDMolSupplier(str(d / "refined.sdf"), removeHs=False)]
    assert len(mols) == 3
    assert float(mols[0].GetProp("vscreen_refine_dg_mmgbsa")) == pytest.approx(df.iloc[0]["dg_mmgbsa"], abs=1e-3)


def test_refine_results_adds_columns(prepared_1s3v):
    import pandas as pd
    _, receptor, crystal = prepared_1s3v
    pose = Chem.MolToMolBlock(crystal) + "$$$$\n"
    df = pd.DataFrame({"id": ["a", "b", "c"], "affinity": [-7.0, -9.0, -8.0], "pose": [pose, None, pose]})
    added = vscreen.refine_results(df, receptor, top=1, pocket_radius=6.0, ligand_strain=False)
    assert list(added.index) == list(df.index)
    assert added.loc[2, "refine_status"] == "ok" and added.loc[2, "refine_dg_mmgbsa"] < 0
    assert added["refine_status"].isna().tolist() == [True, True, False]


def test_cli_refine(prepared_1s3v, run_cli, tmp_path):
    d, receptor, crystal = prepared_1s3v
    sdf = tmp_path / "pose.sdf"
    w = Chem.SDWriter(str(sdf))
    w.write(crystal)
    w.close()
    r = run_cli("refine", "--receptor", receptor, "--poses", sdf, "--out", tmp_path / "out", "--pocket-radius", 6,
                "--workers", 1)
    assert r.returncode == 0, r.stderr
    assert "1 of 1 pose(s) refined" in r.stdout
    assert (tmp_path / "out" / "refine.csv").exists() and (tmp_path / "out" / "refined.sdf").exists()
    bad = run_cli("refine", "--receptor", d / "1s3v.pdbqt", "--poses", sdf, "--out", tmp_path / "out2")
    assert bad.returncode == 2 and "PDB with all hydrogens" in bad.stderr


def test_cli_export_system_for_the_cpp_refinement(prepared_1s3v, run_cli, tmp_path):
    import openmm
    _, receptor, _ = prepared_1s3v
    xml = tmp_path / "receptor.xml"
    r = run_cli("refine", "--receptor", receptor, "--export-system", xml)
    assert r.returncode == 0, r.stderr
    assert "vscreen::ReceptorModel::load" in r.stdout
    system = openmm.XmlSerializer.deserialize(xml.read_text())
    model = vscreen.refine.ReceptorModel.load(receptor)
    assert system.getNumParticles() == len(model.heavy)
    nb = next(f for f in system.getForces() if isinstance(f, openmm.NonbondedForce))
    charges = [nb.getParticleParameters(i)[0].value_in_unit(openmm.unit.elementary_charge)
               for i in range(system.getNumParticles())]
    assert charges == list(model.charges)
    assert abs(sum(charges) - round(sum(charges))) < 1e-6  # whole residues: an integer total charge
    bad = run_cli("refine", "--receptor", receptor, "--export-system", xml, "--poses", "x.sdf")
    assert bad.returncode == 2 and "--receptor only" in bad.stderr
