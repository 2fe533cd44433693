"""What each part of a rule can score: the bounds `rules check` declares.

`criterion_bounds(crit)` is the lowest and highest points a criterion can give (factor and
attempts applied, before rounding); `component_max(rule, comp)` the component's max (given,
or the sum of its criteria's max; None when a criterion has no maximum); and
`declared_bounds(rule)` the bounds of every criterion and component as the engine keeps
them: a component's score is floored at 0 and, when it is capped, stopped at its max. A
part whose criteria can go beyond (an adjustment, a value as published, a transform) is
capped only when the rule says so (`cap = true`; weighted mode: by default) and every row
the cap or the floor changes says so (Row.capped). None in a bound means "unbounded".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
Bound = tuple[Decimal | None, Decimal | None]


@dataclass(frozen=True)
class PartBounds:
    """One criterion or component: what its parts can reach and what is kept."""
    id: str
    reach: Bound            # what its parts can add up to (before any cap)
    kept: Bound             # what the score is held to (component: floor 0, cap at max)
    max: Decimal | None     # a component's max (None: none); a criterion's max
    capped: bool            # a component stopped at its max
    sources: tuple[str, ...] = ()   # criteria that can take the component above its max


def _times(crit: Any) -> int:
    return crit.attempts if crit.attempt_aggregate == "sum" else 1


def _scaled(lo, hi, k: Decimal) -> Bound:
    """(lo, hi) x a positive constant, None staying None."""
    return (None if lo is None else lo * k, None if hi is None else hi * k)


def criterion_bounds(crit: Any) -> Bound:
    """(lowest, highest) points of a criterion, factor and attempts applied."""
    lo, hi = _BOUNDS[crit.kind](crit)
    return _scaled(lo, hi, crit.factor * _times(crit))


def _judged(crit) -> Bound:
    got = crit.mark_range()
    if got is None:
        return None, None
    lo, hi = (v * crit.max / crit.scale for v in got)
    if crit.aggregate == "trimmed_sum":
        n = crit.judges - 2 * crit.trim
        lo, hi = lo * n, hi * n
    d = crit.difficulty
    if d is not None:   # declared difficulties are > 0
        lo = lo * (d.max if lo < 0 else d.min)
        hi = hi * (d.max if hi > 0 else d.min)
        if d.cap:
            hi = min(hi, crit.max)
    return lo, hi


def _timed(crit) -> Bound:
    if crit.penalty_only:
        return (None if crit.cap is None else -crit.cap), ZERO
    return ZERO, crit.max


def _count(crit) -> Bound:
    if crit.relative:
        return ZERO, crit.max
    cap = crit.max if crit.cap is None else crit.cap
    return min(crit.floor, cap), cap


def _deductions(crit) -> Bound:
    cap = crit.cap if crit.cap is not None else (crit.max if crit.max > 0 else None)
    return (None if cap is None else crit.max - cap), crit.max


_BOUNDS = {
    "judged": _judged,
    "measured": lambda c: (ZERO, c.max),
    "checklist": lambda c: (ZERO, c.max),
    "timed": _timed,
    "count": _count,
    "adjustment": lambda c: (c.min, c.max),
    "deductions": _deductions,
    "given": lambda c: (c.min, c.max),
}


def component_max(rule: Any, comp: Any) -> Decimal | None:
    """The component's max as given, else the sum of its criteria's max (adjustments and
    penalties count 0); None when one of them has no maximum (a value as published)."""
    if comp.max is not None:
        return comp.max
    total = ZERO
    for crit in rule.criteria_of(comp.id):
        got = crit.effective_max()
        if got is None:
            return None
        total += got
    return total


def is_capped(rule: Any, comp: Any) -> bool:
    """Whether the score stops at max: `cap` when given, else yes (weighted mode: the
    weight is of max; a sum-mode rule text without `cap` where it matters is refused by
    `rules check` and held as older texts always were, every row held so marked)."""
    return True if comp.cap is None else comp.cap


def component_bounds(rule: Any, comp: Any) -> PartBounds:
    cmax = component_max(rule, comp)
    lo, hi, sources = ZERO, ZERO, []
    for crit in rule.criteria_of(comp.id):
        c_lo, c_hi = criterion_bounds(crit)
        lo = None if lo is None or c_lo is None else lo + c_lo
        hi = None if hi is None or c_hi is None else hi + c_hi
        nominal = crit.effective_max()
        if nominal is None or c_hi is None or c_hi > nominal:
            sources.append(crit.id)
    capped = cmax is not None and is_capped(rule, comp)
    kept_hi = cmax if capped and (hi is None or hi > cmax) else hi
    kept_lo = ZERO if lo is None or lo < 0 else lo
    if kept_hi is not None and kept_hi < kept_lo:
        kept_hi = kept_lo
    over = cmax is not None and (hi is None or hi > cmax)
    return PartBounds(comp.id, (lo, hi), (kept_lo, kept_hi), cmax, capped,
                      tuple(sources) if over else ())


def declared_bounds(rule: Any) -> dict[str, PartBounds]:
    """criterion and component id -> its PartBounds."""
    out = {}
    for crit in rule.criteria:
        reach = criterion_bounds(crit)
        out[crit.id] = PartBounds(crit.id, reach, reach, crit.effective_max(), False)
    for comp in rule.components:
        out[comp.id] = component_bounds(rule, comp)
    return out


def _n(value: Decimal | None) -> str:
    if value is None:
        return "unbounded"
    return format(value.normalize(), "f")


def describe(rule: Any) -> list[str]:
    """One line per component and criterion: what it can reach and how it is held, as
    `rules check --bounds` prints it."""
    lines = []
    bounds = declared_bounds(rule)
    for comp in rule.components:
        b = bounds[comp.id]
        how = []
        if b.reach[0] is None or b.reach[0] < 0:
            how.append("floored at 0")
        if b.capped and b.sources:
            how.append(f"capped at {_n(b.max)} (cap = true)" if comp.cap else
                       f"capped at {_n(b.max)} (weighted mode; cap = true says so)"
                       if rule.scoring.mode == "weighted" else
                       f"capped at {_n(b.max)}, undeclared: say cap = true or false")
        elif b.sources and b.max is not None:
            how.append(f"may exceed its max {_n(b.max)} (cap = false)")
        how_text = "; ".join(how) or "never clipped"
        lines.append(f"{comp.id}: {_n(b.kept[0])}..{_n(b.kept[1])} (parts reach "
                     f"{_n(b.reach[0])}..{_n(b.reach[1])}: {how_text})")
        for crit in rule.criteria_of(comp.id):
            lo, hi = bounds[crit.id].reach
            lines.append(f"  {crit.id}: {_n(lo)}..{_n(hi)}")
    return lines
