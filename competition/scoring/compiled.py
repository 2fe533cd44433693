"""A rule compiled once into plain closures and tuples, and marks grouped once.

compile_rule(rule) is cached on the rule object (rules are immutable), so recomputing
standings after every mark does no per-rule work again.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import partial
from operator import attrgetter
from typing import Any, Callable, Iterable, Mapping

from ..rules.bounds import component_max, is_capped
from .aggregate import ATTEMPT_AGGREGATES, ZERO
from .kinds import KINDS, PANEL_KINDS, VETO_ORDER, Part, finalizer_for, lower_is_better
from .marks import split_address, to_decimal

ROUNDINGS = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


def quantizer(decimals: int, rounding: str = "half_up") -> Callable[[Decimal], Decimal]:
    """Round to `decimals` places: half_up (四舍五入) or down (去尾, towards zero)."""
    exp = Decimal(1).scaleb(-decimals)
    mode = ROUNDINGS[rounding]

    def round_(value: Decimal) -> Decimal:
        return value.quantize(exp, rounding=mode)
    return round_


@dataclass(frozen=True)
class CritPlan:
    id: str
    crit: Any
    component: str
    factor: Decimal
    round: Callable[[Decimal], Decimal]
    score: Callable[[list | None, dict | None], Part]
    finalize: Callable | None
    per_attempt: Callable[[list | None, dict | None], dict[int, Part]]
    group: str | None
    # A single attempt outside any attempt_group (the usual case): score is then just
    # single(crit, marks), and the points are x factor (unless 1) and quantized to
    # `exp` with `mode`, inline in entries.score_entry.
    single: Callable[[Any, Any], Part] | None = None
    exp: Decimal = Decimal(1)
    mode: str = ROUND_HALF_UP
    unit_factor: bool = True


@dataclass(frozen=True)
class GroupPlan:
    """Criteria sharing an attempt_group: one attempt (the best run, or the last) counts."""
    name: str
    members: tuple[int, ...]      # positions in Plan.criteria
    last: bool                    # "last" rather than "best"
    late: bool                    # has a relative member: chosen after every entry is scored


@dataclass(frozen=True)
class CompPlan:
    id: str
    max: Decimal
    weight: Decimal
    divisor: Decimal              # contribution = score x weight / divisor
    # judge_totals: the aggregate of the judges' totals over `judged` (positions in
    # Plan.criteria; each with the Fraction that turns a mark into points)
    judge_totals: Callable | None = None
    judged: tuple[tuple[int, Fraction], ...] = ()
    scale_to: Decimal | None = None   # the score is shown as sum / max x scale_to
    capped: bool = True           # the score stops at max (rules.bounds.is_capped)


@dataclass(frozen=True)
class GroupValue:
    """A component group's value: sum(score x scale[i]) x multiplier over its members.
    Members scaled alike (weight / max the same, group max = the sum of their max) or sum
    mode: scale 1 (or the factor) and multiplier 1, so the value is exactly the sum of
    their scores, as a sheet prints it. Otherwise: the group's contribution to the total
    (score x weight / max) rescaled from the members' weights to the group's max."""
    id: str
    members: tuple[str, ...]
    scale: tuple[Decimal, ...]
    multiplier: Decimal | None      # None: 1; else applied once to the scaled sum


@dataclass(frozen=True)
class ZeroPlan:
    """What a violation's `zeroes` ref hits: (criterion id, its component) pairs and
    component ids."""
    criteria: tuple[tuple[str, str], ...]
    components: frozenset[str]


@dataclass(frozen=True)
class Plan:
    criteria: tuple[CritPlan, ...]
    components: tuple[CompPlan, ...]
    round_component: Callable[[Decimal], Decimal]
    round_total: Callable[[Decimal], Decimal]
    addresses: dict[str, tuple[str, str | None, bool]]   # -> (crit id, sub, value is a code)
    numbers: dict                 # text -> Decimal, shared by every computation
    memos: dict                   # name -> memo dict (see entries.py)
    relative: tuple[int, ...]     # positions in `criteria` of kinds that need every entry
    groups: tuple[GroupPlan, ...] = ()
    component_groups: tuple[GroupValue, ...] = ()
    zero_refs: dict[str, ZeroPlan] | None = None   # a `zeroes` ref -> what it zeroes
    round_contribution: Callable[[Decimal], Decimal] | None = None
    in_judge_totals: frozenset[int] = frozenset()   # criteria counted by judge_totals

    @property
    def needs_field(self) -> bool:
        """Whether some points depend on the other entries (timed relative)."""
        return bool(self.relative) or any(g.late for g in self.groups)


def compile_rule(rule: Any) -> Plan:
    cache = rule._cache
    if "plan" not in cache:
        cache["plan"] = _compile(rule)
    return cache["plan"]


def _compile(rule: Any) -> Plan:
    sc = rule.scoring
    crit_rounding = sc.criterion_rounding or sc.rounding
    crits = tuple(_crit_plan(c, sc.criterion_decimals, crit_rounding) for c in rule.criteria)
    memos: dict = {"defaults": (sc.criterion_decimals, crit_rounding)}
    comps = []
    for comp in rule.components:
        cmax = component_max(rule, comp)
        capped = cmax is not None and is_capped(rule, comp)
        totals = _judge_totals(rule, comp) or (None, ())
        if sc.mode == "weighted":   # a rescaled score is out of scale_to
            comps.append(CompPlan(comp.id, cmax, comp.weight, comp.scale_to or cmax, *totals,
                                  comp.scale_to, capped))
        else:
            comps.append(CompPlan(comp.id, cmax, comp.factor or Decimal(1), Decimal(1),
                                  *totals, comp.scale_to, capped))
    addresses = {}
    for slot in rule.slots():
        addresses[slot.address] = split_address(slot.address) + (False,)
    for c in rule.criteria:   # deductions: criterion "crit" with a violation code as value
        addresses[c.id] = (c.id, None, c.kind == "deductions")
    relative = tuple(i for i, cp in enumerate(crits)
                     if cp.finalize is not None and cp.group is None)
    component_groups = tuple(_group_value(g, [cp for cp in comps if cp.id in
                                              {c.id for c in rule.components_of(g.id)}],
                                          sc.mode == "weighted")
                             for g in rule.groups)
    round_contribution = None
    if sc.contribution_decimals is not None:
        round_contribution = quantizer(sc.contribution_decimals,
                                       sc.contribution_rounding or sc.rounding)
    in_judge_totals = frozenset(i for cp in comps for i, _ in cp.judged)
    return Plan(crits, tuple(comps),
                quantizer(sc.component_decimals, sc.component_rounding or sc.rounding),
                quantizer(sc.decimals, sc.total_rounding or sc.rounding), addresses, {}, memos,
                relative, _groups(crits), component_groups, _zero_refs(rule),
                round_contribution, in_judge_totals)


def judge_totals_members(rule: Any, comp: Any) -> list[Any]:
    """The criteria a component's judge_totals adds up per judge: its judged criteria
    (the checks allow only single-attempt ones without difficulty)."""
    return [c for c in rule.criteria_of(comp.id) if c.kind == "judged"]


def _judge_totals(rule: Any, comp: Any) -> tuple:
    """(aggregate of the judges' totals, ((position, points per mark), ...)) or ()."""
    if comp.judge_totals is None:
        return ()
    members = {id(c) for c in judge_totals_members(rule, comp)}
    judged = tuple((i, Fraction(c.max * c.factor) / Fraction(c.scale))
                   for i, c in enumerate(rule.criteria) if id(c) in members)
    return partial(_FRACTION_AGGREGATES[comp.judge_totals], trim=comp.trim), judged


def _fraction_mean(values: list, trim: int = 0) -> Fraction:
    kept = sorted(values)
    if trim and len(kept) > 2 * trim:
        kept = kept[trim:len(kept) - trim]
    return sum(kept, Fraction(0)) / len(kept)


def _fraction_median(values: list, trim: int = 0) -> Fraction:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


_FRACTION_AGGREGATES = {"mean": lambda values, trim: _fraction_mean(values),
                        "trimmed_mean": _fraction_mean, "median": _fraction_median}


def judge_totals(plan: "Plan", first: dict) -> dict[str, Decimal]:
    """component id -> the aggregate of its judges' totals, for the components with
    judge_totals. A judge's total is the sum over the component's judged criteria of
    mark x max / scale_max x factor (a criterion the judge did not mark adds 0); exact
    (fractions) until the result, which the component then rounds."""
    out = {}
    for comp in plan.components:
        if comp.judge_totals is None:
            continue
        totals: dict = {}
        for i, per_mark in comp.judged:
            for sub, judge, value in first.get(plan.criteria[i].id, ()):
                if sub is None:
                    totals[judge] = totals.get(judge, 0) + Fraction(value) * per_mark
        if totals:
            agg = comp.judge_totals(list(totals.values()))
            out[comp.id] = Decimal(agg.numerator) / Decimal(agg.denominator)
        else:
            out[comp.id] = ZERO
    return out


def _group_value(group: Any, members: list[CompPlan], weighted: bool) -> GroupValue:
    ids = tuple(m.id for m in members)
    total_max = sum((m.max for m in members), ZERO)
    gmax = group.max if group.max is not None else total_max
    weights = sum((m.weight for m in members), ZERO)
    if not weighted:   # sum mode: score x factor
        return GroupValue(group.id, ids, tuple(m.weight for m in members), None)
    lead = members[0]
    alike = all(m.weight * lead.max == lead.weight * m.max for m in members)
    if (alike and gmax == total_max) or weights == 0:
        return GroupValue(group.id, ids, tuple(Decimal(1) for _ in members), None)
    return GroupValue(group.id, ids, tuple(m.weight / m.max for m in members),
                      gmax / weights)


def _zero_refs(rule: Any) -> dict[str, ZeroPlan] | None:
    """Every ref named in some violation's `zeroes` -> the criteria/components it zeroes;
    None when no violation zeroes anything (the usual case: no extra work per row)."""
    refs = {ref for c in rule.criteria if c.kind == "deductions"
            for v in c.violations for ref in v.zeroes}
    if not refs:
        return None
    crit_component = {c.id: c.component for c in rule.criteria}
    out = {}
    for ref in refs:
        if ref in crit_component:
            out[ref] = ZeroPlan(((ref, crit_component[ref]),), frozenset())
        else:
            members = [c.id for c in rule.components if c.id == ref or c.group == ref]
            out[ref] = ZeroPlan((), frozenset(members))
    return out


def _groups(crits: tuple[CritPlan, ...]) -> tuple[GroupPlan, ...]:
    names = dict.fromkeys(cp.group for cp in crits if cp.group is not None)
    out = []
    for name in names:
        members = tuple(i for i, cp in enumerate(crits) if cp.group == name)
        lead = crits[members[0]].crit
        late = any(crits[i].finalize is not None for i in members)
        out.append(GroupPlan(name, members, lead.attempt_aggregate == "last", late))
    return tuple(out)


def expect_key(plan: Plan, expected: Mapping[str, int] | None) -> tuple:
    """One entry's marks expected per criterion (criterion id -> count, from its heat's
    judging panel) as the engine keys them: ((position in plan.criteria, count), ...) for
    the judged and checklist criteria whose panel expects fewer marks than the rule's
    ``judges`` (at least one); () when none does (the rule's counts: the default). A count
    of 0 (nobody marks it) or not below ``judges`` changes nothing."""
    if not expected:
        return ()
    positions = plan.memos.get("positions")
    if positions is None:
        positions = plan.memos["positions"] = {
            cp.id: i for i, cp in enumerate(plan.criteria) if cp.crit.kind in PANEL_KINDS}
    out = []
    for crit_id, n in expected.items():
        i = positions.get(crit_id)
        if i is not None and 1 <= n < plan.criteria[i].crit.judges:
            out.append((i, int(n)))
    return tuple(sorted(out))


def expect_keys(plan: Plan, expected: Mapping[str, Mapping[str, int]] | None
                ) -> dict[str, tuple] | None:
    """entry -> expect_key() for the entries of ``expected`` whose panel changes anything."""
    if not expected:
        return None
    keys = {entry: expect_key(plan, exp) for entry, exp in expected.items()}
    return {entry: key for entry, key in keys.items() if key} or None


def panel_criteria(plan: Plan, key: tuple) -> tuple[CritPlan, ...]:
    """plan.criteria with the criteria of expect_key() ``key`` scored against their panel's
    count (kinds.judged / checklist ``panel``), compiled once per key."""
    if not key:
        return plan.criteria
    variants = plan.memos.setdefault("panels", {})
    found = variants.get(key)
    if found is None:
        decimals, rounding = plan.memos["defaults"]
        crits = list(plan.criteria)
        for i, n in key:
            crits[i] = _crit_plan(crits[i].crit, decimals, rounding, panel=n)
        if len(variants) > 256:
            variants.clear()
        found = variants[key] = tuple(crits)
    return found


def _crit_plan(crit: Any, default_decimals: int, default_rounding: str,
               panel: int | None = None) -> CritPlan:
    rounding = crit.rounding or default_rounding
    kind = KINDS[crit.kind]
    if crit.kind == "judged" and crit.aggregate_decimals is not None:
        kind = partial(kind, round_mean=quantizer(crit.aggregate_decimals, rounding))
    if panel is not None:    # the heat's panel expects fewer marks (expect_key)
        kind = partial(kind, panel=panel)
    attempts = crit.attempts
    combine = ATTEMPT_AGGREGATES[crit.attempt_aggregate]
    lower = lower_is_better(crit)
    need_all = crit.attempt_aggregate in ("sum", "mean")

    def per_attempt(first: list | None, more: dict | None) -> dict[int, Part]:
        by_attempt = dict(more or {})
        if first:
            by_attempt[1] = first
        return {a: kind(crit, m) for a, m in sorted(by_attempt.items()) if a <= attempts}

    def score(first: list | None, more: dict | None) -> Part:
        """Attempt 1's marks and {attempt: marks} of later ones (ignored if attempts = 1)."""
        if attempts == 1:
            return kind(crit, first or [])
        if not more:
            part = kind(crit, first or [])
            if first:
                part.tries = {1: (part.points, part.raw)}
            return part
        parts = per_attempt(first, more)
        if not parts:
            return kind(crit, [])
        out = combine(parts, lower).copy()
        merge_attempts(out, parts, need_all and len(parts) < attempts)
        out.tries = {a: (p.points, p.raw) for a, p in parts.items()}
        return out

    decimals = crit.decimals if crit.decimals is not None else default_decimals
    single = kind if attempts == 1 and crit.attempt_group is None else None
    return CritPlan(crit.id, crit, crit.component, crit.factor, quantizer(decimals, rounding),
                    score, finalizer_for(crit), per_attempt, crit.attempt_group, single,
                    Decimal(1).scaleb(-decimals), ROUNDINGS[rounding], crit.factor == 1)


def merge_attempts(out: Part, parts: dict, missing: bool) -> None:
    """Vetoes, deductions and notes of every attempt count, whichever attempt scores."""
    if not parts:
        return
    out.deducted = sum((p.deducted for p in parts.values()), ZERO)
    out.veto = max((p.veto for p in parts.values()), key=lambda v: VETO_ORDER[v])
    out.complete = all(p.complete for p in parts.values()) and not missing
    out.notes = tuple(n for p in parts.values() for n in p.notes)
    out.zeroes = tuple(dict.fromkeys(z for p in parts.values() for z in p.zeroes))
    out.capped = any(p.capped for p in parts.values())


def resolve(plan: Plan, marks: Iterable[Any]) -> tuple[dict, dict, tuple[str, ...]]:
    """One entry's marks -> (criterion id -> [(sub, judge, value)] of attempt 1,
    criterion id -> {attempt: [...]} of later attempts, the stray addresses: unknown to
    the rule or with an unreadable value). Text values become Decimal, except violation
    codes."""
    marks = list(marks)
    return resolve_columns(plan, columns(marks))


_COLUMNS = tuple(attrgetter(name) for name in ("criterion", "judge", "attempt", "value"))


def columns(marks: list) -> tuple[tuple, tuple, tuple, tuple]:
    """The marks' addresses, judges, attempts and values as four tuples: an entry's memo
    key (entries.py) and what resolve_columns reads (cheaper than a tuple per mark)."""
    return tuple(tuple(map(get, marks)) for get in _COLUMNS)


def resolve_columns(plan: Plan, cols: tuple) -> tuple[dict, dict, tuple[str, ...]]:
    """resolve() from columns(marks). This loop runs once per mark: keep it lean."""
    first: dict = {}
    more: dict = {}
    stray: list[str] = []
    addresses = plan.addresses
    numbers = plan.numbers
    get_first = first.get
    for address, judge, attempt, value in zip(*cols):
        target = addresses.get(address)
        if target is None:
            stray.append(address)
            continue
        crit_id, sub, is_code = target
        if value.__class__ is not Decimal:
            if is_code:
                value = str(value).strip()
            else:
                number = numbers.get(value)
                if number is None:
                    number = to_decimal(value)
                    if number is None:
                        stray.append(address)
                        continue
                    if len(numbers) < 100_000:
                        numbers[value] = number
                value = number
        if attempt == 1:
            group = get_first(crit_id)
            if group is None:
                first[crit_id] = [(sub, judge, value)]
            else:
                group.append((sub, judge, value))
        else:
            more.setdefault(crit_id, {}).setdefault(attempt, []).append((sub, judge, value))
    return first, more, tuple(sorted(set(stray)))
