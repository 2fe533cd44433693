"""Every validation rule with a real-looking bad row; duplicates; teams; row numbers."""
from datetime import date

import pytest

from competition.registration import Context, TradeRef, make_number, validate_rows

TODAY = date(2026, 11, 25)
TRADES = [TradeRef("lathe", "车工"), TradeRef("welder", "焊工"), TradeRef("quiz", "安全知识竞赛")]
ZHANG = make_number("990102", date(1985, 3, 12), 151)   # a man
LI = make_number("990103", date(1992, 7, 8), 282)       # a woman
WANG = make_number("990104", date(1979, 11, 30), 33)    # a man


def ctx(**kw):
    return Context(trades=TRADES, today=TODAY, **kw)


def row(**over):
    base = {"name": "张建国", "gender": "男", "id_number": ZHANG,
            "employer": "示例县第一机械厂", "phone": "13800138000", "trade": "车工",
            "grade": "三级/高级工"}
    base.update(over)
    return base


def check(*rows, **kw):
    return validate_rows(list(enumerate(rows, start=2)), ctx(**kw))


def test_a_good_row_becomes_a_registration():
    report = check(row())
    assert report.ok and report.total_rows == 1
    reg = report.good[0]
    assert (reg.row, reg.trade_code, reg.grade, reg.gender) == (2, "lathe", "L3", "男")
    assert reg.birth_date == date(1985, 3, 12)


@pytest.mark.parametrize("bad, column, code", [
    ({"name": ""}, "name", "required"),
    ({"name": "张3"}, "name", "name_format"),
    ({"id_number": ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")}, "id_number", "id_check_digit"),
    ({"id_number": "990102198502301510"}, "id_number", "id_birth_date"),
    ({"id_number": 9.90102198503121e17}, "id_number", "id_number_as_number"),
    ({"id_number": "99010285031215"}, "id_number", "id_length"),
    ({"id_number": ""}, "id_number", "required"),
    ({"id_number": make_number("990102", date(2015, 1, 1), 11)}, "id_number", "too_young"),
    ({"gender": "女"}, "gender", "gender_mismatch"),
    ({"gender": "未知"}, "gender", "gender_value"),
    ({"employer": ""}, "employer", "required"),
    ({"phone": "1380013800"}, "phone", "phone_format"),
    ({"phone": "021-62345678"}, "phone", "phone_format"),
    ({"phone": "12800138000"}, "phone", "phone_format"),
    ({"phone": None}, "phone", "required"),
    ({"trade": "厨师长"}, "trade", "unknown_trade"),
    ({"trade": None}, "trade", "required"),
    ({"grade": "特级大师"}, "grade", "unknown_grade"),
    ({"grade": "三级/技师"}, "grade", "unknown_grade"),
])
def test_each_rule_reports_its_row_column_and_reason(bad, column, code):
    report = check(row(name="李秀英", gender="女", id_number=LI), row(**bad))
    assert [r.row for r in report.good] == [2]
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, column, code)]
    assert report.bad_rows == [3]
    assert report.errors[0].message


def test_several_problems_in_one_row_are_all_listed():
    report = check(row(phone="123", trade="厨师长", grade="大师"))
    assert {e.code for e in report.errors} == {"phone_format", "unknown_trade", "unknown_grade"}
    assert report.good == []


@pytest.mark.parametrize("cells, expect", [
    ({"gender": None}, {"gender": "男"}),                        # derived from the ID
    ({"gender": " 男性 "}, {"gender": "男"}),
    ({"phone": 13800138000}, {"phone": "13800138000"}),            # a number cell
    ({"phone": "+86 138-0013-8000"}, {"phone": "13800138000"}),
    ({"trade": " lathe "}, {"trade_code": "lathe"}),               # by code
    ({"trade": "车 工"}, {"trade_code": "lathe"}),
    ({"grade": "无"}, {"grade": None}),
    ({"grade": "高级工（三级）"}, {"grade": "L3"}),
    ({"grade": "初级工"}, {"grade": "L5"}),
    ({"grade": "一级/高级技师"}, {"grade": "L1"}),
    ({"id_number": ZHANG.lower()}, {"id_number": ZHANG}),
    ({"id_number": int(WANG)}, {"id_number": WANG}),    # exact digits written by a program
])
def test_common_spellings_are_accepted(cells, expect):
    if cells.get("id_number") == int(WANG):
        cells = {**cells, "name": "王志强"}
    report = check(row(**cells))
    assert report.ok, report.errors
    for k, v in expect.items():
        assert getattr(report.good[0], k) == v


def test_a_person_twice_in_one_trade_is_a_duplicate_of_the_first_row():
    report = check(row(), row(phone="13900139000"), row(trade="焊工"))
    assert [r.row for r in report.good] == [2, 4]      # another trade is allowed
    [err] = report.errors
    assert (err.row, err.code, err.params["other_row"]) == (3, "duplicate_in_file", 2)


def test_one_trade_per_person_when_the_competition_says_so():
    report = check(row(), row(trade="焊工"), one_trade_per_person=True)
    assert [(e.row, e.code) for e in report.errors] == [(3, "one_trade_per_person")]


def test_registrations_already_stored_are_duplicates_too():
    existing = {(ZHANG, "lathe"): "active", (LI, "lathe"): "withdrawn"}
    report = check(row(), row(name="李秀英", gender="女", id_number=LI),
                   row(name="王志强", id_number=WANG), existing=existing)
    assert [r.row for r in report.good] == [4]
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "already_registered"), (3, "already_registered_withdrawn")]


def test_default_trade_fills_a_missing_trade_column():
    report = check(row(trade=None), default_trade="welder")
    assert report.good[0].trade_code == "welder"


def test_a_team_is_from_one_employer_and_of_the_right_size():
    rows = [row(trade="安全知识竞赛", team="一厂一队"),
            row(name="李秀英", gender="女", id_number=LI, trade="安全知识竞赛", team="一厂一队",
                employer="示例县第二纺织厂"),
            row(name="王志强", id_number=WANG, trade="安全知识竞赛", team="纺织队")]
    report = check(*rows, team_size=(2, 3))
    codes = [(e.row, e.code) for e in report.errors]
    assert (3, "team_mixed_employers") in codes
    assert (4, "team_size") in codes                 # 纺织队 has one member
    assert report.good[0].team == "一厂一队"


def test_phone_may_be_optional():
    assert check(row(phone=None), require_phone=False).ok
