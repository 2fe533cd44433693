"""Team events: a team's score from its members' totals plus team rounds.

method "sum" (members' totals added), "mean" (their average) or "best" (the best k of
n added: k is ``best_of``). A member without a total counts as zero for sum and best,
and is left out of the mean unless ``missing_as_zero``. Team rounds (a team quiz, a team
drill) are added to that. Decimal throughout, rounded ROUND_HALF_UP to ``decimals``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Hashable, Mapping, Sequence

from .ranking import competition_ranks

METHODS = ("sum", "mean", "best")


class TeamRuleError(ValueError):
    """An unknown method or a best-of count that is not positive."""


@dataclass(frozen=True)
class TeamScore:
    key: Hashable
    members_part: Decimal
    rounds_part: Decimal
    total: Decimal
    counted: tuple[Hashable, ...] = ()   # members whose totals counted


@dataclass(frozen=True)
class TeamRank:
    rank: int
    score: TeamScore


@dataclass
class TeamRule:
    method: str = "sum"
    best_of: int | None = None
    missing_as_zero: bool = False
    decimals: int = 2
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.method not in METHODS:
            raise TeamRuleError(f"team method is one of {', '.join(METHODS)}")
        if self.method == "best" and (self.best_of is None or self.best_of < 1):
            raise TeamRuleError("best needs best_of >= 1")


SUM_RULE = TeamRule()


def _q(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def team_score(key: Hashable, members: Mapping[Hashable, Decimal | None],
               rounds: Sequence[Decimal] = (), rule: TeamRule = SUM_RULE) -> TeamScore:
    """One team's score."""
    present = {m: Decimal(v) for m, v in members.items() if v is not None}
    if rule.method == "sum":
        part, counted = sum(present.values(), Decimal(0)), tuple(present)
    elif rule.method == "best":
        best = sorted(present.items(), key=lambda kv: kv[1], reverse=True)[: rule.best_of]
        part, counted = sum((v for _, v in best), Decimal(0)), tuple(m for m, _ in best)
    else:
        n = len(members) if rule.missing_as_zero else len(present)
        part = sum(present.values(), Decimal(0)) / n if n else Decimal(0)
        counted = tuple(present)
    part = _q(part, rule.decimals)
    rounds_part = _q(sum((Decimal(r) for r in rounds), Decimal(0)), rule.decimals)
    return TeamScore(key, part, rounds_part, _q(part + rounds_part, rule.decimals), counted)


def team_standings(scores: Sequence[TeamScore]) -> list[TeamRank]:
    """Rank teams by total (higher first), then by team rounds, then by the members'
    part; still equal teams share a rank."""
    ranked = competition_ranks(scores, key=lambda s: (-s.total, -s.rounds_part, -s.members_part))
    return [TeamRank(rank, s) for rank, s in ranked]
