"""Round-robin groups feeding a knockout.

Groups are filled by serpentine seeding (A B C D D C B A ...), so each group gets one
entrant of each seeding pot. After the groups, the top ``advance`` of each group go to a
knockout: all group winners are seeded first, then all runners-up, and so on, each tier
ordered by group name; first-round pairs from the same group are then swapped apart
where another lower-seeded entrant can take the place.
"""
from __future__ import annotations

import string
from typing import Hashable, Mapping, Sequence

from .elimination import BracketError, bracket_size, seed_order
from .roundrobin import TableRow


def group_names(count: int) -> list[str]:
    if not 1 <= count <= 26:
        raise BracketError("between 1 and 26 groups")
    return list(string.ascii_uppercase[:count])


def split_into_groups(seeded: Sequence[Hashable], count: int) -> dict[str, list[Hashable]]:
    """Serpentine distribution of a seeded list (seed 1 first) into ``count`` groups."""
    names = group_names(count)
    if len(seeded) < 2 * count:
        raise BracketError("every group needs at least two entrants")
    groups: dict[str, list[Hashable]] = {n: [] for n in names}
    for i, key in enumerate(seeded):
        lap, pos = divmod(i, count)
        groups[names[pos if lap % 2 == 0 else count - 1 - pos]].append(key)
    return groups


def knockout_seeding(tables: Mapping[str, Sequence[TableRow]], advance: int) -> list[Hashable]:
    """The knockout's seeded list from the final group tables (rows best first)."""
    if advance < 1:
        raise BracketError("at least one entrant per group advances")
    group_of: dict[Hashable, str] = {}
    seeded: list[Hashable] = []
    for place in range(advance):
        for name in sorted(tables):
            rows = list(tables[name])
            if place < len(rows):
                seeded.append(rows[place].key)
                group_of[rows[place].key] = name
    if len(seeded) < 2:
        raise BracketError("fewer than two entrants advance")
    return _separate(seeded, group_of)


def _separate(seeded: list[Hashable], group_of: Mapping[Hashable, str]) -> list[Hashable]:
    """Swap lower seeds so that no first-round pair comes from one group, when possible."""
    size = bracket_size(len(seeded))
    order = seed_order(size)
    seeds = list(seeded)

    def opponent_index(i: int) -> int | None:
        pos = order.index(i + 1)
        other = order[pos ^ 1] - 1
        return other if other < len(seeds) else None

    for i in range(len(seeds)):
        j = opponent_index(i)
        if j is None or j < i or group_of[seeds[i]] != group_of[seeds[j]]:
            continue
        for k in range(len(seeds) - 1, i, -1):
            if k == j:
                continue
            ko = opponent_index(k)
            partner_k = seeds[ko] if ko is not None else None
            if (group_of[seeds[k]] != group_of[seeds[i]] and
                    (partner_k is None or ko == j or group_of[partner_k] != group_of[seeds[j]])
                    and k > i):
                seeds[j], seeds[k] = seeds[k], seeds[j]
                break
    return seeds
