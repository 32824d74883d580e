"""The one adapter between campaigns and the C++ ligand preparation (vscreen.prepare_ligands).

Everything else in the campaign layer sees PreparedForm, so a change in the extension's contract is fixed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from .. import _vscreen
from .errors import CampaignError
from .records import MoleculeRecord


@dataclass
class PreparedForm:
    """One docking-ready form (stereoisomer x ring conformer) of input ``input_index``, or why it failed."""
    input_index: int
    variant: int
    ok: bool
    error: str
    smiles: str
    inchikey: str
    ligand: Optional[Any]  # vscreen.Ligand when ok
    ring_forms: int = 1    # forms of this stereoisomer that differ only in ring shape; they share docking chains

    def docking_chains(self, exhaustiveness: int) -> int:
        """Monte Carlo chains for this form: its stereoisomer's ring shapes share ``exhaustiveness``."""
        return _vscreen.docking_chains(self.ring_forms, exhaustiveness)


def preparation_options(options: Dict[str, Any], threads: int = 0):
    """vscreen.PreparationOptions from a config mapping; unknown keys are refused with the known ones."""
    if not hasattr(_vscreen, "PreparationOptions"):
        raise CampaignError("this vscreen build has no ligand preparation (the extension was built without RDKit)")
    opts = _vscreen.PreparationOptions()
    known = sorted(k for k in dir(opts) if not k.startswith("_"))
    opts.threads = threads
    for key, value in options.items():
        if key not in known:
            raise CampaignError(f"preparation.{key}: unknown option (known: {', '.join(known)})")
        setattr(opts, key, value)
    return opts


def prepare_molecules(records: Sequence[MoleculeRecord], options: Dict[str, Any],
                      threads: int = 0) -> List[PreparedForm]:
    """Prepares the records (on ``threads`` threads, 0 = all cores); every record yields at least one form."""
    opts = preparation_options(options, threads)
    inputs = [_vscreen.MoleculeInput(r.text, format=r.format, id=r.id, name=r.name, source=r.source)
              for r in records]
    return [PreparedForm(p.input_index, p.variant, p.ok, p.error, p.smiles, p.inchikey, p.ligand if p.ok else None,
                         p.ring_forms) for p in _vscreen.prepare_ligands(inputs, opts)]
