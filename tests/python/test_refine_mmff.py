# The force-field check of refinement: MMFF94 in OpenMM (vscreen.refine.mmff_openmm) equals RDKit's MMFF94.
import glob
import os

import numpy as np
import pytest

pytest.importorskip("openmm")
from rdkit import Chem  # noqa: E402
from rdkit.Chem import AllChem  # noqa: E402

from vscreen.refine.mmff_openmm import (KCAL, TERM_NAMES, LINEAR_MMFF_TYPES, LigandParameterError,  # noqa: E402
                                        mmff_system, mmff_terms, openmm_mmff_energy, positions_nm,
                                        rdkit_mmff_energy)

SHARED_MPRO = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "mpro", "ligands_crystal_sdf")
# Small molecules that exercise the linear angle form (nitrile, alkyne, azide, isonitrile, allene), 3-ring
# stretch-bends, charges, sulfonamides and halogens.
SMILES = ["CC#N", "C#CC(=O)O", "CN=[N+]=[N-]", "C[N+]#[C-]", "C=C=C", "C1CC1C(=O)[O-]", "C[NH3+]",
          "FC(F)(F)c1ccc(S(=O)(=O)N)cc1", "Clc1ccc(Br)cc1OC(=O)N1CCN(C)CC1"]


def _crystal_ligands(data_dir):
    files = [data_dir / "1iep_ligand.sdf", data_dir / "1s3v_ligand.sdf"]
    files += sorted(glob.glob(os.path.join(SHARED_MPRO, "*.sdf")))[:4]  # where the shared data is present
    mols = []
    for f in files:
        m = Chem.MolFromMolFile(str(f), removeHs=False)
        mols.append((os.path.basename(str(f)), Chem.AddHs(m, addCoords=True)))
    return mols


def _distorted(smiles, seed=0):
    m = Chem.AddHs(Chem.MolFromSmiles(smiles))
    assert AllChem.EmbedMolecule(m, randomSeed=7) == 0
    rng = np.random.default_rng(seed)
    conf = m.GetConformer()
    for i in range(m.GetNumAtoms()):  # off the minimum, so that every term contributes
        p = conf.GetAtomPosition(i)
        conf.SetAtomPosition(i, (p.x + rng.normal(0, 0.1), p.y + rng.normal(0, 0.1), p.z + rng.normal(0, 0.1)))
    return m


def _check(mol, platform="Reference"):
    total, parts = openmm_mmff_energy(mol, platform=platform, per_term=True)
    ref = rdkit_mmff_energy(mol)
    assert abs(total - ref) <= 1e-3 * abs(ref), (total, ref)
    for term in TERM_NAMES:
        ref_term = rdkit_mmff_energy(mol, terms=[term])
        assert abs(parts[term] - ref_term) <= 1e-3 * max(abs(ref_term), 1.0), (term, parts[term], ref_term)
    return total, ref


def test_crystal_ligands_match_rdkit_mmff94(data_dir):
    mols = _crystal_ligands(data_dir)
    assert len(mols) >= 2
    for name, mol in mols:
        total, ref = _check(mol)
        assert abs(total - ref) / abs(ref) < 1e-9, name  # in practice exact to rounding


@pytest.mark.parametrize("smiles", SMILES)
def test_small_molecules_match_rdkit_mmff94_energy_and_forces(smiles):
    import openmm
    mol = _distorted(smiles)
    _check(mol)
    system, _ = mmff_system(mol)
    ctx = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("Reference"))
    ctx.setPositions(positions_nm(mol))
    forces = ctx.getState(getForces=True).getForces(asNumpy=True).value_in_unit(
        openmm.unit.kilojoule_per_mole / openmm.unit.angstrom) / KCAL
    props = AllChem.MMFFGetMoleculeProperties(mol)
    grad = np.array(AllChem.MMFFGetMoleculeForceField(mol, props, ignoreInterfragInteractions=False).CalcGrad())
    np.testing.assert_allclose(forces, -grad.reshape(-1, 3), atol=1e-6)


def test_linear_types_are_used():
    types = set(mmff_terms(_distorted("CC#N")).atom_types) | set(mmff_terms(_distorted("CN=[N+]=[N-]")).atom_types)
    assert types & LINEAR_MMFF_TYPES == {4, 53}


def test_cpu_platform_agrees(data_dir):
    import openmm
    names = [openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())]
    if "CPU" not in names:
        pytest.skip("OpenMM CPU platform not installed (Debian libopenmm-plugins)")
    _check(_crystal_ligands(data_dir)[0][1], platform="CPU")


@pytest.mark.parametrize("smiles,reason", [("OB(O)c1ccccc1", "B"), ("Cl[Pt](Cl)(N)N", "Pt")])
def test_unparameterisable_ligands_raise_with_reason(smiles, reason):
    m = Chem.AddHs(Chem.MolFromSmiles(smiles, sanitize=True))
    with pytest.raises(LigandParameterError, match=reason):
        mmff_terms(m)


def test_implicit_hydrogens_are_refused():
    m = Chem.MolFromSmiles("CCO")
    AllChem.EmbedMolecule(Chem.AddHs(m))
    with pytest.raises(LigandParameterError, match="hydrogens"):
        mmff_terms(m)
