"""Read a marks file (CSV or xlsx) for `rules compute`, in long or wide form.

Long form (a `criterion` column): one mark per row. Columns (header row, any order,
case-insensitive): contestant, criterion, attempt (optional, default 1), judge (empty
when none), value.

Wide form (neither a `criterion` nor a `value` column): one row per contestant, as results sheets are laid
out. A `contestant` column, then one column per mark, headed by its address, with the
judge in brackets and the attempt after '#' when there is one: `exam`, `wiring[j1]`,
`roughness.s1[j2]`, `run#2`, `poles[j1]#2`. An empty cell is no mark.

Every mark is checked with scoring.validate_mark; errors name the row number as a
spreadsheet shows it (header = 1) and, in wide form, the column heading.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any, Iterator

REQUIRED = ("contestant", "criterion", "value")
_WIDE = re.compile(r"^(?P<address>[^\[\]#\s]+)"      # exam, roughness.s1, run
                   r"(?:\[(?P<judge>[^\]]*)\])?"       # [j1]
                   r"(?:#(?P<attempt>\d+))?$")          # #2


def read_marks(rule: Any, path: Path) -> tuple[list, list[str]]:
    """(marks, errors); errors are "row N: reason" lines, empty when every row is good."""
    from ..registration.zipcheck import WorkbookRefused
    from ..scoring import MarkError, MarkIn, validate_mark
    try:
        rows = _rows(path)
    except WorkbookRefused as exc:
        return [], [f"{path}: workbook refused: {exc}"]
    try:
        cells = [str(h or "").strip() for h in next(rows)]
    except StopIteration:
        return [], [f"{path}: empty file"]
    header = [c.lower() for c in cells]
    if "contestant" in header and "criterion" not in header and "value" not in header:
        return _wide(rule, cells, header.index("contestant"), rows)
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


def _wide(rule: Any, header: list[str], who: int, rows: Iterator[list]) -> tuple[list, list]:
    """Wide form: a column per mark, headed `address[judge]#attempt`."""
    from ..scoring import MarkError, MarkIn, validate_mark
    columns, errors = [], []
    for i, heading in enumerate(header):
        if i == who or not heading:
            continue
        m = _WIDE.match(heading)
        if m is None:
            errors.append(f"row 1: column '{heading}': expected an address, optionally with "
                          f"[judge] and #attempt (e.g. wiring[j1], run#2)")
            continue
        columns.append((i, heading, m["address"], m["judge"] or None,
                        int(m["attempt"] or 1)))
    if errors:
        return [], errors
    marks = []
    for number, cells in enumerate(rows, start=2):
        cells = [("" if c is None else str(c).strip()) for c in cells]
        cells += [""] * (len(header) - len(cells))
        if not any(cells):
            continue
        contestant = cells[who]
        if not contestant:
            errors.append(f"row {number}: contestant: empty")
            continue
        for i, heading, address, judge, attempt in columns:
            if cells[i] == "":
                continue
            try:
                value = validate_mark(rule, address, cells[i], attempt)
            except MarkError as exc:
                errors.append(f"row {number}: column '{heading}': {exc.field}: {exc.message}")
                continue
            marks.append(MarkIn(contestant, address, value, judge, attempt))
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


# a marks sheet in long form has a row per mark: up to Excel's limit, not a sign-up's 50,000
MARKS_ROWS = 1_048_576


def _xlsx_rows(path: Path) -> Iterator[list]:
    """The first sheet's rows; the zip is checked first (registration.zipcheck: declared
    sizes, compression ratio, dimensions): WorkbookRefused, raised before any row is read."""
    from ..registration.zipcheck import DEFAULT_LIMITS, WorkbookRefused, check_xlsx
    data = BytesIO(path.read_bytes())
    try:
        check_xlsx(data, replace(DEFAULT_LIMITS, max_rows=MARKS_ROWS))
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused("not_xlsx", f"not an xlsx workbook ({exc})") from None
    return _sheet_rows(data)


def _sheet_rows(data) -> Iterator[list]:
    from openpyxl import load_workbook
    wb = load_workbook(data, read_only=True, data_only=True)
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
