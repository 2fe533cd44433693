"""The schedule (日程表) as a workbook (a sheet per day and a sheet per venue) and as a
printable PDF (a section per day, or per venue). Pure: plain rows in."""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from competition.formatting.cells import safe_row

from .fonts import cjk_font
from .sheets import _esc, _grid, _page_number, _styles

HEADER = ["日期", "时间", "赛场", "工种", "赛段", "场次", "工位（已用/共）", "裁判", "裁判长", "冲突"]
WIDTHS = [12, 13, 22, 14, 8, 10, 14, 30, 14, 40]


@dataclass
class ScheduleLine:
    day: str            # 2026年12月8日 (or 未排时间)
    time: str           # 09:00–11:00
    venue: str
    trade: str
    stage: str
    heat: str
    seats: str          # 18/20
    judges: str
    chiefs: str
    conflicts: str

    def cells(self) -> list[str]:
        return [self.day, self.time, self.venue, self.trade, self.stage, self.heat, self.seats, self.judges,
                self.chiefs, self.conflicts]


def schedule_workbook(title: str, groups: list[tuple[str, str, list[ScheduleLine]]]) -> bytes:
    """``groups``: (sheet name, heading, lines) — the days, then the venues."""
    wb = Workbook()
    wb.remove(wb.active)
    used = set()
    for name, heading, lines in groups:
        sheet = _sheet_name(name, used)
        ws = wb.create_sheet(sheet)
        ws.append(safe_row(ws, [f"{title}　日程表　{heading}"]))
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(HEADER)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for line in lines:
            ws.append(safe_row(ws, line.cells()))
        for i, width in enumerate(WIDTHS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(name: str, used: set) -> str:
    base = "".join(ch for ch in name if ch not in '[]:*?/\\')[:28] or "日程"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:26]}-{n}", n + 1
    used.add(candidate)
    return candidate


def schedule_pdf(title: str, groups: list[tuple[str, str, list[ScheduleLine]]], *,
                 font_path: str | None = None) -> bytes:
    font = cjk_font(path=font_path)
    st = _styles(font)
    out = io.BytesIO()
    size = landscape(A4)
    doc = SimpleDocTemplate(out, pagesize=size, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=f"{title} 日程表")
    width = size[0] - 24 * mm
    shares = [0.08, 0.08, 0.14, 0.09, 0.05, 0.06, 0.07, 0.17, 0.08, 0.18]
    story = []
    for i, (_name, heading, lines) in enumerate(groups):
        if i:
            story.append(PageBreak())
        story += [Paragraph(_esc(f"{title}　日程表"), st["title"]), Paragraph(_esc(heading), st["subtitle"]),
                  Spacer(1, 3 * mm)]
        rows = [[Paragraph(_esc(h), st["cell"]) for h in HEADER]]
        rows += [[Paragraph(_esc(c), st["cell_left"] if j in (2, 7, 9) else st["cell"])
                  for j, c in enumerate(line.cells())] for line in lines]
        table = Table(rows, colWidths=[width * s for s in shares], repeatRows=1)
        table.setStyle(TableStyle(_grid(1)))
        story.append(table)
    if not story:
        story.append(Paragraph("（无场次）", st["subtitle"]))
    doc.build(story, onFirstPage=_page_number(font, f"{title} 日程表"),
              onLaterPages=_page_number(font, f"{title} 日程表"))
    return out.getvalue()
