"""Molecular features of the surrogate: folded Morgan counts plus a few RDKit descriptors, one float32 row each."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

import numpy as np

#: RDKit descriptors appended to the fingerprint (cheap ones: no 3-D, no charges model).
DESCRIPTORS = ("MolWt", "HeavyAtomCount", "MolLogP", "MolMR", "TPSA", "LabuteASA", "NumHDonors", "NumHAcceptors",
               "NumRotatableBonds", "RingCount", "NumAromaticRings", "NumAliphaticRings", "FractionCSP3",
               "NumHeteroatoms", "NHOHCount", "NOCount")


@dataclass(frozen=True)
class FeatureSpec:
    """Which features: Morgan radius and folded size, counts (True) or bits, and whether descriptors follow."""
    radius: int = 2
    bits: int = 2048
    counts: bool = True
    descriptors: bool = True

    @property
    def width(self) -> int:
        return self.bits + (len(DESCRIPTORS) + 1 if self.descriptors else 0)  # + net formal charge


def _mol(text: str, fmt: str):
    from rdkit import Chem
    if fmt == "smiles":
        return Chem.MolFromSmiles(text)
    if fmt == "inchi":
        return Chem.MolFromInchi(text)
    if fmt == "molblock":
        return Chem.MolFromMolBlock(text)
    if fmt == "mol2":
        return Chem.MolFromMol2Block(text)
    return None


def _descriptor_functions():
    from rdkit.Chem import Descriptors
    return [getattr(Descriptors, name) for name in DESCRIPTORS]


def featurize(molecules: Sequence[Tuple[str, str]], spec: FeatureSpec = FeatureSpec()) -> Tuple[np.ndarray, np.ndarray]:
    """(X, ok): a float32 matrix of len(molecules) x spec.width and a bool mask of the molecules RDKit read.

    molecules: (text, format) pairs, format as MoleculeRecord.format. Unread molecules get a zero row and
    ok False (they are never picked and get no prediction)."""
    from rdkit import rdBase
    from rdkit.Chem import rdFingerprintGenerator
    # BlockLogs restores the state it found; EnableLog would switch RDKit's (process-wide) logs back on under a
    # preparation running in another thread, which had them off
    with rdBase.BlockLogs():
        gen = rdFingerprintGenerator.GetMorganGenerator(radius=spec.radius, fpSize=spec.bits)
        fns = _descriptor_functions() if spec.descriptors else []
        X = np.zeros((len(molecules), spec.width), dtype=np.float32)
        ok = np.zeros(len(molecules), dtype=bool)
        for i, (text, fmt) in enumerate(molecules):
            mol: Optional[Any] = _mol(text, fmt) if text else None
            if mol is None:
                continue
            fp = gen.GetCountFingerprintAsNumPy(mol) if spec.counts else gen.GetFingerprintAsNumPy(mol)
            X[i, :spec.bits] = fp
            if fns:
                X[i, spec.bits:-1] = [f(mol) for f in fns]
                X[i, -1] = sum(a.GetFormalCharge() for a in mol.GetAtoms())
            ok[i] = True
        return X, ok
