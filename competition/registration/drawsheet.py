"""The draw sheet (抽签表) as an xlsx workbook and as a PDF, from plain rows.

No Flask, no database: the web layer passes the header and the rows (heat, workstation,
lot number, name, employer). ID numbers are not printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

COLUMNS = ("抽签号", "场次", "赛场", "时间", "工位号", "姓名", "单位")
WIDTHS = (8, 10, 22, 21, 7, 12, 30)


@dataclass(frozen=True)
class DrawRow:
    lot: str
    heat: str
    venue: str
    starts: str
    workstation: int | None
    name: str
    employer: str


@dataclass(frozen=True)
class DrawSheet:
    title: str            # 第十三届职工技能大赛 车工 预赛 抽签表
    seed: str
    drawn_at: str
    rows: Sequence[DrawRow]

    def cells(self, row: DrawRow) -> tuple:
        return (row.lot, row.heat, row.venue, row.starts,
                row.workstation if row.workstation is not None else "", row.name, row.employer)


def to_xlsx(sheet: DrawSheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "抽签表"
    ws.append([sheet.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"抽签种子：{sheet.seed}    抽签时间：{sheet.drawn_at}"])
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(bottom=thin)
    for row in sheet.rows:
        ws.append(list(sheet.cells(row)))
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A4"
    # printed on A4 by the clerk: the column heads on every page, the width on one page
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([])
    ws.append(["抽签人：", "", "监督人：", "", "", "日期："])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(sheet: DrawSheet, font_name: str) -> bytes:
    """A4 portrait; one table, grouped by heat in the row order given."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title=sheet.title)
    title = ParagraphStyle("t", fontName=font_name, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("s", fontName=font_name, fontSize=9, leading=12)
    cell = ParagraphStyle("c", fontName=font_name, fontSize=9.5, leading=12)
    data = [list(COLUMNS)] + [[Paragraph(str(v), cell) for v in sheet.cells(r)]
                              for r in sheet.rows]
    widths = [w * 2.05 * mm for w in WIDTHS]
    scale = (A4[0] - 30 * mm) / sum(widths)
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font_name),
        ("FONTSIZE", (0, 0), (-1, 0), 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [Paragraph(sheet.title, title), Spacer(1, 3 * mm),
             Paragraph(f"抽签种子：{sheet.seed}　　抽签时间：{sheet.drawn_at}", small),
             Spacer(1, 3 * mm), table, Spacer(1, 10 * mm),
             Paragraph("抽签人：＿＿＿＿＿＿　　监督人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", cell)]
    doc.build(story)
    return out.getvalue()
