# Homology models of targets without a structure: a target sequence modelled on a template (vscreen model-target).
"""Align, copy, rebuild, minimise, report: :func:`model_target` and the pieces it is made of."""
from .alignment import MIN_IDENTITY, MIN_SCORE_PER_PAIR, WARN_COVERAGE, WARN_IDENTITY, SequenceAlignment, align
from .model import ModelResult, model_target
from .report import ModelReport
from .sequence import TargetSequence, read_sequence
from .template import TemplateChain, read_template

__all__ = ["MIN_IDENTITY", "MIN_SCORE_PER_PAIR", "WARN_COVERAGE", "WARN_IDENTITY", "ModelReport", "ModelResult",
           "SequenceAlignment", "TargetSequence", "TemplateChain", "align", "model_target", "read_sequence",
           "read_template"]
