"""The marking-scheme workbook (评分细则表): what the chief judge reads and signs, and the
way back to a rule file."""
import hashlib
import io
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from competition.cli.rules import export_scheme_cmd, import_scheme_cmd
from competition.rules import parse_rule
from competition.rules.scheme_xlsx import DATA_SHEET, HEADER_ROW, SHEET, SchemeError, import_scheme, scheme_bytes

RULES_DIR = Path(__file__).parents[3] / "scoring_rules"
CODES = sorted(p.stem for p in RULES_DIR.glob("*.toml"))


def text_of(code):
    return (RULES_DIR / f"{code}.toml").read_text(encoding="utf-8")


def workbook(code, **kw):
    return load_workbook(io.BytesIO(scheme_bytes(text_of(code), **kw)))


def rows(ws):
    """(row number, {column letter: value}) of the table, hidden columns included."""
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        yield r, {c: ws[f"{c}{r}"].value for c in "ABCDEFG"}


def row_named(ws, name):
    return next(v for _, v in rows(ws) if v["B"] == name)


def reimport(wb):
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return import_scheme(out)


@pytest.mark.parametrize("code", CODES)
def test_round_trip_gives_back_the_same_rule(code):
    text = text_of(code)
    back = import_scheme(io.BytesIO(scheme_bytes(text)))
    assert back == text                     # unchanged sheet: the file itself, comments too
    assert tomllib.loads(back, parse_float=Decimal) == tomllib.loads(text, parse_float=Decimal)
    assert parse_rule(back).model_dump() == parse_rule(text).model_dump()


@pytest.mark.parametrize("code", CODES)
def test_points_add_up_as_a_chief_judge_checks_them(code):
    ws = workbook(code)[SHEET]
    comps, crit = {}, None
    for _, v in rows(ws):
        if v["F"] == "component":
            current = comps.setdefault(v["B"], [v["C"], Decimal(0)])
        elif v["F"] == "criterion":
            crit = v
            if v["E"] != "裁判长调整":            # an adjustment is outside the 配分
                current[1] += Decimal(str(v["C"]))
            crit["items"] = Decimal(0)
        elif v["F"] == "item":
            crit["items"] += Decimal(str(v["C"]))
            assert crit["items"] <= Decimal(str(crit["C"]))
    assert comps and all(Decimal(str(shown)) == total for shown, total in comps.values())
    total = next(v["C"] for _, v in rows(ws) if v["B"] == "合计")
    rule = parse_rule(text_of(code))
    expected = 100 if rule.scoring.mode == "weighted" else sum(c.max for c in rule.components)
    assert total == expected


def test_lathe_sheet_reads_like_the_real_turning_sheet():
    wb = workbook("lathe", competition="第十三届职工技能大赛")
    ws = wb[SHEET]
    assert ws["A1"].value == "第十三届职工技能大赛　车工（Lathe operator）评分细则表"
    digest = hashlib.sha256(text_of("lathe").encode("utf-8")).hexdigest()[:12]
    assert ws["A2"].value == f"工种代码：lathe　　规则文件校验码：{digest}"
    assert "总成绩＝理论知识×30%＋实际操作×70%" in ws["A3"].value
    assert "依次比较：实际操作成绩高者优先、车削时间用时短者优先、扣分少者优先" in ws["A4"].value
    assert "一等奖1名（总成绩不低于80分）" in ws["A5"].value
    assert "前3名且总成绩不低于85分者授予“县技术能手”称号" in ws["A5"].value
    assert [c.value for c in ws[HEADER_ROW]][:5] == ["序号", "考核内容", "配分", "评分标准",
                                                    "评分方式"]
    od = row_named(ws, "外圆 Φ38 0/-0.025")
    assert (od["A"], od["C"], od["E"]) == ("3", 10, "测量")
    assert od["D"] == ("实测值在37.975~38.000mm范围内得满分；每超差0.01mm扣1分"
                       "（不足0.01mm按0.01mm计），扣完为止")
    assert row_named(ws, "车削时间")["D"].startswith(
        "限时180分钟，在规定时间内完成得满分；超时每1分钟扣1分")
    assert row_named(ws, "安全文明生产")["D"] == "本项配分10分，按下列情形扣分，扣完为止，不得负分"
    assert (row_named(ws, "未穿工作服")["C"], row_named(ws, "未穿工作服")["D"]) == (-3, "每次扣3分")
    damage = row_named(ws, "违规操作损坏机床")
    assert (damage["C"], damage["D"]) == ("否决", "一票否决：实际操作成绩记0分")
    assert row_named(ws, "违规操作造成人身伤害")["D"] == "一票否决：取消比赛资格"
    assert row_named(ws, "裁判长调整")["C"] == "-5~+5"
    texts = [ws.cell(r, 1).value or "" for r in range(1, ws.max_row + 1)]
    assert any(t.startswith("裁判长签字：") and "日期：" in t for t in texts)


def test_the_sheet_prints_on_a4_with_the_header_repeated_and_data_hidden():
    wb = workbook("lathe")
    ws = wb[SHEET]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.column_dimensions["F"].hidden and ws.column_dimensions["G"].hidden
    assert wb[DATA_SHEET].sheet_state == "hidden"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["B"].width


@pytest.mark.parametrize("code, name, wording", [
    ("welder", "焊缝余高", "0~1mm得16分；>1且≤2mm得12分；>2且≤3mm得8分；>3mm得0分；<0mm得0分"),
    ("chinese_cook", "口味", "5名裁判独立评分（0~25分，最小单位0.5分），"
                            "去掉1个最高分和1个最低分后取平均分"),
    ("local_cuisine", "口味（每名裁判8分）", "去掉1个最高分和1个最低分后其余5名裁判分数相加"),
    ("tea_master", "创新茶艺（主题、茶席、演示、解说）",
     "按100分制折算为30分；得分乘以赛前申报的难度系数（0.8~1.0，级差0.1）"),
    ("infant_care", "沟通与人文关怀（0~3评价分）", "0分低于行业标准，1分达到标准"),
    ("forklift", "绕桩行驶用时", "共2次机会，与“绕桩碰杆”按同一次整体计分，取最好一次成绩。"
                              "得分＝25×最短用时÷本人用时"),
    ("drone_pilot", "定点悬停偏差（10秒内最大偏移）", "共2次机会，取最好一次成绩。实测值在0~50cm"),
    ("spinning", "接头（1分钟内合格接头数）", "以16个为基准得20分，每多1个加2分，每少1个扣2分"),
    ("cnc_lathe", "外圆 Φ45 0/-0.016（IT6）", "实测值在44.984~45.000mm范围内得满分；超差不得分"),
    ("welder", "咬边", "咬边深度等于0mm且咬边累计长度等于0mm得20分；"
                      "咬边深度≤0.5mm且咬边累计长度≤15mm得14分；"
                      "咬边深度≤0.5mm且咬边累计长度>15且≤30mm得8分；其他情况得0分"),
    ("courier", "分拣差错", "按下列情形从实际操作成绩中扣分，最多扣10分"),
    ("electrician", "通电造成短路或损坏设备", "一票否决：实际操作成绩记0分"),
    ("electrician", "携带、使用规定以外的资料或电子设备", "一票否决：总成绩记0分"),
])
def test_criteria_are_written_out_in_chinese(code, name, wording):
    assert wording in row_named(workbook(code)[SHEET], name)["D"]


def test_local_cuisine_shows_trimmed_sum_points_at_their_full_value():
    ws = workbook("local_cuisine")[SHEET]
    assert row_named(ws, "口味（每名裁判8分）")["C"] == 40     # 5 counted judges x 8


def test_a_corrected_name_is_taken_from_the_sheet():
    wb = workbook("lathe")
    ws = wb[SHEET]
    r = next(r for r, v in rows(ws) if v["B"] == "外圆 Φ38 0/-0.025")
    ws[f"B{r}"] = "外圆 Φ38h8"
    text = reimport(wb)
    assert text.startswith("# Imported from a marking-scheme workbook")
    assert parse_rule(text).criterion("od_38").name == "外圆 Φ38h8"
    data = tomllib.loads(text_of("lathe"), parse_float=Decimal)
    data["criteria"][2]["name"] = "外圆 Φ38h8"
    assert tomllib.loads(text, parse_float=Decimal) == data


@pytest.mark.parametrize("code", ["welder", "tea_master", "local_cuisine"])
def test_a_rule_given_as_data_round_trips_without_its_comments(code):
    data = tomllib.loads(text_of(code), parse_float=Decimal)
    back = import_scheme(io.BytesIO(scheme_bytes(data)))
    assert tomllib.loads(back, parse_float=Decimal) == data


def test_a_loaded_rule_can_be_exported_too():
    rule = parse_rule(text_of("forklift"))
    back = import_scheme(io.BytesIO(scheme_bytes(rule)))
    assert parse_rule(back).model_dump() == rule.model_dump()


def _broken(edit):
    wb = workbook("lathe")
    where = edit(wb)
    with pytest.raises(SchemeError) as exc:
        reimport(wb)
    return where, exc.value.problems


def _row_of(ws, name):
    return next(r for r, v in rows(ws) if v["B"] == name)


def test_a_changed_points_cell_names_sheet_row_and_column():
    def edit(wb):
        r = _row_of(wb[SHEET], "外圆 Φ38 0/-0.025")
        wb[SHEET][f"C{r}"] = 12
        return r
    r, problems = _broken(edit)
    assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, r, "C")]
    assert str(problems[0]).startswith(f"{SHEET}!C{r}: 配分 12 does not match")


def test_damaged_parameters_name_the_hidden_cell():
    def edit(wb):
        r = _row_of(wb[SHEET], "车削时间")
        wb[SHEET][f"G{r}"] = "limit = = 3"
        return r
    r, problems = _broken(edit)
    assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, r, "G")]
    assert "not valid TOML" in problems[0].message


def test_an_emptied_name_is_reported():
    def edit(wb):
        r = _row_of(wb[SHEET], "未穿工作服")
        wb[SHEET][f"B{r}"] = None
        return r
    r, problems = _broken(edit)
    assert [(p.row, p.column) for p in problems] == [(r, "B")]


def test_a_deleted_criterion_row_is_reported_on_its_component():
    def edit(wb):
        ws = wb[SHEET]
        ws.delete_rows(_row_of(ws, "总长 100±0.10"))
        return _row_of(ws, "二、实际操作（权重70%，满分100分）")
    r, problems = _broken(edit)
    assert [(p.sheet, p.row) for p in problems] == [(SHEET, r)]
    assert "max 100 != 95" in problems[0].message


def test_a_row_added_by_hand_is_reported_not_ignored():
    def edit(wb):
        ws = wb[SHEET]
        r = _row_of(ws, "工量具摆放")
        ws.insert_rows(r)
        ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"] = "12a", "去毛刺", 2
        return r
    r, problems = _broken(edit)
    assert [(p.sheet, p.row, p.column) for p in problems] == [(SHEET, r, "F")]


def test_a_missing_data_sheet_and_a_non_workbook_are_rejected():
    def edit(wb):
        del wb[DATA_SHEET]
    _, problems = _broken(edit)
    assert [(p.sheet, p.message) for p in problems] == [(DATA_SHEET, "sheet is missing")]
    with pytest.raises(SchemeError) as exc:
        import_scheme(io.BytesIO(b"not a workbook"))
    assert str(exc.value).startswith("workbook: not an xlsx workbook")


def test_cli_exports_and_imports(tmp_path):
    runner = CliRunner()
    out = tmp_path / "welder.xlsx"
    result = runner.invoke(export_scheme_cmd, [str(RULES_DIR / "welder.toml"), str(out),
                                               "--competition", "第十三届职工技能大赛"])
    assert result.exit_code == 0, result.output
    back = tmp_path / "welder.toml"
    result = runner.invoke(import_scheme_cmd, [str(out), str(back)])
    assert result.exit_code == 0, result.output
    assert parse_rule(back.read_text()).model_dump() == parse_rule(text_of("welder")).model_dump()


def test_cli_refuses_an_invalid_rule_and_a_broken_workbook(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(text_of("lathe").replace("weight = 70", "weight = 60"), encoding="utf-8")
    result = CliRunner().invoke(export_scheme_cmd, [str(bad), str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "weights sum to 90" in result.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK not really")
    result = CliRunner().invoke(import_scheme_cmd, [str(junk), str(tmp_path / "x.toml")])
    assert result.exit_code == 1 and "not an xlsx workbook" in result.output
    assert not (tmp_path / "x.toml").exists()
