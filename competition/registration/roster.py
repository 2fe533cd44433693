"""The contestants list (报名名单) as an xlsx workbook, from plain rows.

Pure: openpyxl and the exports helpers, no Flask, no database. Written in write-only
mode like the results workbook: a title row and a header row frozen and repeated on every
printed page, column widths from the content (CJK characters count twice), filter
buttons on the header, A4 landscape fitted to the page width, page numbers in the
footer. ID numbers and phones are written as strings, so Excel keeps every digit; in the
masked copy (脱敏, to pass on or post) they read 3201**********1234 and 139****5678, as
everywhere else in the system. 10,000 contestants: see bench/README.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# one rule each for the whole project: CJK counts twice in a width, 3201**********1234,
# a valid unique sheet name (shared with the results workbook and the promotion list)
from ..formatting.cells import safe_row, text_cell
from ..formatting.masking import mask_id, mask_phone
from ..formatting.widths import display_width, sheet_name

HEADERS = ("序号", "抽签号", "姓名", "性别", "身份证号", "工作单位", "手机号", "工种",
           "赛段", "场次", "赛场", "工位号", "现技能等级", "队名", "状态")
MAX_WIDTH = 40
_THIN = Side(style="thin", color="999999")
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


@dataclass(frozen=True)
class RosterRow:
    lot: str
    name: str
    gender: str
    id_number: str
    employer: str
    phone: str
    trade: str
    stage: str
    heat: str
    venue: str
    workstation: int | None
    grade: str
    team: str
    status: str          # 已报名 / 退赛：<reason>


@dataclass(frozen=True)
class RosterSheet:
    name: str            # the sheet tab: a trade's name, or 全部选手
    title: str           # 第十三届职工技能大赛 车工 报名名单
    rows: Sequence[RosterRow]


def cells(i: int, row: RosterRow, masked: bool) -> list:
    return [i, row.lot, row.name, row.gender,
            mask_id(row.id_number) if masked else row.id_number, row.employer,
            mask_phone(row.phone) if masked else row.phone, row.trade, row.stage, row.heat,
            row.venue, row.workstation, row.grade, row.team, row.status]


def column_widths(rows: Iterable[RosterRow], masked: bool) -> list[int]:
    widths = [display_width(h) for h in HEADERS]
    for i, row in enumerate(rows, start=1):
        for col, value in enumerate(cells(i, row, masked)):
            w = display_width(value)
            if w > widths[col]:
                widths[col] = w
    return [min(max(w + 2, 6), MAX_WIDTH) for w in widths]


def roster_xlsx(sheets: Sequence[RosterSheet], *, masked: bool = False,
                footer: str = "") -> bytes:
    """The workbook, one sheet per RosterSheet in the order given."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb, sheet, sheet_name(sheet.name, taken), masked, footer)
    if not sheets:
        _write_sheet(wb, RosterSheet("报名名单", "报名名单", []), "报名名单", masked, footer)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_sheet(wb: Workbook, sheet: RosterSheet, name: str, masked: bool,
                 footer: str) -> None:
    ws = wb.create_sheet(name)
    widths = column_widths(sheet.rows, masked)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "D3"             # title and header stay; so do 序号, 抽签号, 姓名
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{len(sheet.rows) + 2}"
    ws.row_dimensions[1].height = 24
    title = text_cell(ws, sheet.title + ("（身份证号、手机号已脱敏）" if masked else ""),
                      Font(bold=True, size=14))
    ws.append([title])
    header = []
    for h in HEADERS:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill = Font(bold=True), _HEADER_FILL
        c.border = Border(top=_THIN, bottom=_THIN)
        c.alignment = Alignment(horizontal="center", vertical="center")
        header.append(c)
    ws.append(header)
    for i, row in enumerate(sheet.rows, start=1):
        # plain values: a str is stored as a text cell, so ID numbers and phones keep
        # every digit (a per-cell "@" format would cost a style lookup per cell)
        # (names typed as =HYPERLINK(...) stay text: competition.formatting.cells)
        ws.append(safe_row(ws, [None if v == "" else v for v in cells(i, row, masked)]))
    if footer:
        ws.append([])
        ws.append(safe_row(ws, [footer]))
