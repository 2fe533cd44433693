"""A mark's value as a person reads it: the one formatter for the chief judge's pages and
the results workbook's marks-detail sheet (the tablets' judge.js writes times the same
way: m:ss). A time is stored in seconds (3000) and read as 50:00; a checklist item is
stored as 1 or 0 and read as ✓ or ✗; everything else as stored.

Pure: no Flask, no database.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

CHECK_YES, CHECK_NO = "✓", "✗"


def _number(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def time_text(seconds) -> str:
    """Seconds as m:ss, every decimal kept: 3000 -> "50:00", 65.25 -> "1:05.25",
    4500 -> "75:00" (minutes, as a judge types it); text that is no number as it is."""
    number = _number(seconds)
    if number is None or number < 0:
        return "" if seconds is None else str(seconds)
    minutes, rest = divmod(number, 60)
    places = max(0, -number.as_tuple().exponent) if number != number.to_integral() else 0
    text = f"{rest:.{places}f}"
    whole = text.split(".")[0]
    return f"{int(minutes)}:{'0' if len(whole) < 2 else ''}{text}"


def mark_text(value, input_kind: str | None) -> str:
    """``value`` of a slot whose input is ``input_kind`` (rules.slots: "time", "check",
    "mark"...) as a person reads it."""
    if value is None:
        return ""
    if input_kind == "time":
        return time_text(value)
    if input_kind == "check":
        number = _number(value)
        if number == 1:
            return CHECK_YES
        if number == 0:
            return CHECK_NO
    return str(value)


def slot_inputs(rule) -> dict[str, str]:
    """Each slot's address -> its input kind, for mark_text (a rule that fails: {})."""
    try:
        return {s.address: s.input for s in rule.slots()}
    except Exception:  # noqa: BLE001 - formatting never breaks a page or an export
        return {}
