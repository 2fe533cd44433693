"""Cross-field checks of a Rule that pydantic's per-field validation cannot express.

`cross_check(rule)` returns a list of (location, message); a location is a path into the
rule file such as ("criteria", 3, "max"), mapped to a line by the loader.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from .checks_format import format_checks
from .model import Deductions, Judged, Measured, Rule, Timed

Found = list[tuple[tuple, str]]


def cross_check(rule: Rule) -> Found:
    found: Found = []
    for check in (_duplicates, _groups, _components, _judge_totals, _criteria,
                  _attempt_groups, _zeroes, _tie_break, _awards, format_checks):
        found.extend(check(rule))
    return found


def _dupes(values: list[str], loc: tuple, key: str, what: str) -> Found:
    seen: Counter = Counter()
    out: Found = []
    for i, value in enumerate(values):
        seen[value] += 1
        if seen[value] == 2:
            out.append((loc + (i, key), f"duplicate {what} '{value}'"))
    return out


def _duplicates(rule: Rule) -> Found:
    out = _dupes([c.id for c in rule.components], ("components",), "id", "component id")
    out += _dupes([g.id for g in rule.groups], ("groups",), "id", "group id")
    names = {c.id: "component" for c in rule.components}
    names.update({c.id: "criterion" for c in rule.criteria})
    for i, group in enumerate(rule.groups):
        if group.id in names:
            out.append((("groups", i, "id"), f"'{group.id}' is also a {names[group.id]} id"))
    out += _dupes([c.id for c in rule.criteria], ("criteria",), "id", "criterion id")
    out += _dupes([lv.name for lv in rule.awards.levels], ("awards", "levels"), "name",
                  "award level name")
    for i, crit in enumerate(rule.criteria):
        if crit.kind == "checklist":
            out += _dupes([t.id for t in crit.items], ("criteria", i, "items"), "id",
                          "item id")
        if crit.kind == "deductions":
            out += _dupes([v.code for v in crit.violations], ("criteria", i, "violations"),
                          "code", "violation code")
    return out


def _groups(rule: Rule) -> Found:
    """Components name their group; every group has a member."""
    out: Found = []
    ids = [g.id for g in rule.groups]
    for i, comp in enumerate(rule.components):
        if comp.group is not None and comp.group not in ids:
            out.append((("components", i, "group"), f"unknown group '{comp.group}' "
                        f"(declare it in [[groups]])"))
    for i, group in enumerate(rule.groups):
        if not rule.components_of(group.id):
            out.append((("groups", i, "id"), f"group '{group.id}' has no components"))
    return out


def _judge_totals(rule: Rule) -> Found:
    """A component with judge_totals adds up each judge's marks over its judged criteria
    (single attempt, no difficulty) and aggregates the judges' totals."""
    out: Found = []
    for i, comp in enumerate(rule.components):
        loc = ("components", i)
        if comp.judge_totals is None:
            if comp.trim:
                out.append((loc + ("trim",), "trim applies to judge_totals = 'trimmed_mean'"))
            continue
        judged = [c for c in rule.criteria_of(comp.id) if c.kind == "judged"]
        if not judged:
            out.append((loc + ("judge_totals",), f"component '{comp.id}' has no judged "
                                                 f"criteria to total per judge"))
            continue
        if comp.judge_totals == "trimmed_mean":
            judges = max(c.judges for c in judged)
            if not comp.trim:
                out.append((loc + ("trim",), "judge_totals = 'trimmed_mean' needs trim >= 1"))
            elif 2 * comp.trim >= judges:
                out.append((loc + ("trim",), f"trimming {comp.trim} highest and {comp.trim} "
                                             f"lowest of {judges} judges leaves no total"))
        elif comp.trim:
            out.append((loc + ("trim",), f"trim applies to judge_totals = 'trimmed_mean', "
                                         f"not '{comp.judge_totals}'"))
        for crit in judged:
            j = rule.criteria.index(crit)
            if crit.attempts != 1 or crit.difficulty is not None:
                out.append((("criteria", j), f"'{crit.id}' is totalled per judge "
                            f"(component '{comp.id}' has judge_totals): one attempt and no "
                            f"difficulty"))
            if crit.aggregate == "trimmed_sum":
                out.append((("criteria", j, "aggregate"), f"'{crit.id}' is totalled per judge "
                            f"(component '{comp.id}' has judge_totals): its own aggregate is "
                            f"only shown, use mean, trimmed_mean or median"))
    return out


def _zeroes(rule: Rule) -> Found:
    """A violation's `zeroes` names criteria, components or groups."""
    out: Found = []
    known = ({c.id for c in rule.criteria} | {c.id for c in rule.components}
             | {g.id for g in rule.groups})
    with_totals = {c.id for c in rule.components if c.judge_totals is not None}
    totalled = {c.id for c in rule.criteria if c.kind == "judged" and c.component in with_totals}
    for i, crit in enumerate(rule.criteria):
        if crit.kind != "deductions":
            continue
        for j, v in enumerate(crit.violations):
            for k, ref in enumerate(v.zeroes):
                if ref not in known:
                    out.append((("criteria", i, "violations", j, "zeroes", k),
                                f"unknown ref '{ref}' (a criterion, a component or a group)"))
                elif ref in totalled:
                    out.append((("criteria", i, "violations", j, "zeroes", k),
                                f"'{ref}' is totalled per judge (judge_totals): zero its "
                                f"component instead"))
    return out


def _components(rule: Rule) -> Found:
    out: Found = []
    weighted = rule.scoring.mode == "weighted"
    for i, comp in enumerate(rule.components):
        crits = rule.criteria_of(comp.id)
        if not crits:
            out.append((("components", i, "id"), f"component '{comp.id}' has no criteria"))
        maxes = [c.effective_max() for c in crits]
        total = None if None in maxes else sum(maxes, Decimal(0))
        if comp.max is not None and crits and total is not None and comp.max != total:
            out.append((("components", i, "max"),
                        f"max {_n(comp.max)} != {_n(total)}, the sum of its criteria's max"))
        if weighted and comp.weight is None:
            out.append((("components", i), "weight is required in weighted mode"))
        if weighted and comp.max is not None and comp.max == 0:
            out.append((("components", i, "max"), "must be > 0 in weighted mode"))
        if comp.max is None and total is None and (weighted or comp.scale_to is not None):
            out.append((("components", i, "max"), "required: a value as published without "
                        "a max gives the component none (weighted mode and scale_to need it)"))
        if comp.scale_to is not None and crits and total == 0:
            out.append((("components", i, "scale_to"), "a component worth 0 points cannot "
                        "be rescaled"))
        if comp.scale_to is not None and comp.group is not None:
            out.append((("components", i, "scale_to"), "a component of a group cannot be "
                        "rescaled (give the group a max instead)"))
        if weighted and comp.factor is not None:
            out.append((("components", i, "factor"), "a component factor is for sum mode "
                        "(in weighted mode the weight scales the component)"))
    if weighted:
        weights = sum((c.weight or Decimal(0) for c in rule.components), Decimal(0))
        if weights != 100 and all(c.weight is not None for c in rule.components):
            out.append((("components", 0, "weight"),
                        f"weights sum to {_n(weights)}, not 100 (weighted mode)"))
    return out


def _criteria(rule: Rule) -> Found:
    out: Found = []
    component_ids = {c.id for c in rule.components}
    for i, crit in enumerate(rule.criteria):
        loc = ("criteria", i)
        if crit.component not in component_ids:
            out.append((loc + ("component",), f"unknown component '{crit.component}'"))
        checker = _KIND_CHECKS.get(crit.kind)
        if checker:
            out.extend((loc + sub, msg) for sub, msg in checker(crit))
    return out


def _attempt_groups(rule: Rule) -> Found:
    """The criteria of an attempt_group count one and the same attempt (a whole run)."""
    out: Found = []
    first: dict[str, object] = {}
    for i, crit in enumerate(rule.criteria):
        group = crit.attempt_group
        if group is None:
            continue
        loc = ("criteria", i)
        if crit.attempts < 2:
            out.append((loc + ("attempt_group",), "needs attempts > 1"))
            continue
        if crit.attempt_aggregate not in ("best", "last"):
            out.append((loc + ("attempt_aggregate",), f"an attempt_group counts one attempt: "
                        f"'best' or 'last', not '{crit.attempt_aggregate}'"))
            continue
        lead = first.setdefault(group, crit)
        if lead is crit:
            continue
        for key in ("attempts", "attempt_aggregate"):
            if getattr(crit, key) != getattr(lead, key):
                out.append((loc + (key,), f"{getattr(crit, key)} here but "
                            f"{getattr(lead, key)} in '{lead.id}' (attempt_group '{group}')"))
    return out


def _check_judged(crit: Judged) -> Found:
    out: Found = []
    if crit.aggregate.startswith("trimmed") and 2 * crit.trim >= crit.judges:
        out.append((("trim",), f"trimming {crit.trim} highest and {crit.trim} lowest "
                               f"of {crit.judges} judges leaves no mark"))
    if not crit.aggregate.startswith("trimmed") and crit.trim:
        out.append((("trim",), f"trim applies to trimmed_mean/trimmed_sum, "
                               f"not to {crit.aggregate}"))
    if crit.step is not None and (crit.scale - crit.scale_min) % crit.step:
        out.append((("step",), f"scale max {_n(crit.scale)} is not a multiple of "
                               f"step {_n(crit.step)}"))
    d = crit.difficulty
    if d is not None and d.min > d.max:
        out.append((("difficulty", "min"), f"min {_n(d.min)} > max {_n(d.max)}"))
    if crit.aggregate_decimals is not None and crit.aggregate not in ("mean", "trimmed_mean"):
        out.append((("aggregate_decimals",), f"rounds a mean: aggregate 'mean' or "
                    f"'trimmed_mean', not '{crit.aggregate}'"))
    return out


def _check_measured(crit: Measured) -> Found:
    out: Found = []
    if crit.lower > 0:
        out.append((("lower",), f"tolerance below nominal must be <= 0, got {_n(crit.lower)}"))
    if crit.upper < 0:
        out.append((("upper",), f"tolerance above nominal must be >= 0, got {_n(crit.upper)}"))
    if crit.measures:
        return out + _check_measures(crit)
    if crit.outside != "bands" and crit.nominal is None:
        out.append((("nominal",), f"required when outside = '{crit.outside}'"))
    needs = {"per_unit": ("unit_size", "deduction"), "linear": ("falloff",),
             "bands": ("bands",)}.get(crit.outside, ())
    for key in needs:
        if not getattr(crit, key):
            out.append(((key,), f"required when outside = '{crit.outside}'"))
    if crit.outside == "bands":
        out.extend(_check_bands(crit))
    return out


def _check_measures(crit: Measured) -> Found:
    """Several measures: bands match on `when` (a range per measure), first match wins."""
    if crit.outside != "bands":
        return [(("measures",), f"several measures need outside = 'bands', "
                                f"not '{crit.outside}'")]
    if not crit.bands:
        return [(("bands",), "required when outside = 'bands'")]
    out: Found = []
    out += _dupes(crit.measure_ids(), ("measures",), "id", "measure id")
    for j, band in enumerate(crit.bands):
        loc = ("bands", j)
        if band.points > crit.max:
            out.append((loc + ("points",),
                        f"{_n(band.points)} points exceed the criterion max {_n(crit.max)}"))
        if band.from_ is not None or band.to is not None:
            out.append((loc, "with several measures a band gives its ranges in `when`"))
        for name in band.when:
            if name not in crit.measure_ids():
                out.append((loc + ("when", name), f"unknown measure '{name}' (measures: "
                                                  f"{', '.join(crit.measure_ids())})"))
    return out


def _check_bands(crit: Measured) -> Found:
    out: Found = []
    for j, band in enumerate(crit.bands):
        if band.points > crit.max:
            out.append((("bands", j, "points"),
                        f"{_n(band.points)} points exceed the criterion max {_n(crit.max)}"))
        if band.from_ is not None and band.to is not None and band.from_ > band.to:
            out.append((("bands", j, "to"), f"to {_n(band.to)} < from {_n(band.from_)}"))
    ordered = sorted((b for b in crit.bands if b.from_ is not None), key=lambda b: b.from_)
    reach, reach_incl = None, True
    for band in ordered:
        if reach is not None and (band.from_ > reach or (
                band.from_ == reach and not reach_incl and not band.from_inclusive)):
            out.append((("bands",), f"bands do not cover the values between "
                                    f"{_n(reach)} and {_n(band.from_)}"))
        if band.to is None:
            break
        if reach is None or band.to > reach or (band.to == reach and band.to_inclusive):
            reach, reach_incl = band.to, band.to_inclusive
    return out


def _check_timed(crit: Timed) -> Found:
    out: Found = []
    if crit.mode in ("limit", "linear") and crit.limit is None:
        out.append((("limit",), f"required when mode = '{crit.mode}'"))
    if crit.mode == "linear":
        if crit.zero_at is None:
            out.append((("zero_at",), "required when mode = 'linear'"))
        elif crit.limit is not None and crit.zero_at <= crit.limit:
            out.append((("zero_at",), f"zero_at {_n(crit.zero_at)} must be above the limit "
                                      f"{_n(crit.limit)}"))
    elif crit.zero_at is not None:
        out.append((("zero_at",), f"zero_at is for mode = 'linear', not '{crit.mode}'"))
    if crit.mode == "rank" and crit.per_place is None:
        out.append((("per_place",), "required when mode = 'rank'"))
    elif crit.mode != "rank" and crit.per_place is not None:
        out.append((("per_place",), f"per_place is for mode = 'rank', not '{crit.mode}'"))
    if crit.max == 0 and crit.mode != "limit":
        out.append((("max",), f"max = 0 (a penalty only) needs mode = 'limit', "
                              f"not '{crit.mode}'"))
    if crit.cap is not None and not crit.penalty_only:
        out.append((("cap",), "cap is for a penalty only (max = 0, mode = 'limit'); "
                              "otherwise the points stop at 0"))
    if crit.hard_limit is not None and crit.limit is not None and crit.hard_limit < crit.limit:
        out.append((("hard_limit",), f"hard limit {_n(crit.hard_limit)} is below "
                                     f"the limit {_n(crit.limit)}"))
    return out


def _check_count(crit) -> Found:
    out: Found = []
    if crit.relative:
        if crit.attempts != 1:
            out.append((("attempts",), "a relative count has a single attempt"))
        return out
    if crit.per_unit is None:
        return [(("per_unit",), "required (unless relative = true)")]
    if crit.cap is not None and crit.cap > crit.max:
        out.append((("cap",), f"cap {_n(crit.cap)} exceeds max {_n(crit.max)}"))
    cap = crit.max if crit.cap is None else crit.cap
    if crit.floor > cap:
        out.append((("floor",), f"floor {_n(crit.floor)} exceeds the cap {_n(cap)}"))
    return out


def _check_checklist(crit) -> Found:
    out: Found = []
    total = sum((t.points for t in crit.items), Decimal(0))
    if total != crit.max:
        out.append((("max",), f"max {_n(crit.max)} != {_n(total)}, the sum of its items' "
                              f"points"))
    for j, item in enumerate(crit.items):
        if item.step is not None and item.points % item.step:
            out.append((("items", j, "step"), f"points {_n(item.points)} are not a multiple "
                                              f"of step {_n(item.step)}"))
    return out


def _check_deductions(crit: Deductions) -> Found:
    out: Found = []
    for j, v in enumerate(crit.violations):
        if v.veto is None and v.points == 0 and not v.zeroes:
            out.append((("violations", j, "points"),
                        "a violation needs points, a veto or zeroes"))
        if v.veto_from > 1 and v.veto is None and not v.zeroes:
            out.append((("violations", j, "veto_from"), "veto_from needs a veto or zeroes"))
    if crit.max > 0 and crit.cap is not None and crit.cap > crit.max:
        out.append((("cap",), f"cap {_n(crit.cap)} exceeds max {_n(crit.max)} "
                              f"(deductions stop at 0)"))
    return out


_KIND_CHECKS = {"judged": _check_judged, "measured": _check_measured, "timed": _check_timed,
                "count": _check_count, "checklist": _check_checklist,
                "deductions": _check_deductions}


def _tie_break(rule: Rule) -> Found:
    out: Found = []
    refs = {"total", "deductions"} | {c.id for c in rule.components}
    refs |= {g.id for g in rule.groups}
    refs |= {c.id for c in rule.criteria} | {c.id + ".raw" for c in rule.criteria}
    for c in rule.criteria:   # one attempt's points / raw value: crit@2, crit.raw@2
        for a in [*range(1, c.attempts + 1), "second"] if c.attempts > 1 else ():
            refs |= {f"{c.id}.raw@{a}"}
            if not (c.kind == "timed" and c.mode in ("relative", "rank")):
                refs |= {f"{c.id}@{a}"}
    for i, text in enumerate(rule.scoring.tie_break):
        parts = text.split()
        loc = ("scoring", "tie_break", i)
        if parts == ["lot"]:   # a drawn lot: checks_format._lot
            continue
        if len(parts) != 2 or parts[1] not in ("asc", "desc"):
            out.append((loc, f"'{text}': expected '<ref> asc' or '<ref> desc'"))
        elif parts[0] not in refs:
            group = "a group, " if rule.groups else ""
            out.append((loc, f"'{text}': unknown ref '{parts[0]}' (a component, {group}a "
                             f"criterion, criterion.raw, total or deductions)"))
    return out


def _awards(rule: Rule) -> Found:
    out: Found = []
    levels = rule.awards.levels
    # Levels may mix counts and percents (金银铜各1名, 优胜奖 up to 50 %); a basis that no
    # level uses is a mistake. `basis` picks when a level gives both.
    key = "percent" if rule.awards.basis == "percent" else "count"
    mixed = any(getattr(lv, key) is not None for lv in levels)
    for i, level in enumerate(levels):
        loc = ("awards", "levels", i)
        if level.count is None and level.percent is None:
            # every remaining place: a score threshold (min_total) or "其余选手" (last level)
            if i != len(levels) - 1 and level.min_total is None and not level.min_scores:
                out.append((loc, f"level '{level.name}' has neither count nor percent: it "
                                 f"takes every remaining place, so it needs a min_total "
                                 f"(or min_scores) or must be the last level"))
        elif rule.awards.basis == "percent" and level.percent is None and not mixed:
            out.append((loc + ("percent",),
                        f"level '{level.name}' needs a percent (basis = 'percent')"))
        elif rule.awards.basis == "count" and level.count is None and not mixed:
            out.append((loc + ("count",), f"level '{level.name}' needs a count (basis = 'count')"))
        if (level.min_count is not None and level.max_count is not None
                and level.min_count > level.max_count):
            out.append((loc + ("min_count",), f"min_count {level.min_count} > max_count "
                                              f"{level.max_count}"))
    scores = {c.id for c in rule.components} | {g.id for g in rule.groups}
    for key, items in (("levels", rule.awards.levels), ("titles", rule.awards.titles)):
        for i, item in enumerate(items):
            for ref in item.min_scores:
                if ref not in scores:
                    out.append((("awards", key, i, "min_scores", ref),
                                f"unknown ref '{ref}' (a component or a group)"))
    if rule.awards.percent_cumulative:
        percents = [lv.percent for lv in levels if lv.percent is not None]
        if percents != sorted(percents):
            out.append((("awards", "levels"), "with percent_cumulative each level's percent "
                        "is the share up to it: they must not decrease"))
    elif rule.awards.basis == "percent":
        total = sum((lv.percent or Decimal(0) for lv in rule.awards.levels), Decimal(0))
        if total > 100:
            out.append((("awards", "levels"), f"percents sum to {_n(total)}, more than 100"))
    return out


def _n(value: Decimal) -> str:
    """A decimal as people write it: 100, 12.5 (not 100.0 or 1.25E+1)."""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text
