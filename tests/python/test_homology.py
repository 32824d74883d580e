# Homology models (vscreen.homology): bad inputs give clear errors; a model of a 60-residue fragment of SARS-CoV-2 Mpro
# on its SARS-CoV-1 template keeps the copied C-alpha atoms, has the target's sequence and a correct report; an
# insertion and a deletion are built as closed loops; boxes map through the alignment; same inputs, same bytes;
# a campaign target given as sequence + template is built, prepared, docked and reported.
import json
import shutil

import numpy as np
import pytest

import vscreen
from vscreen import InputError
from vscreen.campaign import config_from_dict
from vscreen.campaign.errors import CampaignError
from vscreen.homology import align, model_target, read_sequence, read_template
from vscreen.structure_file import read_structure_file

TEMPLATE = "2z9j_A_1-60.pdb"
TARGETS = "sars2_homology_targets.fasta"
ITERATIONS = 100  # minimiser steps in the tests (the default is 500): enough to relieve the clashes of this fragment


def _residues(pdb):
    """[(number, name)] and {(number, atom): xyz} of the first chain of a PDB file."""
    atoms = read_structure_file(str(pdb)).atoms
    seen = {}
    for a in atoms:
        seen.setdefault(a.resseq, a.resname)
    return list(seen.items()), {(a.resseq, a.name): np.array([a.x, a.y, a.z]) for a in atoms}


def _one_letter(names):
    from vscreen.homology.template import ONE_LETTER
    return "".join(ONE_LETTER[n] for _, n in names)


@pytest.fixture(scope="module")
def mpro_model(tmp_path_factory, data_dir):
    tmp = tmp_path_factory.mktemp("model")
    res = model_target(data_dir / TARGETS, str(data_dir / TEMPLATE), tmp / "model.pdb", record="mpro_1-60",
                       report=tmp / "model.json", box_residues="A:HIS41", max_iterations=ITERATIONS)
    return res, tmp


def test_sequence_with_letters_outside_the_alphabet(tmp_path):
    f = tmp_path / "bad.fasta"
    f.write_text(">bad one\nSGFRXMAFPS\nGKBE\n")
    with pytest.raises(InputError, match=r"outside the 20 amino acids .*'X' at 5, 'B' at 13"):
        read_sequence(f)


def test_sequence_records(data_dir):
    with pytest.raises(InputError, match=r"3 records; choose one .*mpro_1-60, mpro_1-60_indel, YP_009725305.1"):
        read_sequence(data_dir / TARGETS)
    with pytest.raises(InputError, match=r"no record 'nsp10'"):
        read_sequence(data_dir / TARGETS, "nsp10")
    nsp9 = read_sequence(data_dir / TARGETS, "YP_009725305")  # the id without its version
    assert nsp9.id == "YP_009725305.1" and len(nsp9) == 113 and nsp9.letters.startswith("NNELSPVALRQ")


def test_template_chain_that_does_not_exist(data_dir):
    with pytest.raises(InputError, match=r"chain 'B' not found; chains in the file: 'A'"):
        read_template(f"{data_dir / TEMPLATE}:B")


def test_template_that_is_not_a_structure(data_dir, tmp_path):
    fake = tmp_path / "template.pdb"
    shutil.copy(data_dir / TARGETS, fake)
    with pytest.raises(InputError, match=r"template.pdb: no atoms in file"):
        read_template(str(fake))
    with pytest.raises(InputError, match=r"unknown structure format '.fasta'"):
        read_template(str(data_dir / TARGETS))


def test_identity_too_low_is_refused(data_dir, tmp_path):
    with pytest.raises(InputError, match=r"YP_009725305.1 on template .*too low to model \(need at least 25% "
                                         r"identity over at least 30 residues"):
        model_target(data_dir / TARGETS, str(data_dir / TEMPLATE), tmp_path / "m.pdb", record="YP_009725305.1")
    assert not (tmp_path / "m.pdb").exists()


def test_alignment_of_the_fragment(data_dir):
    seq = read_sequence(data_dir / TARGETS, "mpro_1-60")
    aln = align(seq, read_template(str(data_dir / TEMPLATE))[0])
    assert aln.pairs == [(i, i) for i in range(60)]
    assert aln.identical == 58  # SARS-CoV-1 -> 2: T35V and A46S
    assert "DDTVYCPRHVICTAEDM" in aln.text() and "DDVVYCPRHVICTSEDM" in aln.text()


def test_model_keeps_the_template_and_has_the_target_sequence(mpro_model, data_dir):
    res, tmp = mpro_model
    names, model = _residues(res.model_path)
    seq = read_sequence(data_dir / TARGETS, "mpro_1-60")
    assert _one_letter(names) == seq.letters and [n for n, _ in names] == list(range(1, 61))
    _, template = _residues(data_dir / TEMPLATE)
    shifts = [np.linalg.norm(model[(n, "CA")] - template[(n, "CA")]) for n, _ in names]
    assert max(shifts) < 0.5  # restrained: the fold is the template's
    assert 0 < max(shifts)    # and the minimisation did move them
    # identical residues keep the template's side chain closely; the mutated ones got the target's side chain
    assert np.linalg.norm(model[(41, "NE2")] - template[(41, "NE2")]) < 0.6
    assert names[34] == (35, "VAL") and (35, "OG1") not in model and (35, "CG2") in model
    assert names[45] == (46, "SER") and (46, "OG") in model
    assert not any(a.element == "H" for a in read_structure_file(res.model_path).atoms)


def test_model_report(mpro_model):
    res, tmp = mpro_model
    rep = res.report
    assert (rep.identity, rep.aligned, rep.identical, rep.target_coverage) == (0.9667, 60, 58, 1.0)
    assert rep.origins == {"copied": 58, "rebuilt side chain": 2, "built loop": 0}
    assert [r["number"] for r in rep.residues if r["origin"] == "rebuilt side chain"] == [35, 46]
    assert rep.residues[40] == {"number": 41, "name": "HIS", "origin": "copied", "template": "A:HIS41"}
    assert (rep.first, rep.last) == (1, 60) and rep.warnings == []
    assert rep.energy_after_kj < rep.energy_before_kj
    assert len(rep.clashes_after) <= len(rep.clashes_before)
    assert rep.ramachandran_tested == 58  # every residue but the two termini
    assert rep.copied_ca_max < 0.5
    assert rep.box["model_residues"] == ["A:HIS41"]
    pocket = {p["model"]: p for p in rep.pocket}
    assert pocket["A:HIS41"] == {"model": "A:HIS41", "template": "A:HIS41", "identical": True, "origin": "copied"}
    assert json.loads((tmp / "model.json").read_text()) == json.loads(rep.to_json())
    text = rep.text()
    assert "identity 96.7% (58/60 aligned)" in text and "58 copied, 2 rebuilt side chain, 0 built loop" in text


def test_box_mapped_from_template_residues(mpro_model):
    res, _ = mpro_model
    names, model = _residues(res.model_path)
    his = np.array([xyz for (n, _), xyz in model.items() if n == 41])
    assert np.allclose(res.box.center, (his.min(0) + his.max(0)) / 2, atol=1e-3)
    assert np.allclose(res.box.size, his.max(0) - his.min(0) + 8.0, atol=1e-3)


def test_insertion_and_deletion_are_built_as_closed_loops(data_dir, tmp_path):
    seq = read_sequence(data_dir / TARGETS, "mpro_1-60_indel")
    aln = align(seq, read_template(str(data_dir / TEMPLATE))[0])
    unaligned = [j for j in range(60) if j not in {j for _, j in aln.pairs}]
    assert len(unaligned) == 1  # the deleted glycine's place (the gap may sit on any of the equal residues)
    gap_residue = read_template(str(data_dir / TEMPLATE))[0].residues[unaligned[0]]
    with pytest.raises(InputError, match=rf"box residue 'A:{gap_residue.number}': template residue "
                                         rf"{gap_residue.label} is aligned to no target residue"):
        model_target(seq, str(data_dir / TEMPLATE), tmp_path / "m.pdb", box_residues=f"A:{gap_residue.number}",
                     max_iterations=ITERATIONS)
    res = model_target(seq, str(data_dir / TEMPLATE), tmp_path / "m.pdb", box_residues="A:ALA46",
                       max_iterations=ITERATIONS)
    names, model = _residues(res.model_path)
    assert _one_letter(names) == seq.letters
    for (n1, _), (n2, _) in zip(names, names[1:]):  # every peptide bond closed
        assert np.linalg.norm(model[(n1, "C")] - model[(n2, "N")]) < 1.5, (n1, n2)
    loops = [r["number"] for r in res.report.residues if r["origin"] == "built loop"]
    assert {47, 48} <= set(loops) and any(20 <= n <= 26 for n in loops)  # the GG insertion, the deletion site
    assert res.report.origins["built loop"] == len(loops)
    assert "next to deletions or template chain breaks were rebuilt as loop" in " ".join(res.report.notes)
    assert res.report.box["model_residues"] == ["A:SER45"]  # template 46 is target 45 after the deletion


def test_same_inputs_same_bytes(mpro_model, data_dir, tmp_path, run_cli):
    res, _ = mpro_model
    out = tmp_path / "again.pdb"
    cli = run_cli("model-target", "--sequence", str(data_dir / TARGETS), "--record", "mpro_1-60", "--template",
                  f"{data_dir / TEMPLATE}:A", "--out", str(out), "--box-residues", "A:HIS41", "--iterations",
                  str(ITERATIONS))
    assert cli.returncode == 0, cli.stderr
    assert "identity 96.7% (58/60 aligned)" in cli.stdout and "A:HIS41" in cli.stdout
    assert out.read_bytes() == open(res.model_path, "rb").read()


def test_cli_errors_are_one_line(data_dir, tmp_path, run_cli):
    bad = tmp_path / "bad.fasta"
    bad.write_text(">x\nSGF1RK\n")
    r = run_cli("model-target", "--sequence", str(bad), "--template", str(data_dir / TEMPLATE), "--out",
                str(tmp_path / "m.pdb"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "'1' at 4" in r.stderr


def test_campaign_target_declaration(data_dir, tmp_path):
    cfg = config_from_dict({
        "targets": [{"name": "mpro-crystal", "receptor": "tpl.pdb", "center": [0, 0, 0], "size": [10, 10, 10]},
                    {"name": "mpro-model", "model": {"sequence": str(data_dir / TARGETS), "record": "mpro_1-60",
                                                     "template": f"{data_dir / TEMPLATE}:A"},
                     "box_residues": ["A:HIS41"]}],
        "library": {"path": "lib.smi"}}, str(tmp_path))
    crystal, modelled = cfg.targets
    assert crystal.model is None and crystal.receptor == str(tmp_path / "tpl.pdb")
    assert modelled.receptor == "" and modelled.model == {
        "sequence": str(data_dir / TARGETS), "record": "mpro_1-60", "templates": [f"{data_dir / TEMPLATE}:A"],
        "box_residues": ["A:HIS41"]}
    box = vscreen.box_from_residues(data_dir / TEMPLATE, ["A:HIS41"])
    assert modelled.center == tuple(round(c, 4) for c in box.center)
    assert cfg.identity()["targets"][1]["model"]["record"] == "mpro_1-60"
    assert "model" not in cfg.identity()["targets"][0]  # the identity of crystal targets is as it was
    from dataclasses import asdict  # a parsed config read again (as `vscreen screen --chunk-size` does)
    again = config_from_dict(dict(asdict(cfg), library={"path": cfg.library.paths}), str(tmp_path))
    assert again.targets == cfg.targets
    for bad, message in (({"model": {"sequence": "s.fasta"}}, "needs template"),
                         ({"model": {"sequence": "s.fasta", "template": "t.pdb"}, "receptor": "r.pdb"},
                          "either receptor or model"),
                         ({"model": {"sequence": "s.fasta", "template": "t.pdb", "chain": "A"}}, "unknown key")):
        with pytest.raises(CampaignError, match=message):
            config_from_dict({"targets": [dict(bad, center=[0, 0, 0], size=[9, 9, 9])],
                              "library": {"path": "l.smi"}}, str(tmp_path))


@pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"), reason="this build has no ligand preparation")
def test_campaign_with_a_modelled_target(data_dir, tmp_path):
    from vscreen.campaign import build_report, run_campaign
    lib = tmp_path / "library.smi"
    lib.write_text("smiles id name\nCC(=O)Nc1ccc(O)cc1 apap Paracetamol\nc1ccccc1O phenol Phenol\n")
    cfg = config_from_dict({
        "name": "modelled", "docking": {"exhaustiveness": 1, "search_scale": 0.05, "seed": 7, "num_modes": 3},
        "targets": [{"name": "mpro-model", "box_residues": ["A:HIS41", "A:CYS44"],
                     "model": {"sequence": str(data_dir / TARGETS), "record": "mpro_1-60",
                               "template": f"{data_dir / TEMPLATE}:A"}}],
        "library": {"path": str(lib)}}, str(tmp_path))
    run_campaign(cfg, str(tmp_path / "camp"), threads=2)
    targets = tmp_path / "camp" / "targets"
    names, _ = _residues(targets / "mpro-model_model.pdb")
    assert _one_letter(names) == read_sequence(data_dir / TARGETS, "mpro_1-60").letters
    assert (targets / "mpro-model.pdbqt").exists() and (targets / "mpro-model_H.pdb").exists()  # prepared as usual
    doc = json.loads((targets / "mpro-model_model.json").read_text())
    assert doc["identity"] == 0.9667 and doc["model_path"] == str(targets / "mpro-model_model.pdb")
    assert doc["box"]["model_residues"] == ["A:HIS41", "A:CYS44"]
    rep = build_report(str(tmp_path / "camp"))
    page = open(rep.html_path).read()
    assert "<h3>Homology model</h3>" in page and "identity 96.7% (58/60 aligned)" in page
    assert len(rep.hits["mpro-model"]) == 2


def test_quality_checks_on_the_template_and_on_made_faults(data_dir):
    from vscreen.homology.quality import Atom, allowed, clashes, ramachandran_outliers
    chain = read_template(str(data_dir / TEMPLATE))[0]
    atoms = [Atom(r.chain, r.number, r.name, n, n[0], xyz) for r in chain.residues for n, xyz in r.atoms.items()]
    assert clashes(atoms) == []  # a refined crystal structure
    assert ramachandran_outliers(atoms) == (["A:ASP33 (phi 55, psi -114)"], 58)
    # helix, strand and left-handed helix allowed; the region between (phi 60, psi -150) only for glycine (its
    # mirror image is the strand); (0, 180) for none; proline needs phi near -65
    assert allowed("ALA", -63, -42) and allowed("ALA", -120, 130) and allowed("ASN", 60, 40)
    assert not allowed("ALA", 60, -150) and allowed("GLY", 60, -150)
    assert not allowed("ALA", 0, 180) and not allowed("GLY", 0, 180)
    assert not allowed("PRO", -150, 150) and allowed("PRO", -65, 140)
    moved = list(atoms)
    k = next(i for i, a in enumerate(moved) if a.number == 41 and a.name == "NE2")
    ca = next(a for a in moved if a.number == 20 and a.name == "CA")
    moved[k] = Atom("A", 41, "HIS", "NE2", "N", (ca.xyz[0] + 1.0, ca.xyz[1], ca.xyz[2]))
    assert clashes(moved) == ["A:GLN19 C - A:HIS41 NE2 1.85 A", "A:VAL20 N - A:HIS41 NE2 1.02 A",
                              "A:VAL20 CA - A:HIS41 NE2 1.00 A", "A:VAL20 C - A:HIS41 NE2 1.67 A"]
