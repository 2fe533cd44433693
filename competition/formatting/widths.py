"""Widths and names in workbooks: one rule for the whole project. Pure."""
from __future__ import annotations

import re
from decimal import Decimal

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters. Adds the name
    (lower-cased) to ``taken``."""
    base = _BAD_SHEET_CHARS.sub("_", wanted).strip("'") or "Sheet"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def display_width(value) -> int:
    """Columns a value needs in Excel: CJK characters count twice."""
    text = _format_for_width(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _format_for_width(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)
