"""The draw (抽签): lot numbers, heats and workstations from a recorded seed.

1. Entrants are put in a canonical order (by key), so the result does not depend on the
   order the database returned them in, then shuffled with SeededRandom(seed): position
   i in the shuffle is lot number i+1.
2. Heats: entrants who asked for a heat go there first (in lot order) while it has room;
   the rest go, one by one in lot order, to the heat with room that is least full
   relative to its capacity ("balanced") or to the first heat with room ("sequential").
   With ``spread_employers`` the entrants of the biggest employers are placed first and
   each goes to the heat with room holding the fewest of its employer's entrants.
3. Workstations: within each heat (in heat order), its entrants are shuffled with the same
   random source and numbered 1..k.
Capacity is never exceeded: too many entrants for the heats is a DrawError.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Hashable, Sequence

from .rng import SeededRandom


class DrawError(ValueError):
    """The draw cannot be made (no heats, not enough workstations, unknown heat...)."""


@dataclass(frozen=True)
class Entrant:
    key: Hashable                        # the entry id
    employer: str = ""
    preferred_heat: Hashable | None = None


@dataclass(frozen=True)
class HeatSlot:
    key: Hashable                        # the heat id
    capacity: int                        # workstations


@dataclass(frozen=True)
class Assignment:
    key: Hashable
    lot_number: int
    heat: Hashable
    workstation: int


@dataclass
class DrawResult:
    seed: str
    assignments: list[Assignment]
    unmet_preferences: list[Hashable] = field(default_factory=list)  # heat was full

    def by_key(self) -> dict[Hashable, Assignment]:
        return {a.key: a for a in self.assignments}

    def by_heat(self) -> dict[Hashable, list[Assignment]]:
        out: dict[Hashable, list[Assignment]] = defaultdict(list)
        for a in sorted(self.assignments, key=lambda a: a.workstation):
            out[a.heat].append(a)
        return dict(out)


def canonical(key: Hashable) -> tuple:
    """Sort ints numerically, everything else as text after them."""
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))


def draw(entrants: Sequence[Entrant], heats: Sequence[HeatSlot], seed: str, *,
         spread_employers: bool = False, fill: str = "balanced") -> DrawResult:
    """Make the draw. Raises DrawError when the entrants do not fit or a preferred heat
    is not one of ``heats``."""
    _check(entrants, heats, fill)
    rng = SeededRandom(seed)
    order = sorted(entrants, key=lambda e: canonical(e.key))
    rng.shuffle(order)
    lots = {e.key: i for i, e in enumerate(order, start=1)}
    placed: dict[Hashable, list[Entrant]] = {h.key: [] for h in heats}
    capacity = {h.key: h.capacity for h in heats}
    unmet = []
    rest = []
    for e in order:
        if e.preferred_heat is not None and len(placed[e.preferred_heat]) < capacity[e.preferred_heat]:
            placed[e.preferred_heat].append(e)
        else:
            if e.preferred_heat is not None:
                unmet.append(e.key)
            rest.append(e)
    if spread_employers:
        rest = _biggest_employers_first(rest)
    per_employer: dict[Hashable, Counter] = {h.key: Counter() for h in heats}
    for hk, members in placed.items():
        per_employer[hk].update(m.employer for m in members)
    heat_index = {h.key: i for i, h in enumerate(heats)}
    for e in rest:
        room = [h for h in heats if len(placed[h.key]) < h.capacity]

        def score(h: HeatSlot):
            same = per_employer[h.key][e.employer] if spread_employers and e.employer else 0  # noqa: B023
            load = len(placed[h.key]) / h.capacity if fill == "balanced" else 0
            return (same, load, heat_index[h.key])

        best = min(room, key=score)
        placed[best.key].append(e)
        per_employer[best.key][e.employer] += 1
    assignments = []
    for h in heats:
        members = sorted(placed[h.key], key=lambda m: lots[m.key])
        rng.shuffle(members)
        assignments += [Assignment(m.key, lots[m.key], h.key, ws)
                        for ws, m in enumerate(members, start=1)]
    assignments.sort(key=lambda a: a.lot_number)
    return DrawResult(seed=seed, assignments=assignments, unmet_preferences=unmet)


def _check(entrants, heats, fill) -> None:
    if fill not in ("balanced", "sequential"):
        raise DrawError(f"fill is balanced or sequential, not {fill}")
    if not heats:
        raise DrawError("the stage has no heats")
    keys = [h.key for h in heats]
    if len(set(keys)) != len(keys):
        raise DrawError("two heats have the same key")
    if any(h.capacity < 1 for h in heats):
        raise DrawError("every heat needs at least one workstation")
    ekeys = [e.key for e in entrants]
    if len(set(ekeys)) != len(ekeys):
        raise DrawError("an entrant appears twice")
    total = sum(h.capacity for h in heats)
    if len(entrants) > total:
        raise DrawError(f"{len(entrants)} entrants do not fit in {total} workstations")
    known = set(keys)
    for e in entrants:
        if e.preferred_heat is not None and e.preferred_heat not in known:
            raise DrawError(f"entrant {e.key} prefers an unknown heat {e.preferred_heat}")


def _biggest_employers_first(entrants: list[Entrant]) -> list[Entrant]:
    groups: dict[str, list[Entrant]] = defaultdict(list)
    for e in entrants:  # already in lot order
        groups[e.employer].append(e)
    ordered = sorted(groups.values(), key=lambda g: -len(g))  # stable: first lot breaks ties
    return [e for g in ordered for e in g]
