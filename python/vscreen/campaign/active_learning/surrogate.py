"""The surrogate of one target: a small seeded LightGBM ensemble regressing docking affinities from features."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

#: LightGBM parameters of every member (seeded, deterministic; num_threads set by the caller).
LGBM_PARAMS = {"objective": "regression", "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 5,
               "feature_fraction": 0.5, "lambda_l2": 1.0, "max_bin": 63, "verbose": -1, "deterministic": True,
               "force_row_wise": True}


@dataclass
class SurrogateSpec:
    """members: ensemble size (1 = one model, no spread); rounds: boosting rounds per member; clip_quantile: the
    training targets are clipped above this quantile of the docked affinities (lower is better), so the model
    spends its capacity on ranking the top rather than on the weak tail (1.0 = no clipping)."""
    members: int = 1
    rounds: int = 300
    clip_quantile: float = 1.0
    params: Dict[str, Any] = field(default_factory=dict)


class Surrogate:
    """Fit on (X, affinity); predict returns (mean, spread) with spread 0 for a single member."""

    def __init__(self, spec: SurrogateSpec, seed: int, threads: int = 1):
        self.spec, self.seed, self.threads = spec, int(seed), max(1, int(threads))
        self.boosters: List[Any] = []

    def fit(self, X: np.ndarray, y: np.ndarray) -> "Surrogate":
        import lightgbm as lgb
        y = np.asarray(y, dtype=np.float64)
        if self.spec.clip_quantile < 1.0:
            y = np.minimum(y, np.quantile(y, self.spec.clip_quantile))
        n = len(y)
        self.boosters = []
        for m in range(self.spec.members):
            seed = self.seed * 1000 + m
            params = dict(LGBM_PARAMS, seed=seed, num_threads=self.threads, **self.spec.params)
            if self.spec.members > 1:  # members differ by a bootstrap of the rows and their feature draws
                rows = np.random.default_rng(seed).integers(0, n, n)
                Xm, ym = X[rows], y[rows]
            else:
                Xm, ym = X, y
            params["min_data_in_leaf"] = min(params["min_data_in_leaf"], max(1, n // 4))
            data = lgb.Dataset(Xm, ym, params={"max_bin": params["max_bin"], "verbose": -1})
            self.boosters.append(lgb.train(params, data, num_boost_round=self.spec.rounds))
        return self

    def predict(self, X: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        if not self.boosters:
            raise RuntimeError("the surrogate is not fitted")
        if len(X) == 0:
            return np.zeros(0), np.zeros(0)
        preds = np.stack([b.predict(X, num_threads=self.threads) for b in self.boosters])
        return preds.mean(axis=0), (preds.std(axis=0) if len(preds) > 1 else np.zeros(len(X)))

    def save(self, path: str) -> None:
        """The members as LightGBM text models, concatenated with a separator line (a record of the round)."""
        from ..store import atomic_write_text
        atomic_write_text(path, "\n#--member--\n".join(b.model_to_string() for b in self.boosters))


def acquisition(mean: np.ndarray, spread: np.ndarray, kind: str, beta: float) -> np.ndarray:
    """Lower is picked first: greedy = the predicted affinity; ucb = mean - beta * spread (optimistic)."""
    if kind == "greedy":
        return mean
    if kind == "ucb":
        return mean - beta * spread
    raise ValueError(f"unknown acquisition {kind!r} (greedy, ucb)")


def fit_surrogate(X: np.ndarray, y: np.ndarray, spec: SurrogateSpec, seed: int, threads: int = 1,
                  ) -> Optional[Surrogate]:
    """A fitted surrogate, or None when there are too few docked molecules to learn from (< 8)."""
    if len(y) < 8:
        return None
    return Surrogate(spec, seed, threads).fit(X, y)
