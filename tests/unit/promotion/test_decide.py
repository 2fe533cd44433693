"""Worked cases: final standings + current grades -> promotion decisions with reasons."""
from decimal import Decimal as D

import pytest

from competition.promotion import EIGHT_LEVEL, FIVE_LEVEL, Finisher, decide, parse_policy, resolve_one_per_person

AWARD_POLICY = """
version = 1
name = "test"
max_grade = "二级/技师"

[[rules]]
kind = "award"
awards = ["一等奖"]
steps = 1

[[rules]]
kind = "rank"
top = 3
steps = 1
current_at_least = "高级工"
"""


def row(key, rank, total, award=None, status="ok", theory=None, practical=None, person=None):
    comps = {k: D(v) for k, v in (("theory", theory), ("practical", practical)) if v is not None}
    return Finisher(key=key, name=f"选手{key}", rank=rank,
                    total=None if total is None else D(total), components=comps,
                    award=award, status=status, person=person)


def by_key(decisions):
    return {d.key: d for d in decisions}


def test_first_prize_goes_one_grade_up_with_the_reason_in_words():
    policy = parse_policy(AWARD_POLICY)
    [d] = decide(FIVE_LEVEL, policy, [row("1", 1, "92.50", "一等奖")], {"1": "四级/中级工"})
    assert d.promoted and (d.from_grade, d.to_grade) == ("L4", "L3")
    assert d.basis == "by_award"
    assert d.reason == "一等奖，由四级/中级工晋升为三级/高级工"


def test_top3_rule_needs_the_current_grade_at_least_senior_worker():
    # Rank 2 at 高级工 -> 技师 by the top-3 rule; rank 3 at 中级工 meets the rank but not the
    # condition; rank 4 at 高级工 is outside the top 3.
    policy = parse_policy(AWARD_POLICY)
    rows = [row("a", 2, "88", "二等奖"), row("b", 3, "85", "二等奖"), row("c", 4, "80", "三等奖")]
    ds = by_key(decide(FIVE_LEVEL, policy, rows, {"a": "高级工", "b": "中级工", "c": "三级"}))
    assert ds["a"].promoted and ds["a"].to_grade == "L2" and ds["a"].basis == "by_rank"
    assert ds["a"].reason == "第2名（前3名），由三级/高级工晋升为二级/技师"
    assert not ds["b"].promoted and ds["b"].code == "condition_not_met"
    assert ds["b"].reason == ("第3名（前3名），但现有等级四级/中级工未达到三级/高级工，不符合该项晋级条件；"
                              "二等奖不在晋级奖项（一等奖）之列")
    assert not ds["c"].promoted and ds["c"].code == "not_in_top"
    assert ds["c"].reason == "第4名，未进入前3名；三等奖不在晋级奖项（一等奖）之列"


def test_a_tie_at_the_prize_boundary_promotes_everyone_on_that_rank():
    # Two contestants share rank 3 (standard competition ranking 1,2,3,3,5): both are in the
    # top 3; the scoring engine gave both the higher award, so both hold it here too.
    policy = parse_policy(AWARD_POLICY)
    rows = [row("a", 1, "95", "一等奖"), row("b", 2, "90", "二等奖"),
            row("c", 3, "88", "三等奖"), row("d", 3, "88", "三等奖"), row("e", 5, "80")]
    grades = {k: "高级工" for k in "abcde"}
    ds = by_key(decide(FIVE_LEVEL, policy, rows, grades))
    assert [k for k in "abcde" if ds[k].promoted] == ["a", "b", "c", "d"]
    assert ds["d"].reason == "第3名（前3名），由三级/高级工晋升为二级/技师"
    assert ds["e"].reason == "第5名，未进入前3名；未获得晋级奖项（一等奖）"


def test_a_tie_on_the_first_prize_boundary_gives_both_the_promotion():
    policy = parse_policy(AWARD_POLICY)
    rows = [row("a", 1, "90", "一等奖"), row("b", 1, "90", "一等奖")]
    ds = decide(FIVE_LEVEL, policy, rows, {"a": "中级工", "b": "初级工"})
    assert [(d.to_grade, d.reason) for d in ds] == [
        ("L3", "一等奖，由四级/中级工晋升为三级/高级工"),
        ("L4", "一等奖，由五级/初级工晋升为四级/中级工")]


def test_the_cap_limits_the_grade_and_blocks_those_already_at_it():
    text = AWARD_POLICY.replace('max_grade = "二级/技师"', 'max_grade = "三级/高级工"').replace(
        "steps = 1\n\n[[rules]]", "steps = 2\n\n[[rules]]", 1)
    policy = parse_policy(text)
    rows = [row("a", 1, "95", "一等奖"), row("b", 2, "90", "二等奖")]
    ds = by_key(decide(FIVE_LEVEL, policy, rows, {"a": "五级", "b": "三级/高级工"}))
    # two steps from 五级 would be 三级: allowed; from 初级工 the cap is not reached.
    assert ds["a"].to_grade == "L3" and not ds["a"].capped
    assert ds["b"].code == "at_cap"
    assert ds["b"].reason == "现有等级三级/高级工已达到本次大赛可授予的最高等级三级/高级工"
    d = decide(FIVE_LEVEL, policy, [row("c", 1, "95", "一等奖")], {"c": "中级工"})[0]
    assert d.to_grade == "L3" and d.capped
    assert d.reason == "一等奖，由四级/中级工晋升为三级/高级工（受本次大赛最高可授予等级三级/高级工限制）"


def test_a_contestant_at_the_top_grade_is_not_promoted():
    policy = parse_policy(AWARD_POLICY.replace('max_grade = "二级/技师"\n', ""))
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖")], {"a": "高级技师"})
    assert not d.promoted and d.code == "top_grade"
    assert d.reason == "现有等级一级/高级技师已是最高等级"


def test_a_missing_current_grade_counts_as_none_and_is_reported():
    policy = parse_policy(AWARD_POLICY)
    rows = [row("a", 1, "95", "一等奖"), row("b", 1, "95", "一等奖")]
    ds = by_key(decide(FIVE_LEVEL, policy, rows, {"b": "厨师长"}))
    assert ds["a"].promoted and ds["a"].from_grade is None and ds["a"].to_grade == "L5"
    assert ds["a"].grade_missing and ds["a"].warnings == ("现有等级未登记，按无等级处理",)
    assert ds["a"].reason == "一等奖，评定为五级/初级工（现有等级未登记或无法识别，按无等级处理）"
    assert ds["b"].grade_missing and ds["b"].warnings == ("现有等级“厨师长”无法识别，按无等级处理",)


def test_on_the_eight_level_ladder_none_plus_one_is_apprentice():
    policy = parse_policy(AWARD_POLICY.replace('name = "test"', 'name = "test"\nladder = "eight"'))
    [d] = decide(EIGHT_LEVEL, policy, [row("a", 1, "95", "一等奖")], {"a": None})
    assert d.to_grade == "apprentice"


@pytest.mark.parametrize("status, code, reason", [
    ("disqualified", "disqualified", "取消比赛资格，不予晋级"),
    ("withdrawn", "withdrawn", "已退赛，不予晋级"),
    ("vetoed", "vetoed", "一票否决，不予晋级"),
])
def test_excluded_contestants_are_not_promoted_whatever_their_award(status, code, reason):
    policy = parse_policy(AWARD_POLICY)
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖", status=status)], {"a": "中级工"})
    assert (d.promoted, d.code, d.reason) == (False, code, reason)


def test_an_unranked_contestant_has_no_result():
    policy = parse_policy(AWARD_POLICY)
    [d] = decide(FIVE_LEVEL, policy, [row("a", None, None)], {"a": "中级工"})
    assert (d.code, d.reason) == ("no_result", "无有效名次和成绩，不予晋级")


PASS_POLICY = """
version = 1
name = "以赛代评"

[[rules]]
kind = "pass"
grant = "高级工"
pass_marks = { theory = 60, practical = 60 }
"""


def test_passing_both_components_certifies_the_target_level():
    policy = parse_policy(PASS_POLICY)
    rows = [row("a", 1, "80.60", theory="78.50", practical="81.50"),
            row("b", 2, "70.10", theory="55", practical="76.70"),
            row("c", 3, "69.00", theory="60", practical="60.00"),
            row("d", 4, "65.00", theory="70", practical="62")]
    ds = by_key(decide(FIVE_LEVEL, policy, rows, {"a": "中级工", "b": "中级工", "c": None,
                                                   "d": "技师"}))
    assert ds["a"].promoted and ds["a"].basis == "by_pass"
    assert ds["a"].reason == ("以赛代评（三级/高级工）：理论78.50分、实操81.50分均达到合格线，"
                              "由四级/中级工晋升为三级/高级工")
    assert ds["b"].code == "below_pass"
    assert ds["b"].reason == "以赛代评（三级/高级工）：理论55分低于合格线60分"
    # exactly at the pass marks passes; from no grade the target level is certified directly
    assert ds["c"].to_grade == "L3" and ds["c"].from_grade is None
    assert ds["d"].code == "not_above_current"
    assert ds["d"].reason == ("以赛代评（三级/高级工）：理论70分、实操62分均达到合格线，"
                              "可认定等级三级/高级工不高于现有等级二级/技师")


def test_top_percent_of_ranked_finishers_with_floor_rounding():
    # 7 ranked finishers (one disqualified, not counted): 30% x 7 = 2.1 -> floor 2.
    policy = parse_policy("""
version = 1
name = "企业"
[[rules]]
kind = "rank"
top_percent = 30
percent_rounding = "floor"
grant = "中级工"
""")
    rows = [row(str(i), i, str(100 - i)) for i in range(1, 8)]
    rows.append(row("x", None, None, status="disqualified"))
    ds = decide(FIVE_LEVEL, policy, rows, {})
    assert [d.key for d in ds if d.promoted] == ["1", "2"]
    assert ds[0].reason == ("第1名（前30%，7名完赛者中前2名），评定为四级/中级工"
                            "（现有等级未登记或无法识别，按无等级处理）")
    assert ds[2].reason.startswith("第3名，未进入前30%，7名完赛者中前2名")


def test_the_best_of_several_rules_wins_and_grant_beats_steps():
    # national: every prize winner -> 技师; winners already 技师 -> 高级技师.
    from competition.promotion import load_policy_file
    policy = load_policy_file("competition/promotion_policies/national_contest.toml")
    rows = [row("a", 1, "95", "一等奖"), row("b", 2, "90", "二等奖"), row("c", 9, "70")]
    ds = by_key(decide(FIVE_LEVEL, policy, rows, {"a": "中级工", "b": "技师", "c": "高级工"}))
    assert ds["a"].to_grade == "L2" and ds["a"].reason == "一等奖，由四级/中级工晋升为二级/技师"
    assert ds["b"].to_grade == "L1" and ds["b"].rule_index == 1
    assert not ds["c"].promoted and ds["c"].code == "not_awarded"


def test_per_trade_overrides_replace_the_fields_they_name():
    policy = parse_policy(AWARD_POLICY + """
[trades.cook]
max_grade = "三级"
""")
    cook, lathe = policy.for_trade("cook"), policy.for_trade("lathe")
    assert cook.max_grade == "L3" and lathe.max_grade == "L2"
    assert cook.rules == lathe.rules
    [d] = decide(FIVE_LEVEL, cook, [row("a", 1, "95", "一等奖")], {"a": "高级工"})
    assert d.code == "at_cap"


def test_one_promotion_per_person_per_event():
    policy = parse_policy(AWARD_POLICY)
    lathe = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖", person="99X")], {"a": "中级工"})
    fitter = decide(FIVE_LEVEL, policy, [row("b", 1, "95", "一等奖", person="99X")], {"b": "中级工"})
    [(_, [l]), (_, [f])] = resolve_one_per_person(FIVE_LEVEL, [("车工", lathe), ("钳工", fitter)])
    assert l.promoted and not f.promoted
    assert f.reason == "本届大赛已在车工晋级，每人每届限晋级一次"
    [d] = decide(FIVE_LEVEL, policy, [row("b", 1, "95", "一等奖", person="99X")],
                 {"b": "中级工"}, promoted_elsewhere={"99X": "车工"})
    assert d.code == "promoted_elsewhere"


def test_max_steps_limits_a_grant_far_above_the_current_grade():
    policy = parse_policy("""
version = 1
name = "t"
max_steps = 1
[[rules]]
kind = "award"
awards = ["一等奖"]
grant = "技师"
""")
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖")], {"a": "初级工"})
    assert d.to_grade == "L4" and d.capped
    assert d.reason == "一等奖，由五级/初级工晋升为四级/中级工（受单次最多晋升1级限制）"


def test_min_total_condition():
    policy = parse_policy(AWARD_POLICY.split("[[rules]]\nkind = \"rank\"")[0]
                          .replace("steps = 1\n", "steps = 1\nmin_total = 80\n", 1))
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "79.99", "一等奖")], {"a": "中级工"})
    assert d.code == "below_min_total"
    assert d.reason == "一等奖，但总分79.99分低于80分"


def test_a_condition_on_the_current_grade_reads_well_without_a_grade():
    policy = parse_policy(AWARD_POLICY)
    [d] = decide(FIVE_LEVEL, policy, [row("a", 2, "90", "二等奖")], {})
    assert d.reason.startswith("第2名（前3名），但无现有等级，未达到三级/高级工，不符合该项晋级条件；")


def test_the_reason_names_what_limited_the_grade_steps_or_cap():
    # 五级 + grant 一级, max_steps 1 and cap 二级: the step limit bites first (四级).
    policy = parse_policy("""
version = 1
name = "t"
max_steps = 1
max_grade = "二级"
[[rules]]
kind = "award"
awards = ["一等奖"]
grant = "一级"
""")
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖")], {"a": "五级"})
    assert d.reason == "一等奖，由五级/初级工晋升为四级/中级工（受单次最多晋升1级限制）"
    [d] = decide(FIVE_LEVEL, policy, [row("a", 1, "95", "一等奖")], {"a": "三级"})
    assert d.reason == "一等奖，由三级/高级工晋升为二级/技师（受本次大赛最高可授予等级二级/技师限制）"
