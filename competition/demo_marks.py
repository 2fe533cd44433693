"""Plausible fictional marks for one entry, generated from a trade's parsed rule.

Driven by the rule's input slots (competition.rules.slots), the same list the tablets
show, so every slot a judge would fill gets a value. ``skill`` in [0, 1] makes a
contestant consistently good or weak.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterator

Mark = tuple[str, str, "int | None", int]   # (address, value, judge index, attempt)


def _on_step(x: float, step: Decimal | None, lo: float, hi: float) -> str:
    x = min(max(x, lo), hi)
    q = step or Decimal("0.5")
    return str((Decimal(str(x)) / q).quantize(Decimal(1), ROUND_HALF_UP) * q)


def _judged(slot, crit, skill, rng) -> Iterator[tuple[str, int | None]]:
    top = float(slot.max)
    for j in range(int(getattr(crit, "judges", 1))):
        yield _on_step(top * (skill + rng.uniform(-0.08, 0.04)), slot.step, 0, top), j


def _difficulty(slot, crit, skill, rng):
    lo, hi = float(slot.min), float(slot.max)
    yield _on_step(rng.uniform(lo, hi), slot.step or Decimal("0.1"), lo, hi), None


def _range_value(r: Any, rng) -> float:
    lo = float(r.from_) if r is not None and r.from_ is not None else 0.0
    hi = float(r.to) if r is not None and r.to is not None else lo + 1.0
    return rng.uniform(lo, hi) if hi > lo else lo


def _measured(slot, crit, skill, rng):
    if crit.outside == "bands" and crit.bands:
        # a strong contestant lands in the first bands, a weak one further down
        index = min(len(crit.bands) - 1, int(abs(rng.gauss(0, 1.6 * (1 - skill)))))
        band = crit.bands[index]
        measure = slot.address.split(".", 1)[1] if "." in slot.address else None
        rng_ = band.when.get(measure) if measure else band
        if rng_ is None or (rng_.from_ is None and rng_.to is None):
            prev = crit.bands[index - 1] if index else band
            prev_r = prev.when.get(measure) if measure else prev
            edge = float(prev_r.to) if prev_r is not None and prev_r.to is not None else 1.0
            return iter([(f"{edge * rng.uniform(1.05, 1.6) + 0.1:.2f}", 0)])
        return iter([(f"{_range_value(rng_, rng):.2f}", 0)])
    nominal = float(crit.nominal or 0)
    width = max(float(crit.upper - crit.lower), 0.01)
    value = nominal + float(crit.lower + crit.upper) / 2 + rng.gauss(0, width * (1.5 - skill))
    return iter([(f"{_within_bounds(value, crit):.3f}", 0)])


def _within_bounds(value: float, crit) -> float:
    """A measurement the criterion's range allows: a one-sided tolerance (lower = 0: a
    deviation, an offset, a gap) is never below its nominal, and a range of non-negative
    values (0–50 cm) never gives a negative measurement; a miss lands on the other side,
    as far out (a value above the upper limit still loses points)."""
    low = float((crit.nominal or 0) + crit.lower)
    if crit.lower == 0 or low >= 0:
        floor = low if crit.lower == 0 else 0.0
        if value < floor:
            value = floor + (floor - value)
    return value


def _check(slot, crit, skill, rng):
    yield ("1" if rng.random() < skill else "0"), 0


def _time(slot, crit, skill, rng):
    limit = float(getattr(crit, "limit", None) or 600)
    yield str(int(limit * rng.uniform(1.12 - skill * 0.4, 1.15 - skill * 0.2))), 0


def _count(slot, crit, skill, rng):
    ref = float(getattr(crit, "reference", 0) or 0)
    per = float(getattr(crit, "per_unit", 1) or 1)
    span = float(crit.max or 10) / abs(per)
    value = ref + span * (skill if per > 0 else (1 - skill)) * rng.uniform(0.8, 1.1)
    yield str(max(0, int(value))), 0


def _violation(slot, crit, skill, rng):
    violation = next((v for v in crit.violations if slot.address.endswith("." + v.code)), None)
    if violation is not None and violation.veto is None:
        n = sum(rng.random() > skill + 0.15 for _ in range(2))
        if n:
            yield str(n), 0


GENERATORS = {"mark": _judged, "difficulty": _difficulty, "measure": _measured,
              "check": _check, "time": _time, "count": _count, "violation": _violation}


def marks_for_entry(rule: Any, skill: float, rng: random.Random) -> Iterator[Mark]:
    """Every mark a full score sheet of this rule would hold (adjustments excepted)."""
    for slot in rule.slots():
        gen = GENERATORS.get(slot.input)
        if gen is None:
            continue
        crit = rule.criterion(slot.criterion)
        for attempt in range(1, slot.attempts + 1):
            for value, judge in gen(slot, crit, skill, rng):
                yield slot.address, value, judge, attempt
