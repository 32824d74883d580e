"""The active_learning: section of a campaign config, checked; sizes are fractions of the library or counts."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

from ..errors import CampaignError
from .features import FeatureSpec
from .surrogate import SurrogateSpec

KEYS = ("rounds", "initial", "batch", "max_docked", "stop_top_k", "acquisition", "beta", "members", "boosting_rounds",
        "clip_quantile", "morgan_radius", "morgan_bits", "morgan_counts", "descriptors", "holdout", "seed", "threads",
        "actives")


@dataclass
class ActiveLearningSettings:
    """rounds: at most this many docking rounds (round 0 is the random sample); initial / batch / max_docked: a
    fraction of the library (< 1) or a molecule count (>= 1); stop_top_k: stop when the docked top k (by
    affinity) is the same set after a round as before it (0 = never); acquisition: greedy or ucb (mean - beta x
    the ensemble's spread; needs members > 1); holdout: share of the docked molecules held back to score each
    round's surrogate; actives: optional file of active ids (one per line) for the enrichment column."""
    rounds: int = 19
    initial: float = 0.01
    batch: float = 0.005
    max_docked: float = 0.1
    stop_top_k: int = 0
    acquisition: str = "greedy"
    beta: float = 1.0
    members: int = 1
    boosting_rounds: int = 300
    clip_quantile: float = 0.5
    morgan_radius: int = 2
    morgan_bits: int = 2048
    morgan_counts: bool = True
    descriptors: bool = True
    holdout: float = 0.2
    seed: int = 0
    threads: int = 1
    actives: Optional[str] = None

    @property
    def features(self) -> FeatureSpec:
        return FeatureSpec(self.morgan_radius, self.morgan_bits, self.morgan_counts, self.descriptors)

    @property
    def surrogate(self) -> SurrogateSpec:
        return SurrogateSpec(self.members, self.boosting_rounds, self.clip_quantile)

    def count(self, value: float, library: int) -> int:
        """A size setting in molecules for a library of ``library`` records."""
        return min(library, int(round(value * library)) if value < 1 else int(value))

    def identity(self) -> Dict[str, Any]:
        """What decides the picks (a resumed run must match it); threads and actives do not."""
        d = asdict(self)
        d.pop("threads")
        d.pop("actives")
        return d


def active_learning_settings(d: Any, base_dir: str = ".") -> ActiveLearningSettings:
    """Settings from a config section (a mapping; None or {} = the defaults)."""
    import os
    if d is None:
        d = {}
    if not isinstance(d, dict):
        raise CampaignError("active_learning: must be a mapping")
    unknown = set(d) - set(KEYS)
    if unknown:
        raise CampaignError(f"active_learning.{sorted(unknown)[0]}: unknown setting (known: {', '.join(KEYS)})")
    defaults = ActiveLearningSettings()
    values: Dict[str, Any] = {}
    for key, value in d.items():
        kind = type(getattr(defaults, key)) if getattr(defaults, key) is not None else str
        try:
            values[key] = (value if isinstance(value, bool) else bool(value)) if kind is bool else kind(value)
        except (TypeError, ValueError):
            raise CampaignError(f"active_learning.{key}: expected {kind.__name__}, got {value!r}") from None
    s = ActiveLearningSettings(**values)
    if s.actives:
        s.actives = s.actives if os.path.isabs(s.actives) else os.path.join(base_dir, s.actives)
    if s.rounds < 1:
        raise CampaignError(f"active_learning.rounds must be at least 1, got {s.rounds}")
    for key in ("initial", "batch", "max_docked"):
        if getattr(s, key) <= 0:
            raise CampaignError(f"active_learning.{key} must be positive (a fraction < 1 or a count)")
    if s.acquisition not in ("greedy", "ucb"):
        raise CampaignError(f"active_learning.acquisition: greedy or ucb, got {s.acquisition!r}")
    if s.acquisition == "ucb" and s.members < 2:
        raise CampaignError("active_learning.acquisition ucb needs members >= 2 (the ensemble's spread)")
    if not 0 < s.clip_quantile <= 1:
        raise CampaignError(f"active_learning.clip_quantile must be in (0, 1], got {s.clip_quantile}")
    if not 0 <= s.holdout < 1:
        raise CampaignError(f"active_learning.holdout must be in [0, 1), got {s.holdout}")
    return s
