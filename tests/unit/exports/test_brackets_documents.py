"""A bracket's bulletin and results sheet (no criteria, components or total:
services.bracket_standings.results_for): a 赛果 column says how each run ended (冠军,
亚军, 八强...) where a scored stage has its 总分."""
from openpyxl import load_workbook

from exports.data import BulletinData, ResultRow, ResultsData, TradeResults
from exports.sheets import render_bulletin
from exports.workbooks import write_results_workbook

from .conftest import pdf_pages_text


def test_a_brackets_bulletin_has_a_result_column_instead_of_an_empty_total(tmp_path):
    rows = [ResultRow(1, "003", "供电公司队", "示例县供电公司", award="一等奖", title="冠军队",
                      status="冠军"),
            ResultRow(2, "001", "自来水公司队", "示例县自来水公司", award="二等奖", status="亚军"),
            ResultRow(3, "002", "人民医院队", "示例县人民医院", status="并列第三名")]
    data = BulletinData("第十三届职工技能大赛（测试）",
                        TradeResults("quiz", "知识竞赛", "淘汰赛", rows=rows),
                        "2026年12月8日", "2026年12月11日17:00", "大赛仲裁组")
    render_bulletin(data, tmp_path / "b.pdf")
    text = pdf_pages_text(tmp_path / "b.pdf")[0]
    assert "赛果" in text and "总分" not in text
    assert "冠军一等奖冠军队" in text.replace(" ", "")     # 赛果, then 奖项 with the title
    assert "并列第三名" in text


def test_a_brackets_results_sheet_has_a_result_column_instead_of_an_empty_total(tmp_path):
    rows = [ResultRow(1, "003", "供电公司队", "示例县供电公司", award="一等奖", status="冠军"),
            ResultRow(None, "004", "水泥厂队", "示例县水泥厂", status="比赛进行中")]
    out = tmp_path / "r.xlsx"
    write_results_workbook(ResultsData("大赛", [TradeResults("quiz", "知识竞赛", "淘汰赛",
                                                            rows=rows)]), out)
    ws = load_workbook(out)["知识竞赛"]
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert got[0] == ["名次", "抽签号", "姓名", "单位", "赛果", "奖项", "称号", "备注"]
    assert got[1] == [1, "003", "供电公司队", "示例县供电公司", "冠军", "一等奖", None, None]
    assert got[2][:5] == [None, "004", "水泥厂队", "示例县水泥厂", "比赛进行中"]
