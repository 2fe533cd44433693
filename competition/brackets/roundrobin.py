"""Round robin: the schedule (circle method) and the points table with tie-breaks.

Points: win / draw / loss points (default 3 / 1 / 0; a knowledge quiz often uses 2/1/0).
Tie-breaks, in the order given (default: points, head_to_head, score_difference,
scored): ``head_to_head`` is the points earned in the matches among the tied entrants
only, re-applied to a smaller group whenever it splits one; ``head_to_head_difference``
likewise with score difference; ``score_difference`` and ``scored`` are over all matches.
Entrants still equal share a rank; the table lists them in the order the keys were given
(the service gives them in lot-number order, so that a place decided by a knockout
seeding falls to the drawn lot, and the organiser can see and override it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Hashable, Sequence

from .ranking import competition_ranks

TIEBREAKS = ("points", "head_to_head", "head_to_head_difference", "score_difference", "scored")


class RoundRobinError(ValueError):
    """A bad tie-break name or a result for entrants not in the group."""


@dataclass(frozen=True)
class Result:
    a: Hashable
    b: Hashable
    score_a: Decimal
    score_b: Decimal


@dataclass(frozen=True)
class PointsSystem:
    win: Decimal = Decimal(3)
    draw: Decimal = Decimal(1)
    loss: Decimal = Decimal(0)
    tiebreaks: tuple[str, ...] = ("points", "head_to_head", "score_difference", "scored")

    def __post_init__(self):
        bad = [t for t in self.tiebreaks if t not in TIEBREAKS]
        if bad:
            raise RoundRobinError(f"unknown tie-break: {', '.join(bad)}")

    def points(self, own: Decimal, other: Decimal) -> Decimal:
        return self.win if own > other else self.draw if own == other else self.loss


@dataclass
class TableRow:
    key: Hashable
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    scored: Decimal = Decimal(0)
    conceded: Decimal = Decimal(0)
    points: Decimal = Decimal(0)
    rank: int = 0
    sort_key: tuple = field(default=(), repr=False)

    @property
    def difference(self) -> Decimal:
        return self.scored - self.conceded


def schedule(keys: Sequence[Hashable]) -> list[list[tuple[Hashable, Hashable]]]:
    """Every pair once, in rounds (circle method); with an odd count one entrant rests
    each round. Rounds have len//2 matches."""
    players = list(keys) + ([None] if len(keys) % 2 else [])
    n = len(players)
    rounds = []
    for r in range(n - 1):
        pairs = []
        for i in range(n // 2):
            a, b = players[i], players[n - 1 - i]
            if a is not None and b is not None:
                pairs.append((a, b) if r % 2 == 0 or i else (b, a))
        rounds.append(pairs)
        players = [players[0], players[-1]] + players[1:-1]
    return rounds


def _tally(keys, results: Sequence[Result], system: PointsSystem) -> dict[Hashable, TableRow]:
    rows = {k: TableRow(k) for k in keys}
    for res in results:
        if res.a not in rows or res.b not in rows:
            raise RoundRobinError(f"result for an entrant not in this group: {res.a} v {res.b}")
        for own, _other, s1, s2 in ((res.a, res.b, res.score_a, res.score_b),
                                   (res.b, res.a, res.score_b, res.score_a)):
            row = rows[own]
            row.played += 1
            row.scored += Decimal(s1)
            row.conceded += Decimal(s2)
            row.points += system.points(Decimal(s1), Decimal(s2))
            if s1 > s2:
                row.won += 1
            elif s1 == s2:
                row.drawn += 1
            else:
                row.lost += 1
    return rows


def table(keys: Sequence[Hashable], results: Sequence[Result],
          system: PointsSystem = PointsSystem()) -> list[TableRow]:
    """The points table, best first, each row with its rank."""
    rows = _tally(keys, results, system)
    given = {k: i for i, k in enumerate(keys)}
    order = _order(list(rows), 0, rows, results, system, given)
    position: dict[Hashable, tuple] = {}
    for i, group in enumerate(order):
        for k in group:
            position[k] = (i,)
    for k, row in rows.items():
        row.sort_key = position[k]
    ranked = competition_ranks(list(rows.values()), key=lambda r: r.sort_key)
    out = []
    for rank, row in ranked:
        row.rank = rank
        out.append(row)
    return out


def _value(crit: str, key, group, rows, results, system) -> Decimal:
    if crit == "points":
        return rows[key].points
    if crit == "score_difference":
        return rows[key].difference
    if crit == "scored":
        return rows[key].scored
    inner = set(group)
    mini = _tally(inner, [r for r in results if r.a in inner and r.b in inner], system)
    return mini[key].points if crit == "head_to_head" else mini[key].difference


def _order(group: list, start: int, rows, results, system, given) -> list[list]:
    """Split ``group`` into ordered sub-groups of equal entrants, applying tie-breaks
    from index ``start``."""
    crits = system.tiebreaks
    if len(group) <= 1 or start >= len(crits):
        return [sorted(group, key=given.__getitem__)] if group else []
    crit = crits[start]
    values = {k: _value(crit, k, group, rows, results, system) for k in group}
    levels = sorted(set(values.values()), reverse=True)
    if len(levels) == 1:
        return _order(group, start + 1, rows, results, system, given)
    out = []
    for level in levels:
        sub = [k for k in group if values[k] == level]
        # head-to-head is re-applied from the start of the head-to-head criteria to a
        # smaller tied group; overall criteria simply continue with the next one
        nxt = start if crit.startswith("head_to_head") else start + 1
        out += _order(sub, nxt if len(sub) < len(group) else start + 1, rows, results, system,
                      given)
    return out
