# Boxes carried from a template to its model: template residues mapped through the alignment, and the model's pocket residues.
"""The model is built in the template's frame (copied atoms keep their coordinates, the restraints keep them close),
so a box given by coordinates (a centre and a size, or a ligand placed in the template) is the model's box as it
is. A box given by template residues ("A:HIS41", "A:41", ...; see :func:`vscreen.box.parse_residue_spec`) is
mapped through the alignment to the model's residues (numbered by the target sequence) and drawn around their
heavy atoms in the model. The pocket is every model residue with a heavy atom inside the box.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from .._vscreen import InputError
from ..box import Box, parse_residue_spec
from .alignment import SequenceAlignment
from .build import BUILT_LOOP, ModelResidue
from .sequence import THREE_LETTER


@dataclass
class PocketResidue:
    """A model residue inside the box: its label, the template residue it sits on, identity, origin."""

    model: str
    template: Optional[str]
    identical: bool
    origin: str


def map_template_residues(aln: SequenceAlignment, specs: Sequence[str], model_chain: str) -> List[str]:
    """Model residue labels ("A:CYS145") of template residue specs, through the alignment. Raises InputError for
    a residue that is not in the template chain, a name that does not match, and a residue aligned to no target
    residue (the message says which)."""
    tmpl = aln.template.residues
    target_of = {j: i for i, j in aln.pairs}
    out = []
    for spec in specs:
        chain, name, num, icode = parse_residue_spec(spec)
        if chain is not None and chain != aln.template.chain:
            raise InputError(f"box residue '{spec}': the template is chain {aln.template.chain} of "
                             f"{aln.template.path}, not chain {chain}")
        match = [j for j, r in enumerate(tmpl) if r.number == num and r.icode == icode]
        if not match:
            raise InputError(f"box residue '{spec}': no residue {num}{icode} in template {aln.template.spec}")
        r = tmpl[match[0]]
        if name is not None and name != r.name:
            raise InputError(f"box residue '{spec}': template residue {r.label} is {r.name}, not {name}")
        if match[0] not in target_of:
            raise InputError(f"box residue '{spec}': template residue {r.label} is aligned to no target residue "
                             f"(a gap in the alignment); it has no place in the model")
        i = target_of[match[0]]
        letter = aln.target.letters[i]
        out.append(f"{model_chain}:{THREE_LETTER[letter]}{i + 1}")
    return out


def pocket_residues(box: Box, atoms, residues: Dict[int, ModelResidue], aln: SequenceAlignment) -> List[PocketResidue]:
    """Model residues with a heavy atom inside ``box`` (``atoms``: :func:`.quality.atoms_of` of the model)."""
    lo = [c - s / 2 for c, s in zip(box.center, box.size)]
    hi = [c + s / 2 for c, s in zip(box.center, box.size)]
    inside: Dict[int, str] = {}
    for a in atoms:
        if all(lo[k] <= a.xyz[k] <= hi[k] for k in range(3)):
            inside.setdefault(a.number, a.residue)
    tmpl_of = aln.template_of()
    tmpl = aln.template.residues
    out = []
    for number in sorted(inside):
        res = residues[number]
        j = tmpl_of.get(number - 1)
        identical = j is not None and res.origin != BUILT_LOOP and tmpl[j].letter == aln.target.letters[number - 1]
        out.append(PocketResidue(inside[number], res.template, identical, res.origin))
    return out


def pocket_warnings(pocket: List[PocketResidue]) -> List[str]:
    """A warning when pocket residues were built as loop (no template coordinates under them)."""
    loops = [p.model for p in pocket if p.origin == BUILT_LOOP]
    if loops:
        return [f"{len(loops)} of the {len(pocket)} pocket residues are in built loops (no template coordinates): "
                f"{', '.join(loops[:12])}{', ...' if len(loops) > 12 else ''}; the pocket is a guess there"]
    return []
