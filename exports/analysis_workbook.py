"""The analysis workbook (赛后分析.xlsx): judge consistency, the cross-trade scale, the
employer ranking, training needs and participation, with native Excel charts.

Pure: plain rows in, xlsx bytes out; text cells never become formulas (competition.formatting.cells).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from competition.formatting.cells import safe_row

BOLD = Font(bold=True)


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    widths: list[int]
    chart: tuple[str, int, int, int] | None = None   # title, label column, value column, rows


def analysis_workbook(sheets: list[Sheet]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        ws.append(safe_row(ws, sheet.header))
        for cell in ws[1]:
            cell.font = BOLD
        for row in sheet.rows:
            ws.append(safe_row(ws, row))
        ws.freeze_panes = "A2"
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if sheet.chart and sheet.rows:
            _bar_chart(ws, sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bar_chart(ws, sheet: Sheet) -> None:
    title, label_col, value_col, rows = sheet.chart
    n = min(rows, len(sheet.rows))
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height = max(7.5, 0.5 * n)
    chart.width = 18
    chart.add_data(Reference(ws, min_col=value_col, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=2, max_row=n + 1))
    ws.add_chart(chart, f"{get_column_letter(len(sheet.header) + 2)}2")
