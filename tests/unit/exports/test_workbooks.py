"""The results workbook reopens with openpyxl: sheets, values, types, print settings."""
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from competition.formatting.widths import display_width
from exports import workbooks
from exports.data import Column, JudgeMark, ResultRow, ResultsData, TradeResults
from exports.workbooks import as_number, write_results_workbook


def lathe() -> TradeResults:
    rows = [
        ResultRow(1, "A03", "张小明", "示例县第一机械厂",
                  {"od": D("15"), "ra": D("8.5")}, {"theory": D("92"), "practical": D("88.5")},
                  D("89.55"), "一等奖", "县技术能手"),
        ResultRow(2, "A01", "李四", "示例县城关镇第二社区居家养老服务中心", {"od": D("0")}, {},
                  D("70.10"), "二等奖"),
        ResultRow(None, "A02", "王五", "示例县第二机械厂", status="取消资格"),
    ]
    marks = (m for m in [JudgeMark("A03", "张小明", "外圆Φ30", "裁判1", "29.990"),
                         JudgeMark("A03", "张小明", "安全文明生产", "裁判2", "no_overalls", 2)])
    return TradeResults("lathe", "车工", "决赛",
                        [Column("od", "外圆Φ30", D(15)), Column("ra", "粗糙度Ra1.6", D(10))],
                        [Column("theory", "理论知识", D(100)),
                         Column("practical", "实际操作", D(100))], rows, marks, "2026年11月25日")


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "results.xlsx"
    data = ResultsData("第十三届职工技能大赛", [lathe(), TradeResults("cook", "中式烹调师"),
                                              TradeResults("x", "车工")])
    write_results_workbook(data, path)
    return load_workbook(path)


def values(ws):
    return list(ws.iter_rows(values_only=True))


def test_a_summary_a_sheet_per_trade_and_a_detail_sheet(workbook):
    # two trades named alike still get distinct sheets
    assert workbook.sheetnames == ["汇总", "车工", "中式烹调师", "车工(2)", "评分明细"]


def test_a_trade_sheet_has_the_columns_and_numbers_as_numbers(workbook):
    rows = values(workbook["车工"])
    assert rows[0][0] == "第十三届职工技能大赛 车工 决赛 成绩表"
    assert rows[1] == ("名次", "抽签号", "姓名", "单位", "外圆Φ30\n(15)", "粗糙度Ra1.6\n(10)",
                       "理论知识\n(100)", "实际操作\n(100)", "总分", "奖项", "称号", "备注")
    assert rows[2] == (1, "A03", "张小明", "示例县第一机械厂", 15, 8.5, 92, 88.5, 89.55,
                       "一等奖", "县技术能手", None)
    assert isinstance(rows[2][8], float) and workbook["车工"]["I3"].number_format == "0.00"
    assert rows[4][0] is None and rows[4][-1] == "取消资格"


def test_the_summary_counts_awards_per_trade(workbook):
    rows = values(workbook["汇总"])
    assert rows[1][:6] == ("工种", "代码", "参赛", "有名次", "一等奖", "二等奖")
    assert rows[2] == ("车工", "lathe", 3, 2, 1, 1, 89.55, 79.83, "2026年11月25日")


def test_the_detail_sheet_lists_every_judge_mark_as_entered(workbook):
    rows = values(workbook["评分明细"])[2:]
    assert rows == [("车工", "A03", "张小明", "外圆Φ30", "裁判1", 1, 29.99),
                    ("车工", "A03", "张小明", "安全文明生产", "裁判2", 2, "no_overalls")]


def test_every_sheet_is_frozen_and_prints_on_a4_with_repeated_headers(workbook):
    for ws in workbook:
        assert ws.freeze_panes in ("A3", "D3")
        assert ws.print_title_rows == "$1:$2"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # "9"
        assert ws.page_setup.fitToWidth == 1
    assert workbook["车工"].freeze_panes == "D3"
    assert workbook["车工"].auto_filter.ref == "A2:L5"   # header + 3 rows, 12 columns


def test_widths_follow_the_content(workbook):
    ws = workbook["车工"]
    # the 18-character employer needs 36 columns + 2 padding
    assert ws.column_dimensions["D"].width == 38
    assert display_width("张三") == 4 and display_width(D("89.5")) == 5


def test_the_detail_sheet_continues_on_another_sheet_past_excels_row_limit(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(workbooks, "EXCEL_MAX_ROWS", 5)   # 3 data rows a sheet
    trade = lathe()
    trade.marks = [JudgeMark("A03", "张小明", "外圆", "裁判1", str(i)) for i in range(7)]
    path = tmp_path / "split.xlsx"
    write_results_workbook(ResultsData("赛", [trade]), path)
    wb = load_workbook(path)
    assert [len(values(wb[n])) - 2 for n in ("评分明细", "评分明细2", "评分明细3")] == [3, 3, 1]


@pytest.mark.parametrize("raw, expected", [("8.5", D("8.5")), ("no_overalls", "no_overalls"),
                                           ("NaN", "NaN"), (None, None), ("1", D(1))])
def test_mark_values_become_numbers_when_they_are_numbers(raw, expected):
    assert as_number(raw) == expected
