"""The one adapter between campaigns and the C++ ligand preparation (vscreen.prepare_ligands).

Everything else in the campaign layer sees PreparedForm, so a change in the extension's contract is fixed here.
Molecules prepared before with the same settings come from the prepared-ligand cache (prepared_cache.py) when
the configuration's ``preparation.cache`` (a directory, or false) or its default location allows.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .. import _vscreen
from .errors import CampaignError
from .prepared_cache import CachedForm, PreparedCache, default_cache_dir
from .records import MoleculeRecord

#: The key of the configuration's preparation mapping that is no PreparationOptions field.
CACHE_KEY = "cache"


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
        if key == CACHE_KEY:
            cache_location(options)  # checks its value
            continue
        if key not in known:
            raise CampaignError(f"preparation.{key}: unknown option (known: {', '.join(known)})")
        setattr(opts, key, value)
    return opts


def cache_location(options: Dict[str, Any]) -> Optional[Path]:
    """The prepared-ligand cache directory of a preparation mapping: its ``cache`` entry (a path; false, null or
    "off" for none), else default_cache_dir()."""
    if CACHE_KEY not in options:
        return default_cache_dir()
    value = options[CACHE_KEY]
    if value is None or value is False or (isinstance(value, str) and value.strip().lower() in ("off", "none", "")):
        return None
    if isinstance(value, (str, Path)):
        return Path(value).expanduser()
    raise CampaignError(f"preparation.{CACHE_KEY}: expected a directory or false, got {value!r}")


def _display_name(record: MoleculeRecord, index: int) -> str:
    """The name preparation gives a molecule in its messages and ligand (as vscreen.prepare_ligands does)."""
    return record.id or record.name or f"molecule {index + 1}"


def _prepare(records: Sequence[MoleculeRecord], indices: Sequence[int], opts) -> List[PreparedForm]:
    """Prepares records[i] for i in indices; the forms' input_index is the position in ``records``."""
    inputs = [_vscreen.MoleculeInput(records[i].text, format=records[i].format, id=records[i].id,
                                     name=records[i].name if records[i].id or records[i].name else _display_name(records[i], i),
                                     source=records[i].source) for i in indices]
    return [PreparedForm(indices[p.input_index], p.variant, p.ok, p.error, p.smiles, p.inchikey,
                         p.ligand if p.ok else None, p.ring_forms) for p in _vscreen.prepare_ligands(inputs, opts)]


def prepare_molecules(records: Sequence[MoleculeRecord], options: Dict[str, Any],
                      threads: int = 0) -> List[PreparedForm]:
    """Prepares the records (on ``threads`` threads, 0 = all cores); every record yields at least one form,
    in input order. Records found in the prepared-ligand cache are not prepared again; the others are stored."""
    opts = preparation_options(options, threads)
    root = cache_location(options)
    if root is None:
        return _prepare(records, range(len(records)), opts)
    cache = PreparedCache(root, opts)
    names = [_display_name(r, i) for i, r in enumerate(records)]
    found: Dict[int, List[PreparedForm]] = {}
    for i, r in enumerate(records):
        stored = cache.get(r.inchikey or "", r.format, r.text, names[i])
        if stored is not None:
            found[i] = [_from_cache(i, f, names[i]) for f in stored]
    todo = [i for i in range(len(records)) if i not in found]
    fresh: Dict[int, List[PreparedForm]] = {i: [] for i in todo}
    for form in _prepare(records, todo, opts) if todo else []:
        fresh[form.input_index].append(form)
    for i, forms in fresh.items():
        r = records[i]
        if all(_rebuilds_exactly(f, names[i]) for f in forms):
            cache.put(r.inchikey or "", r.format, r.text, names[i], [_to_cache(f) for f in forms])
    return [f for i in range(len(records)) for f in (found[i] if i in found else fresh[i])]


def _rebuilds_exactly(form: PreparedForm, name: str) -> bool:
    """Whether the form's ligand comes back the same from its molblock. Not always: the MMFF typing of the clean-up
    leaves MMFF's aromaticity on the prepared molecule, which a molblock read back perceives RDKit's way (a few
    per cent of drugs get a C/A type changed); such molecules are not cached, so a hit never changes a result."""
    if not form.ok:
        return True
    try:
        again = _vscreen.ligand_from_molblock(form.ligand.molblock, name)
    except _vscreen.VscreenError:
        return False
    return _vscreen.ligand_to_pdbqt(again) == _vscreen.ligand_to_pdbqt(form.ligand)


def _to_cache(form: PreparedForm) -> CachedForm:
    return CachedForm(form.variant, form.ok, form.error, form.smiles, form.inchikey, form.ring_forms,
                      form.ligand.molblock if form.ok else "")


def _from_cache(index: int, f: CachedForm, name: str) -> PreparedForm:
    ligand = _vscreen.ligand_from_molblock(f.molblock, name) if f.ok else None
    return PreparedForm(index, f.variant, f.ok, f.error, f.smiles, f.inchikey, ligand, f.ring_forms)
