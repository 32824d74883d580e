# model_target: a homology model from a target sequence and one or more templates, with its model report.
"""The pipeline of :func:`model_target` (each step in its own module): read the sequence (:mod:`.sequence`) and the
template chains (:mod:`.template`); align the target to every candidate chain and keep the best-scoring alignment
(:mod:`.alignment`); refuse it when too poor; copy, rebuild and build (:mod:`.build`); check clashes and
Ramachandran outliers (:mod:`.quality`); restrained minimisation (:mod:`.minimise`); check again; map the box and
name the pocket residues (:mod:`.box_mapping`); write the model PDB (heavy atoms) and the report (:mod:`.report`).

Several templates: the single best-scoring alignment (BLOSUM62 score) is modelled; templates are not combined (see
docs/architecture.md: combining needs a per-region choice and a common frame, and on the SARS-CoV-2 targets the
alternative templates differ by less than their own crystal-to-crystal spread; benchmarks/README.md).
"""
from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass
from typing import List, Optional, Sequence, Union

from .._vscreen import InputError
from ..box import Box, box_from_center_size, box_from_ligand, box_from_residues
from .alignment import align, check_alignment
from .box_mapping import map_template_residues, pocket_residues, pocket_warnings
from .build import BUILT_LOOP, COPIED, REBUILT_SIDE_CHAIN, build_model
from .minimise import MAX_ITERATIONS, minimise_model
from .quality import atoms_of, clashes, ramachandran_outliers
from .report import ModelReport
from .sequence import TargetSequence, read_sequence
from .template import parse_template_spec, read_template

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class ModelResult:
    """What :func:`model_target` wrote: the model PDB, the report (and its JSON file), the mapped box, the time."""

    model_path: str
    report: ModelReport
    report_path: Optional[str]
    box: Optional[Box]
    seconds: float

    def __str__(self) -> str:
        return self.report.text()


def _check_out(out: str, inputs: Sequence[str]) -> None:
    if not out.lower().endswith(".pdb"):
        raise InputError(f"{out}: the model is written as PDB; give a .pdb path")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise InputError(f"{out}: output folder {folder} does not exist")
    for p in inputs:
        if os.path.exists(out) and os.path.exists(p) and os.path.samefile(out, p):
            raise InputError(f"{out}: the output is an input file; choose another name")


def _pdb_text(topology, positions) -> str:
    import openmm.app as app
    buf = io.StringIO()
    app.PDBFile.writeFile(topology, positions, buf, keepIds=True)
    return "".join(line + "\n" for line in buf.getvalue().splitlines() if not line.startswith("REMARK"))


def _as_list(value) -> List[str]:
    """A list of strings from None, a list, or one string: an existing path as it is, else split at commas
    ("A:HIS41,A:CYS145"; "t1.pdb:A,t2.pdb")."""
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        return [text] if os.path.exists(text) else [v.strip() for v in text.split(",") if v.strip()]
    return [os.fspath(v) for v in value]


def model_target(sequence: Union[PathLike, TargetSequence], templates: Union[PathLike, Sequence[PathLike]],
                 out: PathLike, *, record: Optional[str] = None, report: Optional[PathLike] = None,
                 box_residues: Union[None, str, Sequence[str]] = None, box_ligand: Optional[PathLike] = None,
                 box_center: Optional[Sequence[float]] = None, box_size: Optional[Sequence[float]] = None,
                 box_padding: float = 4.0, max_iterations: int = MAX_ITERATIONS) -> ModelResult:
    """Builds a homology model of ``sequence`` (a FASTA file, ``record`` choosing the record, or a TargetSequence)
    on the best of ``templates`` ("FILE" or "FILE:CHAIN", one or a list; a file without chain offers every protein
    chain) and writes it to ``out`` (PDB, heavy atoms, numbered by the target sequence), and the report as JSON
    to ``report`` when given.

    Box (optional, in the template's terms): ``box_residues`` (template residues such as "A:HIS41,A:CYS145",
    mapped through the alignment), ``box_ligand`` (a ligand file placed in the template), or ``box_center`` and
    ``box_size``; the report then names the pocket residues and warns when they are in built loops.

    Raises InputError for bad letters in the sequence, a template file that is not a structure, a missing chain,
    an alignment too poor to model, a box residue with no place in the model; the message says which.
    """
    start = time.perf_counter()
    out = os.fspath(out)
    template_specs = _as_list(templates)
    if not template_specs:
        raise InputError("no template given")
    seq = sequence if isinstance(sequence, TargetSequence) else read_sequence(sequence, record)
    _check_out(out, [seq.source] + [parse_template_spec(s)[0] for s in template_specs])
    how = [k for k, v in (("residues", box_residues), ("ligand", box_ligand), ("center/size", box_center)) if v]
    if len(how) > 1:
        raise InputError(f"box: give one of box_residues, box_ligand or box_center/box_size, not {' and '.join(how)}")
    if (box_center is None) != (box_size is None):
        raise InputError("box: box_center and box_size go together")
    chains = [c for spec in template_specs for c in read_template(spec)]
    alignments = [align(seq, c) for c in chains]
    best = max(alignments, key=lambda a: a.score)  # the first of equal scores
    check_alignment(best)
    box_specs = _as_list(box_residues)
    mapped = map_template_residues(best, box_specs, (best.template.chain or "A")[:1]) if box_specs else []

    built = build_model(best)
    before = atoms_of(built.topology, built.positions)
    clashes_before = clashes(before)
    rama_before, tested = ramachandran_outliers(before)
    mini = minimise_model(built.topology, built.positions, built.copied_atoms, max_iterations)
    after = atoms_of(mini.topology, mini.positions)
    clashes_after = clashes(after)
    rama_after, _ = ramachandran_outliers(after)
    shifts = [sum((a.xyz[k] - built.copied_atoms[(a.number, "CA")][k]) ** 2 for k in range(3))
              for a in after if a.name == "CA" and (a.number, "CA") in built.copied_atoms]
    text = _pdb_text(mini.topology, mini.positions)
    tmp = f"{out}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, out)

    residues = {r.number: r for r in built.residues}
    box = None
    box_doc = None
    warnings = list(best.warnings)
    if box_specs:
        box = box_from_residues(out, mapped, box_padding)
        box_doc = {"how": f"around template residues, mapped (padding {box_padding:g} A)",
                   "template_residues": box_specs, "model_residues": mapped}
    elif box_ligand:
        box = box_from_ligand(box_ligand, box_padding)
        box_doc = {"how": f"around ligand {os.fspath(box_ligand)} in the template frame (padding {box_padding:g} A)"}
    elif box_center is not None:
        box = box_from_center_size(box_center, box_size)
        box_doc = {"how": "centre and size in the template frame"}
    pocket = []
    if box is not None:
        box_doc.update(center=[round(v, 3) for v in box.center], size=[round(v, 3) for v in box.size])
        pocket = pocket_residues(box, after, residues, best)
        warnings += pocket_warnings(pocket)
        if not pocket:
            warnings.append("no model residue has an atom inside the box")
    origins = {k: sum(1 for r in built.residues if r.origin == k) for k in (COPIED, REBUILT_SIDE_CHAIN, BUILT_LOOP)}
    rep = ModelReport(
        target={"id": seq.id, "description": seq.description, "source": seq.source, "length": len(seq)},
        template=best.template.spec,
        candidates=[{"template": a.template.spec, "score": a.score, "identity": round(a.identity, 4),
                     "target_coverage": round(a.target_coverage, 4), "aligned": len(a.pairs)} for a in alignments],
        identity=round(best.identity, 4), target_coverage=round(best.target_coverage, 4),
        template_coverage=round(best.template_coverage, 4), aligned=len(best.pairs), identical=best.identical,
        alignment=best.text(), model_path=out, first=built.residues[0].number, last=built.residues[-1].number,
        origins=origins,
        residues=[{"number": r.number, "name": r.name, "origin": r.origin, "template": r.template}
                  for r in built.residues],
        clashes_before=clashes_before, clashes_after=clashes_after, ramachandran_tested=tested,
        ramachandran_before=rama_before, ramachandran_after=rama_after,
        energy_before_kj=round(mini.energy_before, 1), energy_after_kj=round(mini.energy_after, 1),
        copied_ca_rmsd=round((sum(shifts) / len(shifts)) ** 0.5, 3) if shifts else 0.0,
        copied_ca_max=round(max(shifts) ** 0.5, 3) if shifts else 0.0,
        box=box_doc,
        pocket=[{"model": p.model, "template": p.template, "identical": p.identical, "origin": p.origin}
                for p in pocket],
        pocket_identity=round(sum(p.identical for p in pocket) / len(pocket), 4) if pocket else None,
        notes=built.notes + ([f"template residues without N/CA/C or a standard parent, not used: "
                              f"{', '.join(best.template.dropped[:8])}"] if best.template.dropped else []),
        warnings=warnings)
    report_path = None
    if report is not None:
        report_path = os.fspath(report)
        with open(report_path + f".{os.getpid()}.tmp", "w") as f:
            f.write(rep.to_json())
        os.replace(report_path + f".{os.getpid()}.tmp", report_path)
    return ModelResult(out, rep, report_path, box, time.perf_counter() - start)
