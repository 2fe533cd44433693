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

from ..formatting.cells import safe_row
from ..formatting.widths import display_width

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


XLSX_MAX_WIDTH = 40


def xlsx_widths(sheet: DrawSheet) -> list[int]:
    """Column widths from the content (CJK counts twice), at least the old fixed ones,
    at most 40: a long venue is no longer cut off at the next column."""
    widths = list(WIDTHS)
    for row in sheet.rows:
        for i, value in enumerate(sheet.cells(row)):
            widths[i] = max(widths[i], min(display_width(value) + 2, XLSX_MAX_WIDTH))
    return widths


def to_xlsx(sheet: DrawSheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "抽签表"
    ws.append(safe_row(ws, [sheet.title]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"抽签种子：{sheet.seed}    抽签时间：{sheet.drawn_at}"])
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(bottom=thin)
    for row in sheet.rows:
        ws.append(safe_row(ws, sheet.cells(row)))   # names stay text, never formulas
    for i, w in enumerate(xlsx_widths(sheet)):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    if any(display_width(r.venue) > XLSX_MAX_WIDTH or display_width(r.employer) > XLSX_MAX_WIDTH
           for r in sheet.rows):   # the rare very long text wraps inside its cell
        wrap = Alignment(wrap_text=True, vertical="center")
        for cells in ws.iter_rows(min_row=4, min_col=3, max_col=7):
            cells[0].alignment = cells[4].alignment = wrap
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


PDF_SIZE = 9.5          # pt, the table's text; long cells shrink down to PDF_MIN_SIZE
PDF_MIN_SIZE = 6.5
PDF_PAD = 3             # pt, left and right padding of every cell
FLEXIBLE = (1, 2, 6)    # heat, venue, employer: share the room left, wrap to two lines
MAX_LINES = 2


def pdf_column_widths(sheet: DrawSheet, font_name: str, total: float,
                      size: float = PDF_SIZE) -> list[float]:
    """Column widths (pt) summing to ``total``: lot, time, workstation and name as wide as
    their longest text; heat, venue and employer share the rest in proportion to their
    longest text, none narrower than six characters."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def natural(i: int) -> float:
        texts = [COLUMNS[i]] + [str(sheet.cells(r)[i]) for r in sheet.rows]
        return max(stringWidth(t, font_name, size) for t in texts) + 2 * PDF_PAD + 1
    widths = [natural(i) for i in range(len(COLUMNS))]
    widths[5] = min(widths[5], stringWidth("欧阳某某某", font_name, size) + 2 * PDF_PAD)
    fixed = sum(w for i, w in enumerate(widths) if i not in FLEXIBLE)
    room = total - fixed
    want = {i: widths[i] for i in FLEXIBLE}
    floor = stringWidth("示例县示例县", font_name, size) + 2 * PDF_PAD
    if sum(want.values()) <= room:   # everything fits on one line: spread the slack
        extra = (room - sum(want.values())) / len(FLEXIBLE)
        shares = {i: w + extra for i, w in want.items()}
    else:                            # share by need, but keep every column readable
        shares = {i: max(floor, room * w / sum(want.values())) for i, w in want.items()}
        over = sum(shares.values()) - room
        if over > 0:
            big = [i for i in FLEXIBLE if shares[i] > floor]
            cut = over / max(len(big), 1)
            for i in big:
                shares[i] -= cut
    for i, w in shares.items():
        widths[i] = w
    return widths


def _pdf_cell(text: str, font_name: str, width: float):
    """A cell's text wrapped to at most two lines at 9.5 pt, smaller if it needs to be:
    a long venue (示例县第一机械厂培训中心（二号车间东侧数控实训区）) never runs into four."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from ..formatting.textfit import fit
    fitted = fit(text, font_name, PDF_SIZE, width - 2 * PDF_PAD, max_lines=MAX_LINES,
                 leading=1.25)
    if fitted.size < PDF_MIN_SIZE:     # still too long: more lines at the smallest size
        fitted = fit(text, font_name, PDF_MIN_SIZE, width - 2 * PDF_PAD, max_lines=6,
                     leading=1.25)
    style = ParagraphStyle("c", fontName=font_name, fontSize=fitted.size,
                           leading=fitted.leading)
    return Paragraph("<br/>".join(escape(line) for line in fitted.lines), style)


def to_pdf(sheet: DrawSheet, font_name: str) -> bytes:
    """A4 portrait; one table, grouped by heat in the row order given. Columns are as wide
    as their content allows; long heat, venue and employer texts wrap to two lines within
    their cell and shrink when two lines are not enough."""
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
    cell = ParagraphStyle("c", fontName=font_name, fontSize=PDF_SIZE, leading=12)
    widths = pdf_column_widths(sheet, font_name, A4[0] - 30 * mm)
    data = [list(COLUMNS)] + [[_pdf_cell(str(v), font_name, w)
                               for v, w in zip(sheet.cells(r), widths)]
                              for r in sheet.rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font_name),
        ("FONTSIZE", (0, 0), (-1, 0), PDF_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PDF_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PDF_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    story = [Paragraph(sheet.title, title), Spacer(1, 3 * mm),
             Paragraph(f"抽签种子：{sheet.seed}　　抽签时间：{sheet.drawn_at}", small),
             Spacer(1, 3 * mm), table, Spacer(1, 10 * mm),
             Paragraph("抽签人：＿＿＿＿＿＿　　监督人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", cell)]
    doc.build(story)
    return out.getvalue()
