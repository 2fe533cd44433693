"""Cross-field checks of the format's later keys (issue 16): caps, per-judge transforms,
declared values, values as published, the spread limit, ties by lot.

Same contract as checks.py: each check returns [(location, message)].
"""
from __future__ import annotations

from decimal import Decimal

from .bounds import component_bounds
from .expr import FormulaError, compile_formula
from .model import Rule

Found = list[tuple[tuple, str]]
_RESERVED = {"mark", "difficulty"}


def format_checks(rule: Rule) -> Found:
    found: Found = []
    for check in (_judged_extras, _given, _lot):
        found.extend(check(rule))
    return found


def _n(value) -> str:
    return "unbounded" if value is None else format(Decimal(value).normalize(), "f")


def declarations(rule: Rule) -> Found:
    """What `rules check` (parse_rule strict) refuses on top of the checks: a component
    whose criteria can reach above its max without saying how it is held (sum mode;
    weighted mode caps at max by default, as the weight is of max). Older rule texts
    without `cap` still load (capped as before, rows marked)."""
    out: Found = []
    for i, comp in enumerate(rule.components):
        if not rule.criteria_of(comp.id):
            continue
        b = component_bounds(rule, comp)
        if comp.cap is not None or not b.sources or rule.scoring.mode == "weighted":
            continue
        names = ", ".join(f"'{s}'" for s in b.sources)
        out.append((("components", i), f"its criteria can reach {_n(b.reach[1])} ({names}), "
                    f"above its max {_n(b.max)}: say how the score is held: cap = true (it "
                    f"stops at {_n(b.max)}) or cap = false (it may exceed {_n(b.max)})"))
    return out


def _judged_extras(rule: Rule) -> Found:
    out: Found = []
    totals = {c.id for c in rule.components if c.judge_totals is not None}
    for i, crit in enumerate(rule.criteria):
        if crit.kind != "judged":
            continue
        loc = ("criteria", i)
        if crit.scale_min >= crit.scale:
            out.append((loc + ("scale_min",), f"scale_min {_n(crit.scale_min)} must be below "
                        f"the scale's max {_n(crit.scale)}"))
        out += _declared(crit, loc)
        if crit.transform is not None:
            out += _transform(crit, loc)
        elif crit.declared:
            out.append((loc + ("declared",), "declared values are used by a transform: "
                                             "add one (e.g. transform = \"mark - 2 * restart\")"))
        if (crit.transform is not None or crit.declared) and crit.component in totals:
            out.append((loc, f"'{crit.id}' is totalled per judge (component "
                        f"'{crit.component}' has judge_totals): no transform or declared "
                        f"values"))
        if crit.max_spread is not None and crit.judges < 2:
            out.append((loc + ("max_spread",), "a spread limit needs judges >= 2"))
    return out


def _declared(crit, loc: tuple) -> Found:
    out: Found = []
    seen: set[str] = set()
    for j, d in enumerate(crit.declared):
        where = loc + ("declared", j)
        if d.id in _RESERVED or d.id in seen:
            out.append((where + ("id",), f"'{d.id}' is taken (mark, difficulty or another "
                                         f"declared value)"))
        seen.add(d.id)
        if d.min > d.max:
            out.append((where + ("min",), f"min {_n(d.min)} > max {_n(d.max)}"))
        if d.default is not None and not d.min <= d.default <= d.max:
            out.append((where + ("default",), f"default {_n(d.default)} is outside "
                                              f"{_n(d.min)}..{_n(d.max)}"))
    return out


def _transform(crit, loc: tuple) -> list:
    names = crit.formula_names()
    try:
        formula = compile_formula(crit.transform, set(names))
    except FormulaError as exc:
        return [(loc + ("transform",), str(exc))]
    if formula.bounds(names) is None:
        return [(loc + ("transform",), f"'{crit.transform}' cannot be bounded (a division "
                                       f"by a value that may be 0)")]
    return []


def _given(rule: Rule) -> Found:
    out: Found = []
    for i, crit in enumerate(rule.criteria):
        if crit.kind != "given":
            continue
        if crit.min is not None and crit.max is not None and crit.min > crit.max:
            out.append((("criteria", i, "min"), f"min {_n(crit.min)} > max {_n(crit.max)}"))
    return out


def _lot(rule: Rule) -> Found:
    """"lot" (a drawn lot) may only be the last link of the tie-break chain."""
    chain = [t.strip() for t in rule.scoring.tie_break]
    return [(("scoring", "tie_break", i), "'lot' (a drawn lot) must be the last tie-break")
            for i, text in enumerate(chain) if text == "lot" and i != len(chain) - 1]
