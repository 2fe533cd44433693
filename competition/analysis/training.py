"""Training needs: where contestants lost the most points, and whose workers lost most there.

For each criterion of a trade: the share of its maximum lost on average over the entries
scored on it, 1 - mean(points / maximum); the criteria sorted by that share, most lost
first. For each criterion, the employers whose workers lost the largest share (employers
with at least ``min_workers`` scored workers), most lost first.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Hashable, Mapping

THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class CriterionLoss:
    criterion: str
    maximum: Decimal
    entries: int
    mean_points: Decimal
    lost_share: Decimal                        # 0.25 = a quarter of the maximum lost
    employers: tuple[tuple[str, int, Decimal], ...] = ()   # (employer, workers, lost share)


def training_needs(points: Mapping[Hashable, Mapping[str, Decimal]], maxima: Mapping[str, Decimal],
                   employers: Mapping[Hashable, str] | None = None, *, min_workers: int = 2,
                   top_employers: int = 3) -> list[CriterionLoss]:
    """``points``: entry -> criterion -> points scored; ``maxima``: criterion -> maximum
    (criteria without a positive maximum, e.g. deductions, are left out)."""
    out = []
    for crit, maximum in maxima.items():
        if not maximum or maximum <= 0:
            continue
        scored = [(e, p[crit]) for e, p in points.items() if p.get(crit) is not None]
        if not scored:
            continue
        mean = sum(v for _, v in scored) / len(scored)
        by_employer: dict[str, list[Decimal]] = {}
        for entry, value in scored:
            employer = (employers or {}).get(entry)
            if employer:
                by_employer.setdefault(employer, []).append(value)
        worst = sorted(((emp, len(vs), _lost(sum(vs) / len(vs), maximum))
                        for emp, vs in by_employer.items() if len(vs) >= min_workers),
                       key=lambda t: (-t[2], t[0]))[:top_employers]
        out.append(CriterionLoss(crit, maximum, len(scored), mean.quantize(THOUSANDTH, ROUND_HALF_UP),
                                 _lost(mean, maximum), tuple(worst)))
    out.sort(key=lambda c: (-c.lost_share, c.criterion))
    return out


def _lost(mean: Decimal, maximum: Decimal) -> Decimal:
    return (1 - mean / maximum).quantize(THOUSANDTH, ROUND_HALF_UP)
