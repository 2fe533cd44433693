"""The sign-up workbook: write the template, read an uploaded file into rows.

Reading uses openpyxl's read_only mode (fast, low memory); its rows are ragged (trailing
empty cells are missing), so every row is padded to the header's width.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import BinaryIO, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..formatting.cells import set_value
from .columns import BY_KEY, COLUMNS, column_for
from .grades import ladder_labels
from .validate import RowError
from .zipcheck import DEFAULT_LIMITS, Limits, WorkbookRefused, check_xlsx

SHEET_TITLE = "报名表"
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common


class SheetError(ValueError):
    """The file is not a readable sign-up sheet (not xlsx, no header row...)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass
class SheetRows:
    header_row: int
    columns: dict[str, int]                       # key -> 0-based column index
    rows: list[tuple[int, dict[str, object]]]     # (excel row number, {key: value})
    errors: list[RowError] = field(default_factory=list)  # structural problems
    ignored_headers: list[str] = field(default_factory=list)


def read_sheet(source: str | bytes | BinaryIO, *, team: bool = False,
               limits: Limits = DEFAULT_LIMITS) -> SheetRows:
    """Read the first worksheet whose header row names the required columns.

    The zip is checked first (zipcheck: declared sizes, compression ratio, the sheet's
    declared dimension), then read in openpyxl's read-only mode with a cap on rows.
    Raises SheetError (code ``not_xlsx``, ``corrupt``, ``too_large``, ``member_too_large``,
    ``compression_ratio``, ``too_many_members``, ``too_many_rows``, ``too_many_columns``,
    ``no_header``, ``missing_columns``, ``duplicate_columns``)."""
    if isinstance(source, bytes):
        source = BytesIO(source)
    elif isinstance(source, str):
        with open(source, "rb") as f:
            source = BytesIO(f.read())
    try:
        check_xlsx(source, limits)
    except WorkbookRefused as err:
        raise SheetError(err.code, str(err), **err.params) from None
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a non-xlsx file
        raise SheetError("not_xlsx", f"not an .xlsx workbook ({type(err).__name__})") from None
    try:
        for ws in wb.worksheets:
            found = _read_worksheet(ws, team, limits.max_rows)
            if found is not None:
                return found
    finally:
        wb.close()
    raise SheetError("no_header", "no header row with 姓名 and 身份证号 in the first rows")


def _read_worksheet(ws, team: bool, max_rows: int) -> SheetRows | None:
    it = ws.iter_rows(values_only=True)
    for header_row, values in enumerate(it, start=1):
        if header_row > HEADER_SEARCH_ROWS:
            return None
        columns, ignored, dup = {}, [], []
        for idx, cell in enumerate(values or ()):
            key = column_for(cell)
            if key is None:
                if cell not in (None, ""):
                    ignored.append(str(cell).strip())
            elif key in columns:
                dup.append(str(cell).strip())
            else:
                columns[key] = idx
        if "name" in columns and "id_number" in columns:
            break
    else:
        return None
    if dup:
        raise SheetError("duplicate_columns", "a column appears twice: " + ", ".join(dup),
                         columns=", ".join(dup))
    needed = [c for c in COLUMNS if (c.required or (team and c.key == "team"))
              and c.key not in columns and c.key != "trade"]
    if needed:
        names = "、".join(c.header for c in needed)
        raise SheetError("missing_columns", f"missing columns: {names}", columns=names)
    width = max(columns.values()) + 1
    rows = []
    for rownum, values in enumerate(it, start=header_row + 1):
        if rownum - header_row > max_rows:   # the dimension can lie: count while reading
            raise SheetError("too_many_rows", f"more than {max_rows} rows",
                             rows=f"{max_rows}+", limit=max_rows)
        values = tuple(values or ())
        if len(values) < width:
            values = values + (None,) * (width - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[:width]):
            continue
        rows.append((rownum, {k: values[i] for k, i in columns.items()}))
    return SheetRows(header_row, columns, rows, ignored_headers=ignored)


def template_workbook(trade_names: Sequence[str], *, team: bool = False,
                      title: str | None = None, ladder: str | None = None) -> bytes:
    """The template to fill in: the header row, text-formatted ID and phone columns,
    drop-down lists for 性别, 工种 and 现技能等级, and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    cols = [c for c in COLUMNS if team or c.key != "team"]
    lists = wb.create_sheet("选项")
    for i, name in enumerate(trade_names, start=1):
        set_value(lists.cell(row=i, column=1), name)
    grades = ladder_labels(ladder)
    for i, label in enumerate(grades, start=1):
        lists.cell(row=i, column=2, value=label)
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFE8EEF7")
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=col.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        if col.key in ("id_number", "phone"):
            for r in range(2, 1002):
                ws.cell(row=r, column=j).number_format = "@"
        validation = _validation_for(col.key, len(trade_names), len(grades))
        if validation is not None:
            validation.add(f"{letter}2:{letter}5000")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    _instructions(wb.create_sheet("填表说明"), title, team)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _validation_for(key: str, n_trades: int, n_grades: int) -> DataValidation | None:
    if key == "gender":
        return DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    if key == "trade" and n_trades:
        return DataValidation(type="list", formula1=f"=选项!$A$1:$A${n_trades}",
                              allow_blank=True)
    if key == "grade":
        return DataValidation(type="list", formula1=f"=选项!$B$1:$B${n_grades}",
                              allow_blank=True)
    return None


def _instructions(ws, title: str | None, team: bool) -> None:
    lines = [
        title or "职工技能大赛报名表",
        "",
        "1. 每位选手填一行，不要合并单元格，不要改动第一行的列名（列的顺序可以调整）。",
        "2. 身份证号填18位号码（末位可为X），该列已设为文本格式，请勿改为数字格式。",
        "3. 性别可不填，系统按身份证号判断；填写时须与身份证号一致。",
        "4. 手机号填11位手机号码。",
        "5. 工种从下拉列表中选择；现技能等级可不填（无等级）。",
    ]
    if team:
        lines.append("6. 队名：同一队的队员填写相同的队名，且须来自同一单位。")
    ws.column_dimensions["A"].width = 90
    for i, text in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=(i == 1), size=14 if i == 1 else 11)


def required_headers(team: bool = False) -> list[str]:
    return [c.header for c in COLUMNS if c.required or (team and c.key == "team")]


__all__ = ["read_sheet", "template_workbook", "SheetError", "SheetRows", "BY_KEY"]
