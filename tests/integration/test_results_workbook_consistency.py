"""The results workbook (成绩表) has the judge-consistency sheet 评委一致性 (issue 17): what
a clerk opening it checks: the headers, one row per judge and judged criterion, the same
numbers as the analysis workbook, and the flagged judge with the evidence in words."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from competition.extensions import db
from competition.services.report import analysis_sheets
from tests.integration.test_analysis_pages import marked_event

HEADERS = ["工种", "裁判", "评分项", "评分数", "平均偏差", "占满分比例", "平均绝对偏差", "超出差异阈值",
           "高于中位数", "低于中位数", "符号检验p值", "名次相关系数", "结论", "发现"]


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]


def test_the_results_workbook_lists_each_judge_on_each_judged_criterion(app, client, auth):
    ev = marked_event()
    auth.login(ev["organiser"].username)
    response = client.get("/admin/documents/results.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    assert "评委一致性" in wb.sheetnames
    # after the trade's results, before the judges' marks
    assert wb.sheetnames.index("评委一致性") < wb.sheetnames.index("评分明细")
    ws = wb["评委一致性"]
    assert ws["A1"].value == "测试职工技能大赛 评委一致性"
    assert [c.value for c in ws[2]] == HEADERS
    rows = _rows(ws)
    j1, j2, j3 = (j.display_name for j in ev["judges"])
    # 作品质量 is the only judged criterion (the exam and the checklist have one mark each)
    assert [(r[1], r[2]) for r in rows] == [(j1, "作品质量"), (j2, "作品质量"), (j3, "作品质量")]
    lenient = dict(zip(HEADERS, rows[0]))
    # judge 1 gives v + 12 where the others give v: +12 points, 12/60 = 20 % of the
    # maximum, beyond the threshold (10) 6 times of 6, above the median 6 times: p = 2/64
    assert lenient["评分数"] == 6 and Decimal(str(lenient["平均偏差"])) == 12
    assert Decimal(str(lenient["占满分比例"])) == Decimal("0.2")
    assert lenient["超出差异阈值"] == 6 and lenient["高于中位数"] == 6 and lenient["低于中位数"] == 0
    assert lenient["符号检验p值"] == 0.0312
    assert lenient["结论"] == "需关注"
    assert f"{j1} 在“作品质量”上有 6 次高于、0 次低于" in lenient["发现"]
    assert ws.cell(row=3, column=13).font.b      # 需关注 stands out
    assert ws.cell(row=3, column=6).number_format == "0.0%"
    # judges 2 and 3 sit on the panel's median: nothing to say
    assert [r[12] for r in rows[1:]] == [None, None] and [r[13] for r in rows[1:]] == [None, None]


def test_the_sheet_has_the_analysis_workbooks_numbers(app):
    """One computation (services.analysis.consistency_rows) for both workbooks."""
    ev = marked_event()
    from competition.services.documents import write_results_workbook
    out = io.BytesIO()
    write_results_workbook(ev["competition"], out)
    results = _rows(load_workbook(io.BytesIO(out.getvalue()))["评委一致性"])
    analysis = analysis_sheets(ev["competition"])[0]
    assert analysis.title == "裁判一致性"
    assert [[r[i] for i in range(12)] + [r[13] or ""] for r in results] == \
        [[float(v) if isinstance(v, Decimal) else v for v in row] for row in analysis.rows]


def test_a_trade_workbook_has_its_judges_only_and_no_marks_means_no_sheet(app, client, auth):
    ev = marked_event()
    from competition.services.documents import write_trade_workbook
    from tests.factories import build_event
    other = build_event(n_entries=2, n_judges=2, code="other", competition=ev["competition"])
    out = io.BytesIO()
    write_trade_workbook(ev["trade"], out)
    rows = _rows(load_workbook(io.BytesIO(out.getvalue()))["评委一致性"])
    assert len(rows) == 3 and {r[0] for r in rows} == {"测试工种"}
    out = io.BytesIO()
    write_trade_workbook(other["trade"], out)
    assert "评委一致性" not in load_workbook(io.BytesIO(out.getvalue())).sheetnames
    db.session.rollback()
