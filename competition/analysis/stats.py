"""Small statistics, exact where it is cheap: the median, the two-sided sign test and
Spearman's rank correlation (with average ranks for ties)."""
from __future__ import annotations

from math import comb, sqrt
from typing import Sequence


def median(values: Sequence):
    """The median (the mean of the two middle values for an even count); None if empty."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def sign_test_p(above: int, below: int) -> float:
    """Two-sided exact sign test: the probability, if a judge were as likely to mark above
    the panel as below it, of a split at least as lopsided as ``above`` : ``below``.
    Ties (marks equal to the panel) are left out before calling, as the test requires.

    p = min(1, 2 x sum_{k=0..min(a,b)} C(n, k) / 2^n), n = a + b; 1.0 when n = 0."""
    n = above + below
    if n == 0:
        return 1.0
    tail = sum(comb(n, k) for k in range(min(above, below) + 1))
    return min(1.0, 2 * tail / 2 ** n)


def average_ranks(values: Sequence) -> list[float]:
    """Ranks 1..n in the order of ``values``; tied values share the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        shared = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = shared
        i = j + 1
    return ranks


def spearman(xs: Sequence, ys: Sequence) -> float | None:
    """Spearman's rho: Pearson's correlation of the average ranks. None with fewer than
    three pairs or when either side has no spread (every value the same)."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs pairs")
    if len(xs) < 3:
        return None
    rx, ry = average_ranks(xs), average_ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)
