"""The workbook: template round trip, header matching, ragged rows, broken files."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from competition.registration import (
    Context,
    SheetError,
    TradeRef,
    make_number,
    read_sheet,
    template_workbook,
    validate_workbook,
)

TRADES = [TradeRef("lathe", "车工"), TradeRef("welder", "焊工")]
ID1 = make_number("990102", date(1985, 3, 12), 151)
ID2 = make_number("990103", date(1992, 7, 8), 282)


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_has_the_chinese_headers_and_reads_back_empty():
    data = template_workbook(["车工", "焊工"], team=True)
    wb = load_workbook(BytesIO(data))
    ws = wb["报名表"]
    headers = [c.value for c in ws[1]]
    assert headers == ["姓名", "性别", "身份证号", "单位", "手机号", "工种", "现技能等级", "队名"]
    assert ws["C2"].number_format == "@"                 # ID numbers stay text
    assert wb["选项"]["A2"].value == "焊工"
    assert "填表说明" in wb.sheetnames
    sheet = read_sheet(data)
    assert sheet.header_row == 1 and sheet.rows == []


def test_a_filled_in_template_validates():
    wb = load_workbook(BytesIO(template_workbook(["车工", "焊工"])))
    ws = wb["报名表"]
    ws.append(["张建国", "男", ID1, "示例县第一机械厂", "13800138000", "车工", "四级"])
    out = BytesIO()
    wb.save(out)
    report = validate_workbook(out.getvalue(), Context(trades=TRADES))
    assert report.ok and report.good[0].grade == "L4"


def test_columns_in_any_order_with_spaces_a_title_row_and_ragged_rows():
    data = xlsx([
        ["第十三届职工技能大赛报名表"],
        [" 手机号 ", "工种", "身份证号码", "姓名 ", "工作单位", "备注", "性别"],
        ["13800138000", "车工", ID1, "张建国", "示例县第一机械厂"],          # ragged: no 备注/性别
        [],                                                                   # blank row skipped
        ["13900139000", "焊工", ID2, "李秀英", "示例县第二纺织厂", None, "女"],
    ])
    sheet = read_sheet(data)
    assert sheet.header_row == 2 and sheet.ignored_headers == ["备注"]
    assert [r for r, _ in sheet.rows] == [3, 5]
    report = validate_workbook(data, Context(trades=TRADES))
    assert report.ok and [r.row for r in report.good] == [3, 5]


def test_a_missing_required_column_is_named():
    with pytest.raises(SheetError) as exc:
        read_sheet(xlsx([["姓名", "身份证号", "工种"]]))
    assert exc.value.code == "missing_columns" and "单位" in str(exc.value)


def test_a_sheet_without_a_header_is_refused():
    with pytest.raises(SheetError) as exc:
        read_sheet(xlsx([["a", "b"], [1, 2]]))
    assert exc.value.code == "no_header"


def test_a_file_that_is_not_xlsx_is_refused():
    with pytest.raises(SheetError) as exc:
        read_sheet(b"name,id\n")
    assert exc.value.code == "not_xlsx"


def test_a_column_given_twice_is_refused():
    with pytest.raises(SheetError) as exc:
        read_sheet(xlsx([["姓名", "身份证号", "单位", "手机号", "手机"]]))
    assert exc.value.code == "duplicate_columns"


def test_team_sheets_need_the_team_column():
    with pytest.raises(SheetError):
        read_sheet(xlsx([["姓名", "身份证号", "单位", "手机号", "工种"]]), team=True)
