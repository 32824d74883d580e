# The vscreen command line: score output, and errors reported as one line with exit status 2.
import json

import pytest

from conftest import BOX_1IEP
from test_score import VINA_AFFINITY, VINA_INTER


def test_score_json(run_cli, data_dir):
    r = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"ligand", "affinity", "inter", "intra", "terms", "num_rotors"}
    assert doc["ligand"] == "1iep_ligand"
    assert doc["affinity"] == pytest.approx(VINA_AFFINITY, abs=0.05)
    assert doc["inter"] == pytest.approx(VINA_INTER, abs=0.05)
    assert set(doc["terms"]) == {"gauss1", "gauss2", "repulsion", "hydrophobic", "hydrogen"}


def test_score_text(run_cli, data_dir):
    r = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt")
    assert r.returncode == 0, r.stderr
    assert "Estimated Free Energy of Binding" in r.stdout
    assert "(1) Final Intermolecular Energy" in r.stdout


def _assert_clean_error(r, name):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, r.stderr
    assert name in lines[0]


def test_missing_file(run_cli, data_dir, tmp_path):
    missing = tmp_path / "no_such_receptor.pdbqt"
    r = run_cli("score", "--receptor", missing, "--ligand", data_dir / "1iep_ligand.pdbqt")
    _assert_clean_error(r, "no_such_receptor.pdbqt")
    r = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", tmp_path / "gone.pdbqt")
    _assert_clean_error(r, "gone.pdbqt")


def test_malformed_pdbqt(run_cli, data_dir, tmp_path):
    bad = tmp_path / "broken_ligand.pdbqt"
    bad.write_text("ROOT\nATOM      1  C   LIG A   1      xx.xxx  1.000  2.000  0.00  0.00     0.000 C\nENDROOT\n")
    r = run_cli("score", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", bad)
    _assert_clean_error(r, "broken_ligand.pdbqt")


def test_dock_missing_receptor(run_cli, data_dir, tmp_path):
    r = run_cli("dock", "--receptor", tmp_path / "absent.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--center", *BOX_1IEP["center"], "--size", *BOX_1IEP["size"], "--out", tmp_path / "o.pdbqt")
    _assert_clean_error(r, "absent.pdbqt")


def test_dock_unknown_device(run_cli, data_dir, tmp_path):
    r = run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--center", *BOX_1IEP["center"], "--size", *BOX_1IEP["size"], "--device", "tpu",
                "--out", tmp_path / "o.pdbqt")
    _assert_clean_error(r, "tpu")


def test_dock_only_bad_ligands(run_cli, data_dir, tmp_path):
    bad = tmp_path / "bad.pdbqt"
    bad.write_text("this is not a PDBQT file\n")
    r = run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", bad,
                "--center", *BOX_1IEP["center"], "--size", *BOX_1IEP["size"], "--out", tmp_path / "o.pdbqt")
    assert r.returncode == 1
    assert "bad.pdbqt" in r.stderr and "Traceback" not in r.stderr


def test_box_arguments_required(run_cli, data_dir, tmp_path):
    r = run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                "--out", tmp_path / "o.pdbqt")
    _assert_clean_error(r, "--center")
