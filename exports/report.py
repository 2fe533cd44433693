"""The event report (赛事总结) as one PDF: the numbers a union report quotes, charts drawn
with reportlab's own graphics, the judge-consistency summary and the training needs.

Pure: it takes a ReportData (built by services/report.py) and writes a PDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from competition.formatting.textfit import ellipsize

from .fonts import cjk_font
from .sheets import _esc, _grid, _page_number, _styles

BAR = colors.HexColor("#3B6FB6")
CUT = colors.HexColor("#B42318")


@dataclass
class TradeReport:
    name: str
    contestants: int
    finishers: int
    heats: int
    judges: int
    awards: dict[str, int]                                    # level -> count, in order
    promotions: int
    totals: list[Decimal]
    cutoffs: list[tuple[str, Decimal]] = field(default_factory=list)   # award, lowest total
    criteria: list[tuple[str, Decimal]] = field(default_factory=list)  # name, mean share
    needs: list[tuple[str, Decimal, str]] = field(default_factory=list)  # name, lost, employers
    findings: list[str] = field(default_factory=list)


@dataclass
class EmployerRow:
    employer: str
    contestants: int
    finishers: int
    awards: int
    promotions: int
    mean_scaled: Decimal | None
    rank: int | None


@dataclass
class ReportData:
    title: str
    organiser: str
    generated_on: str
    numbers: list[tuple[str, int]]              # label, value (contestants, trades...)
    trades: list[TradeReport]
    employers: list[EmployerRow]
    top_scaled: list[tuple[int, str, str, str, Decimal]] = field(default_factory=list)


def render_report(data: ReportData, out: BinaryIO | str, *, font_path: str | None = None) -> int:
    """Write the report; returns the number of trades covered."""
    font = cjk_font(path=font_path)
    st = _styles(font)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=data.title)
    width = A4[0] - 32 * mm
    story = [Paragraph(_esc(data.title) + "<br/>赛事总结", st["title"]), Spacer(1, 3 * mm),
             Paragraph(_esc(f"{data.organiser}　{data.generated_on}"), st["subtitle"]),
             Spacer(1, 6 * mm), _numbers_table(data.numbers, st, width), Spacer(1, 6 * mm)]
    if data.trades:
        story += [Paragraph("各工种参赛与获奖", st["subtitle"]), _trade_table(data.trades, st, width),
                  Spacer(1, 4 * mm), _participation_chart(data.trades, font, width)]
    story += [PageBreak(), Paragraph("各单位参赛、获奖与晋级", st["subtitle"]),
              Paragraph("单位得分 = 该单位完赛选手跨工种标准分（各工种中位数为700分，一个标准差为20分）的平均值；"
                        "完赛选手少于3人的单位不排名。", st["small"]), Spacer(1, 2 * mm),
              _employer_table(data.employers, st, width)]
    if data.top_scaled:
        story += [Spacer(1, 5 * mm), Paragraph("跨工种标准分前列（供评选工匠、技术能手参考）", st["subtitle"]),
                  _top_table(data.top_scaled, st, width)]
    story += [PageBreak(), Paragraph("裁判评分一致性", st["subtitle"])]
    found = [(t.name, f) for t in data.trades for f in t.findings]
    story += [Paragraph(_esc(f"【{name}】{f}"), st["small"]) for name, f in found] or [
        Paragraph("各工种均未发现评分偏离评分组超出偶然范围的裁判。", st["small"])]
    for trade in data.trades:
        story += [PageBreak(), *_trade_section(trade, font, st, width)]
    doc.build(story, onFirstPage=_page_number(font, data.title),
              onLaterPages=_page_number(font, data.title))
    return len(data.trades)


def _table(rows, widths, header_rows: int = 1, left_cols: tuple = ()) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = _grid(header_rows)
    style += [("ALIGN", (c, header_rows), (c, -1), "LEFT") for c in left_cols]
    t.setStyle(TableStyle(style))
    return t


def _p(text, st, key="cell") -> Paragraph:
    return Paragraph(_esc(str(text)), st[key])


def _numbers_table(numbers, st, width) -> Table:
    cells = [[_p(label, st) for label, _ in numbers], [_p(value, st) for _, value in numbers]]
    return _table(cells, [width / max(len(numbers), 1)] * len(numbers))


def _trade_table(trades, st, width) -> Table:
    levels = list(dict.fromkeys(k for t in trades for k in t.awards))
    head = ["工种", "报名", "完赛", "场次", "裁判", *levels, "晋级"]
    rows = [[_p(h, st) for h in head]]
    for t in trades:
        rows.append([_p(t.name, st, "cell_left"), _p(t.contestants, st), _p(t.finishers, st),
                     _p(t.heats, st), _p(t.judges, st), *[_p(t.awards.get(k, 0), st) for k in levels],
                     _p(t.promotions, st)])
    first = width * 0.24
    return _table(rows, [first] + [(width - first) / (len(head) - 1)] * (len(head) - 1))


def _employer_table(employers, st, width) -> Table:
    head = ["名次", "单位", "参赛", "完赛", "获奖", "晋级", "平均标准分"]
    rows = [[_p(h, st) for h in head]]
    for e in employers:
        rows.append([_p(e.rank or "—", st), _p(e.employer, st, "cell_left"), _p(e.contestants, st),
                     _p(e.finishers, st), _p(e.awards, st), _p(e.promotions, st),
                     _p(e.mean_scaled if e.mean_scaled is not None else "—", st)])
    rest = (width * 0.62) / 5
    return _table(rows, [width * 0.08, width * 0.30] + [rest] * 5)


def _top_table(top, st, width) -> Table:
    rows = [[_p(h, st) for h in ("名次", "姓名", "单位", "工种", "标准分")]]
    rows += [[_p(r, st), _p(n, st), _p(e, st, "cell_left"), _p(t, st), _p(s, st)] for r, n, e, t, s in top]
    return _table(rows, [width * 0.1, width * 0.16, width * 0.4, width * 0.2, width * 0.14])


def _participation_chart(trades, font, width) -> Drawing:
    """Contestants per trade, one horizontal bar each."""
    shown = trades[:41]
    height = 14 * len(shown) + 30
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90, 10, width - 110, height - 25
    chart.data = [[t.contestants for t in reversed(shown)]]
    chart.categoryAxis.categoryNames = [ellipsize(t.name, font, 8, 85) for t in reversed(shown)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BAR
    d.add(chart)
    d.add(String(0, height - 10, "各工种报名人数", fontName=font, fontSize=9))
    return d


def _histogram(trade: TradeReport, font, width) -> Drawing:
    """Totals in bins of 10 points (0-100, or up to the highest total), award cut-offs as
    red lines with the award's name."""
    top = max([Decimal(100), *trade.totals])
    bins = int((top + 9) // 10)
    counts = [0] * bins
    for total in trade.totals:
        counts[min(int(total // 10), bins - 1)] += 1
    d = Drawing(width, 160)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 35, width - 40, 105
    chart.data = [counts]
    chart.categoryAxis.categoryNames = [f"{i * 10}–{i * 10 + 9}" for i in range(bins)]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, -(-max(counts) // 5))   # whole numbers of people
    chart.bars[0].fillColor = BAR
    d.add(chart)
    for _award, cutoff in trade.cutoffs:
        x = chart.x + float(cutoff) / (bins * 10) * chart.width
        d.add(Line(x, chart.y, x, chart.y + chart.height, strokeColor=CUT, strokeWidth=1))
    if trade.cutoffs:
        d.add(String(0, 2, "各奖项最低分：" + "　".join(f"{a} {c}" for a, c in trade.cutoffs),
                     fontName=font, fontSize=8, fillColor=CUT))
    d.add(String(0, 150, "总分分布（人数；红线：各奖项最低分）", fontName=font, fontSize=9))
    return d


def _criteria_chart(trade: TradeReport, font, width) -> Drawing:
    """Each criterion's mean score as a share of its maximum (which parts were hard)."""
    shown = trade.criteria[:12]
    height = 14 * len(shown) + 30
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 10, width - 130, height - 25
    chart.data = [[float(share) * 100 for _, share in reversed(shown)]]
    chart.categoryAxis.categoryNames = [ellipsize(n, font, 8, 105) for n, _ in reversed(shown)]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor = BAR
    d.add(chart)
    d.add(String(0, height - 10, "各评分项平均得分率（%）", fontName=font, fontSize=9))
    return d


def _trade_section(t: TradeReport, font, st, width) -> list:
    awards = "、".join(f"{k}{v}名" for k, v in t.awards.items()) or "无"
    out = [Paragraph(_esc(t.name), st["subtitle"]),
           Paragraph(_esc(f"报名{t.contestants}人，完赛{t.finishers}人，{t.heats}个场次，{t.judges}名裁判；"
                          f"获奖：{awards}；晋级{t.promotions}人。"), st["small"]), Spacer(1, 3 * mm)]
    if t.totals:
        out += [_histogram(t, font, width), Spacer(1, 4 * mm)]
    if t.criteria:
        out.append(_criteria_chart(t, font, width))
    if t.needs:
        rows = [[_p(h, st) for h in ("评分项", "失分比例", "失分最多的单位")]]
        rows += [[_p(n, st, "cell_left"), _p(f"{float(lost) * 100:.1f}%", st), _p(emps or "—", st, "cell_left")]
                 for n, lost, emps in t.needs[:8]]
        out += [Spacer(1, 3 * mm), KeepTogether([Paragraph("培训需求（失分最多的评分项）", st["small"]),
                                                 _table(rows, [width * 0.3, width * 0.15, width * 0.55])])]
    if t.findings:
        out += [Spacer(1, 3 * mm), Paragraph("需关注的裁判", st["small"])]
        out += [Paragraph(_esc(f), st["small"]) for f in t.findings]
    return out
