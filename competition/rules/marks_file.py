"""Read a long-form marks file (CSV or xlsx) for `rules compute`.

Columns (header row, any order, case-insensitive): contestant, criterion, attempt
(optional, default 1), judge (empty when none), value. Every row is checked with
scoring.validate_mark; errors name the row number as a spreadsheet shows it (header = 1).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterator

REQUIRED = ("contestant", "criterion", "value")


def read_marks(rule: Any, path: Path) -> tuple[list, list[str]]:
    """(marks, errors); errors are "row N: reason" lines, empty when every row is good."""
    from ..scoring import MarkError, MarkIn, validate_mark
    rows = _rows(path)
    try:
        header = [str(h or "").strip().lower() for h in next(rows)]
    except StopIteration:
        return [], [f"{path}: empty file"]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [f"row 1: missing column(s): {', '.join(missing)}"]
    col = {name: header.index(name) for name in header if name}
    marks, errors = [], []
    for number, cells in enumerate(rows, start=2):
        cells = [("" if c is None else str(c).strip()) for c in cells]
        cells += [""] * (len(header) - len(cells))
        if not any(cells):
            continue
        get = {name: cells[i] for name, i in col.items()}
        try:
            attempt = _attempt(get.get("attempt", ""))
            if not get["contestant"]:
                raise MarkError("contestant", "empty")
            value = validate_mark(rule, get["criterion"], get["value"], attempt)
        except MarkError as exc:
            errors.append(f"row {number}: {exc.field}: {exc.message}")
            continue
        marks.append(MarkIn(get["contestant"], get["criterion"], value,
                            get.get("judge") or None, attempt))
    return marks, errors


def _attempt(text: str) -> int:
    from ..scoring import MarkError
    if not text:
        return 1
    try:
        number = float(text)
    except ValueError:
        raise MarkError("attempt", f"'{text}' is not a whole number") from None
    if number != int(number):
        raise MarkError("attempt", f"'{text}' is not a whole number")
    return int(number)


def _rows(path: Path) -> Iterator[list]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> Iterator[list]:
    """UTF-8 (with or without BOM), else GB18030: what Excel saves as CSV on a Chinese
    Windows PC."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
