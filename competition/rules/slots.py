"""The inputs ("slots") a judge fills for a criterion, for the tablets and paper sheets.

A slot's address is what a mark's `criterion` field holds: "crit" (judged, measured,
timed, count, adjustment), "crit.item" (one checklist item: 1 done / 0 not done),
"crit.code" (count of one violation), "crit@difficulty" and "crit@<declared id>" (declared
once per entry and attempt, not per judge).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Slot:
    address: str
    criterion: str
    label: str
    # mark | measure | check | time | count | violation | adjustment | difficulty |
    # declared (a value declared per attempt) | value (a value as published)
    input: str
    min: Decimal | None
    max: Decimal | None
    step: Decimal | None
    attempts: int = 1
    # entered once per entry and attempt (not per judge): difficulty, declared values
    once_per_entry: bool = False
    unit: str = ""
    label_en: str = ""
    default: Decimal | None = None   # a declared value not entered counts as this

    @property
    def optional(self) -> bool:
        """Not expected for every entry: a violation not recorded counts 0, an adjustment
        is entered only when the chief judge makes one, a declared value with a default
        is entered only when it differs (a restart)."""
        return self.input in ("violation", "adjustment") or self.default is not None


def slots_for(rule: Any, crit: Any) -> list[Slot]:
    """All slots of one criterion, in the order a sheet lists them."""
    return _BUILDERS[crit.kind](crit)


def _one(crit, input_: str, lo, hi, step, unit: str = "") -> Slot:
    return Slot(crit.id, crit.id, crit.name, input_, lo, hi, step, crit.attempts,
                unit=unit, label_en=crit.name_en)


def _judged(crit) -> list[Slot]:
    """The judges' mark, then the values declared per entry and attempt (difficulty and
    `declared`), each with the criterion's attempts."""
    out = [_one(crit, "mark", crit.scale_min, crit.scale, crit.step)]
    d = crit.difficulty
    if d is not None:
        out.append(Slot(f"{crit.id}@difficulty", crit.id, f"{crit.name} (难度)", "difficulty",
                        d.min, d.max, d.step, crit.attempts, once_per_entry=True,
                        label_en=f"{crit.name_en or crit.id} (difficulty)"))
    for v in crit.declared:
        out.append(Slot(f"{crit.id}@{v.id}", crit.id, f"{crit.name} ({v.name})", "declared",
                        v.min, v.max, v.step, crit.attempts, once_per_entry=True,
                        label_en=f"{crit.name_en or crit.id} ({v.name_en or v.id})",
                        default=v.default))
    return out


def _measured(crit) -> list[Slot]:
    if not crit.measures:
        return [_one(crit, "measure", None, None, crit.step, crit.unit)]
    return [Slot(f"{crit.id}.{m.id}", crit.id, f"{crit.name}: {m.name}", "measure", None,
                 None, crit.step, crit.attempts, unit=m.unit or crit.unit,
                 label_en=f"{crit.name_en or crit.id}: {m.name_en or m.id}")
            for m in crit.measures]


def _checklist(crit) -> list[Slot]:
    """A yes/no item is a "check" (1 done, 0 not); an item with a `step` (partial credit)
    is a "mark" from 0 to its points."""
    return [Slot(f"{crit.id}.{t.id}", crit.id, t.name, "check", Decimal(0), Decimal(1),
                 Decimal(1), crit.attempts, label_en=t.name_en) if not t.partial else
            Slot(f"{crit.id}.{t.id}", crit.id, t.name, "mark", Decimal(0), t.points, t.step,
                 crit.attempts, label_en=t.name_en) for t in crit.items]


def _deductions(crit) -> list[Slot]:
    return [Slot(f"{crit.id}.{v.code}", crit.id, v.name, "violation", Decimal(0), None,
                 Decimal(1), crit.attempts, label_en=v.name_en) for v in crit.violations]


_BUILDERS = {
    "judged": _judged,
    "measured": _measured,
    "checklist": _checklist,
    "timed": lambda c: [_one(c, "time", Decimal(0), None, None, "s")],
    "count": lambda c: [_one(c, "count", Decimal(0), None, c.step, c.unit)],
    "adjustment": lambda c: [_one(c, "adjustment", c.min, c.max, c.step)],
    "deductions": _deductions,
    "given": lambda c: [_one(c, "value", c.min, c.max, c.step, c.unit)],
}
