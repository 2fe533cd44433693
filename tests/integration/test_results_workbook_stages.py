"""A two-stage trade (初赛 then 决赛) in the results workbook, as a clerk checks it: a
sheet per stage, who went on, and the overall ranking (see _stages_setup for the marks)."""
import io

from openpyxl import load_workbook

from competition.services import documents as svc

from ._stages_setup import build_two_stage

TRADE = "测试工种"


def rows(ws):
    return list(ws.iter_rows(min_row=3, values_only=True))


def workbook_of(trade):
    buf = io.BytesIO()
    svc.write_trade_workbook(trade, buf)
    buf.seek(0)
    return load_workbook(buf)


def test_a_two_stage_trade_has_its_overall_ranking_and_a_sheet_per_stage(app):
    ev = build_two_stage()
    wb = workbook_of(ev["trade"])
    assert wb.sheetnames == ["汇总", TRADE, f"{TRADE}-初赛", f"{TRADE}-决赛", "评委一致性",
                            "评分明细"]
    overall = wb[TRADE]
    assert overall["A1"].value == "测试职工技能大赛 测试工种 最终排名"
    header = next(overall.iter_rows(min_row=2, max_row=2, values_only=True))
    assert header == ("名次", "姓名", "单位", "决赛名次", "决赛总分", "初赛名次", "初赛总分",
                      "奖项", "称号", "备注")
    got = [(r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows(overall)]
    assert got == [
        (1, "测试选手3", 1, 81, 3, 35, "一等奖", "县技术能手", None),
        (2, "测试选手1", 2, 74.5, 1, 41, "二等奖", None, None),
        (None, "测试选手2", None, None, 2, 38, None, None, "决赛缺考"),
        # three finalists ahead: the best contestant not going on is 4th
        (4, "测试选手4", None, None, 4, 32, None, None, "初赛未晋级"),
        (5, "测试选手5", None, None, 5, 29, None, None, "初赛未晋级"),
        (None, "测试选手6", None, None, None, None, None, None, "初赛缺考"),
    ]
    assert overall["E3"].number_format == "0.00" and overall.freeze_panes == "D3"


def test_the_preliminary_sheet_marks_who_went_on_and_gives_no_awards(app):
    ev = build_two_stage()
    ws = workbook_of(ev["trade"])[f"{TRADE}-初赛"]
    assert ws["A1"].value == "测试职工技能大赛 测试工种 初赛 成绩表"
    prelim = rows(ws)
    assert len(prelim) == 6
    assert [(r[0], r[2]) for r in prelim] == [(1, "测试选手1"), (2, "测试选手2"),
                                              (3, "测试选手3"), (4, "测试选手4"),
                                              (5, "测试选手5"), (None, "测试选手6")]
    assert [r[-1] for r in prelim] == ["晋级决赛"] * 3 + [None, None, "缺考"]
    assert all(r[-3] is None and r[-2] is None for r in prelim)   # 奖项, 称号


def test_the_final_sheet_has_the_finalists_with_their_awards(app):
    ev = build_two_stage()
    final = rows(workbook_of(ev["trade"])[f"{TRADE}-决赛"])
    assert [(r[0], r[1], r[2], r[-3], r[-1]) for r in final] == [
        (1, "F03", "测试选手3", "一等奖", None), (2, "F01", "测试选手1", "二等奖", None),
        (None, "F02", "测试选手2", None, "待评分")]   # the final heat is not signed off


def test_the_summary_counts_everyone_and_the_detail_names_the_stage(app):
    ev = build_two_stage()
    wb = workbook_of(ev["trade"])
    line = rows(wb["汇总"])[0]
    assert line[:6] == (TRADE, "mini", 6, 4, 1, 1)
    stages = {r[0] for r in rows(wb["评分明细"])}
    assert stages == {f"{TRADE}（初赛）", f"{TRADE}（决赛）"}
    assert len(rows(wb["评分明细"])) == 5 + 2 * 4   # 初赛 5 exams; 决赛 2 x (exam + 3 work)


def test_a_drawn_but_unscored_final_still_gets_its_sheet_and_the_preliminary_shows_on(app):
    ev = build_two_stage(final_marks=False)
    wb = workbook_of(ev["trade"])
    assert wb.sheetnames == ["汇总", TRADE, f"{TRADE}-初赛", f"{TRADE}-决赛", "评分明细"]
    # the final has no results yet: the finalists come first, unranked, 决赛待评分; the
    # contestants not going on keep the places after them
    got = [(r[0], r[1], r[-1]) for r in rows(wb[TRADE])]
    assert [r[0] for r in got[:3]] == [None] * 3 and {r[-1] for r in got[:3]} == {"决赛待评分"}
    assert {r[1] for r in got[:3]} == {"测试选手1", "测试选手2", "测试选手3"}
    assert got[3:] == [(4, "测试选手4", "初赛未晋级"), (5, "测试选手5", "初赛未晋级"),
                       (None, "测试选手6", "初赛缺考")]
    final = rows(wb[f"{TRADE}-决赛"])
    assert [r[-1] for r in final] == ["待评分"] * 3


def test_a_trade_whose_final_has_no_entrants_yet_reads_as_one_stage(app):
    ev = build_two_stage(confirm=False)
    wb = workbook_of(ev["trade"])
    assert wb.sheetnames == ["汇总", TRADE, "评分明细"]
    ws = wb[TRADE]
    assert ws["A1"].value == "测试职工技能大赛 测试工种 初赛 成绩表"
    assert len(rows(ws)) == 6


def test_the_competition_workbook_has_the_stage_sheets_too(app):
    ev = build_two_stage()
    buf = io.BytesIO()
    svc.write_results_workbook(ev["competition"], buf)
    buf.seek(0)
    wb = load_workbook(buf)
    assert wb.sheetnames == ["汇总", TRADE, f"{TRADE}-初赛", f"{TRADE}-决赛", "评委一致性",
                            "评分明细"]


def test_a_stage_bulletin_names_the_stage_and_who_went_on(app):
    ev = build_two_stage()
    data = svc.bulletin_data(ev["trade"], stage=ev["stage"])
    assert data.trade.stage == "初赛"
    assert [r.status for r in data.trade.rows[:3]] == ["晋级决赛"] * 3
    assert svc.bulletin_data(ev["trade"]).trade.stage == "决赛"


def test_an_unscored_preliminary_entrant_in_an_open_heat_is_pending_not_absent(app):
    """A preliminary under way (its heat not signed off, nobody gone on yet) says 待评分 for
    a contestant without marks: 缺考 is only for a no-show or a stage that is over."""
    ev = build_two_stage(confirm=False)
    got = {r.name: r.status for r in svc.trade_results(ev["trade"]).rows}
    assert got["测试选手6"] == "待评分"
    assert rows(workbook_of(ev["trade"])[TRADE])[-1][-1] == "待评分"
