# Target-to-template sequence alignment (Biopython's PairwiseAligner, BLOSUM62, affine gaps) and the thresholds a model needs.
"""The target sequence is aligned to the template chain's observed residues (not its SEQRES), so that every aligned
pair has coordinates to copy. Scoring: BLOSUM62, affine gaps (open -10, extend -0.5, as EMBOSS needle), end gaps
free on both sequences (a target longer than the template, e.g. a domain inside a polyprotein, or a template with
extra residues, costs nothing at the ends). Figures:

* identity = identical pairs / aligned pairs;
* target coverage = aligned pairs / target length; template coverage = aligned pairs / template residues.

Thresholds (a model is refused below them, warned about between): identity below ``MIN_IDENTITY`` (25 %), fewer
than ``MIN_ALIGNED`` (30) aligned pairs, or a score below ``MIN_SCORE_PER_PAIR`` (1.0 BLOSUM62 unit per aligned
pair) is refused: there the alignment itself is mostly wrong (the "twilight zone" of pairwise sequence alignment,
Rost 1999), and a model cannot be better than its alignment. Identity alone is not enough with gaps allowed: the
SARS-CoV-2 spike aligned to the unrelated ACE2 chain of 2AJF reaches 29.9 % identity over 491 pairs by opening
gaps, but scores 0.13 per pair (its RBD on the RBD chain of the same file: 72.4 %, 3.9 per pair). Identity
below ``WARN_IDENTITY`` (40 %) and target coverage below ``WARN_COVERAGE`` (50 %) are warnings: below 40 % side
chains and loops of a model are expected to be wrong in places, and a low coverage says the model is of a part of
the target only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .._vscreen import InputError
from .sequence import TargetSequence
from .template import TemplateChain

MIN_IDENTITY = 0.25
MIN_ALIGNED = 30
MIN_SCORE_PER_PAIR = 1.0
WARN_IDENTITY = 0.40
WARN_COVERAGE = 0.50
GAP_OPEN = -10.0
GAP_EXTEND = -0.5


@dataclass
class SequenceAlignment:
    """The target aligned to one template chain. ``pairs``: (target index, template residue index), 0-based, in
    order, for every aligned (identical or not) position."""

    target: TargetSequence
    template: TemplateChain
    pairs: List[Tuple[int, int]]
    score: float
    warnings: List[str] = field(default_factory=list)

    @property
    def identical(self) -> int:
        t, s = self.target.letters, self.template.residues
        return sum(1 for i, j in self.pairs if t[i] == s[j].letter)

    @property
    def identity(self) -> float:
        return self.identical / len(self.pairs) if self.pairs else 0.0

    @property
    def target_coverage(self) -> float:
        return len(self.pairs) / len(self.target.letters)

    @property
    def template_coverage(self) -> float:
        return len(self.pairs) / len(self.template.residues)

    def template_of(self) -> Dict[int, int]:
        """target index -> template residue index, for the aligned positions."""
        return dict(self.pairs)

    def text(self, width: int = 60) -> str:
        """The aligned region as text: template and target rows ('-' for a gap), a row between them with '|' for
        identical pairs, ':' for a positive BLOSUM62 score and '.' for other pairs; numbers are the target's
        1-based positions and the template's residue numbers at the start of each row."""
        from Bio.Align import substitution_matrices
        blosum = substitution_matrices.load("BLOSUM62")
        t, res = self.target.letters, self.template.residues
        cols: List[Tuple[Optional[int], Optional[int]]] = []
        prev_i, prev_j = self.pairs[0]
        cols.append((prev_i, prev_j))
        for i, j in self.pairs[1:]:
            cols += [(None, jj) for jj in range(prev_j + 1, j)]
            cols += [(ii, None) for ii in range(prev_i + 1, i)]
            cols.append((i, j))
            prev_i, prev_j = i, j
        lines = []
        for k in range(0, len(cols), width):
            block = cols[k:k + width]
            top = "".join(res[j].letter if j is not None else "-" for _, j in block)
            bottom = "".join(t[i] if i is not None else "-" for i, _ in block)
            mid = "".join(" " if i is None or j is None else "|" if t[i] == res[j].letter
                          else ":" if blosum[t[i]][res[j].letter] > 0 else "." for i, j in block)
            j0 = next((res[j].number for _, j in block if j is not None), "")
            i0 = next((i + 1 for i, _ in block if i is not None), "")
            lines += [f"template {str(j0):>5} {top}", f"{'':14} {mid}", f"target   {str(i0):>5} {bottom}", ""]
        return "\n".join(lines).rstrip("\n")


def _aligner():
    from Bio.Align import PairwiseAligner, substitution_matrices
    aligner = PairwiseAligner()
    aligner.mode = "global"
    aligner.substitution_matrix = substitution_matrices.load("BLOSUM62")
    aligner.open_gap_score = GAP_OPEN
    aligner.extend_gap_score = GAP_EXTEND
    aligner.end_gap_score = 0.0  # end gaps free on both sequences (an overlap alignment)
    return aligner


def align(target: TargetSequence, template: TemplateChain) -> SequenceAlignment:
    """The best-scoring alignment of ``target`` to ``template``'s residues (the first of equal ones Biopython
    gives, so the result is the same run after run); its warnings are filled by :func:`check_alignment`."""
    result = _aligner().align(template.sequence, target.letters)
    best = result[0]
    pairs: List[Tuple[int, int]] = []
    for (s0, s1), (q0, q1) in zip(*best.aligned):
        pairs += [(int(q0 + k), int(s0 + k)) for k in range(int(s1 - s0))]
    return SequenceAlignment(target, template, pairs, float(best.score))


def check_alignment(aln: SequenceAlignment) -> SequenceAlignment:
    """Raises InputError when the alignment is too poor to model (thresholds above); fills ``aln.warnings``."""
    where = f"{aln.target.source} record {aln.target.id} on template {aln.template.spec}"
    per_pair = aln.score / len(aln.pairs) if aln.pairs else 0.0
    if len(aln.pairs) < MIN_ALIGNED or aln.identity < MIN_IDENTITY or per_pair < MIN_SCORE_PER_PAIR:
        raise InputError(f"{where}: sequence identity {100 * aln.identity:.1f}% over {len(aln.pairs)} aligned "
                         f"residues (score {per_pair:.2f} per pair) is too low to model (need at least "
                         f"{100 * MIN_IDENTITY:.0f}% identity over at least {MIN_ALIGNED} residues and a BLOSUM62 "
                         f"score of at least {MIN_SCORE_PER_PAIR:g} per pair); choose a closer template")
    aln.warnings = []
    if aln.identity < WARN_IDENTITY:
        aln.warnings.append(f"low sequence identity {100 * aln.identity:.1f}% (< {100 * WARN_IDENTITY:.0f}%): expect "
                            f"errors in the alignment, side chains and loops")
    if aln.target_coverage < WARN_COVERAGE:
        aln.warnings.append(f"the model covers {100 * aln.target_coverage:.1f}% of the target sequence "
                            f"({len(aln.pairs)} of {len(aln.target.letters)} residues aligned)")
    return aln
