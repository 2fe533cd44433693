"""Seating by hand (after the draw): the next free workstation of a heat and the next
unused lot number of a stage, for a late entrant or an entrant moved to another heat.

Pure: plain numbers and strings in, plain values out. The service checks locks, marks
and permissions; this only answers "which seat is free" and "which lot comes next".
"""
from __future__ import annotations

from typing import Iterable

LOT_WIDTH = 3   # lots are zero-padded to at least three digits, as the draw writes them


def free_workstations(capacity: int, taken: Iterable[int | None]) -> list[int]:
    """The workstations 1..capacity nobody holds, in order."""
    held = {w for w in taken if w is not None}
    return [w for w in range(1, max(capacity, 0) + 1) if w not in held]


def next_free_workstation(capacity: int, taken: Iterable[int | None]) -> int | None:
    """The lowest free workstation, or None when the heat is full."""
    free = free_workstations(capacity, taken)
    return free[0] if free else None


def next_lot(lots: Iterable[str | None]) -> str:
    """The lot after the highest numeric lot in use, padded like the others:
    ["001", "023", "A7", None] -> "024"; nothing drawn yet -> "001"."""
    used = [lot.strip() for lot in lots if lot and lot.strip()]
    numbers = [int(lot) for lot in used if lot.isdigit()]
    width = max([LOT_WIDTH] + [len(lot) for lot in used if lot.isdigit()])
    return f"{max(numbers, default=0) + 1:0{width}d}"


def same_lot(a: str | None, b: str | None) -> bool:
    """Lots compare as numbers when both are numbers ("7" is "007"), else as text."""
    a, b = (a or "").strip(), (b or "").strip()
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return a == b
