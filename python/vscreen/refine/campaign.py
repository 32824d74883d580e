# The campaign stage of refinement: the top hits of every target of a campaign directory -> DIR/refine/<target>/.
"""``refine_campaign(dir, top=N)``: for every target of a campaign directory, the ``top`` best docked molecules (all
shards' chunks; lowest affinity first) are refined with OpenMM against the target's receptor and written to

    DIR/refine/<target>/refine.csv     the campaign columns (position, id, name, smiles, affinity) + refine_* columns,
                                       ordered by the MM-GBSA estimate (failed refinements last, with the reason)
    DIR/refine/<target>/refined.sdf    the minimised poses with their vscreen_refine_* fields

The receptor is the one the target docked into: a raw PDB/mmCIF target uses the PDB with hydrogens that the
campaign prepared (DIR/targets/<target>_H.pdb), a PDB with hydrogens is used as it is; a PDBQT-only target cannot
be refined (it has polar hydrogens only) unless ``receptors`` maps it to a PDB with all hydrogens. Runs from the
``refine:`` section of a campaign config at the end of an unsharded run, or as ``vscreen refine --campaign DIR``.
"""
from __future__ import annotations

import os
from dataclasses import fields
from typing import Any, Dict, Mapping, Optional, Sequence

from .._vscreen import InputError
from .refiner import RefineSettings

#: Keys of a campaign config's ``refine:`` section besides RefineSettings' fields.
CAMPAIGN_KEYS = ("top", "workers")
#: Campaign columns kept in refine.csv before the refine_* columns.
KEEP_COLUMNS = ("target", "chunk", "position", "id", "name", "smiles", "affinity")


def check_refine_section(section: Mapping[str, Any]) -> Dict[str, Any]:
    """Validates a config's ``refine:`` mapping (top, workers and RefineSettings fields); returns it as a dict.
    Raises InputError naming an unknown key."""
    if not isinstance(section, Mapping):
        raise InputError(f"refine: must be a mapping (top, md_ps, gb_model, ...), got {section!r}")
    known = set(CAMPAIGN_KEYS) | {f.name for f in fields(RefineSettings)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise InputError(f"refine.{unknown[0]}: unknown setting (known: {', '.join(sorted(known))})")
    top = section.get("top", 50)
    if not isinstance(top, int) or top < 1:
        raise InputError(f"refine.top must be a positive integer, got {top!r}")
    return dict(section)


def _campaign_receptor(store, target: Mapping[str, Any], receptors: Mapping[str, str]) -> str:
    if target["name"] in receptors:
        return os.fspath(receptors[target["name"]])
    prepared = store.prepared_receptor_path(target["name"])[: -len(".pdbqt")] + "_H.pdb"
    if os.path.exists(prepared):
        return prepared
    path = target["receptor"]
    if path.lower().endswith(".pdbqt"):
        raise InputError(f"target {target['name']}: docked into a PDBQT ({path}), which has no non-polar hydrogens; "
                         "give the target's PDB with all hydrogens (receptors={name: pdb} / --receptor)")
    return path


def _top_rows(store, target: str, top: int):
    import pandas as pd
    files = store.result_files([target])
    if not files:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    df = df[df["status"] == "ok"].sort_values(["affinity", "position"], kind="stable").head(top)
    poses = []
    cache: Dict[int, Dict[str, str]] = {}
    for chunk, mol_id in zip(df["chunk"], df["id"]):
        if chunk not in cache:
            cache[chunk] = {}
            path = store.poses_path(target, int(chunk))
            text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            for rec in text.split("$$$$\n"):
                key = _field(rec, "vscreen_id")
                if rec.strip() and key is not None and key not in cache[chunk]:
                    cache[chunk][key] = rec + "$$$$\n"  # the molecule's best pose (first record)
        poses.append(cache[chunk].get(str(mol_id), ""))
    return df.assign(pose=poses).reset_index(drop=True)


def _field(record: str, name: str) -> Optional[str]:
    lines = record.split("\n")
    for k, line in enumerate(lines[:-1]):
        if line.startswith(">") and f"<{name}>" in line:
            return lines[k + 1].strip()
    return None


def refine_campaign(campaign_dir: str, *, top: int = 50, targets: Optional[Sequence[str]] = None,
                    receptors: Optional[Mapping[str, str]] = None, workers: int = 0, **options):
    """Refines the ``top`` best hits of every target (or of ``targets``) of a campaign directory; writes
    DIR/refine/<target>/refine.csv and refined.sdf and returns {target: DataFrame}. ``options``: RefineSettings
    fields. A target whose receptor cannot be refined raises InputError; single molecules that fail are rows."""
    from ..campaign.store import CampaignStore, atomic_write_text
    from .api import refine_results

    store = CampaignStore(campaign_dir)
    specs = store.read_manifest()["identity"]["targets"]
    if targets is not None:
        unknown = sorted(set(targets) - {t["name"] for t in specs})
        if unknown:
            raise InputError(f"{campaign_dir}: no target(s) {', '.join(unknown)} in this campaign")
        specs = [t for t in specs if t["name"] in set(targets)]
    out: Dict[str, Any] = {}
    for t in specs:
        receptor = _campaign_receptor(store, t, receptors or {})
        hits = _top_rows(store, t["name"], top)
        d = os.path.join(store.root, "refine", t["name"])
        os.makedirs(d, exist_ok=True)
        if len(hits) == 0:
            out[t["name"]] = hits
            continue
        added = refine_results(hits, receptor, top=top, out_sdf=os.path.join(d, "refined.sdf"), workers=workers,
                               workdir=d, **options)
        table = hits[[c for c in KEEP_COLUMNS if c in hits.columns]].join(added)
        table = table.assign(_failed=table["refine_status"] != "ok").sort_values(
            ["_failed", "refine_dg_mmgbsa", "affinity"], kind="stable").drop(columns="_failed")
        atomic_write_text(os.path.join(d, "refine.csv"), table.to_csv(index=False))
        out[t["name"]] = table.reset_index(drop=True)
    return out
