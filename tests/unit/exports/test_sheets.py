"""Results bulletins and blank score sheets: reopened as text, columns from the rule."""
from decimal import Decimal as D
from pathlib import Path

import pytest

from exports.data import BulletinData, Column, ResultRow, ScoreSheetData, TradeResults
from exports.sheets import render_bulletin, render_score_sheets, sheet_columns

from .conftest import pdf_pages_text, render_png

RULES = Path(__file__).resolve().parents[3] / "scoring_rules"

CRITERIA = [
    {"id": "knife", "kind": "judged", "name": "刀工", "max": 20, "scale_max": 10, "step": 0.5},
    {"id": "od_30", "kind": "measured", "name": "外圆 Φ30", "max": 15, "unit": "mm",
     "nominal": 30, "lower": -0.021, "upper": 0},
    {"id": "steps", "kind": "checklist", "name": "操作步骤", "max": 5,
     "items": [{"id": "wash", "name": "洗手", "points": 2}, {"id": "temp", "name": "试水温",
                                                             "points": 3}]},
    {"id": "time", "kind": "timed", "name": "用时", "max": 10, "limit": 1200},
    {"id": "poles", "kind": "count", "name": "碰杆", "max": 10, "per_unit": -2},
    {"id": "adj", "kind": "adjustment", "name": "裁判长调整", "max": 5, "min": -5},
    {"id": "safety", "kind": "deductions", "name": "安全", "max": 10,
     "violations": [{"code": "gloves", "name": "戴手套", "points": 3},
                    {"code": "injury", "name": "受伤", "veto": "disqualify"}]},
    {"id": "shots", "kind": "judged", "name": "投篮", "max": 10, "attempts": 2},
]


def test_sheet_columns_give_one_box_per_thing_a_judge_writes():
    cols = sheet_columns(CRITERIA)
    assert [(c.key, c.hint) for c in cols] == [
        ("knife", "0–10，步长0.5"),
        ("od_30", "实测值 mm，30 -0.021/+0"),
        ("steps.wash", "2分 做到√ 未做×"), ("steps.temp", "3分 做到√ 未做×"),
        ("time", "用时（分:秒） 限20:00"),
        ("poles", "数量（每件-2分）"),
        ("safety.gloves", "每次扣3分，填次数"), ("safety.injury", "一票否决 √"),
        ("shots", "0–10"), ("shots", "0–10"),
    ]
    assert cols[-1].heading == "投篮 第2次"   # attempts repeat; adjustments are left out


def test_sheet_columns_read_a_real_rule_file():
    rules = pytest.importorskip("competition.rules")
    rule = rules.load_rule(RULES / "lathe.toml")
    keys = [c.key for c in sheet_columns(rule.criteria)]
    assert "od_30" in keys and any(k.startswith("safety.") for k in keys)


def heat(**kw) -> ScoreSheetData:
    values = dict(competition="第十三届职工技能大赛", trade="车工", stage="决赛", heat="第1场",
                  venue="示例县职业技术学校", starts_at="2026年11月20日 08:30",
                  judges=["裁判甲", "裁判乙"], lots=[f"A{i:02d}" for i in range(1, 6)],
                  columns=sheet_columns(CRITERIA[:4]), notes=["违规按表扣分。"])
    values.update(kw)
    return ScoreSheetData(**values)


def test_few_criteria_give_one_page_per_judge_with_lots_ranges_and_signatures(tmp_path):
    out = tmp_path / "sheets.pdf"
    assert render_score_sheets(heat(), out) == 2
    for judge, text in zip(["裁判甲", "裁判乙"], pdf_pages_text(str(out))):
        assert f"裁判：{judge}" in text and "第1场" in text
        assert all(f"A{i:02d}" in text for i in range(1, 6))
        assert "刀工" in text and "0–10" in text and "试水温" in text
        assert "裁判签字" in text and "裁判长签字" in text


def test_long_lot_lists_continue_on_further_pages(tmp_path):
    out = tmp_path / "long.pdf"
    lots = [f"B{i:02d}" for i in range(1, 31)]
    pages = render_score_sheets(heat(judges=["裁判甲"], lots=lots), out, rows_per_page=12)
    texts = pdf_pages_text(str(out))
    assert pages == len(texts) == 3
    assert "B12" in texts[0] and "B13" in texts[1] and "B30" in texts[2]
    assert "（3/3）" in texts[2]


def test_many_criteria_turn_the_table_a_row_per_criterion(tmp_path):
    many = sheet_columns(CRITERIA) * 2   # 20 boxes: too many columns for one page
    out = tmp_path / "many.pdf"
    lots = [f"A{i:02d}" for i in range(1, 16)]
    pages = render_score_sheets(heat(judges=["裁判甲"], columns=many, lots=lots), out)
    texts = pdf_pages_text(str(out))
    assert "评分项" in texts[0] and "范围" in texts[0] and "A05" in texts[0]
    assert pages == len(texts) == 4   # 20 rows over 2 pages x 15 lots over 2 pages
    assert all("裁判签字" in t for t in texts)   # no page spills its signature lines


def test_a_judge_gets_only_the_criteria_assigned_to_them(tmp_path):
    out = tmp_path / "assigned.pdf"
    render_score_sheets(heat(judge_columns={"裁判乙": ["steps"]}), out)
    first, second = pdf_pages_text(str(out))
    assert "刀工" in first
    assert "刀工" not in second and "洗手" in second


def test_a_sheet_without_judges_leaves_a_blank_for_the_name(tmp_path):
    out = tmp_path / "blank.pdf"
    render_score_sheets(heat(judges=[]), out)
    assert "裁判：____" in pdf_pages_text(str(out))[0]


def bulletin(n=40) -> BulletinData:
    rows = [ResultRow(i + 1, f"A{i:02d}", f"选手{i}", "示例县第一机械厂",
                      components={"theory": D("92.5"), "practical": D("88.25")},
                      total=D("89.55") - i, award="一等奖" if i == 0 else None)
            for i in range(n)]
    rows.append(ResultRow(None, "A99", "王五", "示例县第二机械厂", status="取消资格"))
    trade = TradeResults("lathe", "车工", "决赛", [],
                         [Column("theory", "理论知识"), Column("practical", "实际操作")], rows)
    return BulletinData("第十三届职工技能大赛", trade, "2026年11月25日", "2026年11月28日17:00",
                        "大赛仲裁组（示例县总工会302室）", "第十三届职工技能大赛组委会")


def test_the_bulletin_lists_results_and_says_when_and_where_to_appeal(tmp_path):
    out = tmp_path / "bulletin.pdf"
    render_bulletin(bulletin(60), out)
    texts = pdf_pages_text(str(out))
    text = "".join(texts)
    assert "车工决赛成绩公示" in text and "2026年11月28日17:00" in text
    assert "大赛仲裁组（示例县总工会302室）" in text and "2026年11月25日" in text
    assert "选手0" in text and "89.55" in text and "一等奖" in text and "取消资格" in text
    assert len(texts) == 2 and all("名次" in t for t in texts)   # header repeats


def test_every_kind_of_venue_page_renders(tmp_path):
    render_bulletin(bulletin(5), tmp_path / "b.pdf")
    render_score_sheets(heat(), tmp_path / "s.pdf")
    assert render_png(tmp_path / "b.pdf", tmp_path / "b", dpi=40)
    assert render_png(tmp_path / "s.pdf", tmp_path / "s", dpi=40)
