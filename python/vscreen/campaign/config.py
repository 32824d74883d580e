"""Campaign configuration: targets (receptor + box), one library, docking and preparation settings, chunk size.

Read from YAML (PyYAML) or TOML (tomllib) files, or built from command-line arguments; relative paths are taken
from the config file's folder. Example (YAML; the TOML keys are the same):

    name: mpro-repurposing
    targets:
      - name: mpro
        receptor: 6lu7_receptor.pdbqt        # .pdbqt, a .pdb with hydrogens, or a raw PDB/mmCIF (prepared)
        center: [-10.7, 12.4, 68.9]
        size: [20, 20, 20]                   # or: autobox_ligand: ligand.sdf (+ autobox_padding: 4)
      - name: plpro-model                    # a homology model instead of a receptor file (vscreen.homology)
        model: {sequence: nsp3.fasta, record: YP_009725299.1, template: [2fe8.pdb:A]}
        box_residues: [A:CYS112, A:HIS273]   # template residues (or center/size, autobox_ligand: template frame)
    library:
      path: drugs.csv                        # or a list of files; format: auto|smiles|csv|sdf|drugbank-xml|unichem
      options: {smiles_column: smiles}       # passed to the reader (id_field, groups, reference, sources, ...)
    docking: {search: balanced, seed: 42, num_modes: 9}   # search: fast|balanced|detail (a preset);
                                             # exhaustiveness, search_scale, stall_fraction override it
    preparation: {max_stereoisomers: 4}
    chunk_size: 100                          # molecules per chunk: the plan writes library/chunk-k.parquet
                                             # (vscreen plan); shard i of n docks the chunks k with k mod n == i
    poses_per_molecule: 1
    refine: {top: 50, md_ps: 0}              # optional: OpenMM MM-GBSA of the top hits (vscreen.refine) at the end
    active_learning: {rounds: 19, initial: 0.01, batch: 0.005, max_docked: 0.1}   # optional: settings of
                                             # `vscreen screen --active-learning` (active_learning/settings.py)
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..search import DEFAULT_SEARCH, SEARCH_PRESETS
from .errors import CampaignError

DOCKING_KEYS = ("search", "exhaustiveness", "num_modes", "energy_range", "seed", "scoring", "search_scale",
                "stall_fraction", "grid_spacing")
# exhaustiveness, search_scale and stall_fraction are absent by default: the search preset sets them.
DEFAULT_DOCKING = {"search": DEFAULT_SEARCH, "num_modes": 9, "energy_range": 3.0, "seed": 42, "scoring": "vina",
                   "grid_spacing": 0.375}
EFFORT_KEYS = ("exhaustiveness", "search_scale", "stall_fraction")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def search_effort_of(docking: Dict[str, Any]) -> Dict[str, Any]:
    """The exhaustiveness, search_scale and stall_fraction a docking section runs with: its preset's values,
    overridden by those it gives itself."""
    from .. import _vscreen
    effort = _vscreen.search_effort(docking.get("search", DEFAULT_SEARCH))
    effort.update({k: docking[k] for k in EFFORT_KEYS if docking.get(k) is not None})
    return effort


@dataclass
class TargetSpec:
    """One receptor and its search box. ``receptor`` is an absolute path; for a modelled target it is "" and
    ``model`` holds the sequence, record and templates (absolute paths) that campaign.targets builds it from."""
    name: str
    receptor: str
    center: Tuple[float, float, float]
    size: Tuple[float, float, float]
    model: Optional[Dict[str, Any]] = None


@dataclass
class LibrarySpec:
    """The library: files read in order with one reader, and that reader's options."""
    paths: List[str]
    format: str = "auto"
    options: Dict[str, Any] = field(default_factory=dict)


@dataclass
class CampaignConfig:
    """Everything that defines a campaign's results; ``identity()`` is what a rerun must match."""
    name: str
    targets: List[TargetSpec]
    library: LibrarySpec
    docking: Dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_DOCKING))
    preparation: Dict[str, Any] = field(default_factory=dict)
    chunk_size: int = 100
    poses_per_molecule: int = 1
    refine: Dict[str, Any] = field(default_factory=dict)  # the refine: section (empty = no refinement stage)
    active_learning: Dict[str, Any] = field(default_factory=dict)  # the active_learning: section, as written

    def identity(self) -> Dict[str, Any]:
        """The fields that decide which chunks exist and what is in them (kept in the manifest). The library
        files' sizes are included so that a changed library is refused rather than mixed with old chunks.
        The refine section is not part of it: refinement reads the chunks and writes DIR/refine/ only."""
        d = asdict(self)
        d.pop("refine")
        d.pop("active_learning")  # its own identity is kept in DIR/active_learning/state.json
        for t in d["targets"]:  # crystal targets: as before modelled targets existed, so older campaigns resume
            if t["model"] is None:
                del t["model"]
        d["library"]["sizes"] = [os.path.getsize(p) if os.path.exists(p) else None for p in self.library.paths]
        return d


def _vec3(value: Any, what: str) -> Tuple[float, float, float]:
    try:
        v = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        raise CampaignError(f"{what} must be three numbers, got {value!r}") from None
    if len(v) != 3:
        raise CampaignError(f"{what} must be three numbers, got {value!r}")
    return v  # type: ignore[return-value]


def _path(base: str, p: Any, what: str) -> str:
    if not isinstance(p, str) or not p:
        raise CampaignError(f"{what} must be a file path, got {p!r}")
    p = os.path.expanduser(p)
    return os.path.abspath(p if os.path.isabs(p) else os.path.join(base, p))


def target_name(receptor: str) -> str:
    """A target name from a receptor file name: 6lu7_receptor.pdbqt -> 6lu7_receptor."""
    stem = os.path.basename(receptor)
    for ext in (".gz", ".pdbqt", ".pdb", ".ent", ".cif", ".mmcif"):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) or "target"


def _target(d: Any, base: str, i: int) -> TargetSpec:
    if not isinstance(d, dict):
        raise CampaignError(f"targets[{i}] must be a mapping with receptor and a box, got {d!r}")
    unknown = set(d) - {"name", "receptor", "center", "size", "autobox_ligand", "autobox_padding", "model",
                        "box_residues"}
    if unknown:
        raise CampaignError(f"targets[{i}]: unknown key(s) {', '.join(sorted(unknown))}")
    model = None
    if d.get("model") is not None:  # (None: a TargetSpec of a crystal target turned back into a mapping)
        if d.get("receptor"):
            raise CampaignError(f"targets[{i}]: give either receptor or model (sequence + template), not both")
        model = _model_spec(d["model"], base, f"targets[{i}].model")
        receptor = ""
        name = str(d.get("name") or target_name(model["sequence"]) + "_model")
    else:
        receptor = _path(base, d.get("receptor"), f"targets[{i}].receptor")
        name = str(d.get("name") or target_name(receptor))
    if not _NAME_RE.match(name):
        raise CampaignError(f"target name {name!r}: use letters, digits, '.', '_' and '-'")
    if d.get("box_residues"):
        if model is None or "center" in d or "size" in d or d.get("autobox_ligand"):
            raise CampaignError(f"target {name}: box_residues (template residues) go with a model target, alone")
        from ..box import box_from_residues
        from ..homology.template import parse_template_spec
        center, size = box_from_residues(parse_template_spec(model["templates"][0])[0], list(d["box_residues"]),
                                         float(d.get("autobox_padding", 4.0)))
        model["box_residues"] = [str(r) for r in d["box_residues"]]
    elif d.get("autobox_ligand"):
        if "center" in d or "size" in d:
            raise CampaignError(f"target {name}: give either autobox_ligand or center/size, not both")
        from .. import autobox
        center, size = autobox(_path(base, d["autobox_ligand"], f"target {name} autobox_ligand"),
                               float(d.get("autobox_padding", 4.0)))
    elif "center" in d and "size" in d:
        center, size = d["center"], d["size"]
    else:
        raise CampaignError(f"target {name}: the box needs center and size, or autobox_ligand")
    center = _vec3(center, f"target {name} center")
    size = _vec3(size, f"target {name} size")
    if min(size) <= 0:
        raise CampaignError(f"target {name}: box size must be positive, got {size}")
    return TargetSpec(name, receptor, tuple(round(c, 4) for c in center), tuple(round(s, 4) for s in size), model)


def _model_spec(m: Any, base: str, what: str) -> Dict[str, Any]:
    """The model: section of a target (sequence, record, template: one or a list of FILE[:CHAIN]), paths made
    absolute; the files are read when the model is built (campaign.targets), not here."""
    if not isinstance(m, dict):
        raise CampaignError(f"{what} must be a mapping with sequence and template, got {m!r}")
    # "templates" and "box_residues": the form TargetSpec.model holds, when a parsed config is read again
    unknown = set(m) - {"sequence", "record", "template", "templates", "box_residues"}
    if unknown:
        raise CampaignError(f"{what}: unknown key(s) {', '.join(sorted(unknown))} (known: sequence, record, template)")
    given = m.get("template") or m.get("templates")
    if not given:
        raise CampaignError(f"{what}: needs template (FILE or FILE:CHAIN, or a list of them)")
    from ..homology.template import parse_template_spec
    templates = []
    for spec in given if isinstance(given, list) else [given]:
        path, chain = parse_template_spec(str(spec))
        path = _path(base, path, f"{what}.template")
        templates.append(f"{path}:{chain}" if chain else path)
    return {"sequence": _path(base, m.get("sequence"), f"{what}.sequence"),
            "record": str(m["record"]) if m.get("record") is not None else None,
            "templates": templates, "box_residues": m.get("box_residues")}


def config_from_dict(d: Dict[str, Any], base_dir: str = ".") -> CampaignConfig:
    """A validated CampaignConfig from a parsed YAML/TOML document (paths relative to ``base_dir``)."""
    if not isinstance(d, dict):
        raise CampaignError("a campaign config must be a mapping")
    unknown = set(d) - {"name", "targets", "library", "docking", "preparation", "chunk_size", "poses_per_molecule",
                        "refine", "active_learning"}
    if unknown:
        raise CampaignError(f"unknown config key(s): {', '.join(sorted(unknown))}")
    targets = d.get("targets")
    if not isinstance(targets, list) or not targets:
        raise CampaignError("the config needs a non-empty list of targets")
    specs = [_target(t, base_dir, i) for i, t in enumerate(targets)]
    names = [t.name for t in specs]
    if len(set(names)) != len(names):
        raise CampaignError(f"target names must differ, got {names}")
    lib = d.get("library")
    if isinstance(lib, (str, list)):
        lib = {"path": lib}
    if not isinstance(lib, dict) or "path" not in lib:
        raise CampaignError("the config needs library.path (a file or a list of files)")
    paths = lib["path"] if isinstance(lib["path"], list) else [lib["path"]]
    options = dict(lib.get("options") or {})
    for key in ("reference", "index_path"):  # reader options that are paths
        if key in options:
            options[key] = _path(base_dir, options[key], f"library.options.{key}")
    library = LibrarySpec([_path(base_dir, p, "library.path") for p in paths], str(lib.get("format", "auto")),
                          options)
    docking = dict(DEFAULT_DOCKING)
    for k, v in (d.get("docking") or {}).items():
        if k not in DOCKING_KEYS:
            raise CampaignError(f"docking.{k}: unknown setting (known: {', '.join(DOCKING_KEYS)})")
        docking[k] = v
    if docking["search"] not in SEARCH_PRESETS:
        raise CampaignError(f"docking.search: unknown preset {docking['search']!r} (known: {', '.join(SEARCH_PRESETS)})")
    chunk_size = int(d.get("chunk_size", 100))
    if chunk_size < 1:
        raise CampaignError(f"chunk_size must be at least 1, got {chunk_size}")
    poses = int(d.get("poses_per_molecule", 1))
    refine: Dict[str, Any] = {}
    if d.get("refine") is not None:
        from ..refine.campaign import check_refine_section
        try:
            refine = check_refine_section(d["refine"])
        except CampaignError:
            raise
        except ValueError as e:
            raise CampaignError(str(e)) from None
    active_learning = dict(d.get("active_learning") or {})
    if active_learning:
        from .active_learning.settings import active_learning_settings
        active_learning_settings(active_learning, base_dir)  # refused here, before any work
        if active_learning.get("actives"):
            active_learning["actives"] = _path(base_dir, active_learning["actives"], "active_learning.actives")
    return CampaignConfig(str(d.get("name") or "campaign"), specs, library, docking,
                          dict(d.get("preparation") or {}), chunk_size, poses, refine, active_learning)


def load_config(path: str) -> CampaignConfig:
    """Reads a campaign config from .yaml/.yml (PyYAML) or .toml (tomllib)."""
    low = path.lower()
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise CampaignError(f"{path}: cannot read the config ({e.strerror})") from None
    try:
        if low.endswith(".toml"):
            import tomllib
            doc = tomllib.loads(raw.decode("utf-8"))
        elif low.endswith((".yaml", ".yml")):
            import yaml
            doc = yaml.safe_load(raw)
        else:
            raise CampaignError(f"{path}: a config is .yaml, .yml or .toml")
    except CampaignError:
        raise
    except Exception as e:  # yaml.YAMLError, tomllib.TOMLDecodeError
        raise CampaignError(f"{path}: {e}") from None
    return config_from_dict(doc, os.path.dirname(os.path.abspath(path)))


def config_from_args(receptors: Sequence[str], library: Sequence[str], *, center=None, size=None,
                     autobox_ligand: Optional[str] = None, autobox_padding: float = 4.0, name: str = "campaign",
                     library_format: str = "auto", library_options: Optional[Dict[str, Any]] = None,
                     docking: Optional[Dict[str, Any]] = None,
                     preparation: Optional[Dict[str, Any]] = None, chunk_size: int = 100,
                     poses_per_molecule: int = 1) -> CampaignConfig:
    """A config from command-line style arguments: every receptor gets the same box."""
    box: Dict[str, Any] = {}
    if autobox_ligand:
        box = {"autobox_ligand": autobox_ligand, "autobox_padding": autobox_padding}
    elif center is not None and size is not None:
        box = {"center": list(center), "size": list(size)}
    targets = [dict(receptor=r, **box) for r in receptors]
    return config_from_dict({"name": name, "targets": targets,
                             "library": {"path": list(library), "format": library_format,
                                         "options": library_options or {}},
                             "docking": docking or {}, "preparation": preparation or {},
                             "chunk_size": chunk_size, "poses_per_molecule": poses_per_molecule}, os.getcwd())
