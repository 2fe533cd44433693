"""Aggregations: judges' marks -> one mark; attempts -> one result. Name -> function tables."""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Sequence

ZERO = Decimal(0)
TWO = Decimal(2)


def mean(values: Sequence[Decimal], trim: int = 0) -> Decimal:
    return sum(values, ZERO) / len(values)


def trimmed(values: Sequence[Decimal], trim: int) -> list[Decimal]:
    ordered = sorted(values)
    if trim and len(ordered) > 2 * trim:
        return ordered[trim:len(ordered) - trim]
    return ordered


def trimmed_mean(values: Sequence[Decimal], trim: int = 1) -> Decimal:
    """去掉 k 个最高分和 k 个最低分，取平均分 (plain mean if too few marks to trim)."""
    return mean(trimmed(values, trim))


def trimmed_sum(values: Sequence[Decimal], trim: int = 1) -> Decimal:
    return sum(trimmed(values, trim), ZERO)


def median(values: Sequence[Decimal], trim: int = 0) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / TWO


AGGREGATES: dict[str, Callable[[Sequence[Decimal], int], Decimal]] = {
    "mean": mean,
    "trimmed_mean": trimmed_mean,
    "trimmed_sum": trimmed_sum,
    "median": median,
}


def _best(parts: dict, lower_is_better: bool):
    if lower_is_better:
        return min(parts.values(), key=lambda p: (p.raw is None, p.raw))
    return max(parts.values(), key=lambda p: p.points)


def _last(parts: dict, lower_is_better: bool):
    return parts[max(parts)]


def _combine(parts: dict, divide: bool):
    """Sum (or mean) of the attempts' points and raw values."""
    items = list(parts.values())
    first = items[0]
    out = first.copy()
    points = [p.points for p in items if p.points is not None]
    raws = [p.raw for p in items if p.raw is not None]
    out.points = sum(points, ZERO) if points else None
    out.raw = sum(raws, ZERO) if raws else None
    if divide:
        out.points = None if out.points is None else out.points / len(items)
        out.raw = None if out.raw is None else out.raw / len(raws)
    return out


ATTEMPT_AGGREGATES = {
    "best": _best,
    "last": _last,
    "sum": lambda parts, lower: _combine(parts, False),
    "mean": lambda parts, lower: _combine(parts, True),
}
