# Resource bounds: inputs at the edge of what a screen meets either run or fail with a message naming the limit
# (never an abort or an out-of-memory kill): a molecule too large, a box too large for memory, a ligand with 60
# torsions, a receptor of 100k atoms.
import numpy as np
import pytest

import vscreen
from conftest import BOX_1IEP

pytestmark = pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"),
                                reason="this build has no ligand preparation (vscreen.prepare_ligands)")
FAST = dict(exhaustiveness=1, search_scale=0.05, seed=5, num_modes=1)


def _prepare(smiles, **options):
    return vscreen.prepare_ligands([vscreen.MoleculeInput(smiles)],
                                   vscreen.PreparationOptions(threads=1, max_stereoisomers=1, **options))


def test_molecule_too_large_names_the_limit():
    peptide = "N" + "CC(=O)N" * 60 + "CC(=O)O"  # polyglycine: 1 + 60 x 4 + 4 = 245 heavy atoms
    out = _prepare(peptide)
    assert len(out) == 1 and not out[0].ok
    assert "too large: 245 heavy atoms (max_heavy_atoms 150)" in out[0].error
    assert "(max_heavy_atoms 200)" in _prepare(peptide, max_heavy_atoms=200)[0].error  # the limit is the option's


def test_box_too_large_for_memory_names_the_limit(complex_1iep):
    receptor, ligand = complex_1iep
    settings = vscreen.DockingSettings(center=BOX_1IEP["center"], size=(600.0, 600.0, 600.0), **FAST)
    with pytest.raises(vscreen.CapacityError, match=r"needs [0-9.]+ GiB of grid maps, over the limit of [0-9.]+ GiB"
                                                    r".*use a smaller box"):
        vscreen.dock(receptor, [ligand], settings, device="cpu", threads=1)
    absurd = vscreen.DockingSettings(center=BOX_1IEP["center"], size=(1e9, 20.0, 20.0), **FAST)
    with pytest.raises(vscreen.CapacityError, match="grid points"):
        vscreen.dock(receptor, [ligand], absurd, device="cpu", threads=1)


def test_ligand_with_60_torsions_docks(complex_1iep):
    receptor, _ = complex_1iep
    form = _prepare("C" * 63)[0]  # n-tritriacontane's longer cousin: 60 rotatable C-C bonds
    assert form.ok, form.error
    assert form.ligand.num_torsions == 60
    settings = vscreen.DockingSettings(center=BOX_1IEP["center"], size=(30.0, 30.0, 30.0), **FAST)
    res = vscreen.dock(receptor, [form.ligand], settings, device="cpu", threads=2)[0]
    assert len(res.modes) == 1 and np.isfinite(res.modes[0].affinity)
    assert res.modes[0].coords.shape == (form.ligand.num_atoms, 3)


def test_receptor_of_100k_atoms_docks_as_its_near_copy(complex_1iep, data_dir, tmp_path):
    """The 1IEP receptor copied on a lattice 80 A apart up to 100k+ atoms: the copies lie beyond the box and the
    8 A cut-off, so the docking must give the single receptor's result exactly."""
    receptor, ligand = complex_1iep
    lines = [l for l in (data_dir / "1iep_receptor.pdbqt").read_text().splitlines()
             if l.startswith(("ATOM", "HETATM"))]
    copies = -(-100_000 // receptor.num_atoms)  # scored (heavy) atoms; the file has its polar H as well
    side = int(np.ceil(copies ** (1 / 3)))
    out = []
    for k in range(copies):
        dx, dy, dz = (80.0 * (k % side), 80.0 * (k // side % side), 80.0 * (k // side // side))
        for l in lines:
            x, y, z = float(l[30:38]) + dx, float(l[38:46]) + dy, float(l[46:54]) + dz
            out.append(f"{l[:6]}{len(out) % 100000:5d}{l[11:30]}{x:8.3f}{y:8.3f}{z:8.3f}{l[54:]}")
    big_path = tmp_path / "lattice.pdbqt"
    big_path.write_text("\n".join(out) + "\n")
    big = vscreen.read_receptor_pdbqt_file(big_path)
    assert big.num_atoms >= 100_000 and big.num_atoms == copies * receptor.num_atoms
    settings = vscreen.DockingSettings(**BOX_1IEP, **FAST)
    one = vscreen.dock(receptor, [ligand], settings, device="cpu", threads=2)[0]
    many = vscreen.dock(big, [ligand], settings, device="cpu", threads=2)[0]
    assert many.modes[0].affinity == pytest.approx(one.modes[0].affinity, abs=1e-4)
    np.testing.assert_allclose(many.modes[0].coords, one.modes[0].coords, atol=1e-3)
