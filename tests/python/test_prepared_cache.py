# The prepared-ligand cache of campaigns: a second run prepares nothing, other settings miss, bad entries are redone.
import gzip

import pytest

import vscreen
from vscreen.campaign import prepare as prep
from vscreen.campaign.records import MoleculeRecord

pytest.importorskip("rdkit")

# Aspirin; phenylalanine with its centre open (two stereoisomers); an unsupported element, Bi (a named failure);
# an unparsable SMILES (a failure without a name in it); a record with neither id nor name.
SMILES = [("DB00945", "Aspirin", "CC(=O)Oc1ccccc1C(=O)O"), ("phe", "", "NC(Cc1ccccc1)C(=O)O"),
          ("bi", "", "c1ccccc1[Bi](c1ccccc1)c1ccccc1"), ("bad", "", "C1CC"), ("", "", "OCCc1ccccc1")]


def _records():
    out = []
    for i, (id_, name, smi) in enumerate(SMILES):
        key = vscreen.inchikey(smi) if vscreen.has_inchi and smi != "C1CC" else None
        out.append(MoleculeRecord(id_, name, smi, "smiles", f"lib.smi:{i + 1}", key))
    return out


@pytest.fixture
def counted(monkeypatch):
    """Counts the molecules handed to the C++ preparation."""
    calls = []
    real = prep._vscreen.prepare_ligands

    def counting(inputs, opts):
        calls.append(len(inputs))
        return real(inputs, opts)

    monkeypatch.setattr(prep._vscreen, "prepare_ligands", counting)
    return calls


def _summary(forms):
    return [(f.input_index, f.variant, f.ok, f.error, f.smiles, f.inchikey, f.ring_forms,
             vscreen.ligand_to_pdbqt(f.ligand) if f.ok else "", f.ligand.molblock if f.ok else "",
             f.ligand.name if f.ok else "") for f in forms]


def test_second_run_prepares_nothing_and_gives_the_same_forms(tmp_path, counted):
    options = {"cache": str(tmp_path / "cache")}
    uncached = prep.prepare_molecules(_records(), {"cache": False}, threads=1)
    first = prep.prepare_molecules(_records(), options, threads=1)
    assert counted == [5, 5]
    second = prep.prepare_molecules(_records(), options, threads=1)
    assert counted == [5, 5]  # nothing prepared: every molecule, failures included, came from the cache
    assert _summary(second) == _summary(first) == _summary(uncached)
    assert [f.ok for f in second] == [True, True, True, False, False, True]
    assert second[3].error.startswith("bi: unsupported element Bi")


def test_other_settings_and_other_text_miss_the_cache(tmp_path, counted):
    root = str(tmp_path / "cache")
    prep.prepare_molecules(_records()[:2], {"cache": root}, threads=1)
    prep.prepare_molecules(_records()[:2], {"cache": root, "max_stereoisomers": 1}, threads=1)
    assert counted == [2, 2]
    # the same molecule written another way (the embedding follows the atom order) is prepared anew
    aspirin = _records()[0]
    aspirin.text = "OC(=O)c1ccccc1OC(C)=O"
    prep.prepare_molecules([aspirin], {"cache": root}, threads=1)
    assert counted == [2, 2, 1]
    # the thread count is not a setting of the output
    prep.prepare_molecules(_records()[:2], {"cache": root}, threads=2)
    assert counted == [2, 2, 1]


def test_a_failure_is_reported_under_the_name_of_the_record_that_hits_it(tmp_path, counted):
    root = str(tmp_path / "cache")
    bi = _records()[2]
    prep.prepare_molecules([bi], {"cache": root}, threads=1)
    bi.id = "DB99999"
    form, = prep.prepare_molecules([bi], {"cache": root}, threads=1)
    assert counted == [1]
    assert form.error.startswith("DB99999: unsupported element Bi")


def test_corrupt_entries_are_detected_and_redone(tmp_path, counted):
    root = tmp_path / "cache"
    records = _records()[:3]
    first = prep.prepare_molecules(records, {"cache": str(root)}, threads=1)
    entries = sorted(root.glob("*/*/*.json.gz"))
    assert len(entries) == 3
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # truncated
    good = gzip.decompress(entries[1].read_bytes()).replace(b'"ring_forms": 1', b'"ring_forms": 7')
    entries[1].write_bytes(gzip.compress(good))  # valid gzip, tampered content: the checksum fails
    cache = prep.PreparedCache(root, prep.preparation_options({}))
    assert sum(cache.get(r.inchikey or "", r.format, r.text, r.id) is None for r in records) == 2
    assert cache.corrupt == 2
    again = prep.prepare_molecules(records, {"cache": str(root)}, threads=1)
    assert counted == [3, 2]  # the two bad entries were prepared again ...
    assert _summary(again) == _summary(first)
    prep.prepare_molecules(records, {"cache": str(root)}, threads=1)
    assert counted == [3, 2]  # ... and rewritten whole


def test_cache_setting_is_checked():
    assert prep.cache_location({"cache": "off"}) is None
    assert prep.cache_location({"cache": False}) is None
    with pytest.raises(prep.CampaignError, match="preparation.cache"):
        prep.preparation_options({"cache": 3})


def test_a_molecule_whose_ligand_does_not_rebuild_exactly_is_not_cached(tmp_path, counted):
    # edaravone: MMFF's aromaticity (left on by the clean-up's typing) and a molblock read back type a C differently
    key = vscreen.inchikey("CC1=NN(c2ccccc2)C(=O)C1") if vscreen.has_inchi else None
    edaravone = MoleculeRecord("DB12243", "Edaravone", "CC1=NN(c2ccccc2)C(=O)C1", "smiles", "d:1", key)
    root = str(tmp_path / "cache")
    first = prep.prepare_molecules([edaravone], {"cache": root}, threads=1)
    second = prep.prepare_molecules([edaravone], {"cache": root}, threads=1)
    assert counted == [1, 1]  # prepared again: a cached copy would have been typed differently
    assert _summary(second) == _summary(first)
    assert not list((tmp_path / "cache").glob("*/*/*.json.gz"))
