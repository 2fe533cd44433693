"""The results workbook (成绩表) as .xlsx, written in openpyxl's write-only mode.

Sheets: 汇总 (one line per trade, with its marks entered and expected by the judging
panels), one sheet per trade (rank, lot, name, employer, each
criterion, each component, total, award, title, remark) and 评分明细 (every judge's mark,
split over several sheets beyond Excel's row limit). A trade run in several stages gets
its overall ranking (最终排名: each stage's rank and total side by side) on the trade's
sheet and a sheet per stage after it ("车工-预赛", "车工-决赛"; the remark says who went
on). Every sheet: a title row and a header row frozen and repeated on each printed page,
widths from the content, A4, fit to width, page numbers in the footer. Numbers are written
as numbers (Decimal), never as text.
"""
from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from competition.formatting.cells import safe_value, text_cell
from competition.formatting.widths import display_width, sheet_name

from .data import ResultsData, TradeResults, chinese_date

EXCEL_MAX_ROWS = 1_048_576
NUMBER_FORMAT = "0.00"
_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
HEADER_BORDER = Border(bottom=_THIN, top=_THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def write_results_workbook(data: ResultsData, out: str | os.PathLike | BinaryIO) -> None:
    """Write the workbook to ``out`` (a path or a binary file).
    Trade marks given as generators are consumed once."""
    wb = Workbook(write_only=True)
    names: set[str] = set()
    _summary_sheet(wb, data, sheet_name("汇总", names))
    for trade in data.trades:
        if trade.stage_results:
            _overall_sheet(wb, data, trade, sheet_name(trade.name, names))
            for stage in trade.stage_results:
                _trade_sheet(wb, data, stage, sheet_name(f"{trade.name}-{stage.stage}", names))
        else:
            _trade_sheet(wb, data, trade, sheet_name(trade.name, names))
    if data.consistency:
        _consistency_sheet(wb, data, sheet_name("评委一致性", names))
    _detail_sheets(wb, data, names)
    if data.appeals:
        _appeals_sheet(wb, data, sheet_name("申诉", names))
    wb.save(os.fspath(out) if isinstance(out, os.PathLike) else out)


def _lines_needed(text: str, width: float) -> int:
    """Lines a wrapped header takes in a column ``width`` characters wide."""
    room = max(int(width) - 1, 1)
    return sum(max(1, -(-display_width(part) // room)) for part in text.split("\n"))


class _Sheet:
    """A write-only sheet with a title row and a frozen, repeated header row."""

    def __init__(self, wb: Workbook, name: str, title: str, headers: list[str],
                 numeric: set[int], *, landscape: bool = True, freeze_cols: int = 0,
                 widths: list[int] | None = None, number_format: str = NUMBER_FORMAT):
        self.ws: Worksheet = wb.create_sheet(name)
        self.numeric = numeric
        self.number_format = number_format
        ws = self.ws
        widths = [min(max(w + 2, 6), 48) for w in
                  (widths or [display_width(h) for h in headers])]
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        # write-only sheets cannot be measured afterwards: give the wrapped header room
        lines = max((_lines_needed(h, w) for h, w in zip(headers, widths)), default=1)
        ws.row_dimensions[1].height = 22
        ws.row_dimensions[2].height = 15 * lines + 4
        ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}3"
        ws.print_title_rows = "1:2"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.append([self._cell(title, TITLE_FONT)])
        ws.append([self._header(h) for h in headers])

    def _cell(self, value, font=None) -> WriteOnlyCell:
        return text_cell(self.ws, value, font)

    def _header(self, text: str) -> WriteOnlyCell:
        cell = self._cell(text, HEADER_FONT)
        cell.fill, cell.border, cell.alignment = HEADER_FILL, HEADER_BORDER, WRAP
        return cell

    def append(self, values: list) -> None:
        row = []
        for i, value in enumerate(values):
            if i in self.numeric and isinstance(value, Decimal):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = self.number_format
                row.append(cell)
            else:   # names, employers, criteria: text stays text (competition.formatting.cells)
                row.append(safe_value(self.ws, value))
        self.ws.append(row)


def _summary_sheet(wb: Workbook, data: ResultsData, name: str) -> None:
    awards = _award_names(data.trades)
    # marks entered / expected (judging panels), when the data has them: the chief judges'
    # and the organiser's numbers
    counted = any(t.marks_expected is not None for t in data.trades)
    progress = ["已录评分", "应录评分"] if counted else []
    headers = ["工种", "代码", "参赛", "有名次", *awards, "最高分", "平均分", "公布日期",
               *progress]
    numeric = {len(headers) - 3 - len(progress), len(headers) - 2 - len(progress)}
    widths = [max(display_width(h), 8) for h in headers]
    for trade in data.trades:
        widths[0] = max(widths[0], display_width(trade.name))
        widths[1] = max(widths[1], display_width(trade.code))
    sheet = _Sheet(wb, name, f"{data.competition} 成绩汇总", headers, numeric,
                   landscape=False, widths=widths)
    for trade in data.trades:
        totals = [r.total for r in trade.rows if r.total is not None]
        people = trade.overall or trade.rows   # several stages: everyone who took part
        counts = {a: 0 for a in awards}
        for r in people:
            if r.award in counts:
                counts[r.award] += 1
        mean = ((sum(totals) / len(totals)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if totals else None)
        sheet.append([trade.name, trade.code, len(people),
                      sum(1 for r in people if r.rank is not None),
                      *(counts[a] for a in awards), max(totals, default=None), mean,
                      chinese_date(trade.published_at) or None,
                      *((trade.marks_entered, trade.marks_expected) if counted else ())])
    if data.generated_at:
        sheet.ws.append([])
        sheet.ws.append([f"生成时间：{data.generated_at}"])


def _award_names(trades: list[TradeResults]) -> list[str]:
    seen: dict[str, None] = {}
    for trade in trades:
        for row in trade.overall or trade.rows:
            if row.award:
                seen.setdefault(row.award)
    return list(seen)


def _trade_sheet(wb: Workbook, data: ResultsData, trade: TradeResults, name: str) -> None:
    crit = [_heading(c.name, c.max) for c in trade.criteria]
    comp = [_heading(c.name, c.max) for c in trade.components]
    # a bracket's places (no criteria, components or total): 赛果 (冠军, 八强...) for 总分
    head_to_head = not trade.criteria and not trade.components
    headers = ["名次", "抽签号", "队名" if trade.teams else "姓名", "单位", *crit, *comp,
               "赛果" if head_to_head else "总分", "奖项", "称号", "备注"]
    first_num = 4
    numeric = set(range(first_num, first_num + len(crit) + len(comp) + (not head_to_head)))
    widths = [max(display_width(h), 4) for h in headers]
    award_col = len(headers) - 3
    for row in trade.rows:  # widths of the text columns from their content
        for col, value in ((2, row.name), (3, row.employer), (award_col, row.award),
                           (award_col + 1, row.title), (award_col + 2, row.status),
                           (award_col - 1, row.status if head_to_head else None)):
            widths[col] = max(widths[col], display_width(value))
    for i in numeric:
        widths[i] = max(min(widths[i], 14), 7)
    title = " ".join(x for x in (data.competition, trade.name, trade.stage, "成绩表") if x)
    sheet = _Sheet(wb, name, title, headers, numeric, freeze_cols=3, widths=widths)
    # filter buttons on the header row (sort by employer, show one award...)
    sheet.ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{len(trade.rows) + 2}"
    for row in trade.rows:
        sheet.append([
            row.rank, row.lot, row.name, row.employer,
            *(row.criteria.get(c.id) for c in trade.criteria),
            *(row.components.get(c.id) for c in trade.components),
            row.status if head_to_head else row.total, row.award, row.title,
            None if head_to_head else row.status or None])


def _overall_sheet(wb: Workbook, data: ResultsData, trade: TradeResults, name: str) -> None:
    """The overall ranking of a trade run in several stages: rank, name, employer, then
    each stage's rank and total (the last stage first), award, title, remark."""
    order = list(range(len(trade.stage_results)))[::-1]
    stage_heads = [h for i in order for h in (f"{trade.stage_results[i].stage}名次",
                                              f"{trade.stage_results[i].stage}总分")]
    headers = ["名次", "姓名", "单位", *stage_heads, "奖项", "称号", "备注"]
    numeric = set(range(4, 3 + len(stage_heads), 2))
    widths = [max(display_width(h), 4) for h in headers]
    award_col = len(headers) - 3
    for row in trade.overall:
        for col, value in ((1, row.name), (2, row.employer), (award_col, row.award),
                           (award_col + 1, row.title), (award_col + 2, row.remark)):
            widths[col] = max(widths[col], display_width(value))
    title = " ".join(x for x in (data.competition, trade.name, "最终排名") if x)
    sheet = _Sheet(wb, name, title, headers, numeric, freeze_cols=3, widths=widths)
    sheet.ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{len(trade.overall) + 2}"
    for row in trade.overall:
        sheet.append([row.rank, row.name, row.employer,
                      *(v for i in order for v in (row.stages[i] if i < len(row.stages)
                                                   else (None, None))),
                      row.award, row.title, row.remark or None])


def _heading(name: str, max_value: Decimal | None) -> str:
    return f"{name}\n({max_value:g})" if max_value is not None else name


def _detail_sheets(wb: Workbook, data: ResultsData, taken: set[str]) -> None:
    headers = ["工种", "抽签号", "姓名", "评分项", "裁判", "次", "分值"]
    widths = [12, 8, 10, 30, 12, 4, 10]
    rows = _detail_rows(data.trades)
    part = 1
    while True:
        name = sheet_name("评分明细" if part == 1 else f"评分明细{part}", taken)
        # values as entered: a measurement keeps its decimals (General, not 0.00)
        sheet = _Sheet(wb, name, f"{data.competition} 评分明细", headers, set(),
                       widths=widths)
        written = 0
        for values in rows:
            sheet.append(values)
            written += 1
            if written == EXCEL_MAX_ROWS - 2:
                break
        else:
            return
        part += 1


def _consistency_sheet(wb: Workbook, data: ResultsData, name: str) -> None:
    """Each trade's judges on each judged criterion (exports.consistency_sheet)."""
    from .consistency_sheet import consistency_sheet_columns, write_consistency_rows
    headers, widths = consistency_sheet_columns()
    sheet = _Sheet(wb, name, f"{data.competition} 评委一致性", headers, set(), widths=widths, freeze_cols=3)
    write_consistency_rows(sheet.ws, data.consistency)


def _appeals_sheet(wb: Workbook, data: ResultsData, name: str) -> None:
    """Every appeal (申诉): trade, number, lot, name, grounds, filed, status, decision."""
    sheet = _Sheet(wb, name, f"{data.competition} 申诉", ["工种", "编号", "抽签号", "姓名", "申诉理由", "登记时间",
                                                          "状态", "裁决理由"], set(),
                   widths=[12, 6, 8, 10, 40, 16, 10, 40])
    for a in data.appeals:
        sheet.append([a.trade, a.number, a.lot, a.name, a.grounds, a.filed, a.status, a.decision])


def _detail_rows(trades: list[TradeResults]) -> Iterator[list]:
    for trade in trades:
        # several stages: each stage's marks, the stage named with the trade: 车工（预赛）
        parts = ([(f"{trade.name}（{s.stage}）", s.marks) for s in trade.stage_results]
                 or [(trade.name, trade.marks)])
        for label, marks in parts:
            for mark in marks:
                yield [label, mark.lot, mark.name, mark.criterion, mark.judge, mark.attempt,
                       as_number(mark.value)]


def as_number(value: str | Decimal | None):
    """A mark's value as a Decimal when it is a number, else the text as entered
    (a violation code, "1"/"0" for checklist items stays numeric)."""
    if value is None or isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value
    return number if number.is_finite() else value
