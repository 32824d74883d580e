"""Surrogate quality on held-back docked molecules and how much of a ranking's top a set of picks holds."""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np


def spearman(a: np.ndarray, b: np.ndarray) -> Optional[float]:
    """Spearman's rank correlation (average ranks for ties); None below 3 pairs or for a constant side."""
    if len(a) < 3:
        return None
    from scipy.stats import spearmanr
    if np.all(a == a[0]) or np.all(b == b[0]):
        return None
    return float(spearmanr(a, b).correlation)


def top_recall(true: np.ndarray, predicted: np.ndarray, fraction: float = 0.01) -> Optional[float]:
    """Of the best ``fraction`` by true affinity (at least one molecule), the share that the predictions also rank
    in their best ``fraction`` (lower is better on both sides)."""
    n = len(true)
    if n == 0:
        return None
    k = max(1, int(round(n * fraction)))
    top_true = set(np.argsort(true, kind="stable")[:k].tolist())
    top_pred = set(np.argsort(predicted, kind="stable")[:k].tolist())
    return len(top_true & top_pred) / k


def holdout_quality(X: np.ndarray, y: np.ndarray, fit, seed: int, fraction: float = 0.2) -> Dict[str, object]:
    """Fits ``fit(X, y)`` (returning an object with predict -> (mean, spread)) on a seeded (1 - fraction) of the
    docked molecules and scores the rest: held_back, spearman, top1_recall (of the held-back docked top 1 %)."""
    n = len(y)
    hold = int(round(n * fraction))
    if hold < 3 or n - hold < 8:
        return {"held_back": 0, "spearman": None, "top1_recall": None}
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    test, train = order[:hold], order[hold:]
    model = fit(X[train], y[train])
    pred, _ = model.predict(X[test])
    return {"held_back": int(hold), "spearman": spearman(y[test], pred), "top1_recall": top_recall(y[test], pred)}


def enrichment(picked_actives: int, picked: int, actives: int, total: int) -> Optional[float]:
    """Enrichment factor of the picks: (active share among the picks) / (active share in the library)."""
    if picked == 0 or actives == 0 or total == 0:
        return None
    return (picked_actives / picked) / (actives / total)
