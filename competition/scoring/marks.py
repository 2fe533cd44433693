"""Marks as the engine sees them, their addresses, and validation of one mark.

An address names what a mark is for: "crit" (the criterion), "crit.item" (a checklist
item), "crit.code" (a count of one violation), "crit@difficulty" (declared difficulty).
For deductions a mark may also be criterion="crit", value="<code>": one occurrence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

DIFFICULTY = "@difficulty"
_TIME = re.compile(r"^\s*(\d+):([0-5]?\d(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class MarkIn:
    """One mark: entry id, criterion address, value, judge (None when not per judge)."""
    entry: str
    criterion: str
    value: str | Decimal
    judge: str | None = None
    attempt: int = 1


class MarkError(ValueError):
    """A mark the rule does not accept; `field` is "criterion", "value" or "attempt"."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def split_address(address: str) -> tuple[str, str | None]:
    """"crit" -> ("crit", None); "crit.item" -> ("crit", "item");
    "crit@difficulty" -> ("crit", "@difficulty"); "crit@restart" -> ("crit", "@restart")."""
    if "@" in address:
        crit, _, name = address.partition("@")
        return crit, "@" + name
    crit, _, sub = address.partition(".")
    return crit, (sub or None)


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from text, int or Decimal ("m:ss" times too); None if not a number."""
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip()
    m = _TIME.match(text)
    if m:
        return int(m.group(1)) * 60 + Decimal(m.group(2))
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def validate_mark(rule: Any, address: str, value: Any, attempt: int = 1) -> Decimal | str:
    """The value as the engine will use it (a Decimal, or a violation code).

    Raises MarkError for an unknown criterion/item/violation, an attempt beyond the
    criterion's attempts, a non-number, a value out of range or off the step.
    """
    crit_id, sub = split_address(address)
    try:
        crit = rule.criterion(crit_id)
    except KeyError:
        raise MarkError("criterion", f"unknown criterion '{crit_id}'") from None
    if not isinstance(attempt, int) or attempt < 1 or attempt > crit.attempts:
        raise MarkError("attempt", f"attempt {attempt} is not between 1 and {crit.attempts}")
    if crit.kind == "deductions" and sub is None:
        code = str(value).strip()
        if crit.violation(code) is None:
            raise MarkError("value", f"unknown violation code '{code}' for '{crit_id}'")
        return code
    slot = _slot(rule, crit, address, sub)
    number = to_decimal(value)
    if number is None:
        raise MarkError("value", f"'{value}' is not a number")
    _check_range(slot, number)
    return number


def _slot(rule: Any, crit: Any, address: str, sub: str | None) -> Any:
    try:
        return rule.slot(address)
    except KeyError:
        pass
    if sub == DIFFICULTY:
        raise MarkError("criterion", f"'{crit.id}' has no declared difficulty")
    if sub is not None and sub.startswith("@"):
        raise MarkError("criterion", f"'{crit.id}' declares no value '{sub[1:]}'")
    if sub is None:
        what = {"checklist": "an item", "deductions": "a violation code"}.get(
            crit.kind, "a measure")
        raise MarkError("criterion", f"'{crit.id}' is a {crit.kind}: address {what} "
                                     f"as '{crit.id}.<id>'")
    noun = {"deductions": "violation code", "checklist": "item",
            "measured": "measure"}.get(crit.kind, "part")
    raise MarkError("criterion", f"unknown {noun} '{sub}' in '{crit.id}'")


def _check_range(slot: Any, number: Decimal) -> None:
    if slot.min is not None and number < slot.min:
        raise MarkError("value", f"{number} is below the minimum {slot.min}")
    if slot.max is not None and number > slot.max:
        raise MarkError("value", f"{number} is above the maximum {slot.max}")
    if slot.step is not None:
        base = slot.min if slot.min is not None else Decimal(0)
        if (number - base) % slot.step:
            raise MarkError("value", f"{number} is not a multiple of the step {slot.step}")
