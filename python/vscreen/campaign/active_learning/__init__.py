"""Surrogate-guided (active-learning) campaigns: dock a seeded sample of the planned library, fit a LightGBM
surrogate per target on fingerprints + descriptors, predict every undocked molecule chunk by chunk, dock the best
predicted batch, repeat. Docking rows and predictions are stored apart (state.ActiveLearningStore)."""
from __future__ import annotations

from .rounds import ActiveLearningSummary, run_active_learning
from .settings import ActiveLearningSettings, active_learning_settings

__all__ = ["ActiveLearningSettings", "ActiveLearningSummary", "active_learning_settings", "run_active_learning"]
