"""A rule compiled once into plain closures and tuples, and marks grouped once.

compile_rule(rule) is cached on the rule object (rules are immutable), so recomputing
standings after every mark does no per-rule work again.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

from .aggregate import ATTEMPT_AGGREGATES, ZERO
from .kinds import KINDS, Part, finalizer_for, lower_is_better
from .marks import split_address, to_decimal


def quantizer(decimals: int) -> Callable[[Decimal], Decimal]:
    exp = Decimal(1).scaleb(-decimals)

    def round_(value: Decimal) -> Decimal:
        return value.quantize(exp, rounding=ROUND_HALF_UP)
    return round_


@dataclass(frozen=True)
class CritPlan:
    id: str
    crit: Any
    component: str
    factor: Decimal
    round: Callable[[Decimal], Decimal]
    score: Callable[[dict | None], Part]
    finalize: Callable | None


@dataclass(frozen=True)
class CompPlan:
    id: str
    max: Decimal
    weight: Decimal
    divisor: Decimal

    @property
    def scale(self) -> Decimal:
        return self.weight / self.divisor


@dataclass(frozen=True)
class Plan:
    criteria: tuple[CritPlan, ...]
    components: tuple[CompPlan, ...]
    round_component: Callable[[Decimal], Decimal]
    round_total: Callable[[Decimal], Decimal]
    addresses: dict[str, tuple[str, str | None]]
    code_kinds: frozenset[str]    # criteria whose plain marks may be violation codes


def compile_rule(rule: Any) -> Plan:
    cache = rule._cache
    if "plan" not in cache:
        cache["plan"] = _compile(rule)
    return cache["plan"]


def _compile(rule: Any) -> Plan:
    sc = rule.scoring
    crits = tuple(_crit_plan(c, sc.criterion_decimals) for c in rule.criteria)
    comps = []
    for comp in rule.components:
        cmax = comp.max if comp.max is not None else sum(
            (c.effective_max() for c in rule.criteria_of(comp.id)), ZERO)
        if sc.mode == "weighted":
            comps.append(CompPlan(comp.id, cmax, comp.weight, cmax))
        else:
            comps.append(CompPlan(comp.id, cmax, Decimal(1), Decimal(1)))
    addresses = {}
    for slot in rule.slots():
        addresses[slot.address] = split_address(slot.address)
    for c in rule.criteria:
        addresses[c.id] = (c.id, None)
    codes = frozenset(c.id for c in rule.criteria if c.kind == "deductions")
    return Plan(crits, tuple(comps), quantizer(sc.component_decimals),
                quantizer(sc.decimals), addresses, codes)


def _crit_plan(crit: Any, default_decimals: int) -> CritPlan:
    kind = KINDS[crit.kind]
    attempts = crit.attempts
    combine = ATTEMPT_AGGREGATES[crit.attempt_aggregate]
    lower = lower_is_better(crit)
    need_all = crit.attempt_aggregate in ("sum", "mean")

    def score(by_attempt: dict | None) -> Part:
        if not by_attempt:
            return kind(crit, [])
        if attempts == 1:
            return kind(crit, by_attempt.get(1) or [])
        parts = {a: kind(crit, m) for a, m in by_attempt.items() if a <= attempts}
        if not parts:
            return kind(crit, [])
        out = combine(parts, lower).copy()
        _merge_attempts(out, parts, need_all and len(parts) < attempts)
        return out

    decimals = crit.decimals if crit.decimals is not None else default_decimals
    return CritPlan(crit.id, crit, crit.component, crit.factor, quantizer(decimals), score,
                    finalizer_for(crit))


def _merge_attempts(out: Part, parts: dict, missing: bool) -> None:
    """Vetoes, deductions and notes of every attempt count, whichever attempt scores."""
    from .kinds import VETO_ORDER
    out.deducted = sum((p.deducted for p in parts.values()), ZERO)
    out.veto = max((p.veto for p in parts.values()), key=lambda v: VETO_ORDER[v])
    out.complete = all(p.complete for p in parts.values()) and not missing
    out.notes = tuple(n for p in parts.values() for n in p.notes)


def group_marks(plan: Plan, marks: Iterable[Any]) -> tuple[dict, dict]:
    """entry -> criterion id -> attempt -> [(sub, judge, value)]; and the stray addresses
    (unknown to the rule) per entry. Text values become Decimal, except violation codes."""
    grouped: dict = {}
    stray: dict = {}
    addresses = plan.addresses
    codes = plan.code_kinds
    numbers: dict[str, Decimal | None] = {}
    for m in marks:
        target = addresses.get(m.criterion)
        if target is None:
            stray.setdefault(m.entry, set()).add(m.criterion)
            grouped.setdefault(m.entry, {})
            continue
        crit_id, sub = target
        value = m.value
        if not isinstance(value, Decimal):
            if sub is None and crit_id in codes:
                value = str(value).strip()
            else:
                key = str(value)
                if key not in numbers:
                    numbers[key] = to_decimal(key)
                value = numbers[key]
                if value is None:
                    stray.setdefault(m.entry, set()).add(m.criterion)
                    continue
        by_crit = grouped.setdefault(m.entry, {})
        by_attempt = by_crit.setdefault(crit_id, {})
        by_attempt.setdefault(m.attempt, []).append((sub, m.judge, value))
    return grouped, stray
