"""Criterion kinds: one scoring function per kind, in a name -> function table (KINDS).

A kind function gets the criterion and the marks of one entry for one attempt, as a list
of (sub, judge, value) where sub is None, an item id, a violation code or "@difficulty";
it returns a Part: points before factor and rounding, the raw value (for tie-breaks and
display), points deducted, a veto, whether every expected mark was there, and notes.
Kinds whose points depend on other entries (timed relative) return points=None and are
finished by a FINALIZERS entry once every entry's raw value is known.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any, Callable

from .aggregate import AGGREGATES, ZERO, mean, trimmed
from .field import ranked_times, relative_counts, relative_times
from .marks import DIFFICULTY
from .transform import per_judge

ONE = Decimal(1)
VETO_ORDER = {None: 0, "zero": 0, "component_zero": 1, "total_zero": 2, "disqualify": 3}


class Part:
    """The result of one criterion (one attempt, then all attempts) for one entry."""
    __slots__ = ("points", "raw", "deducted", "veto", "complete", "notes", "zeroes", "tries",
                 "capped")

    def __init__(self, points, raw=None, deducted=ZERO, veto=None, complete=True, notes=(),
                 zeroes=()):
        self.points = points
        self.raw = raw
        self.deducted = deducted
        self.veto = veto
        self.complete = complete
        self.notes = notes
        self.zeroes = zeroes      # `zeroes` refs of the violations recorded
        self.tries = None         # attempts > 1: {attempt: (points before factor, raw)}
        self.capped = False       # the kind held a value to its declared bounds

    def copy(self) -> "Part":
        out = Part(self.points, self.raw, self.deducted, self.veto, self.complete, self.notes,
                   self.zeroes)
        out.tries = self.tries
        out.capped = self.capped
        return out


def _plain(marks) -> list[Decimal]:
    return [v for sub, _, v in marks if sub is None and isinstance(v, Decimal)]


def judged(crit: Any, marks: list, round_mean: Callable | None = None,
           panel: int | None = None) -> Part:
    """``panel``: the marks the heat's panel expects, fewer than the rule's ``judges`` (two
    judges on a three-judge criterion): complete with that many marks, and a note says so.
    Only completeness changes; the marks present are aggregated as always."""
    if crit.difficulty is None and not crit.declared:   # every mark is a plain one
        values = [v for _, _, v in marks]
        judges = len({j for _, j, _ in marks})
    else:
        values = _plain(marks)
        judges = len({j for sub, j, _ in marks if sub is None})
    if not values:
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: no marks",))
    notes: tuple = ()
    extra_complete = True
    if crit.max_spread is not None or crit.transform is not None:
        values, notes, extra_complete = per_judge(crit, marks, values)
    how = crit.aggregate
    if how == "mean" or how == "trimmed_mean":   # the usual cases, without a second pass
        kept = values if how == "mean" else trimmed(values, crit.trim)
        total = sum(kept, ZERO)
        agg = total / len(kept)
    else:
        kept = None
        agg = AGGREGATES[how](values, crit.trim)
    if round_mean is not None:   # aggregate_decimals: the judges' mean is rounded first
        agg = round_mean(agg)
        points = agg * crit.max / crit.scale
    elif kept is not None:
        # sum x max / (n x scale_max), dividing last so that an exact result stays exact
        # (a mean of three marks x 30 / 10 must not become 21.99..9)
        points = total * crit.max / (len(kept) * crit.scale)
    else:
        points = agg * crit.max / crit.scale
    if panel is None:
        complete = judges >= crit.judges and extra_complete
        if judges < crit.judges:
            notes += (f"{crit.id}: {judges} of {crit.judges} marks",)
    else:
        complete = judges >= panel and extra_complete
        notes += (f"{crit.id}: {judges} of {panel} marks (panel of {panel})",)
    if crit.difficulty is not None:
        declared = [v for sub, _, v in marks if sub == DIFFICULTY]
        if declared:
            points *= declared[-1]
        else:
            points *= crit.difficulty.min
            complete = False
            notes += (f"{crit.id}: no declared difficulty (minimum used)",)
        if crit.difficulty.cap and points > crit.max:
            points = crit.max
    return Part(points, agg, complete=complete, notes=notes)


def measured(crit: Any, marks: list) -> Part:
    if crit.measures:
        return _measured_several(crit, marks)
    values = _plain(marks)
    if not values:
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: not measured",))
    value = values[0] if len(values) == 1 else mean(values)
    return Part(_OUTSIDE[crit.outside](crit, value), value)


def _measured_several(crit: Any, marks: list) -> Part:
    """Several measures (e.g. undercut depth AND length): the first band whose `when`
    ranges all contain their measure's value; raw = the first measure's value."""
    values: dict[str, list[Decimal]] = {}
    for sub, _, v in marks:
        if sub is not None:
            values.setdefault(sub, []).append(v)
    if len(values) < len(crit.measures):
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: not all measured",))
    got = {k: (v[0] if len(v) == 1 else mean(v)) for k, v in values.items()}
    points = next((b.points for b in crit.bands
                   if all(r.contains(got[k]) for k, r in b.when.items())), ZERO)
    return Part(points, got[crit.measures[0].id])


def _beyond(crit: Any, value: Decimal) -> Decimal:
    """How far the value lies outside the tolerance (0 inside)."""
    high = crit.nominal + crit.upper
    low = crit.nominal + crit.lower
    return value - high if value > high else (low - value if value < low else ZERO)


def _zero(crit, value):
    return crit.max if _beyond(crit, value) == 0 else ZERO


def _per_unit(crit, value):
    units = (_beyond(crit, value) / crit.unit_size).to_integral_value(ROUND_CEILING)
    return max(ZERO, crit.max - units * crit.deduction)


def _linear(crit, value):
    return max(ZERO, crit.max * (crit.falloff - _beyond(crit, value)) / crit.falloff)


def _bands(crit, value):
    for band in crit.bands:
        if band.contains(value):
            return band.points
    return ZERO


_OUTSIDE = {"zero": _zero, "per_unit": _per_unit, "linear": _linear, "bands": _bands}


def checklist(crit: Any, marks: list, panel: int | None = None) -> Part:
    """``panel``: as for judged(), the votes per item the heat's panel expects."""
    votes: dict[str, list[Decimal]] = {}
    get = votes.get
    for sub, _, v in marks:
        if sub is not None:
            got = get(sub)
            if got is None:
                votes[sub] = [v]
            else:
                got.append(v)
    points, done, complete = ZERO, 0, True
    need = crit.judges if panel is None else panel
    for item in crit.items:
        got = votes.get(item.id, ())
        if len(got) < need:
            complete = False
        if not got:
            continue
        if item.partial:   # partial credit: the judges' mean, in [0, points]
            given = min(item.points, max(ZERO, mean(got)))
            points += given
            done += given == item.points
        elif 2 * got.count(ONE) >= len(got):
            points += item.points
            done += 1
    notes = () if complete else (f"{crit.id}: items not all marked",)
    if panel is not None:
        notes = (notes[0] + f" (panel of {panel})" if notes
                 else f"{crit.id}: {panel} of {panel} marks per item (panel of {panel})",)
    return Part(points, Decimal(done), complete=complete, notes=notes)


def timed(crit: Any, marks: list) -> Part:
    values = _plain(marks)
    if not values:
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: no time",))
    t = values[0] if len(values) == 1 else mean(values)
    if crit.hard_limit is not None and t > crit.hard_limit:
        veto = None if crit.over_hard_limit == "zero" else crit.over_hard_limit
        return Part(ZERO, t, veto=veto, notes=(f"{crit.id}: over the hard limit",))
    if crit.mode in ("relative", "rank"):
        return Part(None, t)
    if t <= crit.limit:
        return Part(crit.max, t)
    if crit.mode == "linear":   # max at the limit, 0 at zero_at
        if t >= crit.zero_at:
            return Part(ZERO, t)
        return Part(crit.max * (crit.zero_at - t) / (crit.zero_at - crit.limit), t)
    units = ((t - crit.limit) / crit.deduction_unit).to_integral_value(ROUND_CEILING)
    if crit.max == 0:   # a penalty only: subtracts from the component, at most `cap`
        lost = units * crit.deduction_per_minute
        if crit.cap is not None:
            lost = min(crit.cap, lost)
        return Part(-lost, t, deducted=lost)
    lost = min(crit.max, units * crit.deduction_per_minute)
    return Part(crit.max - lost, t, deducted=ZERO)


def count(crit: Any, marks: list) -> Part:
    values = _plain(marks)
    if not values:
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: not counted",))
    value = values[0] if len(values) == 1 else mean(values)
    if crit.relative:   # finished by relative_counts once every entry is counted
        return Part(None, value)
    cap = crit.max if crit.cap is None else crit.cap
    per_unit = crit.per_unit
    if value < crit.reference and crit.per_unit_below is not None:
        per_unit = crit.per_unit_below
    points = crit.base + (value - crit.reference) * per_unit
    return Part(min(cap, max(crit.floor, points)), value)


def adjustment(crit: Any, marks: list) -> Part:
    """All adjustment marks of the entry (and attempt) added up, held to [min, max]: a
    sum held there is marked capped (Row.capped)."""
    values = _plain(marks)
    total = sum(values, ZERO)
    held = min(crit.max, max(crit.min, total))
    part = Part(held, total if values else None)
    if held != total:
        part.capped = True
        part.notes = (f"{crit.id}: adjustments {total} held to {held}",)
    return part


def given(crit: Any, marks: list) -> Part:
    """A value as published: the value itself (several: their mean)."""
    values = _plain(marks)
    if not values:
        return Part(ZERO, None, complete=False, notes=(f"{crit.id}: no value",))
    value = values[0] if len(values) == 1 else mean(values)
    return Part(value, value)


def deductions(crit: Any, marks: list) -> Part:
    per_judge: dict[Any, dict[str, Decimal]] = {}
    for sub, judge, v in marks:
        seen = per_judge.setdefault(judge, {})
        if sub is None and isinstance(v, str):
            seen[v] = seen.get(v, ZERO) + ONE
        elif sub is not None and isinstance(v, Decimal):
            seen[sub] = seen.get(sub, ZERO) + v
    counts: dict[str, Decimal] = {}
    for seen in per_judge.values():   # judges watching one entry: the highest count counts
        for code, n in seen.items():
            counts[code] = max(n, counts.get(code, ZERO))
    lost, veto, zeroes = ZERO, None, ()
    for v in crit.violations:
        n = counts.get(v.code, ZERO)
        if n > 0:
            lost += n * v.points
            if n < v.veto_from:   # e.g. a second occurrence disqualifies, the first costs points
                continue
            if v.veto and VETO_ORDER[v.veto] > VETO_ORDER[veto]:
                veto = v.veto
            if v.zeroes:
                zeroes += tuple(v.zeroes)
    cap = crit.cap if crit.cap is not None else (crit.max if crit.max > 0 else None)
    if cap is not None:
        lost = min(lost, cap)
    points = crit.max - lost
    return Part(points, lost, deducted=lost, veto=veto, zeroes=zeroes)


# Kinds whose completeness counts judges' marks against the rule's `judges`: a heat's panel
# may expect fewer (scoring.panels), passed as their ``panel`` argument.
PANEL_KINDS = frozenset({"judged", "checklist"})

KINDS: dict[str, Callable[[Any, list], Part]] = {
    "judged": judged, "measured": measured, "checklist": checklist, "timed": timed,
    "count": count, "adjustment": adjustment, "deductions": deductions, "given": given,
}
# Kinds whose points depend on the other entries: finished after every entry is scored.
FINALIZERS: dict[str, Callable[[Any, dict[str, Part]], None]] = {}


def finalizer_for(crit: Any) -> Callable | None:
    if crit.kind == "timed" and crit.mode == "relative":
        return relative_times
    if crit.kind == "timed" and crit.mode == "rank":
        return ranked_times
    if crit.kind == "count" and crit.relative:
        return relative_counts
    return FINALIZERS.get(crit.kind)


def lower_is_better(crit: Any) -> bool:
    """For attempts 'best' of a time scored against the others (relative, rank): the
    shortest time is the best attempt."""
    return crit.kind == "timed" and crit.mode in ("relative", "rank")
