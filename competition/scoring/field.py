"""Kinds whose points depend on the other entries (timed relative and rank, relative
counts): finished once every entry's raw value is known (kinds.finalizer_for)."""
from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from .aggregate import ZERO

if TYPE_CHECKING:
    from .kinds import Part


def relative_times(crit: Any, parts: dict[str, Part]) -> None:
    """Timed relative: points = max x fastest / own, among entries with a time."""
    times = [p.raw for p in parts.values() if p.points is None and p.raw]
    fastest = min(times) if times else None
    for part in parts.values():
        if part.points is None:
            part.points = crit.max * fastest / part.raw if fastest and part.raw else ZERO


def ranked_times(crit: Any, parts: dict[str, Part]) -> None:
    """Timed rank: the fastest gets max, each place below it `per_place` less (never
    below 0); equal times share a place (1, 2, 2, 4)."""
    times = sorted(p.raw for p in parts.values() if p.points is None and p.raw is not None)
    for part in parts.values():
        if part.points is None:
            if part.raw is None:
                part.points = ZERO
            else:
                place = bisect_left(times, part.raw)   # entries strictly faster
                part.points = max(ZERO, crit.max - place * crit.per_place)


def relative_counts(crit: Any, parts: dict[str, Part]) -> None:
    """Count relative: points = max x own / the highest count among the entries (0 when
    nobody counted more than 0)."""
    counts = [p.raw for p in parts.values() if p.points is None and p.raw is not None]
    best = max(counts) if counts else None
    for part in parts.values():
        if part.points is None:
            part.points = (crit.max * max(ZERO, part.raw) / best
                           if best and best > 0 and part.raw is not None else ZERO)
