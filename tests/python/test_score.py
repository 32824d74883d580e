# Exact scoring against AutoDock Vina 1.2.3 --score_only on the 1IEP crystal pose.
import json

import numpy as np
import pytest

import vscreen

# vina --receptor 1iep_receptor.pdbqt --ligand 1iep_ligand.pdbqt --score_only (Vina 1.2.3, Debian 1.2.3-2)
VINA_AFFINITY = -12.513
VINA_INTER = -17.634


def test_score_matches_vina(complex_1iep):
    receptor, ligand = complex_1iep
    s = vscreen.score(receptor, ligand)
    assert s.affinity == pytest.approx(VINA_AFFINITY, abs=0.05)
    assert s.inter == pytest.approx(VINA_INTER, abs=0.05)
    assert sum(s.terms.values()) == pytest.approx(s.inter, abs=1e-3)
    assert set(s.terms) == set(vscreen.term_names)


def test_pose_score_is_dict_like(complex_1iep):
    receptor, ligand = complex_1iep
    s = vscreen.score(receptor, ligand)
    d = dict(s)
    assert set(d) == {"affinity", "inter", "intra", "terms", "num_rotors"}
    assert s["affinity"] == d["affinity"] == s.affinity
    assert d["num_rotors"] == ligand.num_rotors
    with pytest.raises(KeyError):
        s["nope"]


def test_score_with_explicit_coords(complex_1iep):
    receptor, ligand = complex_1iep
    same = vscreen.score(receptor, ligand, coords=ligand.coords)
    assert same.affinity == pytest.approx(vscreen.score(receptor, ligand).affinity)
    moved = vscreen.score(receptor, ligand, coords=ligand.coords + np.float32(30.0))
    assert moved.inter > -0.5  # far from the pocket
    with pytest.raises(vscreen.InputError):
        vscreen.score(receptor, ligand, coords=np.zeros((3, 2)))


def test_reference_json_if_present(data_dir):
    ref_file = data_dir / "vina_reference.json"
    if not ref_file.exists():
        pytest.skip("tests/data/vina_reference.json not present")
    ref = json.loads(ref_file.read_text())
    for key, entry in ref.items():
        if key.startswith("_"):
            continue
        receptor = vscreen.read_receptor_pdbqt_file(data_dir / entry["receptor"])
        ligand = vscreen.read_ligand_pdbqt_file(data_dir / entry["ligand"])
        for scoring in ("vina", "vinardo"):
            if scoring not in entry:
                continue
            s = vscreen.score(receptor, ligand, scoring=scoring)
            assert s.affinity == pytest.approx(entry[scoring]["affinity"], abs=0.05), (key, scoring)
            assert s.inter == pytest.approx(entry[scoring]["inter"], abs=0.05), (key, scoring)


def test_molecule_properties(complex_1iep):
    receptor, ligand = complex_1iep
    assert receptor.coords.shape == (receptor.num_atoms, 3)
    assert receptor.coords.dtype == np.float32
    assert not receptor.coords.flags.writeable
    assert ligand.name == "1iep_ligand"
    assert ligand.coords.shape == (ligand.num_atoms, 3) == (40, 3)
    assert ligand.num_heavy_atoms == 37
    assert ligand.num_torsions >= 1
    assert ligand.num_rotors > 0
    assert len(ligand.elements) == ligand.num_atoms


def test_errors_are_typed(tmp_path):
    assert issubclass(vscreen.InputError, ValueError)
    assert issubclass(vscreen.InputError, vscreen.VscreenError)
    assert issubclass(vscreen.DeviceError, RuntimeError)
    assert issubclass(vscreen.CapacityError, vscreen.VscreenError)
    with pytest.raises(vscreen.InputError, match="missing.pdbqt"):
        vscreen.read_ligand_pdbqt_file(tmp_path / "missing.pdbqt")
    with pytest.raises(vscreen.InputError):
        vscreen.DockingSettings(scoring="autodock4")
    with pytest.raises(vscreen.InputError):
        vscreen.read_receptor(tmp_path / "receptor.xyz")


@pytest.mark.skipif(not vscreen.has_rdkit, reason="built without the RDKit readers (vscreen::prep)")
def test_read_receptor_dispatches_on_extension(data_dir):
    pdb = data_dir / "1iep_receptorH_excerpt.pdb"
    if not pdb.exists():
        pytest.skip("tests/data/1iep_receptorH_excerpt.pdb not present")
    receptor = vscreen.read_receptor(pdb)
    assert 0 < receptor.num_atoms < 321  # heavy atoms only are scored
    assert vscreen.read_receptor(data_dir / "1iep_receptor.pdbqt").num_atoms == 2229


# vina --receptor 1iep_receptor.pdbqt --ligand 1iep_ligand.pdbqt --local_only --autobox (Vina 1.2.3)
VINA_LOCAL_ONLY_AFFINITY = -13.241
VINA_LOCAL_ONLY_INTER = -18.660


def test_score_minimize_matches_vina_local_only(run_cli, data_dir, tmp_path):
    out = tmp_path / "opt.pdbqt"
    p = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--minimize", "--json", "--out", out)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["minimized"] is True
    assert doc["affinity"] == pytest.approx(VINA_LOCAL_ONLY_AFFINITY, abs=0.1)
    assert doc["inter"] == pytest.approx(VINA_LOCAL_ONLY_INTER, abs=0.1)
    assert doc["affinity"] < VINA_AFFINITY  # lower than the pose as given
    assert 0 < doc["rmsd_to_input"] < 1.0
    assert doc["evaluations"] > 0
    # The optimised pose is written and scores as reported.
    receptor = vscreen.read_receptor_pdbqt_file(str(data_dir / "1iep_receptor.pdbqt"))
    written = vscreen.score(receptor, vscreen.read_ligand_pdbqt_file(str(out)))
    assert written.affinity == pytest.approx(doc["affinity"], abs=0.01)
    assert "REMARK VSCREEN SEARCH EVALUATIONS: %d" % doc["evaluations"] in out.read_text()


def test_score_out_needs_minimize(run_cli, data_dir, tmp_path):
    p = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--out", tmp_path / "x.pdbqt")
    assert p.returncode == 2
    assert "--minimize" in p.stderr


def test_dock_reports_its_evaluations(complex_1iep):
    receptor, ligand = complex_1iep
    settings = vscreen.DockingSettings(center=(15.19, 53.903, 16.917), size=(20, 20, 20), exhaustiveness=2,
                                       search_scale=0.02, seed=1)
    a = vscreen.dock(receptor, [ligand], settings, device="cpu")[0]
    assert a.evaluations > 1000
    assert vscreen.dock(receptor, [ligand], settings, device="cpu")[0].evaluations == a.evaluations
    sdf = vscreen.write_sdf_modes(None, ligand, a)
    assert f"<vscreen_evaluations>\n{a.evaluations}" in sdf
