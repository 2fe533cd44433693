"""The promotion list (晋级名单) for the labour bureau: an xlsx workbook (one version with
full ID numbers, one masked) and a PDF for signature. Pure: plain data in, bytes out.

    data = PromotionListData(competition="第十三届职工技能大赛", rows=[...])
    open("晋级名单.xlsx", "wb").write(promotion_list_xlsx(data, masked=False))
    open("晋级名单.pdf", "wb").write(promotion_list_pdf(data))
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter

from competition.formatting.cells import safe_row, set_value
from competition.formatting.masking import mask_id

from .data import chinese_date


@dataclass(frozen=True)
class PromotionListRow:
    name: str
    id_number: str
    employer: str
    trade: str
    old_grade: str              # label: 四级/中级工 (or 无)
    new_grade: str              # label: 三级/高级工
    basis: str                  # 按获奖等次 | 按名次 | 以赛代评
    award: str = ""
    rank: int | None = None
    theory: Decimal | None = None
    practical: Decimal | None = None
    total: Decimal | None = None
    gender: str = ""
    reason: str = ""


@dataclass(frozen=True)
class PromotionListData:
    competition: str
    rows: list[PromotionListRow]
    bodies: tuple[str, ...] = ()          # organising bodies (signature/seal)
    date: date | str | None = None
    title: str = "晋级名单"
    notes: tuple[str, ...] = field(default=())


HEADERS = [("序号", 6), ("姓名", 10), ("性别", 6), ("身份证号", 22), ("工作单位", 26),
           ("工种", 14), ("原等级", 14), ("晋升等级", 14), ("晋级依据", 12), ("获奖等次", 10),
           ("名次", 6), ("理论成绩", 10), ("实操成绩", 10), ("总成绩", 10), ("说明", 48)]


def _num(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def table_rows(data: PromotionListData, masked: bool) -> list[list[object]]:
    """The list's rows as printed (sequence number first), ID numbers masked or not."""
    out = []
    for i, r in enumerate(data.rows, start=1):
        out.append([i, r.name, r.gender, mask_id(r.id_number) if masked else r.id_number,
                    r.employer, r.trade, r.old_grade, r.new_grade, r.basis, r.award,
                    "" if r.rank is None else r.rank, _num(r.theory), _num(r.practical),
                    _num(r.total), r.reason])
    return out


def promotion_list_xlsx(data: PromotionListData, masked: bool) -> bytes:
    """The workbook: a title, the column headers, one row per promotion, the issuing
    bodies and date. ID numbers are text cells (no lost digits); scores are numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "晋级名单"
    ncol = len(HEADERS)
    title = f"{data.competition}{data.title}" + ("（身份证号已脱敏）" if masked else "")
    ws.append(safe_row(ws, [title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([h for h, _ in HEADERS])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (_, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=2, column=col)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Named styles: one style lookup per cell instead of three (1,000 rows: ~4x faster).
    styles = {}
    for key, wrap, fmt in (("plain", False, "General"), ("wrap", True, "General"),
                           ("text", False, "@"), ("num", False, "0.00")):
        style = NamedStyle(name=f"promotion_{key}", border=border, number_format=fmt,
                           alignment=Alignment(vertical="center", wrap_text=wrap))
        wb.add_named_style(style)
        styles[key] = style.name
    by_col = {col: "wrap" if col in (5, 15) else "text" if col == 4
              else "num" if col in (12, 13, 14) else "plain" for col in range(1, ncol + 1)}
    for r, values in enumerate(table_rows(data, masked), start=3):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            cell.style = styles[by_col[col]]
            set_value(cell, value)          # text stays text, never a formula
    ws.append([])
    for line in data.notes:
        ws.append(safe_row(ws, [line]))
    ws.append(safe_row(ws, [f"填报单位：{'　'.join(data.bodies)}"]))
    ws.append([f"日期：{chinese_date(data.date)}"])
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PDF_COLUMNS = [("序号", 10), ("姓名", 18), ("性别", 10), ("身份证号", 38), ("工作单位", 46),
               ("工种", 24), ("原等级", 24), ("晋升等级", 24), ("晋级依据", 20),
               ("获奖等次", 17), ("理论", 15), ("实操", 15), ("总分", 15)]


def promotion_list_pdf(data: PromotionListData, masked: bool = False,
                       font_path: str | None = None) -> bytes:
    """A landscape A4 list for signature: title, table (header repeated on every page),
    then signature and seal lines for the organiser and the labour bureau."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .fonts import cjk_font

    font = cjk_font("sans", font_path)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=16)
    table = [[Paragraph(h, head) for h, _ in PDF_COLUMNS]]
    # Only the long text columns wrap (a Paragraph per cell costs ~10x a plain string).
    wrap = {1, 4, 5}
    for values in table_rows(data, masked):
        picked = values[:10] + values[11:14]      # no rank and reason columns on paper
        table.append([Paragraph(_esc(str(v)), cell) if i in wrap else str(v)
                      for i, v in enumerate(picked)])
    empty = len(table) == 1
    if empty:   # a confirmed list that promotes nobody: say so inside the table
        table.append(["（无）"] + [""] * (len(PDF_COLUMNS) - 1))
    t = Table(table, colWidths=[w * mm for _, w in PDF_COLUMNS], repeatRows=1)
    t.setStyle(TableStyle([
        *([("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "CENTER")] if empty else []),
        ("FONT", (0, 1), (-1, -1), font, 8),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [Paragraph(_esc(f"{data.competition}{data.title}"), title), Spacer(1, 4 * mm), t,
             Spacer(1, 8 * mm)]
    story += [Paragraph(_esc(n), body) for n in data.notes]
    # The signature block names the list and its size, so a signature page that falls on
    # a page of its own still says what was signed.
    story.append(KeepTogether([
        Paragraph(_esc(f"以上《{data.competition}{data.title}》共 {len(data.rows)} 人。"), body),
        Spacer(1, 6 * mm),
        Paragraph("组委会（盖章）：＿＿＿＿＿＿＿＿　　负责人签字：＿＿＿＿＿＿　　"
                  "日期：＿＿＿年＿＿月＿＿日", body), Spacer(1, 6 * mm),
        Paragraph("人力资源和社会保障部门审核意见：＿＿＿＿＿＿＿＿＿＿＿＿　　"
                  "签字（盖章）：＿＿＿＿＿＿", body)]))
    if data.bodies:
        story.insert(1, Paragraph(_esc("　".join(data.bodies) + "　" + chinese_date(data.date)),
                                  ParagraphStyle("sub", parent=body, alignment=1)))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=10 * mm,
                            rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=14 * mm,
                            title=f"{data.competition}{data.title}")

    def footer(canvas, doc_):
        canvas.setFont(font, 8)
        canvas.drawCentredString(landscape(A4)[0] / 2, 7 * mm, f"第 {doc_.page} 页")

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
