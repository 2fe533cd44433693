"""PDFs for the venue: the results bulletin (成绩公示) and blank judge score sheets (评分表).

    render_bulletin(BulletinData, out)        # per trade, A4, for posting on the wall
    render_score_sheets(ScoreSheetData, out)  # per heat: a page (or more) per judge
    sheet_columns(rule_criteria)              # the boxes a judge fills in, from the rule

Score sheets show lot numbers only (never names: subjective items are judged blind), one
column per thing a judge writes down, its range, and signature lines on every page. Wide
criteria lists continue on further pages; so do long lot lists.
"""
from __future__ import annotations

import os
from decimal import Decimal
from typing import BinaryIO, Iterable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from competition.formatting.textfit import ellipsize, wrap

from .data import BulletinData, ScoreSheetData, SheetColumn, chinese_date
from .fonts import cjk_font

Out = str | os.PathLike | BinaryIO


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=26, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=18,
                                   alignment=TA_CENTER),
        "body": ParagraphStyle("body", base, firstLineIndent=21),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11, alignment=TA_CENTER),
        "cell_left": ParagraphStyle("cell_left", base, fontSize=9, leading=11,
                                    alignment=TA_LEFT),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11),
        "item": ParagraphStyle("item", base, fontSize=8.5, leading=10, alignment=TA_LEFT),
        "right": ParagraphStyle("right", base, alignment=2),
        "warning": ParagraphStyle("warning", base, textColor=colors.HexColor("#B42318"),
                                  borderColor=colors.HexColor("#B42318"), borderWidth=0.8,
                                  borderPadding=4, spaceBefore=8, spaceAfter=8),
    }


def _grid(header_rows: int = 1) -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#E8E8E8")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]


def _page_number(font: str, label: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        w, _h = doc.pagesize
        canvas.drawCentredString(w / 2, 8 * mm, f"{label}　第 {doc.page} 页")
        canvas.restoreState()
    return draw


# --- results bulletin --------------------------------------------------------------------

def render_bulletin(data: BulletinData, out: Out, *, font_path: str | None = None) -> None:
    """The results bulletin of one trade: rank, lot, name, employer, components, total,
    award; the publication period and where to appeal. Landscape when columns are many."""
    font = cjk_font("sans", font_path)
    st = _styles(font)
    trade = data.trade
    comps = trade.components if data.show_components else []
    wide = len(comps) > 3
    pagesize = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(_target(out), pagesize=pagesize, leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=16 * mm,
                            title=f"{trade.name}成绩公示", author=data.issuer or "")
    usable = pagesize[0] - 30 * mm
    stage = trade.stage or ""
    story = [
        Paragraph(_esc(data.competition), st["subtitle"]),
        Paragraph(_esc(f"{trade.name}{stage}成绩公示"
                       + ("（临时成绩）" if data.open_heats else "")), st["title"]),
        Spacer(1, 4 * mm),
        Paragraph(_esc(
            f"现将{data.competition}{trade.name}{stage or '比赛'}成绩予以公示。公示期自"
            f"{chinese_date(data.published_on)}起至{data.appeal_deadline}止。对成绩有异议的，"
            f"请于公示期内向{data.appeal_to}提出书面申诉，逾期不予受理。"), st["body"]),
        Spacer(1, 4 * mm),
    ]
    if data.open_heats:
        story[-1:-1] = [Paragraph(_esc(
            f"注意：尚有{data.open_heats}个场次未经裁判长签字确认，以下为临时成绩，"
            "不作为正式公示；“待评分”的选手尚无成绩，不是缺考。"), st["warning"])]
    story.append(_bulletin_table(trade, comps, st, usable))
    if getattr(trade, "lot_note", ""):      # ties decided by lot: the seed to re-verify
        story += [Spacer(1, 2 * mm), Paragraph(_esc(trade.lot_note), st["body"])]
    if data.appeals:
        story += [Spacer(1, 5 * mm), Paragraph(_esc("申诉情况"), st["body"]), _appeals_table(data.appeals, st, usable)]
    signature = [Paragraph(_esc(x), st["right"]) for x in
                 (data.issuer, chinese_date(data.published_on)) if x]
    story += [Spacer(1, 8 * mm), KeepTogether(signature)]
    page = _page_number(font, f"{trade.name}成绩公示")
    doc.build(story, onFirstPage=page, onLaterPages=page)


def _bulletin_table(trade, comps, st, usable: float) -> Table:
    # a bracket's places (no criteria, components or total): a 赛果 column (冠军, 八强...)
    head_to_head = not trade.criteria and not trade.components
    head = ["名次", "抽签号", "队名" if trade.teams else "姓名", "单位", *(c.name for c in comps),
            "赛果" if head_to_head else "总分", "奖项"]
    rows = [[Paragraph(_esc(h), st["cell"]) for h in head]]
    for r in trade.rows:
        rank = str(r.rank) if r.rank is not None else "—"
        award = " ".join(x for x in (r.award, r.title, None if head_to_head else r.status) if x)
        rows.append([rank, r.lot, Paragraph(_esc(r.name), st["cell"]),
                     Paragraph(_esc(r.employer), st["cell_left"]),
                     *(_num(r.components.get(c.id)) for c in comps),
                     Paragraph(_esc(r.status), st["cell"]) if head_to_head else _num(r.total),
                     Paragraph(_esc(award), st["cell"])])
    fixed = [13 * mm, 16 * mm, 22 * mm] + [18 * mm] * len(comps) + [
        24 * mm if head_to_head else 18 * mm, 28 * mm]
    employer = max(usable - sum(fixed), 40 * mm)
    widths = fixed[:3] + [employer] + fixed[3:]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = _grid()
    style.append(("FONT", (0, 0), (-1, -1), st["cell"].fontName, 9))
    table.setStyle(TableStyle(style))
    return table


def _appeals_table(appeals, st, usable: float) -> Table:
    """The trade's appeals under the bulletin: number, lot, name, filed, status, decision."""
    rows = [[Paragraph(_esc(h), st["cell"]) for h in ("编号", "抽签号", "姓名", "登记时间", "状态", "裁决理由")]]
    for a in appeals:
        rows.append([str(a.number), a.lot, Paragraph(_esc(a.name), st["cell"]), a.filed,
                     Paragraph(_esc(a.status), st["cell"]), Paragraph(_esc(a.decision or "—"), st["cell_left"])])
    fixed = [13 * mm, 16 * mm, 22 * mm, 30 * mm, 20 * mm]
    table = Table(rows, colWidths=fixed + [max(usable - sum(fixed), 40 * mm)], repeatRows=1)
    style = _grid()
    style.append(("FONT", (0, 0), (-1, -1), st["cell"].fontName, 9))
    table.setStyle(TableStyle(style))
    return table


def _lines(text: str, font: str, size: float, width: float) -> str:
    """Break like textfit.wrap (numbers and Latin words stay whole) as Paragraph markup."""
    return "<br/>".join(_esc(line) for line in wrap(text, font, size, width))


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _target(out: Out):
    return os.fspath(out) if isinstance(out, os.PathLike) else out


# --- blank score sheets ------------------------------------------------------------------

def sheet_columns(criteria: Iterable) -> list[SheetColumn]:
    """The boxes a judge fills in, from a rule's criteria (competition.rules objects or
    plain dicts shaped like the rule file). Adjustments (chief judge only) are left out."""
    columns: list[SheetColumn] = []
    for c in criteria:
        kind = _get(c, "kind")
        attempts = int(_get(c, "attempts", 1) or 1)
        for col in _columns_of(c, kind):
            if attempts == 1:
                columns.append(col)
            else:
                columns += [SheetColumn(col.key, f"{col.heading} 第{a}次", col.hint)
                            for a in range(1, attempts + 1)]
    return columns


def _columns_of(c, kind: str) -> list[SheetColumn]:
    cid, name, max_ = _get(c, "id"), _get(c, "name"), _get(c, "max")
    if kind == "judged":
        top = _get(c, "scale_max") or max_
        step = _get(c, "step")
        hint = f"{_n(_get(c, 'scale_min') or 0)}–{_n(top)}" + (f"，步长{_n(step)}" if step else "")
        return [SheetColumn(cid, name, hint), *_declared_columns(c, cid, name)]
    if kind == "measured":
        unit = _get(c, "unit", "") or ""
        nominal = _get(c, "nominal")
        tol = (f"{_n(nominal)} {_signed(_get(c, 'lower', 0))}/{_signed(_get(c, 'upper', 0))}"
               if nominal is not None else "")
        return [SheetColumn(cid, name, f"实测值 {unit}".strip() + (f"，{tol}" if tol else ""))]
    if kind == "checklist":
        return [SheetColumn(f"{cid}.{_get(i, 'id')}", f"{name}：{_get(i, 'name')}",
                            f"{_n(_get(i, 'points'))}分 做到√ 未做×")
                for i in _get(c, "items", [])]
    if kind == "timed":
        limit = _get(c, "limit")
        return [SheetColumn(cid, name, "用时（分:秒）" + (f" 限{_mmss(limit)}" if limit else ""))]
    if kind == "count":
        unit = _get(c, "unit", "") or ""
        per = f"每{unit or '件'}{_n(_get(c, 'per_unit'))}分" if _get(c, "per_unit") else ""
        return [SheetColumn(cid, name, f"数量（{unit}，{per}）" if unit else f"数量（{per}）")]
    if kind == "given":     # a value as published (a theory exam system's score)
        unit = _get(c, "unit", "") or ""
        lo, hi = _get(c, "min"), _get(c, "max")
        span = f"{_n(lo)}–{_n(hi)}" if lo is not None and hi is not None else ""
        return [SheetColumn(cid, name, "，".join(x for x in (f"分值 {unit}".strip(), span) if x))]
    if kind == "deductions":
        return [SheetColumn(f"{cid}.{_get(v, 'code')}", f"{name}：{_get(v, 'name')}",
                            "一票否决 √" if _get(v, "veto") else
                            f"每次扣{_n(_get(v, 'points'))}分，填次数")
                for v in _get(c, "violations", [])]
    return []  # adjustment: entered by the chief judge with a reason


def _declared_columns(c, cid: str, name: str) -> list[SheetColumn]:
    """A judged criterion's values declared per entry and attempt: the difficulty and each
    `declared` value (a default says what an empty box counts as)."""
    out = []
    d = _get(c, "difficulty")
    if d:
        out.append(SheetColumn(f"{cid}@difficulty", f"{name} 难度系数",
                               f"{_n(_get(d, 'min'))}–{_n(_get(d, 'max'))}"))
    for v in _get(c, "declared", None) or []:
        default = _get(v, "default")
        out.append(SheetColumn(
            f"{cid}@{_get(v, 'id')}", f"{name} {_get(v, 'name')}",
            f"{_n(_get(v, 'min'))}–{_n(_get(v, 'max'))}"
            + (f"，不填按{_n(default)}" if default is not None else "")))
    return out


def _get(obj, name: str, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _n(value) -> str:
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(value) -> str:
    number = Decimal(str(value or 0))
    return ("+" if number >= 0 else "") + _n(number)


def _mmss(seconds) -> str:
    s = int(Decimal(str(seconds)))
    return f"{s // 60}:{s % 60:02d}"


SHEET_PAGE = landscape(A4)
LOT_W, REMARK_W, MIN_COL_W = 20 * mm, 24 * mm, 22 * mm
HEADER_ROW_H, ROW_H = 20 * mm, 9 * mm
TABLE_H = 145 * mm  # between the heading block and the signature lines
# Criteria as rows (many criteria): name | range | one column per lot
ITEM_W, HINT_W, LOT_COL_W, ITEM_ROW_H, ITEM_HEAD_H = 62 * mm, 38 * mm, 17 * mm, 8.5 * mm, 9 * mm


def render_score_sheets(data: ScoreSheetData, out: Out, *, font_path: str | None = None,
                        rows_per_page: int | None = None) -> int:
    """A blank score sheet per judge (or one unnamed sheet). Few criteria: a row per lot,
    a column per criterion; many criteria: a row per criterion, a column per lot. Pages
    continue when the lots or criteria do not fit one page. Returns the number of pages."""
    font = cjk_font("sans", font_path)
    st = _styles(font)
    usable_w = SHEET_PAGE[0] - 24 * mm
    doc = SimpleDocTemplate(_target(out), pagesize=SHEET_PAGE, leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=10 * mm, bottomMargin=14 * mm,
                            title=f"{data.trade}评分表 {data.heat}")
    story: list = []
    for judge in data.judges or [""]:
        cols = _judge_columns(data, judge)
        max_cols = max(1, int((usable_w - LOT_W - REMARK_W) // MIN_COL_W))
        if len(cols) <= max_cols:
            tables = _lots_as_rows(cols, data.lots, st, usable_w, rows_per_page)
        else:
            tables = _criteria_as_rows(cols, data.lots, st, usable_w, rows_per_page)
        for n, table in enumerate(tables, start=1):
            if story:
                story.append(PageBreak())
            story += _sheet_page(data, judge, table, st, f"{n}/{len(tables)}")
    pages = sum(1 for x in story if isinstance(x, PageBreak)) + 1
    page = _page_number(font, f"{data.trade}评分表　{data.heat}")
    doc.build(story, onFirstPage=page, onLaterPages=page)  # consumes the story
    return pages


def _judge_columns(data: ScoreSheetData, judge: str) -> list[SheetColumn]:
    wanted = data.judge_columns.get(judge)
    if not wanted:
        return list(data.columns)
    return [c for c in data.columns
            if c.key in wanted or c.key.split("@")[0].split(".")[0] in wanted]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _lots_as_rows(cols, lots, st, usable_w, rows_per_page) -> list[Table]:
    per_page = rows_per_page or int((TABLE_H - HEADER_ROW_H) // ROW_H)
    col_w = (usable_w - LOT_W - REMARK_W) / max(len(cols), 1)
    head = [Paragraph("抽签号", st["cell"])]
    font, inner = st["cell"].fontName, col_w - 4
    for c in cols:
        heading = _lines(ellipsize(c.heading, font, 9, inner * 3), font, 9, inner)
        hint = _lines(c.hint, font, 7, inner)
        head.append(Paragraph(f"{heading}<br/><font size=7>{hint}</font>", st["cell"]))
    head.append(Paragraph("备注", st["cell"]))
    tables = []
    for chunk in _chunks(list(lots), per_page):
        body = [[lot, *([""] * len(cols)), ""] for lot in chunk]
        body += [[""] * (len(cols) + 2)] * (per_page - len(chunk))  # room for added lots
        table = Table([head, *body], colWidths=[LOT_W] + [col_w] * len(cols) + [REMARK_W],
                      rowHeights=[HEADER_ROW_H] + [ROW_H] * len(body))
        table.setStyle(TableStyle(_grid() + [("FONT", (0, 1), (0, -1),
                                              st["cell"].fontName, 12)]))
        tables.append(table)
    return tables


def _criteria_as_rows(cols, lots, st, usable_w, rows_per_page) -> list[Table]:
    per_page = rows_per_page or int((TABLE_H - ITEM_HEAD_H) // ITEM_ROW_H)
    lots_per_page = max(1, int((usable_w - ITEM_W - HINT_W) // LOT_COL_W))
    font = st["cell"].fontName
    tables = []
    for lot_chunk in _chunks(list(lots), lots_per_page):
        lot_cells = lot_chunk + [""] * (lots_per_page - len(lot_chunk))
        lot_w = (usable_w - ITEM_W - HINT_W) / lots_per_page
        head = ["评分项", "范围 / 填写说明", *lot_cells]
        for col_chunk in _chunks(cols, per_page):
            # two lines of 8.5 pt at most: 20 pt + padding fit the 8.5 mm row
            body = [[Paragraph(_lines(ellipsize(c.heading, font, 8.5, (ITEM_W - 4) * 1.9),
                                      font, 8.5, ITEM_W - 4), st["item"]),
                     Paragraph(f"<font size=7.5>{_lines(c.hint, font, 7.5, HINT_W - 4)}</font>",
                               st["cell_left"]),
                     *([""] * lots_per_page)] for c in col_chunk]
            table = Table([head, *body], colWidths=[ITEM_W, HINT_W] + [lot_w] * lots_per_page,
                          rowHeights=[ITEM_HEAD_H] + [ITEM_ROW_H] * len(body))
            table.setStyle(TableStyle(_grid() + [("FONT", (0, 0), (-1, 0), font, 11)]))
            tables.append(table)
    return tables


def _sheet_page(data, judge, table, st, part) -> list:
    info = "　".join(x for x in (
        f"阶段：{data.stage}" if data.stage else "", f"场次：{data.heat}",
        f"场地：{data.venue}" if data.venue else "",
        f"时间：{data.starts_at}" if data.starts_at else "",
        f"裁判：{judge or '________________'}", f"（{part}）") if x)
    notes = [Paragraph(_esc(n), st["small"]) for n in data.notes]
    sign = Table([["裁判签字：", "", "裁判长签字：", "", "日期：", ""]],
                 colWidths=[22 * mm, 60 * mm, 26 * mm, 60 * mm, 14 * mm, 40 * mm],
                 rowHeights=[12 * mm])
    sign.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), st["cell"].fontName, 11),
        ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
        ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
        ("LINEBELOW", (5, 0), (5, 0), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (0, 0), (-1, -1), "RIGHT")]))
    return [
        Paragraph(_esc(f"{data.competition}　{data.trade}评分表"), st["subtitle"]),
        Paragraph(_esc(info), st["cell"]), Spacer(1, 3 * mm), table, Spacer(1, 2 * mm),
        *notes, Spacer(1, 3 * mm), sign,
    ]
