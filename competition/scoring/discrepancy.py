"""Discrepancies between judges: a mark far from the mean of the other judges' marks."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .marks import to_decimal


@dataclass(frozen=True)
class Discrepancy:
    entry: str
    criterion: str
    attempt: int
    judge: str | None
    value: Decimal
    others_mean: Decimal
    difference: Decimal     # |value - others_mean|, more than the criterion's threshold

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "criterion": self.criterion, "attempt": self.attempt,
                "judge": self.judge, "value": str(self.value),
                "others_mean": str(self.others_mean), "difference": str(self.difference)}


def discrepancies(rule: Any, marks: Iterable[Any]) -> list[Discrepancy]:
    """Marks of judged criteria with a `discrepancy` threshold that differ from the mean
    of the other judges' marks (same entry, criterion, attempt) by more than it."""
    watched = {c.id: c.discrepancy for c in rule.criteria
               if c.kind == "judged" and c.discrepancy is not None}
    groups: dict[tuple, list[tuple[Any, Decimal]]] = {}
    for m in marks:
        if m.criterion in watched:
            value = to_decimal(m.value)
            if value is not None:
                groups.setdefault((m.entry, m.criterion, m.attempt), []).append(
                    (m.judge, value))
    found = []
    for (entry, crit, attempt), values in sorted(groups.items(), key=lambda kv: kv[0]):
        if len(values) < 2:
            continue
        total = sum(v for _, v in values)
        for judge, value in values:
            others = (total - value) / (len(values) - 1)
            diff = abs(value - others)
            if diff > watched[crit]:
                found.append(Discrepancy(entry, crit, attempt, judge, value, others, diff))
    return found
