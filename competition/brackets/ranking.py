"""Standard competition ranking (1, 2, 2, 4) over any sort key: a small shared helper."""
from __future__ import annotations

from typing import Callable, Hashable, Sequence, TypeVar

T = TypeVar("T")


def competition_ranks(items: Sequence[T], key: Callable[[T], Hashable]) -> list[tuple[int, T]]:
    """Sort ``items`` by ``key`` (smaller is better) and give equal keys the same rank,
    the next rank skipping as many places as were shared."""
    ordered = sorted(items, key=key)
    out: list[tuple[int, T]] = []
    prev = object()
    rank = 0
    for pos, item in enumerate(ordered, start=1):
        k = key(item)
        if k != prev:
            rank, prev = pos, k
        out.append((rank, item))
    return out
