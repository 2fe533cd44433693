"""Plausible fictional marks for one entry, generated from a rule file's criteria.

Works on the raw TOML data (see scoring_rules/README.md) so the demo does not depend on
the engine's internals. ``skill`` in [0, 1] makes a contestant consistently good or weak.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

Mark = tuple[str, str, "int | None", int]   # (criterion address, value, judge index, attempt)


def _on_step(x: float, step: float, top: float) -> str:
    x = min(max(x, 0.0), top)
    q = Decimal(str(step))
    return str((Decimal(str(x)) / q).quantize(Decimal(1), ROUND_HALF_UP) * q)


def _judged(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    top = float(c.get("scale_max", c.get("max", 10)))
    step = float(c.get("step", 1 if top <= 3 else 0.5))
    for j in range(int(c.get("judges", 1))):
        yield c["id"], _on_step(top * (skill + rng.uniform(-0.08, 0.04)), step, top), j, 1
    diff = c.get("difficulty")
    if diff:
        lo, hi = float(diff.get("min", 1)), float(diff.get("max", 1))
        yield f"{c['id']}@difficulty", _on_step(rng.uniform(lo, hi), float(diff.get("step", 0.1)), hi), None, 1


def _measured(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    nominal, lower, upper = float(c.get("nominal", 0)), float(c.get("lower", 0)), float(c.get("upper", 0))
    width = max(upper - lower, 0.01)
    # a weaker contestant misses the tolerance band more often, and by more
    value = nominal + (lower + upper) / 2 + rng.gauss(0, width * (1.5 - skill))
    if c.get("outside") == "bands" and c.get("bands"):
        band = c["bands"][0 if rng.random() < skill else rng.randrange(len(c["bands"]))]
        low = band.get("from", 0)
        high = band.get("to", low + 1)
        value = rng.uniform(float(low), float(high if high is not None else low + 1))
    yield c["id"], f"{value:.3f}", 0, 1


def _checklist(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    for item in c.get("items", []):
        yield f"{c['id']}.{item['id']}", "1" if rng.random() < skill else "0", 0, 1


def _timed(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    limit = float(c.get("limit", 600))
    yield c["id"], str(int(limit * rng.uniform(1.12 - skill * 0.4, 1.15 - skill * 0.2))), 0, 1


def _count(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    ref = float(c.get("reference", 0))
    per = float(c.get("per_unit", 1)) or 1
    span = float(c.get("max", 10)) / abs(per)
    value = ref + span * (skill if per > 0 else (1 - skill)) * rng.uniform(0.8, 1.1)
    yield c["id"], str(max(0, int(value))), 0, 1


def _deductions(c: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    for v in c.get("violations", []):
        if "veto" in v:
            continue
        n = sum(rng.random() > skill + 0.15 for _ in range(2))
        if n:
            yield f"{c['id']}.{v['code']}", str(n), 0, 1


GENERATORS = {"judged": _judged, "measured": _measured, "checklist": _checklist,
              "timed": _timed, "count": _count, "deductions": _deductions}


def marks_for_entry(rule: dict, skill: float, rng: random.Random) -> Iterator[Mark]:
    """Every mark a full score sheet of this rule would hold (adjustments excepted)."""
    for c in rule.get("criteria", []):
        gen = GENERATORS.get(c.get("kind"))
        if gen is None:
            continue
        for attempt in range(1, int(c.get("attempts", 1)) + 1):
            for crit, value, judge, _ in gen(c, skill, rng):
                yield crit, value, judge, attempt
