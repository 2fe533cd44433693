"""A trade's overall ranking over its stages (预赛/初赛 -> 决赛): pure, no Flask, no database.

The convention followed: the last stage's ranking comes first; contestants eliminated in
an earlier stage follow, ranked by that stage's results (those who reached a later stage
always ahead of those who did not). DOMAIN.md only says that the top N or top X% of a
stage go on to the next, and neither the rule format nor Stage declares any carrying of
scores into a later stage, so none is done: each stage is ranked on its own marks.

Ranks are standard competition ranks (1, 2, 2, 4) over the combined order: a tie inside
a stage stays a tie, and the places of everyone who reached a later stage come first: with
30 finalists, the best contestant eliminated in the preliminary is 31st, even while the
final is not scored yet or when a finalist was absent from it. A contestant without a rank
in the stage where their run ended (absent, disqualified, not scored yet) gets no overall
rank and is listed after those ranked in that stage, still ahead of earlier stages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Sequence


@dataclass(frozen=True)
class StagePlace:
    """One contestant's result in one stage."""
    key: Hashable            # the same contestant (or team) in every stage
    rank: int | None         # None: not ranked (absent, disqualified)
    status: str = "ok"       # ok | absent | disqualified


@dataclass(frozen=True)
class OverallPlace:
    key: Hashable
    rank: int | None         # overall rank, None when unranked in their last stage
    stage: int               # index (into the stages given) of the last stage they were in
    eliminated: bool         # their run ended before the last stage
    status: str              # their status in that stage


def overall_ranking(stages: Sequence[Sequence[StagePlace]]) -> list[OverallPlace]:
    """``stages`` in order (first stage first), each that stage's places. Returns every
    contestant once: the last stage's contestants (ranked ones best first, then the
    unranked), then each earlier stage's eliminated contestants in the same way."""
    last: dict[Hashable, tuple[int, StagePlace]] = {}
    for index, places in enumerate(stages):
        for place in places:
            last[place.key] = (index, place)
    final = len(stages) - 1
    out: list[OverallPlace] = []
    for index in range(final, -1, -1):
        group = [p for i, p in last.values() if i == index]
        in_order = sorted((p for p in group if p.rank is not None), key=lambda p: p.rank)
        offset, overall, previous = len(out), 0, None   # everyone in later stages first
        for position, p in enumerate(in_order, start=1):
            if p.rank != previous:          # a tie keeps the rank of its first member
                overall, previous = offset + position, p.rank
            out.append(OverallPlace(p.key, overall, index, index < final, p.status))
        out.extend(OverallPlace(p.key, None, index, index < final, p.status)
                   for p in group if p.rank is None)
    return out
