"""Advancement: who goes on to the next stage (top N or top X% of a ranked stage).

The input is the stage's standings: each entrant with its rank after the rule's tie-break
chain (ties that survived the chain share a rank) or None (no rank: disqualified, absent).
A cut-off that falls inside a group of tied entrants is resolved by, in order:
1. ``extra_key`` per entrant, if given (smaller is better): e.g. a re-run, a lot drawn
   by the chief judge; it orders the tied group only;
2. the ``ties`` rule for what is still tied across the cut-off: "include" (all of them
   advance, the field grows past the quota) or "exclude" (none of them advance, the field
   stays under the quota).
The result says what happened at the cut-off so that the organiser confirms knowingly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Hashable, Sequence

ROUNDING = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


class AdvancementError(ValueError):
    """The rule is not usable (no quota, both quotas, a negative quota...)."""


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    rank: int | None
    extra_key: tuple = ()


@dataclass
class Advancement:
    quota: int
    advancing: list[Hashable]
    not_advancing: list[Hashable]
    tied_at_cut: list[Hashable] = field(default_factory=list)   # the straddling group
    tie_rule: str | None = None                                 # what was applied, if any
    resolved_by_extra_key: bool = False

    @property
    def tie_at_cut(self) -> bool:
        return bool(self.tied_at_cut)


def quota_for(ranked_count: int, *, top_n: int | None = None,
              top_percent: Decimal | int | str | None = None,
              rounding: str = "half_up") -> int:
    """How many places: top_n, or top_percent of the ranked entrants rounded as said (at
    least one when the percentage is positive and someone is ranked)."""
    if (top_n is None) == (top_percent is None):
        raise AdvancementError("give exactly one of top_n and top_percent")
    if top_n is not None:
        if top_n < 0:
            raise AdvancementError("top_n must not be negative")
        return min(top_n, ranked_count)
    pct = Decimal(str(top_percent))
    if not Decimal(0) <= pct <= Decimal(100):
        raise AdvancementError("top_percent is between 0 and 100")
    if rounding not in ROUNDING:
        raise AdvancementError(f"rounding is one of {', '.join(ROUNDING)}")
    raw = (Decimal(ranked_count) * pct / Decimal(100)).quantize(Decimal(1), ROUNDING[rounding])
    n = int(raw)
    if n == 0 and pct > 0 and ranked_count > 0:
        n = 1
    return min(n, ranked_count)


def advance(standings: Sequence[Ranked], *, top_n: int | None = None,
            top_percent: Decimal | int | str | None = None, rounding: str = "half_up",
            ties: str = "include") -> Advancement:
    """Who advances. Raises AdvancementError for an unusable rule."""
    if ties not in ("include", "exclude"):
        raise AdvancementError("ties is include or exclude")
    ranked = sorted((s for s in standings if s.rank is not None),
                    key=lambda s: (s.rank, s.extra_key))
    unranked = [s.key for s in standings if s.rank is None]
    quota = quota_for(len(ranked), top_n=top_n, top_percent=top_percent, rounding=rounding)
    if quota == 0:
        return Advancement(0, [], [s.key for s in ranked] + unranked)
    cut = ranked[quota - 1]
    group = [s for s in ranked if s.rank == cut.rank]
    before = [s for s in ranked if s.rank < cut.rank]
    after = [s for s in ranked if s.rank > cut.rank]
    room = quota - len(before)
    if len(group) <= room:
        return Advancement(quota, [s.key for s in before + group],
                           [s.key for s in after] + unranked)
    # The cut-off splits the tied group: first the extra key, then the ties rule.
    used_extra = any(s.extra_key for s in group)
    inside = [s for s in group if s.extra_key < group[room - 1].extra_key] if used_extra else []
    straddle = [s for s in group if s.extra_key == group[room - 1].extra_key] if used_extra else group
    rest = [s for s in group if s not in inside and s not in straddle]
    if used_extra and len(inside) + len(straddle) == room:
        return Advancement(quota, [s.key for s in before + inside + straddle],
                           [s.key for s in rest + after] + unranked,
                           tied_at_cut=[s.key for s in group], resolved_by_extra_key=True)
    take = straddle if ties == "include" else []
    leave = [] if ties == "include" else straddle
    return Advancement(quota, [s.key for s in before + inside + take],
                       [s.key for s in leave + rest + after] + unranked,
                       tied_at_cut=[s.key for s in straddle], tie_rule=ties,
                       resolved_by_extra_key=used_extra)
