"""Notebook-sized screening: a Target (receptor + box), screen() molecules into a pandas DataFrame, write the
poses to SDF, view one in 3D (py3Dmol, where installed) and plot the score distribution.

The work is the campaign layer's (same preparation, docking, best form per molecule, failures as rows), run in
memory without a campaign directory; use `vscreen screen` for libraries that must survive a restart.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from .campaign.chunk_job import ChunkJob, rows_frame, run_chunk_job
from .campaign.chunks import iter_chunks
from .campaign.config import DEFAULT_DOCKING, TargetSpec, target_name
from .campaign.dedup import KeySet, deduplicate
from .campaign.errors import CampaignError
from .campaign.identity import inchikey
from .campaign.readers import read_library
from .campaign.records import MoleculeRecord
from .campaign.targets import docking_receptor, needs_preparation

Box = Tuple[Sequence[float], Sequence[float]]
_DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "demo")


@dataclass
class Target:
    """A receptor file ready for docking and its search box (centre and edge lengths, A)."""
    name: str
    receptor_path: str
    center: Tuple[float, float, float]
    size: Tuple[float, float, float]

    @classmethod
    def from_pdb(cls, path: str, box: Optional[Box] = None, *, ligand: Optional[str] = None, padding: float = 4.0,
                 name: Optional[str] = None, workdir: Optional[str] = None) -> "Target":
        """A target from a PDB/mmCIF file: one with hydrogens is used as it is; a raw one is prepared with
        vscreen.receptor_prep (PDBFixer) into ``workdir`` (default: a new temporary folder). The box is
        ``(center, size)``, or made around ``ligand`` (a ligand file in the same frame) with ``padding``."""
        path = os.fspath(path)
        nm = name or target_name(path)
        receptor = path
        if os.path.exists(path) and needs_preparation(path):
            prepared = os.path.join(workdir or tempfile.mkdtemp(prefix="vscreen-target-"), f"{nm}.pdbqt")
            receptor = docking_receptor(path, prepared)
        return cls._make(receptor, box, ligand, padding, nm)

    @classmethod
    def from_pdbqt(cls, path: str, box: Optional[Box] = None, *, ligand: Optional[str] = None,
                   padding: float = 4.0, name: Optional[str] = None) -> "Target":
        """A target from a receptor PDBQT and a box ``(center, size)`` or a ligand to put the box around."""
        path = os.fspath(path)
        return cls._make(path, box, ligand, padding, name or target_name(path))

    @classmethod
    def _make(cls, receptor: str, box, ligand, padding, name) -> "Target":
        if not os.path.exists(receptor):
            raise CampaignError(f"{receptor}: receptor file not found")
        if ligand is not None:
            if box is not None:
                raise CampaignError("give a box or a ligand to put the box around, not both")
            from . import autobox
            box = autobox(os.fspath(ligand), padding)
        if box is None:
            raise CampaignError(f"target {name}: a box is needed: box=(center, size) or ligand=FILE")
        center, size = (box["center"], box["size"]) if isinstance(box, dict) else box
        center, size = tuple(float(c) for c in center), tuple(float(s) for s in size)
        if len(center) != 3 or len(size) != 3 or min(size) <= 0:
            raise CampaignError(f"target {name}: box center and size must be 3 numbers, size positive")
        return cls(name, os.path.abspath(receptor), center, size)  # type: ignore[arg-type]

    @property
    def receptor(self):
        """The vscreen.Receptor (read once per process)."""
        from .campaign.chunk_job import load_receptor
        return load_receptor(self.receptor_path)

    def spec(self) -> TargetSpec:
        return TargetSpec(self.name, self.receptor_path, self.center, self.size)


def demo_target() -> Target:
    """SARS-CoV-2 Mpro (PDB 6LU7, prepared with vscreen.receptor_prep) with the box around the N3 inhibitor."""
    import tomllib
    with open(os.path.join(_DEMO, "demo.toml"), "rb") as f:
        t = tomllib.load(f)["targets"][0]
    return Target.from_pdbqt(os.path.join(_DEMO, t["receptor"]), (t["center"], t["size"]), name=t["name"])


def demo_library() -> str:
    """Path of the bundled approved-drug set (DrugBank-derived, CC BY-NC 4.0: see data/demo/SOURCES.md)."""
    return os.path.join(_DEMO, "approved_drugs.csv")


def _records(molecules: Any) -> Iterable[MoleculeRecord]:
    if isinstance(molecules, (str, os.PathLike)) and os.path.exists(os.fspath(molecules)):
        return read_library(os.fspath(molecules))
    if isinstance(molecules, str):
        molecules = [molecules]
    try:
        import pandas as pd
        if isinstance(molecules, pd.DataFrame):
            cols = {c.lower(): c for c in molecules.columns}
            if "smiles" not in cols:
                raise CampaignError("a DataFrame of molecules needs a 'smiles' column")
            ids = molecules[cols["id"]] if "id" in cols else [f"mol{i}" for i in range(len(molecules))]
            names = molecules[cols["name"]] if "name" in cols else [""] * len(molecules)
            molecules = list(zip(ids, molecules[cols["smiles"]], names))
    except ImportError:
        pass
    if isinstance(molecules, dict):
        molecules = list(molecules.items())
    out = []
    for i, m in enumerate(molecules):
        if isinstance(m, str):
            mid, smi, name = f"mol{i}", m, ""
        elif isinstance(m, (tuple, list)) and len(m) in (2, 3):
            mid, smi, name = str(m[0]), str(m[1]), str(m[2]) if len(m) == 3 else ""
        else:
            raise CampaignError(f"molecule {i}: expected a SMILES, (id, smiles) or (id, smiles, name), got {m!r}")
        out.append(MoleculeRecord(mid, name, smi, "smiles", f"input:{i}", inchikey(smi, "smiles")))
    return out


def screen(targets: Union[Target, Sequence[Target]], molecules: Any, *, search: Optional[str] = None,
           exhaustiveness: Optional[int] = None, seed: int = 42, num_modes: int = 9,
           search_scale: Optional[float] = None, scoring: str = "vina", preparation: Optional[dict] = None,
           device: str = "auto", threads: int = 0, chunk_size: int = 50, poses: int = 1,
           progress: bool = False):
    """Docks molecules into one or more targets and returns a pandas DataFrame, best affinity first per target.

    search: the search preset ('fast', 'balanced', 'detail'; default vscreen.search.DEFAULT_SEARCH);
    exhaustiveness and search_scale, when given, override the preset's values.

    molecules: a SMILES, a list of SMILES / (id, smiles[, name]) pairs, a dict id -> SMILES, a DataFrame with a
    smiles column (and id, name), or a library file path (any format `vscreen screen` reads). Molecules are
    de-duplicated by InChIKey. Columns: vscreen.campaign.COLUMNS (id, name, smiles, affinity, term_*, status,
    error, ...) plus ``pose``: the SDF text of the top pose(s) (empty for failed molecules)."""
    import pandas as pd
    targets = [targets] if isinstance(targets, Target) else list(targets)
    docking = dict(DEFAULT_DOCKING, seed=seed, num_modes=num_modes, scoring=scoring)
    if search is not None:
        docking["search"] = search
    # Expert overrides of the preset's effort; absent keys leave the preset's values.
    docking.update({k: v for k, v in (("exhaustiveness", exhaustiveness), ("search_scale", search_scale))
                    if v is not None})
    specs = [t.spec() for t in targets]
    frames: List[Any] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(unit="mol")
    with KeySet() as keys:
        for chunk in iter_chunks(deduplicate(_records(molecules), keys), chunk_size):
            out = run_chunk_job(ChunkJob(chunk.index, chunk.start, chunk.records, specs, docking, preparation or {},
                                         poses, device, threads))
            for spec in specs:
                frame = rows_frame(out.rows[spec.name])
                pose = dict(out.poses[spec.name])
                frame["pose"] = [pose.get(p, "") for p in frame["position"]]
                frames.append(frame)
            if bar is not None:
                bar.update(len(chunk.records))
    if bar is not None:
        bar.close()
    if not frames:
        return rows_frame([]).assign(pose=[])
    df = pd.concat(frames, ignore_index=True)
    df["_ok"] = df["status"] != "ok"
    df = df.sort_values(["target", "_ok", "affinity", "position"], kind="stable").drop(columns="_ok")
    return df.reset_index(drop=True)


def write_poses(df, path: str) -> int:
    """Writes the ``pose`` column of screen()'s DataFrame (in its row order) to one SDF file; returns the number
    of molecules written."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for text in df["pose"]:
            if text:
                f.write(text)
                n += 1
    return n


def view_pose(row, target: Optional[Target] = None, width: int = 640, height: int = 480):
    """A py3Dmol view of one result row's top pose (a row of screen()'s DataFrame, e.g. ``df.iloc[0]``), in the
    receptor when ``target`` is given (cartoon, with the residues within 5 A of the ligand as sticks).
    Raises ImportError when py3Dmol is not installed (pip install py3Dmol)."""
    pose = row["pose"]
    if not pose:
        raise CampaignError(f"molecule {row['id']} has no pose ({row['status']}: {row['error']})")
    try:
        import py3Dmol
    except ImportError:
        raise ImportError("view_pose needs py3Dmol (pip install py3Dmol); the pose itself is row['pose'] (SDF)"
                          ) from None
    view = py3Dmol.view(width=width, height=height)
    if target is not None:
        with open(target.receptor_path, encoding="utf-8") as f:
            fmt = "pdbqt" if target.receptor_path.lower().endswith(".pdbqt") else "pdb"
            view.addModel(f.read(), fmt)
        view.setStyle({"model": 0}, {"cartoon": {"color": "lightgrey"}})
        view.addStyle({"model": 0, "within": {"distance": 5, "sel": {"model": 1}}}, {"stick": {"radius": 0.15}})
    first = pose.split("$$$$")[0] + "$$$$\n"
    view.addModel(first, "sdf")
    view.setStyle({"model": -1}, {"stick": {"colorscheme": "greenCarbon"}})
    view.zoomTo({"model": -1})
    return view


def plot_scores(df, ax=None, bins: int = 30):
    """Histogram of the best affinity per molecule, one colour per target; returns the matplotlib Axes."""
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6, 3.5))
    ok = df[df["status"] == "ok"]
    for name, group in ok.groupby("target"):
        ax.hist(group["affinity"], bins=bins, alpha=0.6, label=str(name))
    ax.set_xlabel("affinity (kcal/mol)")
    ax.set_ylabel("molecules")
    if ok["target"].nunique() > 1:
        ax.legend()
    return ax
