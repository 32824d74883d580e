# Library readers on small files made here in each format (SMILES, CSV, SDF, DrugBank XML, UniChem dumps, gzip),
# InChIKeys, de-duplication, and malformed records kept as failures.
import gzip

import pytest

from vscreen.campaign import (CampaignError, DedupStats, KeySet, deduplicate, read_csv, read_drugbank_xml,
                              read_library, read_sdf, read_smiles, read_unichem)
from vscreen.campaign.identity import inchikey

ETHANOL = "LFQSCWFLJHTTHZ-UHFFFAOYSA-N"
L_ALANINE = "QNAYBMKLOCPYGJ-REOHCLBHSA-N"
D_ALANINE = "QNAYBMKLOCPYGJ-UWTATZPHSA-N"


def test_inchikeys_are_standard_keys_with_stereo():
    assert inchikey("CCO", "smiles") == ETHANOL
    assert inchikey("OCC", "smiles") == ETHANOL
    assert inchikey("C[C@@H](C(=O)O)N", "smiles") == L_ALANINE
    assert inchikey("C[C@H](C(=O)O)N", "smiles") == D_ALANINE
    assert inchikey("C/C=C/C", "smiles") == "IAQRGUVFOMOMEM-ONEGZZNKSA-N"
    assert inchikey("C/C=C\\C", "smiles") == "IAQRGUVFOMOMEM-ARJAWSKDSA-N"
    assert inchikey("CC(=O)[O-]", "smiles") == "QTBSBXVTEAMEQO-UHFFFAOYSA-M"
    assert inchikey("InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3", "inchi") == ETHANOL
    assert inchikey("C1CC", "smiles") is None  # unparseable: no key, preparation reports why


def test_smiles_file_plain_and_gzip(tmp_path):
    text = "smiles id name\n# a comment\nCCO eth Ethanol absolute\n\nc1ccccc1\nnot_a_smiles x\n"
    plain = tmp_path / "lib.smi"
    plain.write_text(text)
    packed = tmp_path / "lib.smi.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path in (plain, packed):
        recs = list(read_smiles(str(path)))
        assert [r.id for r in recs] == ["eth", "lib_5", "x"]
        assert recs[0].name == "Ethanol absolute" and recs[0].format == "smiles"
        assert recs[0].source == f"{path.name}:3" and recs[0].inchikey == ETHANOL
        assert recs[2].inchikey is None and recs[2].error == ""  # bad SMILES: preparation fails it, not the reader


def test_drugbank_csv_as_shipped(tmp_path):
    path = tmp_path / "drugbank_approved_id_name_smiles.csv"
    path.write_text('drugbank_id,name,smiles,atc\n'
                    'DB00945,Acetylsalicylic acid,CC(=O)Oc1ccccc1C(=O)O,"B01AC06,N02BA01"\n'
                    'DB99999,"Broken, row",CCO,x,extra\n'
                    'DB99998,Empty,,\n'
                    'DB00316,Acetaminophen,CC(=O)Nc1ccc(O)cc1,N02BE01\n')
    recs = list(read_csv(str(path)))
    assert [r.id for r in recs] == ["DB00945", "DB99999", "DB99998", "DB00316"]
    assert recs[0].name == "Acetylsalicylic acid" and recs[0].inchikey == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"
    assert "malformed row" in recs[1].error and recs[2].error == "empty SMILES cell"
    assert recs[3].source.endswith(":5")
    assert [r.id for r in read_library(str(path))] == [r.id for r in recs]


def test_csv_needs_a_smiles_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,structure_text\n1,CCO\n")
    with pytest.raises(CampaignError, match="no SMILES column"):
        list(read_csv(str(path)))
    assert [r.text for r in read_csv(str(path), smiles_column="structure_text")] == ["CCO"]


def _molblock(smiles):
    from rdkit import Chem
    from rdkit.Chem import AllChem
    m = Chem.MolFromSmiles(smiles)
    AllChem.Compute2DCoords(m)
    return Chem.MolToMolBlock(m)


def _drugbank_sdf(tmp_path, gz):
    # DrugBank's structure SDF layout: blank title, DATABASE_ID, DRUGBANK_ID, GENERIC_NAME, INCHI_KEY fields.
    recs = []
    for dbid, name, smi, key in (("DB00945", "Acetylsalicylic acid", "CC(=O)Oc1ccccc1C(=O)O", True),
                                 ("DB00316", "Acetaminophen", "CC(=O)Nc1ccc(O)cc1", False)):
        block = _molblock(smi)
        fields = f"> <DATABASE_ID>\n{dbid}\n\n> <DRUGBANK_ID>\n{dbid}\n\n> <GENERIC_NAME>\n{name}\n\n"
        if key:
            fields += "> <INCHI_KEY>\nInChIKey=BSYNRYMUTXBXSQ-UHFFFAOYSA-N\n\n"
        recs.append("\n" + block.split("\n", 1)[1] + fields + "$$$$\n")
    recs.append("truncated\n  RDKit\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n$$$$\n")
    text = "".join(recs)
    path = tmp_path / ("structures.sdf.gz" if gz else "structures.sdf")
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_drugbank_structure_sdf(tmp_path, gz):
    path = _drugbank_sdf(tmp_path, gz)
    recs = list(read_sdf(str(path)))
    assert [r.id for r in recs] == ["DB00945", "DB00316", "truncated"]
    assert recs[0].name == "Acetylsalicylic acid" and recs[0].format == "molblock"
    assert recs[0].inchikey == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"  # from the INCHI_KEY field
    assert recs[1].inchikey == "RZVAJINKPMORJF-UHFFFAOYSA-N"  # computed from the molblock
    assert "M  END" in recs[0].text and "DRUGBANK_ID" not in recs[0].text
    assert "without 'M  END'" in recs[2].error
    assert recs[0].source == f"{path.name}:1"
    lines = (gzip.decompress(path.read_bytes()) if gz else path.read_bytes()).decode().split("\n")
    start = int(recs[1].source.rsplit(":", 1)[1])
    assert lines[start - 2] == "$$$$" and lines[start].strip() == "RDKit          2D"  # the record's first line


DRUGBANK_XML = """<?xml version="1.0" encoding="UTF-8"?>
<drugbank xmlns="http://www.drugbank.ca" version="5.1" exported-on="2024-01-03">
<drug type="biotech" created="2005-06-13" updated="2023-06-30">
  <drugbank-id primary="true">DB00001</drugbank-id>
  <drugbank-id>BTD00024</drugbank-id>
  <name>Lepirudin</name>
  <groups><group>approved</group></groups>
  <drug-interactions><drug-interaction><drugbank-id>DB06605</drugbank-id><name>Apixaban</name>
  </drug-interaction></drug-interactions>
</drug>
<drug type="small molecule" created="2005-06-13" updated="2023-06-30">
  <drugbank-id>APRD00264</drugbank-id>
  <drugbank-id primary="true">DB00945</drugbank-id>
  <name>Acetylsalicylic acid</name>
  <groups><group>approved</group><group>vet_approved</group></groups>
  <salts><salt><drugbank-id>DBSALT000001</drugbank-id><name>Aspirin lysine</name></salt></salts>
  <calculated-properties>
    <property><kind>logP</kind><value>1.24</value><source>ALOGPS</source></property>
    <property><kind>SMILES</kind><value>CC(=O)OC1=CC=CC=C1C(O)=O</value><source>ChemAxon</source></property>
    <property><kind>InChIKey</kind><value>BSYNRYMUTXBXSQ-UHFFFAOYSA-N</value><source>ChemAxon</source></property>
  </calculated-properties>
</drug>
<drug type="small molecule">
  <drugbank-id primary="true">DB00000</drugbank-id>
  <name>Experimental thing</name>
  <groups><group>experimental</group></groups>
  <calculated-properties>
    <property><kind>InChI</kind><value>InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3</value></property>
  </calculated-properties>
</drug>
</drugbank>
"""


def test_drugbank_xml(tmp_path):
    path = tmp_path / "full database.xml"
    path.write_text(DRUGBANK_XML)
    recs = list(read_drugbank_xml(str(path)))
    assert [r.id for r in recs] == ["DB00001", "DB00945", "DB00000"]
    assert recs[0].name == "Lepirudin" and "no structure" in recs[0].error and "biotech" in recs[0].error
    assert recs[1].name == "Acetylsalicylic acid" and recs[1].text == "CC(=O)OC1=CC=CC=C1C(O)=O"
    assert recs[1].inchikey == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N" and recs[1].format == "smiles"
    assert recs[2].format == "inchi" and recs[2].inchikey == ETHANOL
    approved = list(read_drugbank_xml(str(path), groups=["approved"]))
    assert [r.id for r in approved] == ["DB00001", "DB00945"]
    gz = tmp_path / "drugbank.xml.gz"
    gz.write_bytes(gzip.compress(DRUGBANK_XML.encode()))
    assert [r.id for r in read_library(str(gz), "drugbank-xml")] == ["DB00001", "DB00945", "DB00000"]


def _unichem(tmp_path):
    structure = tmp_path / "structure.tsv.gz"
    structure.write_bytes(gzip.compress((
        "UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n"
        f"1\tInChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3\t{ETHANOL}\n"
        f"2\tInChI=1S/C3H7NO2/c1-2(4)3(5)6/h2H,4H2,1H3,(H,5,6)/t2-/m0/s1\t{L_ALANINE}\n"
        "3\tgarbage\n"
        f"4\tInChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3\t{ETHANOL}\n").encode()))
    reference = tmp_path / "reference.tsv.gz"  # not sorted by UCI; one obsolete assignment
    reference.write_bytes(gzip.compress((
        "UCI\tSRC_ID\tSRC_COMPOUND_ID\tASSIGNMENT\n"
        "2\t1\tCHEMBL279597\t1\n"
        "1\t1\tCHEMBL545\t1\n"
        "2\t2\tDB00160\t1\n"
        "1\t2\tDB00898\t0\n"
        "4\t22\t702\t1\n").encode()))
    return structure, reference


def test_unichem_join_and_filters(tmp_path):
    structure, reference = _unichem(tmp_path)
    recs = list(read_unichem(str(structure)))
    assert [r.id for r in recs] == ["UCI1", "UCI2", "UCI3", "UCI4"]
    assert recs[0].format == "inchi" and recs[0].inchikey == ETHANOL and "malformed" in recs[2].error
    joined = list(read_unichem(str(structure), reference=str(reference)))
    assert [r.id for r in joined] == ["CHEMBL545", "CHEMBL279597", "UCI3", "702"]
    assert joined[1].name == "1:CHEMBL279597 2:DB00160"
    drugbank = list(read_unichem(str(structure), reference=str(reference), sources=[2]))
    assert [r.id for r in drugbank] == ["DB00160", "UCI3"]  # DB00898 is obsolete; malformed rows still show
    index = tmp_path / "ref.sqlite"
    first = list(read_unichem(str(structure), reference=str(reference), sources=[2, 1], index_path=str(index)))
    again = list(read_unichem(str(structure), reference=str(reference), sources=[2, 1], index_path=str(index)))
    assert [r.id for r in first] == [r.id for r in again] == ["CHEMBL545", "DB00160", "UCI3"]
    with pytest.raises(CampaignError, match="not a UniChem dump"):
        list(read_unichem(str(reference)))


def test_dedup_by_inchikey_first_wins(tmp_path):
    path = tmp_path / "lib.smi"
    path.write_text("CCO a\nOCC b\nC[C@@H](C(=O)O)N c\nC[C@H](C(=O)O)N d\nC1CC e\nC1CC f\n[CH3][CH2]O g\n")
    stats = DedupStats()
    with KeySet(str(tmp_path)) as keys:
        kept = [r.id for r in deduplicate(read_smiles(str(path)), keys, stats)]
        assert [p.name for p in tmp_path.iterdir()] == ["lib.smi"]  # the key file has no name: nothing to leak
    assert kept == ["a", "c", "d", "e", "f"]  # stereoisomers differ; unparseable records are never merged
    assert (stats.read, stats.duplicates) == (7, 2)


def test_library_format_from_name(tmp_path):
    with pytest.raises(CampaignError, match="cannot tell the library format"):
        p = tmp_path / "lib.weird"
        p.write_text("x")
        read_library(str(p))
    with pytest.raises(CampaignError, match="not found"):
        read_library(str(tmp_path / "missing.smi"))
