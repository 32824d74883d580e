# The model report of a homology model: alignment figures, per-residue origin, quality before/after minimisation, pocket.
"""What a chemist needs to trust or reject a model, as a dataclass with a JSON form (``to_dict``) and a text form
(``text``). Every figure is defined where it is computed: identity and coverage in :mod:`.alignment`, origins in
:mod:`.build`, clashes and Ramachandran outliers in :mod:`.quality`, the pocket in :mod:`.box_mapping`.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class ModelReport:
    """The report of one model (JSON keys are the field names)."""

    target: Dict[str, Any]                 # id, description, source, length
    template: str                          # FILE:CHAIN chosen
    candidates: List[Dict[str, Any]]       # every template chain aligned: template, score, identity, coverage
    identity: float                        # identical / aligned pairs
    target_coverage: float                 # aligned pairs / target length
    template_coverage: float               # aligned pairs / template residues
    aligned: int
    identical: int
    alignment: str                         # the alignment as text
    model_path: str
    first: int                             # first and last target residue in the model (1-based)
    last: int
    origins: Dict[str, int]                # origin -> residues
    residues: List[Dict[str, Any]]         # number, name, origin, template
    clashes_before: List[str]
    clashes_after: List[str]
    ramachandran_tested: int
    ramachandran_before: List[str]
    ramachandran_after: List[str]
    energy_before_kj: float                # ff14SB + OBC2 potential energy without restraints
    energy_after_kj: float
    copied_ca_rmsd: float                  # A: copied C-alpha atoms, model vs template
    copied_ca_max: float
    box: Optional[Dict[str, Any]] = None   # center, size, how, template_residues, model_residues
    pocket: List[Dict[str, Any]] = field(default_factory=list)
    pocket_identity: Optional[float] = None
    notes: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"

    def text(self, residues: bool = False) -> str:
        """The report as text; ``residues`` adds the per-residue origin table."""
        t = self.target
        lines = [f"Model of {t['id']} ({t['length']} residues, {t['source']}) on template {self.template}",
                 f"  -> {self.model_path}: residues {self.first}-{self.last}",
                 f"  identity {100 * self.identity:.1f}% ({self.identical}/{self.aligned} aligned), target coverage "
                 f"{100 * self.target_coverage:.1f}%, template coverage {100 * self.template_coverage:.1f}%",
                 "  residues: " + ", ".join(f"{n} {k}" for k, n in self.origins.items()),
                 f"  clashes: {len(self.clashes_before)} before minimisation, {len(self.clashes_after)} after",
                 f"  Ramachandran outliers: {len(self.ramachandran_before)} before, {len(self.ramachandran_after)} "
                 f"after, of {self.ramachandran_tested} residues",
                 f"  energy (ff14SB/OBC2): {self.energy_before_kj:.0f} -> {self.energy_after_kj:.0f} kJ/mol; copied "
                 f"C-alpha moved {self.copied_ca_rmsd:.2f} A RMS ({self.copied_ca_max:.2f} A at most)"]
        if len(self.candidates) > 1:
            lines.append("  templates: " + "; ".join(
                f"{c['template']} score {c['score']:.0f} identity {100 * c['identity']:.1f}% coverage "
                f"{100 * c['target_coverage']:.1f}%" for c in self.candidates))
        if self.box:
            b = self.box
            lines.append("  box: center ({:.3f}, {:.3f}, {:.3f}) size ({:.3f}, {:.3f}, {:.3f}) ".format(
                *b["center"], *b["size"]) + f"({b['how']})")
            if b.get("model_residues"):
                lines.append("    template residues " + ", ".join(b["template_residues"]) + " -> model "
                             + ", ".join(b["model_residues"]))
        if self.pocket:
            lines.append(f"  pocket: {len(self.pocket)} residues, {100 * (self.pocket_identity or 0):.1f}% identical "
                         f"to the template")
            lines += [f"    {p['model']:<12} template {p['template'] or '-':<12} "
                      f"{'identical' if p['identical'] else 'different'}, {p['origin']}" for p in self.pocket]
        lines += [f"  note: {n}" for n in self.notes]
        lines += [f"  WARNING: {w}" for w in self.warnings]
        lines += ["", "Alignment:", self.alignment]
        if residues:
            lines += ["", "Residues:"] + [f"  {r['number']:5d} {r['name']} {r['origin']:<18} {r['template'] or ''}"
                                          for r in self.residues]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    @classmethod
    def from_dict(cls, doc: Dict[str, Any]) -> "ModelReport":
        return cls(**doc)

    def html(self) -> str:
        """A section for an HTML page: the warnings, then the text report (with the residue table) as <pre>."""
        import html
        warn = "".join(f"<p class='warn'>Model warning: {html.escape(w)}</p>" for w in self.warnings)
        return (f"<h3>Homology model</h3>{warn}<details open><summary>Model report: identity "
                f"{100 * self.identity:.1f}%, coverage {100 * self.target_coverage:.1f}%, template "
                f"{html.escape(self.template)}</summary><pre>{html.escape(self.text(residues=True))}</pre></details>")
