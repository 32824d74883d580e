"""Binomial statistics of benchmark counts: Wilson intervals and the exact McNemar test of paired successes."""
import math


def wilson(k, n, z=1.96):
    """95 % Wilson score interval of a binomial proportion k/n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def mcnemar_p(won, lost):
    """Exact two-sided McNemar test: binomial(n = won + lost, 1/2) probability of a split this uneven."""
    n = won + lost
    if n == 0:
        return 1.0
    k = min(won, lost)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)
