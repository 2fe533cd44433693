"""One scale across trades, WorldSkills-style, and the rankings built on it.

WorldSkills makes its skill competitions comparable by standardising each skill's results
(out of 100) onto the "WorldSkills scale": the median competitor of every skill is placed
at 700 and the others by their statistical distance from it, so that most results lie
between 600 and 800 (WorldSkills International, Competition Information System; described
in its competition rules and results reports). We implement that idea as

    scaled = centre + (total - median) / sd x points_per_sd

with the trade's finishers' median total and their population standard deviation; centre
700 and points_per_sd 20 by default (both configurable: WorldSkills publishes the centre,
not the spread in points, and 20 points per standard deviation keeps a normal field inside
600-800). A trade whose finishers all have the same total puts them all at the centre.
Only finishers of a trade's final stage should be passed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Hashable, Iterable, Mapping

from .stats import median

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ScaledResult:
    key: Hashable            # the person (or entry) in their trade
    trade: str
    total: Decimal
    scaled: Decimal
    rank: int = 0            # across trades (standard competition ranking)


def standardise(totals: Mapping[Hashable, Decimal], *, centre: Decimal = Decimal(700),
                points_per_sd: Decimal = Decimal(20)) -> dict[Hashable, Decimal]:
    """Each total on the common scale, to one decimal (ROUND_HALF_UP)."""
    values = list(totals.values())
    if not values:
        return {}
    mid = median(values)
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    sd = variance.sqrt() if variance else Decimal(0)
    out = {}
    for key, total in totals.items():
        scaled = centre if not sd else centre + (total - mid) / sd * points_per_sd
        out[key] = scaled.quantize(TENTH, ROUND_HALF_UP)
    return out


def cross_trade_ranking(trades: Mapping[str, Mapping[Hashable, Decimal]],
                        **scale) -> list[ScaledResult]:
    """Everyone of every trade on one list, best scaled score first, ranked 1, 2, 2, 4."""
    rows = []
    for trade, totals in trades.items():
        scaled = standardise(totals, **scale)
        rows += [ScaledResult(key, trade, totals[key], scaled[key]) for key in totals]
    rows.sort(key=lambda r: (-r.scaled, -r.total, r.trade, str(r.key)))
    ranked, previous, rank = [], None, 0
    for i, row in enumerate(rows, 1):
        if row.scaled != previous:
            rank, previous = i, row.scaled
        ranked.append(ScaledResult(row.key, row.trade, row.total, row.scaled, rank))
    return ranked


@dataclass(frozen=True)
class EmployerScore:
    employer: str
    entrants: int            # registered in any trade
    finishers: int           # with a scaled result
    mean_scaled: Decimal | None
    awards: int
    score: Decimal | None    # see employer_ranking
    rank: int | None


def employer_ranking(results: Iterable[ScaledResult], employers: Mapping[Hashable, str],
                     entrants: Mapping[str, int], awards: Mapping[str, int] | None = None, *,
                     min_finishers: int = 3, participation_weight: Decimal = Decimal(0),
                     ) -> list[EmployerScore]:
    """Employers for 优秀组织奖: score = mean scaled result of the employer's finishers
    (+ participation_weight x finishers, when the organisers want turnout to count).
    Employers with fewer than ``min_finishers`` finishers are listed, unranked."""
    scaled: dict[str, list[Decimal]] = {}
    for r in results:
        employer = employers.get(r.key)
        if employer:
            scaled.setdefault(employer, []).append(r.scaled)
    awards = awards or {}
    rows = []
    for employer in sorted(set(entrants) | set(scaled)):
        values = scaled.get(employer, [])
        mean = (sum(values) / len(values)).quantize(TENTH, ROUND_HALF_UP) if values else None
        score = None
        if len(values) >= min_finishers:
            score = (mean + participation_weight * len(values)).quantize(TENTH, ROUND_HALF_UP)
        rows.append(EmployerScore(employer, entrants.get(employer, 0), len(values), mean,
                                  awards.get(employer, 0), score, None))
    rows.sort(key=lambda e: (e.score is None, -(e.score or 0), -e.finishers, e.employer))
    out, previous, rank = [], None, 0
    for i, e in enumerate(rows, 1):
        if e.score is None:
            out.append(e)
            continue
        if e.score != previous:
            rank, previous = i, e.score
        out.append(EmployerScore(e.employer, e.entrants, e.finishers, e.mean_scaled, e.awards,
                                 e.score, rank))
    return out
