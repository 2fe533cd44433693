"""Judged criteria, per judge: the spread limit (WorldSkills judgement marks) and the
per-judge transform (a formula over the mark and the attempt's declared values, applied
to every judge's mark before the marks are aggregated).

`remark_needed(rule, criterion, marks)` is the pure answer for the chief's page and the
tablet: do these judges' marks of one entry, criterion and attempt lie within the rule's
`max_spread`, and if not, whose marks are outside.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Hashable, Iterable

from ..rules.expr import Formula, compile_formula
from .marks import to_decimal


@lru_cache(maxsize=256)
def _formula(text: str, names: frozenset[str]) -> Formula:
    return compile_formula(text, names)


def declared_values(crit: Any, marks: list) -> tuple[dict[str, Decimal], tuple[str, ...]]:
    """The attempt's declared values by name (difficulty too), and notes for those missing
    without a default (the minimum is used, and the row is incomplete)."""
    got = {sub[1:]: v for sub, _, v in marks
           if sub is not None and sub.startswith("@") and isinstance(v, Decimal)}
    names: dict[str, Decimal] = {}
    missing: list[str] = []
    wanted = [(d.id, d.min, d.default) for d in crit.declared]
    if crit.difficulty is not None:
        wanted.append(("difficulty", crit.difficulty.min, None))
    for name, low, default in wanted:
        if name in got:
            names[name] = got[name]
        elif default is not None:
            names[name] = default
        else:
            names[name] = low
            missing.append(f"{crit.id}: no declared {name} (minimum used)")
    return names, tuple(missing)


def transformed(crit: Any, values: list[Decimal], names: dict[str, Decimal]) -> list[Decimal]:
    """Each judge's mark through the criterion's transform, exactly."""
    formula = _formula(crit.transform, frozenset(crit.formula_names()))
    return [formula.evaluate({**names, "mark": v}) for v in values]


def per_judge(crit: Any, marks: list, values: list) -> tuple[list, tuple, bool]:
    """The spread limit on the judges' marks, then each mark through the transform
    (with the attempt's declared values): (values, notes, complete)."""
    notes: tuple = ()
    complete = True
    if crit.max_spread is not None:
        note = spread_note(crit, values)
        if note:
            notes, complete = (note,), False
    if crit.transform is not None:
        names, missing = declared_values(crit, marks)
        if missing:
            notes += missing
            complete = False
        values = transformed(crit, values, names)
    return values, notes, complete


class RemarkNote(str):
    """A row note saying a panel must re-mark (Row.remark, Standings.warnings["remark"])."""
    criterion: str = ""


def spread_note(crit: Any, values: list[Decimal]) -> str | None:
    """A note when the marks differ by more than max_spread (the panel must re-mark)."""
    if len(values) < 2:
        return None
    spread = max(values) - min(values)
    if spread <= crit.max_spread:
        return None
    note = RemarkNote(f"{crit.id}: marks {', '.join(str(v) for v in values)} differ by "
                      f"{spread}, more than {crit.max_spread}: re-mark")
    note.criterion = crit.id
    return note


@dataclass(frozen=True)
class Remark:
    """The verdict on one entry's marks of one criterion and attempt."""
    criterion: str
    spread: Decimal | None        # highest - lowest mark (None: fewer than two marks)
    limit: Decimal | None         # the rule's max_spread (None: no limit)
    must_remark: bool
    outside: tuple                # judges whose marks are outside (to re-mark first)


def remark_needed(rule: Any, criterion: str, marks: Iterable[tuple[Hashable, Any]]
                  ) -> Remark:
    """Given (judge, mark) pairs of one entry, criterion and attempt: whether the panel
    must re-mark under the rule's `max_spread`, and which judges are outside.

    Outside: the judges further than max_spread from the median of the marks; when no
    single mark is (1, 2, 3 with a limit of 1), the judges holding the lowest and the
    highest mark. KeyError for an unknown criterion."""
    crit = rule.criterion(criterion)
    pairs = [(j, v) for j, v in ((j, to_decimal(m)) for j, m in marks) if v is not None]
    limit = getattr(crit, "max_spread", None)
    if len(pairs) < 2:
        return Remark(criterion, None, limit, False, ())
    values = sorted(v for _, v in pairs)
    spread = values[-1] - values[0]
    if limit is None or spread <= limit:
        return Remark(criterion, spread, limit, False, ())
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    outside = tuple(j for j, v in pairs if abs(v - median) > limit)
    if not outside:
        outside = tuple(j for j, v in pairs if v in (values[0], values[-1]))
    return Remark(criterion, spread, limit, True, outside)
