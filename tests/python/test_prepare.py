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
