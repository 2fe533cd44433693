"""Session 2 gaps in the pure core: team members decided one by one, at most one promotion
a year across competitions, and policy problems that carry what the web layer translates."""
from decimal import Decimal

import pytest

from competition.promotion import FIVE_LEVEL, EarlierPromotion, Finisher, PolicyError, decide, parse_policy

RANK_TOP1 = 'version = 1\nname = "x"\n[[rules]]\nkind = "rank"\ntop = 1\nsteps = 1\n'


def policy(text=RANK_TOP1):
    return parse_policy(text).for_trade(None)


def team(entry, name, rank, members, total="90"):
    return [Finisher(key=key, name=key, rank=rank, total=Decimal(total), award=None,
                     person=f"99{key}", team=name, entry=entry) for key in members]


def test_each_member_of_a_winning_team_is_decided_on_their_own_grade():
    rows = team("e1", "一厂队", 1, ["a", "b", "c"]) + team("e2", "二厂队", 2, ["d"], "80")
    grades = {"a": "四级/中级工", "b": None, "c": "一级/高级技师", "d": "L4"}
    got = {d.key: d for d in decide(FIVE_LEVEL, policy(), rows, grades)}
    assert (got["a"].promoted, got["a"].to_grade) == (True, "L3")
    assert got["a"].reason == "一厂队团体成绩：第1名（前1名），由四级/中级工晋升为三级/高级工"
    assert (got["b"].promoted, got["b"].to_grade) == (True, "L5")       # no grade: the lowest
    assert (got["c"].promoted, got["c"].code) == (False, "top_grade")
    assert got["c"].reason.startswith("一厂队团体成绩：现有等级一级/高级技师已是最高等级")
    assert (got["d"].promoted, got["d"].code) == (False, "not_in_top")
    assert got["d"].reason == "二厂队团体成绩：第2名，未进入前1名"


def test_a_team_counts_once_among_the_finishers_of_a_percentage():
    text = 'version = 1\nname = "x"\n[[rules]]\nkind = "rank"\ntop_percent = 50\nsteps = 1\n'
    rows = team("e1", "一厂队", 1, ["a", "b", "c"]) + team("e2", "二厂队", 2, ["d", "e", "f"])
    got = decide(FIVE_LEVEL, policy(text), rows, {})
    # 2 teams ranked: the top 50% is 1 place (counting 6 members would make it 3)
    assert [d.key for d in got if d.promoted] == ["a", "b", "c"]
    assert "2名完赛者中前1名" in got[3].reason


def test_a_member_with_an_own_row_and_a_team_row_gets_the_better_decision_once():
    own = Finisher(key="a", name="a", rank=5, total=Decimal("70"), person="99a", entry="x")
    rows = [own] + team("e1", "一厂队", 1, ["a"])
    got = decide(FIVE_LEVEL, policy(), rows, {"a": "L4"})
    assert len(got) == 1 and got[0].promoted and got[0].reason.startswith("一厂队团体成绩")
    got = decide(FIVE_LEVEL, policy(), [own] + team("e1", "一厂队", 3, ["a"]), {"a": "L4"})
    assert len(got) == 1 and not got[0].promoted and got[0].reason == "第5名，未进入前1名"


def test_a_person_promoted_earlier_in_the_year_elsewhere_is_not_promoted_with_the_reason():
    row = Finisher(key="1", name="张三", rank=1, total=Decimal("95"), person="990101")
    earlier = {"990101": EarlierPromotion(2026, "第十二届职工技能大赛", "车工", "三级/高级工")}
    got = decide(FIVE_LEVEL, policy(), [row], {"1": "L4"}, promoted_earlier=earlier)[0]
    assert (got.promoted, got.code) == (False, "promoted_this_year")
    assert got.reason == ("已于2026年在第十二届职工技能大赛（车工）晋级为三级/高级工，"
                          "每人每年限晋级一次")
    off = policy(RANK_TOP1.replace('name = "x"\n', 'name = "x"\none_per_year = false\n'))
    assert decide(FIVE_LEVEL, off, [row], {"1": "L4"}, promoted_earlier=earlier)[0].promoted


def test_the_year_rule_also_holds_within_the_event_when_one_per_person_is_off():
    text = RANK_TOP1.replace('name = "x"\n', 'name = "x"\none_per_person = false\n')
    row = Finisher(key="1", name="张三", rank=1, total=Decimal("95"), person="990101")
    got = decide(FIVE_LEVEL, policy(text), [row], {"1": "L4"},
                 promoted_elsewhere={"990101": "钳工"})[0]
    assert got.reason == "本届大赛已在钳工晋级，每人每年限晋级一次"


def problems(text):
    with pytest.raises(PolicyError) as exc:
        parse_policy(text, "p.toml")
    return exc.value.problems


def test_a_toml_syntax_error_has_its_column_and_a_translatable_message():
    (p,) = problems('version = 1\nname = "x\n')
    assert (p.line, p.column) == (2, 10)
    assert p.msgid == 'the text is not closed: a double quote (") is missing at its end'
    (p,) = problems('version = 1\nname = x\n')
    assert (p.line, p.column, p.params) == (2, 8, {})
    assert p.msgid.startswith("the value cannot be read")


def test_validation_problems_say_what_was_typed_and_what_is_allowed():
    text = ('version = 1\nname = "x"\nmax_grade = "总工程师"\n[[rules]]\nkind = "rank"\n'
            'top = 0\nsteps = 1\ncolour = "red"\n[[rules]]\nkind = "bonus"\n')
    by_field = {p.field: p for p in problems(text)}
    grade = by_field["max_grade"]
    assert grade.msgid == '"%(value)s" is not a skill grade; the grades: %(allowed)s'
    assert grade.params["value"] == "总工程师" and "三级/高级工" in grade.params["allowed"]
    assert by_field["rules[#1].top"].params == {"limit": "1", "value": "0"}
    extra = by_field["rules[#1].colour"]
    assert extra.params["key"] == "colour" and "top_percent" in extra.params["allowed"]
    assert by_field["rules[#2].kind"].params == {"value": '"bonus"'}
    assert str(grade) == "p.toml:3: max_grade: '总工程师' is not a skill grade"   # CLI: as before
