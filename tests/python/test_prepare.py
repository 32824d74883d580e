# Ligand preparation from Python: records in, prepared forms or reasons out; the forms dock.
import pytest

import vscreen

rdkit = pytest.importorskip("rdkit")
from rdkit import Chem  # noqa: E402


def test_each_input_gives_forms_or_one_reason():
    inputs = [vscreen.MoleculeInput("CC(=O)Oc1ccccc1C(=O)O", id="DB00945", name="Aspirin", source="t.smi:1"),
              vscreen.MoleculeInput("C1CC", id="bad", source="t.smi:2"),
              vscreen.MoleculeInput("NC(Cc1ccccc1)C(=O)O", id="phe", source="t.smi:3")]
    out = vscreen.prepare_ligands(inputs, vscreen.PreparationOptions(threads=2))
    assert [(p.input_index, p.variant, p.ok) for p in out] == [(0, 0, True), (1, 0, False), (2, 0, True), (2, 1, True)]
    aspirin, bad = out[0], out[1]
    assert (aspirin.id, aspirin.name, aspirin.source) == ("DB00945", "Aspirin", "t.smi:1")
    assert aspirin.smiles == "CC(=O)Oc1ccccc1C(=O)[O-]"
    assert "cannot parse SMILES" in bad.error and bad.source == "t.smi:2"
    assert out[2].smiles != out[3].smiles  # the two enantiomers of unspecified phenylalanine


def test_molblock_is_3d_with_hydrogens_and_matches_the_reported_smiles():
    p = vscreen.prepare_ligands([vscreen.MoleculeInput("CN1CCN(CC1)Cc1ccc(cc1)C(=O)N")])[0]
    mol = Chem.MolFromMolBlock(p.molblock, removeHs=False)
    assert mol is not None
    assert mol.GetConformer().Is3D()
    assert any(a.GetAtomicNum() == 1 for a in mol.GetAtoms())
    assert Chem.MolToSmiles(Chem.RemoveHs(mol)) == p.smiles
    assert p.ligand.name == "" or p.ligand.name.startswith("molecule")


def test_bad_options_raise():
    with pytest.raises(vscreen.InputError, match="max_stereoisomers"):
        vscreen.prepare_ligands([vscreen.MoleculeInput("CCO")], vscreen.PreparationOptions(max_stereoisomers=0))
    with pytest.raises(vscreen.InputError, match="unknown molecule format"):
        vscreen.prepare_ligands([vscreen.MoleculeInput("CCO", format="cml")])


@pytest.mark.skipif(not vscreen.has_inchi, reason="built without the IUPAC InChI library")
def test_inchikey_of_smiles_and_inchi_agree():
    assert vscreen.inchikey("C[C@H](N)C(=O)O") == "QNAYBMKLOCPYGJ-REOHCLBHSA-N"
    inchi = "InChI=1S/C3H7NO2/c1-2(4)3(5)6/h2H,4H2,1H3,(H,5,6)/t2-/m0/s1"
    assert vscreen.inchikey(inchi, format="inchi") == "QNAYBMKLOCPYGJ-REOHCLBHSA-N"
    with pytest.raises(vscreen.InputError):
        vscreen.inchikey("C1CC")


def test_prepared_ligand_docks(complex_1iep):
    receptor, _ = complex_1iep
    p = vscreen.prepare_ligands([vscreen.MoleculeInput("CC(=O)Oc1ccccc1C(=O)O", id="aspirin")])[0]
    settings = vscreen.DockingSettings(center=(15.19, 53.903, 16.917), size=(20, 20, 20), exhaustiveness=2,
                                       num_modes=3, seed=1)
    result = vscreen.dock(receptor, [p.ligand], settings)[0]
    assert len(result.modes) >= 1
    assert result.modes[0].affinity < -4.0


def test_prepare_ligands_cli_lists_failures_and_keeps_good_records(run_cli, tmp_path, data_dir):
    smi = tmp_path / "lib.smi"
    smi.write_text("CC(=O)Oc1ccccc1C(=O)O DB00945 Aspirin\nC1CC broken\nC(C)(C)(C)(C)C pentavalent\n"
                   "CN1CCN(CC1)Cc1ccc(cc1)C(=O)N amide\n")
    sdf_text = (data_dir / "1iep_ligand.sdf").read_text()
    sdf = tmp_path / "lib.sdf"
    sdf.write_text(sdf_text + sdf_text[:1500])  # a good record, then one cut off in the middle of its atom block
    out = tmp_path / "prepared.sdf"
    r = run_cli("prepare-ligands", smi, sdf, "--out", out, "--threads", "2")
    assert r.returncode == 0, r.stderr
    assert "Prepared 3 of 6 molecule(s)" in r.stdout
    failures = (tmp_path / "prepared_failures.csv").read_text().splitlines()
    assert failures[0] == "id,name,source,error"
    assert any(line.startswith("broken,,lib.smi:2,cannot parse SMILES") for line in failures)
    assert any(line.startswith("pentavalent,") and "valence" in line for line in failures)
    assert any("lib.sdf:" in line and "M  END" in line for line in failures)
    records = out.read_text().split("$$$$\n")[:-1]
    ids = [rec.split(">  <vscreen_id>\n")[1].split("\n")[0] for rec in records]
    assert list(dict.fromkeys(ids)) == ["DB00945", "amide", "STI"]
    assert ids == ["DB00945", "amide", "STI"]  # one form each (ring_conformers defaults to 1)
    mol = Chem.MolFromMolBlock(records[0], removeHs=False)
    assert mol is not None and mol.GetConformer().Is3D()


def test_prepare_ligands_cli_empty_file_is_a_clear_error(run_cli, tmp_path):
    empty = tmp_path / "empty.smi"
    empty.write_text("")
    r = run_cli("prepare-ligands", empty, "--out", tmp_path / "x.sdf")
    assert r.returncode == 2
    assert "no molecules in" in r.stderr and "empty.smi" in r.stderr


def test_dock_from_smiles_cli(run_cli, tmp_path, data_dir):
    out = tmp_path / "docked.sdf"
    r = run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--smiles", "CC(=O)Oc1ccccc1C(=O)O",
                "--smiles", "not-a-smiles", "--center", 15.19, 53.903, 16.917, "--size", 20, 20, 20,
                "--exhaustiveness", 1, "--num-modes", 2, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "skipped ligand 'smiles_2'" in r.stderr
    text = out.read_text()
    assert text.count("$$$$") >= 1
    assert "smiles_1" in text


def test_step_timings_are_on_the_first_entry_of_each_input():
    out = vscreen.prepare_ligands([vscreen.MoleculeInput("NC(Cc1ccccc1)C(=O)O", id="phe"),
                                   vscreen.MoleculeInput("C1CC", id="bad")], vscreen.PreparationOptions(threads=1))
    first, second, bad = out
    steps = ["parse", "inchikey", "standardize", "tautomer", "protonate", "stereo", "embed", "force_field", "build"]
    assert list(first.timings.as_dict()) == steps
    assert first.timings.embed > 0 and first.timings.force_field > 0  # both stereoisomers' 3D work is on it
    assert set(second.timings.as_dict().values()) == {0.0}
    assert bad.timings.parse > 0 and bad.timings.embed == 0  # a failure carries the steps it got through


def test_forms_say_how_their_3d_was_built_and_carry_their_stereo():
    # Every 5th drug of the test library: most forms come from the fragment builder, the rest from ETKDG, and
    # either way the molblock's 3D has the stereo the form's SMILES names.
    import csv
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "data", "approved_drugs_300.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))[::5]
    out = vscreen.prepare_ligands([vscreen.MoleculeInput(r["smiles"], id=r["drugbank_id"]) for r in rows],
                                  vscreen.PreparationOptions(threads=2))
    forms = [p for p in out if p.ok]
    assert len(forms) >= 50
    assert {p.embedding for p in forms} <= {"fragments", "etkdg"}
    assert sum(p.embedding == "fragments" for p in forms) >= 0.9 * len(forms)
    for p in forms:
        mol = Chem.MolFromMolBlock(p.molblock, removeHs=False)
        Chem.AssignStereochemistryFrom3D(mol)
        want = Chem.MolFromSmiles(p.smiles)
        for m in (mol, want):  # nitrogen configurations are not kept (they invert in solution)
            for a in m.GetAtoms():
                if a.GetAtomicNum() == 7:
                    a.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
        assert Chem.MolToSmiles(Chem.RemoveHs(mol)) == Chem.MolToSmiles(want), (p.id, p.embedding)
