"""Ranking (standard competition ranking 1, 2, 2, 4 after a tie-break chain), awards, titles."""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Callable

from .lots import draw_lots

_ROUNDING = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


def tie_break_getters(rule: Any) -> list[Callable[[Any], tuple]]:
    """One sort-key function per tie-break entry; missing values sort last either way."""
    getters = []
    component_ids = {c.id for c in rule.components}
    group_ids = {g.id for g in rule.groups}
    for text in rule.scoring.tie_break:
        if text.strip() == "lot":   # decided after the chain (rank_rows)
            continue
        ref, direction = text.split()
        getters.append(_getter(ref, direction == "desc", component_ids, group_ids))
    return getters


def _getter(ref: str, desc: bool, component_ids: set[str],
            group_ids: set[str] = frozenset()) -> Callable[[Any], tuple]:
    if ref == "total":
        def value(row):
            return row.total
    elif ref == "deductions":
        def value(row):
            return row.deductions
    elif ref in component_ids:
        def value(row):
            return row.components.get(ref)
    elif ref in group_ids:
        def value(row):
            return row.groups.get(ref)
    elif "@" in ref:   # one attempt: crit@2 (its points), crit.raw@2 (its raw value),
        crit, _, attempt = ref.partition("@")   # crit@second: the second-best attempt
        crit, raw = (crit[:-4], 1) if crit.endswith(".raw") else (crit, 0)

        def value(row):
            tries = row.attempts.get(crit)
            if not tries:
                return None
            got = second_best(tries) if attempt == "second" else tries.get(int(attempt))
            return None if got is None else got[raw]
    elif ref.endswith(".raw"):
        crit = ref[:-4]

        def value(row):
            return row.raw.get(crit)
    else:
        def value(row):
            return row.criteria.get(ref)

    def key(row):
        v = value(row)
        return (1, 0) if v is None else (0, -v if desc else v)
    return key


def second_best(tries: dict[int, tuple]) -> tuple | None:
    """The second-best of {attempt: (points, raw)}: by points, highest first (the earlier
    attempt first on equal points); when points are not per attempt (a relative time), by
    raw value, shortest first."""
    if len(tries) < 2:
        return None
    if any(p is None for p, _ in tries.values()):
        order = sorted(tries.items(), key=lambda t: (t[1][1] is None, t[1][1] or 0, t[0]))
    else:
        order = sorted(tries.items(), key=lambda t: (-t[1][0], t[0]))
    return order[1][1]


def rank_rows(rule: Any, rows: list, lot_seed: str | None = None,
              lots: list | None = None) -> list:
    """Sort rows: ranked ones (status "ok") by total then the tie-break chain, sharing a
    rank when every key is equal; then disqualified, then absent, each by entry id. When
    the chain ends with "lot", entries still equal are ordered by their lot (lots.py)
    drawn with `lot_seed` and each LotDraw is appended to `lots` (without a seed the
    tie stays shared and is recorded undecided)."""
    getters = tie_break_getters(rule)

    def full_key(row):
        return (-row.total,) + tuple(g(row) for g in getters)

    ranked = sorted((r for r in rows if r.status == "ok"), key=lambda r: r.entry)
    ranked.sort(key=full_key)
    keys = [full_key(r) for r in ranked]
    drawn: list = []
    if rule.scoring.tie_break and rule.scoring.tie_break[-1].strip() == "lot":
        ranked, keys = _by_lot(ranked, keys, lot_seed, drawn)
    dense = rule.scoring.rank_method == "dense"
    previous, rank = None, 0
    for position, (row, key) in enumerate(zip(ranked, keys), start=1):
        if key != previous:
            rank, previous = (rank + 1 if dense else position), key
        row.rank = rank
    if lots is not None:   # each draw at the rank its entries shared (the first one's)
        by_entry = {r.entry: r.rank for r in ranked}
        lots.extend(replace(d, rank=by_entry[d.entries[0]]) for d in drawn)
    rest = sorted((r for r in rows if r.status != "ok"),
                  key=lambda r: (r.status != "disqualified", r.entry))
    for row in rest:
        row.rank = None
    return ranked + rest


def _by_lot(ranked: list, keys: list, seed: str | None, lots: list) -> tuple[list, list]:
    """Groups of equal keys reordered by lot; each key extended by the lot's position
    (0 for everyone when there is no seed: the tie stays)."""
    out_rows, out_keys, start = [], [], 0
    while start < len(ranked):
        end = start
        while end < len(ranked) and keys[end] == keys[start]:
            end += 1
        group = ranked[start:end]
        if len(group) > 1:
            draw = draw_lots(start + 1, [r.entry for r in group], seed)
            lots.append(draw)
            order = {e: i for i, e in enumerate(draw.entries)}
            group.sort(key=lambda r: order[r.entry])
            for row in group:
                row.by_lot = draw.decided
        for row in group:
            out_rows.append(row)
            out_keys.append(keys[start] + ((order[row.entry] if len(group) > 1 and seed
                                            else 0),))
        start = end
    return out_rows, out_keys


UNLIMITED = 10 ** 9   # a level with neither count nor percent: every remaining place


def level_limits(awards: Any, finishers: int) -> list[int]:
    """The cumulative last position each award level covers. A level's number of places
    (its count, or its percent rounded) is raised to min_count and lowered to max_count.
    With percent_cumulative a percent is the share of positions up to and including the
    level: its places are that share, rounded, less the positions already covered."""
    limits, reach = [], 0
    for level in awards.levels:
        if level.count is None and level.percent is None:
            n = UNLIMITED
        elif level.count is not None and (awards.basis == "count" or level.percent is None):
            n = level.count
        else:
            exact = level.percent * finishers / Decimal(100)
            n = int(exact.to_integral_value(_ROUNDING[awards.percent_rounding]))
            if awards.percent_cumulative:
                n = max(0, n - reach)
        if level.min_count is not None:
            n = max(n, level.min_count)
        if level.max_count is not None:
            n = min(n, level.max_count)
        reach = min(UNLIMITED, reach + n)
        limits.append(reach)
    return limits


def assign_awards(rule: Any, ranked: list, entries: int | None = None) -> None:
    """Awards by position (ties at a boundary all get the higher award), then min_total
    and complete_only: an entry below its level's minimum (or incomplete, for a level
    limited to complete entries) falls to the highest lower level whose conditions it
    meets. Percents are of the ranked entries, or of all `entries` (percent_of =
    "entries")."""
    awards = rule.awards
    limits = level_limits(awards, award_base(awards, len(ranked), entries))
    for row in ranked:
        row.award = award_of(awards, limits, row)
    for row in ranked:
        row.titles = titles_of(awards, row)


def award_base(awards: Any, ranked: int, entries: int | None) -> int:
    """What award percents are of: the ranked entries, or all `entries` (percent_of)."""
    return entries if awards.percent_of == "entries" and entries is not None else ranked


def award_of(awards: Any, limits: list[int], row: Any) -> str | None:
    """One ranked row's award, from its rank, total, completeness and minimum scores and
    the levels' cumulative `limits` (level_limits)."""
    start = next((i for i, limit in enumerate(limits) if row.rank <= limit), None)
    if start is None:
        return None
    for level in awards.levels[start:]:
        if level.complete_only and not row.complete:
            continue
        if level.min_scores and not _meets(row, level.min_scores):
            continue
        if level.min_total is None or row.total >= level.min_total:
            return level.name
    return None


def titles_of(awards: Any, row: Any) -> tuple[str, ...]:
    """One ranked row's titles (县技术能手...): top places reaching the minimums."""
    return tuple(t.name for t in awards.titles if row.rank <= t.top and (
        t.min_total is None or row.total >= t.min_total) and (
        not t.min_scores or _meets(row, t.min_scores)))


def _meets(row: Any, minima: dict) -> bool:
    """Every named component or group reaches its minimum (理论、实操均须达到60分)."""
    for ref, minimum in minima.items():
        value = row.components.get(ref, row.groups.get(ref))
        if value is None or value < minimum:
            return False
    return True
