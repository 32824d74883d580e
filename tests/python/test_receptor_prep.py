# Receptor preparation from raw PDB/mmCIF files (PDBFixer + OpenMM): selection, alternate locations, hydrogens,
# metal ions, PDBQT output that reads and scores, search boxes, malformed inputs and the command line.
from collections import defaultdict

import numpy as np
import pytest

import vscreen
from vscreen.receptor_cli import preparation_reason
from vscreen.receptor_selection import Residue, resolve_altlocs
from vscreen.structure_file import read_structure_file

pytest.importorskip("pdbfixer", reason="receptor preparation needs PDBFixer (Debian: python3-pdbfixer python3-simtk)")

# 6M0J: HIS A228 and GLN E493 have alternate locations A and B at occupancy 0.50 each (a tie: A is kept).
HIS228_CA_ALT_A = (-10.985, 27.670, -35.167)


def pdb_atoms(path):
    """(record, name, resname, chain, resseq, element, xyz) of every ATOM/HETATM line of a PDB or PDBQT file."""
    out = []
    for line in open(path):
        if line.startswith(("ATOM  ", "HETATM")):
            out.append((line[:6].strip(), line[12:16].strip(), line[17:20].strip(), line[21], int(line[22:26]),
                        line[76:79].strip(), np.array([float(line[30:38]), float(line[38:46]), float(line[46:54])])))
    return out


def residues_of(atoms):
    res = defaultdict(list)
    for a in atoms:
        res[(a[3], a[4], a[2])].append(a)
    return res


def bound_hydrogens(residue_atoms, parent):
    """Hydrogens within 1.2 A of the named atom of a residue."""
    p = next(a[6] for a in residue_atoms if a[1] == parent)
    return [a for a in residue_atoms if a[5] == "H" and np.linalg.norm(a[6] - p) < 1.2]


@pytest.fixture(scope="module")
def prep_6lu7(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("6lu7") / "6lu7_receptor.pdbqt"
    return vscreen.prepare_receptor(data_dir / "6lu7.pdb", out)


@pytest.fixture(scope="module")
def prep_6m0j_cif(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("6m0j") / "6m0j.pdbqt"
    return vscreen.prepare_receptor(data_dir / "6m0j.cif.gz", out)


# ---------------------------------------------------------------------------------------------------
# 6LU7 (raw PDB, default options)

def test_defaults_keep_protein_chain_drop_waters_and_ligand(prep_6lu7):
    r = prep_6lu7
    assert r.chains == ["A"]
    assert "peptide" in r.chains_dropped["C"]  # the 6-residue N3 inhibitor chain is a ligand, not a receptor chain
    assert (r.waters_removed, r.waters_kept) == (84, 0)
    assert set(r.het_removed) == {"02J", "PJE", "010"}
    assert r.metals_kept == [] and r.residues == 306
    atoms = pdb_atoms(r.pdb_path)
    assert {a[3] for a in atoms} == {"A"}
    assert not {"HOH", "02J", "PJE", "010"} & {a[2] for a in atoms}
    assert sum(a[5] == "H" for a in atoms) == r.hydrogens == r.hydrogens_added > 2000
    assert any("84 water(s) removed" in c for c in r.changes)
    assert "hydrogen(s) added at pH 7.4" in str(r)


def test_protonation_states_at_ph_7_4(prep_6lu7, data_dir):
    residues = residues_of(pdb_atoms(prep_6lu7.pdb_path))
    lys = [v for (_, _, name), v in residues.items() if name == "LYS"]
    asp = [v for (_, _, name), v in residues.items() if name == "ASP"]
    his = [v for (_, _, name), v in residues.items() if name == "HIS"]
    assert len(lys) == 11 and len(asp) == 17 and len(his) == 7
    assert all(len(bound_hydrogens(v, "NZ")) == 3 for v in lys)  # Lys NH3+ (pKa 10.5)
    assert all(len(bound_hydrogens(v, "OD1")) + len(bound_hydrogens(v, "OD2")) == 0 for v in asp)  # Asp COO-
    # Neutral histidine: exactly one of ND1/NE2 protonated.
    assert all(len(bound_hydrogens(v, "ND1")) + len(bound_hydrogens(v, "NE2")) == 1 for v in his)
    # Every heavy atom of the crystal structure is still there, at the same place.
    raw = {(a[3], a[4], a[1]): a[6] for a in pdb_atoms(data_dir / "6lu7.pdb") if a[3] == "A" and a[0] == "ATOM"}
    out = {(a[3], a[4], a[1]): a[6] for a in pdb_atoms(prep_6lu7.pdb_path) if a[5] != "H"}
    assert set(raw) <= set(out) and len(out) == len(raw) + 1  # + the C-terminal OXT
    assert max(np.abs(raw[k] - out[k]).max() for k in raw) < 1e-3


def test_pdbqt_is_read_back_and_scores(prep_6lu7, data_dir):
    r = prep_6lu7
    receptor = vscreen.read_receptor_pdbqt_file(r.pdbqt_path)
    assert receptor.num_atoms == r.pdbqt_atoms == r.heavy_atoms
    types = [a[5] for a in pdb_atoms(r.pdbqt_path)]
    assert "HD" in types and "H" not in types  # polar hydrogens only
    assert types.count("HD") > 400
    # Any ligand of tests/data reads and scores against it (the N3 inhibitor of 6LU7 is covalent).
    s = vscreen.score(receptor, vscreen.read_ligand_file(data_dir / "1iep_ligand.sdf"))
    assert np.isfinite(s.affinity)


def test_prepared_raw_receptor_scores_crystal_ligand(tmp_path, data_dir):
    # 1S3V from PoseBusters: protein without hydrogens and the crystal ligand in the same frame. Vina 1.2.3
    # --score_only gives -8.780 kcal/mol on this prepared receptor; without polar hydrogens the hydrogen-bond
    # term would vanish.
    r = vscreen.prepare_receptor(data_dir / "1s3v_protein.pdb", tmp_path / "1s3v.pdbqt")
    receptor = vscreen.read_receptor_pdbqt_file(r.pdbqt_path)
    s = vscreen.score(receptor, vscreen.read_ligand_file(data_dir / "1s3v_ligand.sdf"))
    assert s.affinity == pytest.approx(-8.78, abs=0.3)
    assert s.terms["hydrogen"] < -1.5


def test_same_input_gives_byte_identical_receptor(tmp_path, data_dir, prep_6lu7):
    # OpenMM minimises the hydrogens it adds; with threaded sums they moved by a few mA from run to run.
    again = vscreen.prepare_receptor(data_dir / "6lu7.pdb", tmp_path / "again.pdbqt")
    assert open(again.pdbqt_path).read() == open(prep_6lu7.pdbqt_path).read()
    def atoms(path):  # the PDB's REMARK lines carry the date
        return [line for line in open(path) if not line.startswith("REMARK")]
    assert atoms(again.pdb_path) == atoms(prep_6lu7.pdb_path)


def test_rebuilt_side_chains_are_reproducible(tmp_path, data_dir):
    # 7ZTL chain A lacks 48 side-chain atoms (Arg126, Gln127, ...). PDBFixer rebuilds them, and where the rebuilt
    # atoms clash it runs Langevin dynamics, whose seed vscreen sets: with OpenMM's seed 0 ("pick one at random")
    # the rebuilt Arg126 came out differently on every run, and with it the docking results near it.
    first = vscreen.prepare_receptor(data_dir / "7ztl_protein.pdb.gz", tmp_path / "a.pdbqt")
    again = vscreen.prepare_receptor(data_dir / "7ztl_protein.pdb.gz", tmp_path / "b.pdbqt")
    assert first.heavy_atoms_added == 48
    assert open(again.pdbqt_path).read() == open(first.pdbqt_path).read()


def test_ph_sets_protonation(tmp_path, data_dir):
    r = vscreen.prepare_receptor(data_dir / "1s3v_protein.pdb", tmp_path / "acid.pdbqt", ph=3.0)
    residues = residues_of(pdb_atoms(r.pdb_path))
    his = [v for (_, _, name), v in residues.items() if name == "HIS"]
    glu = [v for (_, _, name), v in residues.items() if name == "GLU"]
    assert his and glu
    assert all(len(bound_hydrogens(v, "ND1")) == len(bound_hydrogens(v, "NE2")) == 1 for v in his)  # HIP
    assert all(len(bound_hydrogens(v, "OE1")) + len(bound_hydrogens(v, "OE2")) == 1 for v in glu)  # GLH


def test_explicit_chain_overrides_the_peptide_rule(tmp_path, data_dir):
    r = vscreen.prepare_receptor(data_dir / "6lu7.pdb", tmp_path / "c.pdbqt", chains="C")
    assert r.chains == ["C"] and r.residues == 3  # ALA-VAL-LEU of N3; its 02J, PJE and 010 groups are hetero
    assert r.chains_dropped == {"A": "not selected"}
    assert {a[2] for a in pdb_atoms(r.pdb_path)} == {"ALA", "VAL", "LEU"}


# ---------------------------------------------------------------------------------------------------
# 6M0J (mmCIF and PDB of the same entry)

def test_cif_zinc_kept_and_typed_in_pdbqt(prep_6m0j_cif):
    r = prep_6m0j_cif
    assert r.chains == ["A", "E"]
    assert r.metals_kept == ["ZN A:901"]
    assert r.het_removed == {"NAG": 5, "CL": 1} and r.waters_removed == 80
    zn = [a for a in pdb_atoms(r.pdbqt_path) if a[2] == "ZN"]
    assert len(zn) == 1 and zn[0][5] == "Zn" and zn[0][0] == "HETATM"
    assert [a[5] for a in pdb_atoms(r.pdb_path) if a[2] == "ZN"] == ["Zn"]  # element column of the PDB
    receptor = vscreen.read_receptor_pdbqt_file(r.pdbqt_path)
    assert receptor.num_atoms == r.heavy_atoms


def test_alternate_locations_resolved_to_one_position(prep_6m0j_cif):
    r = prep_6m0j_cif
    assert r.altlocs_resolved == 2 and r.altloc_atoms_removed == 13
    atoms = pdb_atoms(r.pdb_path)
    keys = [(a[3], a[4], a[1]) for a in atoms]
    assert len(keys) == len(set(keys))  # one position per atom
    ca = [a for a in atoms if a[3] == "A" and a[4] == 228 and a[1] == "CA"]
    assert len(ca) == 1
    np.testing.assert_allclose(ca[0][6], HIS228_CA_ALT_A, atol=1e-3)  # occupancies tie at 0.50: first (A) kept


def test_altloc_rule_highest_occupancy_wins(data_dir):
    # HIS A228 of 6M0J with B given the higher occupancy: B's coordinates are kept.
    atoms = [a for a in read_structure_file(data_dir / "6m0j.pdb.gz").atoms if a.chain == "A" and a.resseq == 228]
    res = Residue(("A", 228, ""))
    res.atoms = atoms
    for a in atoms:
        a.occupancy = {"A": 0.3, "B": 0.7}.get(a.altloc, 1.0)
    b_ca = next(a for a in atoms if a.name == "CA" and a.altloc == "B")
    removed = resolve_altlocs(res)
    assert removed == 7 and [a.name for a in res.atoms].count("CA") == 1
    ca = next(a for a in res.atoms if a.name == "CA")
    assert ca is b_ca and not ca.altloc


def test_cif_and_pdb_give_the_same_atoms(tmp_path, data_dir, prep_6m0j_cif):
    cif = read_structure_file(data_dir / "6m0j.cif.gz")
    pdb = read_structure_file(data_dir / "6m0j.pdb.gz")

    def polymer(s):
        return sorted((a.chain, a.resseq, a.icode, a.resname, a.name, a.altloc, a.element, round(a.x, 3),
                       round(a.y, 3), round(a.z, 3), a.occupancy) for a in s.atoms if not a.hetero)
    assert len(polymer(pdb)) == 6419 and polymer(cif) == polymer(pdb)
    # Prepared from the PDB (chain E), the heavy atoms are those of chain E prepared from the mmCIF.
    r = vscreen.prepare_receptor(data_dir / "6m0j.pdb.gz", tmp_path / "e.pdbqt", chains=["E"])

    def heavy(path, chain):
        return {(a[4], a[1]): a[6] for a in pdb_atoms(path) if a[3] == chain and a[5] != "H"}
    from_pdb, from_cif = heavy(r.pdb_path, "E"), heavy(prep_6m0j_cif.pdb_path, "E")
    assert set(from_pdb) == set(from_cif) and r.heavy_atoms == len(from_pdb) == 1537
    # The crystal atoms are where they were; the added C-terminal OXT is minimised in its surroundings (chain A there).
    assert max(np.abs(from_pdb[k] - from_cif[k]).max() for k in from_pdb if k[1] != "OXT") < 1e-3
    assert np.linalg.norm(from_pdb[(526, "OXT")] - from_cif[(526, "OXT")]) < 1.0


# ---------------------------------------------------------------------------------------------------
# Malformed inputs

def test_empty_file(tmp_path):
    p = tmp_path / "empty.pdb"
    p.write_text("")
    with pytest.raises(vscreen.InputError, match="empty.pdb: file is empty"):
        vscreen.prepare_receptor(p, tmp_path / "out.pdbqt")


def test_hetatm_only_file(tmp_path, data_dir):
    p = tmp_path / "het_only.pdb"
    p.write_text("".join(l for l in open(data_dir / "6lu7.pdb") if l.startswith("HETATM")))
    with pytest.raises(vscreen.InputError, match="het_only.pdb: no protein atoms"):
        vscreen.prepare_receptor(p, tmp_path / "out.pdbqt")


def test_unknown_chain(tmp_path, data_dir):
    with pytest.raises(vscreen.InputError, match=r"6lu7.pdb: chain 'Z' not found; chains in the file: 'A', 'C'"):
        vscreen.prepare_receptor(data_dir / "6lu7.pdb", tmp_path / "out.pdbqt", chains="A,Z")


def test_unknown_format(tmp_path):
    p = tmp_path / "receptor.xyz"
    p.write_text("3\n\nC 0 0 0\n")
    with pytest.raises(vscreen.InputError, match=r"receptor.xyz: unknown structure format '.xyz'"):
        vscreen.prepare_receptor(p, tmp_path / "out.pdbqt")


def test_cif_without_atoms_and_bad_gzip(tmp_path):
    p = tmp_path / "header_only.cif"
    p.write_text("data_TEST\n_entry.id TEST\n")
    with pytest.raises(vscreen.InputError, match="header_only.cif: no atoms in file"):
        vscreen.prepare_receptor(p, tmp_path / "out.pdbqt")
    g = tmp_path / "broken.pdb.gz"
    g.write_bytes(b"not gzip")
    with pytest.raises(vscreen.InputError, match="broken.pdb.gz: not a valid gzip file"):
        vscreen.prepare_receptor(g, tmp_path / "out.pdbqt")


def test_output_must_not_overwrite_input(tmp_path, data_dir):
    p = tmp_path / "x.pdb"
    p.write_bytes((data_dir / "6lu7.pdb").read_bytes())
    with pytest.raises(vscreen.InputError, match="is the input file"):
        vscreen.prepare_receptor(p, tmp_path / "x.pdbqt", pdb_out=p)


# ---------------------------------------------------------------------------------------------------
# Search boxes

def _heavy_coords(path, chain, numbers):
    return np.array([a[6] for a in pdb_atoms(path) if a[3] == chain and a[4] in numbers and a[5] != "H"])


def test_box_from_residues(data_dir, prep_6lu7):
    xyz = _heavy_coords(data_dir / "6lu7.pdb", "A", (41, 145))
    assert len(xyz) == 10 + 6  # HIS and CYS heavy atoms
    box = vscreen.box_from_residues(data_dir / "6lu7.pdb", ["A:HIS41", "A:CYS145"], padding=5.0)
    np.testing.assert_allclose(box.center, (xyz.min(0) + xyz.max(0)) / 2, atol=1e-6)
    np.testing.assert_allclose(box.size, xyz.max(0) - xyz.min(0) + 10.0, atol=1e-6)
    # The same residues in the prepared PDBQT (polar hydrogens are left out of the box) and as (chain, number).
    again = vscreen.box_from_residues(prep_6lu7.pdbqt_path, [("A", 41), "A:145"], padding=5.0)
    np.testing.assert_allclose(again.center, box.center, atol=1e-3)
    np.testing.assert_allclose(again.size, box.size, atol=1e-3)


def test_box_from_residues_errors(data_dir):
    with pytest.raises(vscreen.InputError, match="residue 'A:SER41': residue A:41 is HIS, not SER"):
        vscreen.box_from_residues(data_dir / "6lu7.pdb", ["A:SER41"])
    with pytest.raises(vscreen.InputError, match="6lu7.pdb: residue 'A:999' not found"):
        vscreen.box_from_residues(data_dir / "6lu7.pdb", ["A:999"])
    with pytest.raises(vscreen.InputError, match="residue '2' is in chains A, C"):
        vscreen.box_from_residues(data_dir / "6lu7.pdb", ["2"])
    with pytest.raises(vscreen.InputError, match="expected CHAIN:RESNUM"):
        vscreen.box_from_residues(data_dir / "6lu7.pdb", ["A:HIS"])


def test_box_from_ligand_pdb_and_explicit(tmp_path, data_dir):
    lines = [l for l in open(data_dir / "6lu7.pdb") if l.startswith(("ATOM", "HETATM")) and l[21] == "C"]
    lig = tmp_path / "n3.pdb"
    lig.write_text("".join(lines) + "END\n")
    xyz = np.array([a[6] for a in pdb_atoms(lig)])
    center, size = vscreen.autobox(lig, padding=4.0)  # autobox takes PDB ligand files too
    np.testing.assert_allclose(center, (xyz.min(0) + xyz.max(0)) / 2, atol=1e-6)
    np.testing.assert_allclose(size, xyz.max(0) - xyz.min(0) + 8.0, atol=1e-6)
    assert vscreen.box_from_ligand(data_dir / "1s3v_ligand.sdf") == vscreen.autobox(data_dir / "1s3v_ligand.sdf")
    assert vscreen.box_from_center_size([1, 2, 3], [20, 20, 24]) == ((1.0, 2.0, 3.0), (20.0, 20.0, 24.0))
    with pytest.raises(vscreen.InputError, match="sizes must be positive"):
        vscreen.box_from_center_size([0, 0, 0], [20, 0, 20])


# ---------------------------------------------------------------------------------------------------
# Command line

def test_cli_prepare_receptor_keep_waters(run_cli, tmp_path, data_dir, prep_6lu7):
    out = tmp_path / "w.pdbqt"
    r = run_cli("prepare-receptor", data_dir / "6lu7.pdb", "--out", out, "--chains", "A", "--keep-waters")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "84 water(s) kept" in r.stdout and "chain C removed (not selected)" in r.stdout
    pdb = tmp_path / "w_H.pdb"
    waters = [v for (_, _, name), v in residues_of(pdb_atoms(pdb)).items() if name == "HOH"]
    assert len(waters) == 84 and all(len(bound_hydrogens(v, "O")) == 2 for v in waters)
    # prepare_receptor_pdbqt leaves waters out; they are added back as OA + 2 HD each.
    hoh = [a[5] for a in pdb_atoms(out) if a[2] == "HOH"]
    assert hoh.count("OA") == 84 and hoh.count("HD") == 168
    assert vscreen.read_receptor_pdbqt_file(out).num_atoms == prep_6lu7.pdbqt_atoms + 84


def test_cli_prepare_receptor_error(run_cli, tmp_path, data_dir):
    r = run_cli("prepare-receptor", data_dir / "6lu7.pdb", "--out", tmp_path / "x.pdbqt", "--chains", "B")
    assert r.returncode == 2
    assert r.stderr.strip().startswith("vscreen: error:") and "chain 'B' not found" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_dock_prepares_a_raw_receptor(run_cli, tmp_path, data_dir):
    assert preparation_reason(str(data_dir / "1s3v_protein.pdb")) == "has no hydrogens"
    assert preparation_reason(str(data_dir / "6m0j.cif.gz")) == "is mmCIF"
    assert preparation_reason(str(data_dir / "1iep_receptorH_excerpt.pdb")) is None  # has hydrogens: as before
    out = tmp_path / "poses.pdbqt"
    lig = data_dir / "1s3v_ligand.sdf"
    r = run_cli("dock", "--receptor", data_dir / "1s3v_protein.pdb", "--ligand", lig, "--autobox-ligand", lig,
                "--exhaustiveness", 2, "--search-scale", 0.1, "--seed", 7, "--num-modes", 3, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "1s3v_protein.pdb has no hydrogens: prepared it first" in r.stderr
    assert "REMARK VINA RESULT" in out.read_text()
    best = float(r.stdout.split("-----+------------+----------+----------\n")[1].split()[1])
    assert best < -6.0
