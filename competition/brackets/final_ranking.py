"""The final ranking of a decided bracket: what awards, certificates and promotions read.

A knockout (single elimination) is decided when its final is played and, if it has one,
its third-place match too. Its places:

1. the winner of the final; 2. the loser of the final;
3. and 4. the winner and the loser of the third-place match; without one, both losing
   semi-finalists share 3rd (the next place is then 5th);
then everyone else by the round they lost in, later rounds first, those who lost in the
same round sharing a place (the quarter-final losers of an 8- or 16-entrant knockout are
all 5th, the round-of-16 losers 9th). A bye is not a match: an entrant given a bye and
beaten in round 2 lost in round 2.

Groups feeding a knockout: the knockout places first, then those who stayed in the
groups by their group place (every group's 3rd shares a place, then every 4th...).
A round robin (one group) is decided when every match is played; its table ranks.

Places follow standard competition ranking (1, 2, 3, 3, 5): a shared place takes as many
places as entrants share it. Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

from .elimination import DONE, Knockout, round_name
from .ranking import competition_ranks
from .roundrobin import TableRow

# how an entrant's run ended (Place.how): these, or a round_name() ("semi-final",
# "quarter-final", "round of 16"...) for a knockout round lost, or GROUP
CHAMPION, RUNNER_UP, THIRD, FOURTH, GROUP = "champion", "runner-up", "third", "fourth", "group"


@dataclass(frozen=True)
class Place:
    key: Hashable
    rank: int
    how: str                     # CHAMPION, RUNNER_UP, THIRD, FOURTH, a round_name(), GROUP
    group_rank: int | None = None   # GROUP: the entrant's place in its group table


def knockout_decided(ko: Knockout) -> bool:
    """The final is played and so is the third-place match when there is one to play
    (a third-place match that can never have two sides, e.g. after a semi-final bye,
    does not hold the bracket up)."""
    if ko.final.status != DONE:
        return False
    if not ko.third_place:
        return True
    third = ko.matches[(ko.rounds, 1)]
    return third.status == DONE or third.a is None or third.b is None


def _knockout_tiers(ko: Knockout) -> dict[Hashable, tuple[int, str]]:
    """entrant -> (tier, how); a smaller tier is a better place. The final: 0 and 1; the
    third-place match: 2 and 3; a loser of round r of R: 10 + R - r (the semi-finals 11,
    the quarter-finals 12...)."""
    r_final = ko.rounds
    tiers: dict[Hashable, tuple[int, str]] = {}
    for (r, slot), m in ko.matches.items():
        if m.status != DONE or m.loser is None:
            continue
        if r == r_final and slot == 1:                # the third-place match
            tiers[m.winner], tiers[m.loser] = (2, THIRD), (3, FOURTH)
        elif r == r_final:
            tiers[m.winner], tiers[m.loser] = (0, CHAMPION), (1, RUNNER_UP)
        else:
            tiers.setdefault(m.loser, (10 + r_final - r, round_name(r, r_final)))
    return tiers


def _ranked(tiers: Mapping[Hashable, tuple], order: Sequence[Hashable],
            group_rank: Mapping[Hashable, int] | None = None) -> list[Place]:
    position = {k: i for i, k in enumerate(order)}
    keys = sorted(tiers, key=lambda k: (tiers[k][0], position.get(k, len(position))))
    return [Place(k, rank, tiers[k][1], (group_rank or {}).get(k))
            for rank, k in competition_ranks(keys, key=lambda k: tiers[k][0])]


def knockout_ranking(ko: Knockout, order: Sequence[Hashable] = ()) -> list[Place] | None:
    """The places of a decided knockout, best first; None while it is undecided.
    ``order`` (e.g. the seeds) only orders entrants who share a place, for listing."""
    if not knockout_decided(ko):
        return None
    return _ranked(_knockout_tiers(ko), order)


def groups_knockout_ranking(ko: Knockout | None, tables: Mapping[str, Sequence[TableRow]],
                            order: Sequence[Hashable] = ()) -> list[Place] | None:
    """Groups feeding a knockout: the knockout's places, then the entrants who stayed in
    the groups by their group place (tables: each group's rows best first, with ranks).
    None while the knockout is undecided (or not drawn yet)."""
    if ko is None or not knockout_decided(ko):
        return None
    tiers: dict[Hashable, tuple] = dict(_knockout_tiers(ko))
    group_rank: dict[Hashable, int] = {}
    for rows in tables.values():
        for row in rows:
            if row.key in tiers:
                continue
            group_rank[row.key] = row.rank or len(rows)
            tiers[row.key] = (1000 + group_rank[row.key], GROUP)
    return _ranked(tiers, order, group_rank)


def round_robin_ranking(rows: Sequence[TableRow], all_played: bool) -> list[Place] | None:
    """One group's final table as places (its ranks: entrants still equal after the
    tie-breaks share one); None until every match is played."""
    if not all_played or not rows:
        return None
    return [Place(r.key, r.rank, CHAMPION if r.rank == 1 else GROUP, r.rank) for r in rows]


def place_awards(awards, ranks: Sequence[int], entries: int | None = None
                 ) -> list[tuple[str | None, tuple[str, ...]]]:
    """(award, titles) for each place in ``ranks``, by the rule's award levels
    (rules.model.Awards): a level's count or percent of the places, ties at a boundary
    all taking the higher award (as a scored stage: scoring.ranking.level_limits).
    A bracket has no totals or marks, so a level's or title's minimum score
    (min_total, min_scores) does not apply, nor complete_only (there are no marks).
    ``entries``: the base of percents when the rule says percent_of = "entries"."""
    from ..scoring.ranking import level_limits
    base = entries if awards.percent_of == "entries" and entries is not None else len(ranks)
    limits = level_limits(awards, base)
    out = []
    for rank in ranks:
        level = next((i for i, limit in enumerate(limits) if rank <= limit), None)
        award = awards.levels[level].name if level is not None else None
        titles = tuple(t.name for t in awards.titles if rank <= t.top)
        out.append((award, titles))
    return out
