"""Which molecules a round docks: a seeded random sample, or the best acquisition values, kept in bounded memory."""
from __future__ import annotations

from typing import Iterable, Tuple

import numpy as np


def random_sample(n: int, k: int, seed: int, excluded: Iterable[int] = ()) -> np.ndarray:
    """k distinct positions of 0..n-1 not in ``excluded``, drawn from a generator seeded by ``seed`` (sorted).
    Memory is O(k + excluded): positions are drawn in rounds with replacement and de-duplicated."""
    excluded_set = set(int(e) for e in excluded)
    k = min(k, n - len(excluded_set))
    rng = np.random.default_rng(seed)
    chosen: set = set()
    while len(chosen) < k:
        draw = rng.integers(0, n, size=2 * (k - len(chosen)) + 16)
        for p in draw.tolist():
            if p not in excluded_set and p not in chosen:
                chosen.add(p)
                if len(chosen) == k:
                    break
    return np.array(sorted(chosen), dtype=np.int64)


class TopK:
    """The k smallest (value, position) pairs of a stream of arrays; ties go to the lower position. Holds at most
    k + one batch."""

    def __init__(self, k: int):
        self.k = int(k)
        self.values = np.zeros(0)
        self.positions = np.zeros(0, dtype=np.int64)

    def add(self, values: np.ndarray, positions: np.ndarray) -> None:
        if self.k <= 0 or len(values) == 0:
            return
        v = np.concatenate([self.values, np.asarray(values, dtype=np.float64)])
        p = np.concatenate([self.positions, np.asarray(positions, dtype=np.int64)])
        order = np.lexsort((p, v))[:self.k]
        self.values, self.positions = v[order], p[order]

    def result(self) -> Tuple[np.ndarray, np.ndarray]:
        """(positions, values), best first."""
        return self.positions.copy(), self.values.copy()


def best_k(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k smallest values (ties by index), best first."""
    order = np.lexsort((np.arange(len(values)), values))
    return order[:k]
