"""Text we write into a workbook stays text: never a formula.

openpyxl turns any str starting with "=" into a formula, so a contestant called
``=HYPERLINK("http://evil.example","x")`` would come out of every export as a live link
(formula injection). Every writer passes its values through ``safe_row`` (or
``text_cell``/``set_value`` for one cell): a string starting with = + - @ or a tab, CR or
LF is stored as a string cell (data_type "s") with Excel's quote prefix (the cell stays
text even when someone edits it in Excel). Its value is unchanged. Pure: openpyxl only.
"""
from __future__ import annotations

import re
from typing import Iterable

from openpyxl.cell import Cell, WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(value) -> bool:
    """Whether Excel (or openpyxl) could read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _as_text(cell: Cell) -> Cell:
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def text_cell(ws, value, font=None) -> Cell:
    """A cell for ``ws.append`` (write-only or normal sheets) holding ``value`` safely."""
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    return _as_text(cell) if is_formula_like(value) else cell


def safe_value(ws, value):
    """``value`` itself, or a text cell when it could be read as a formula."""
    if isinstance(value, Cell):
        return _as_text(value) if is_formula_like(value.value) else value
    return text_cell(ws, value) if is_formula_like(value) else value


def safe_row(ws, values: Iterable) -> list:
    """A row for ``ws.append`` in which no string becomes a formula."""
    return [safe_value(ws, v) for v in values]


def set_value(cell: Cell, value) -> Cell:
    """Set a normal worksheet's cell to ``value``, as text when it looks like a formula."""
    cell.value = value
    return _as_text(cell) if is_formula_like(value) else cell


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_safe(value):
    """A CSV field that Excel will not run: text that could be read as a formula gets a
    leading apostrophe (numbers such as -2 stay as they are)."""
    if is_formula_like(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
