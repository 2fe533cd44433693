"""Marking-scheme wording of the format additions (groups, attempts, awards, rounding,
zeroes, partial items, asymmetric count, 30-second steps)."""
from competition.rules.scheme_wording import (
    _count,
    _timed,
    awards_line,
    formula,
    item_standard,
    scoring_line,
    tie_break_line,
    violation_standard,
)

DATA = {
    "trade": {"code": "t", "name": "T"},
    "scoring": {"mode": "weighted", "total_rounding": "down",
                "tie_break": ["practical desc", "m1 desc", "run.raw@2 asc",
                              "run@second desc"]},
    "groups": [{"id": "practical", "name": "实操"}],
    "components": [{"id": "theory", "name": "理论", "weight": 30},
                   {"id": "m1", "name": "模块一", "weight": 70, "group": "practical"}],
    "criteria": [{"id": "run", "name": "绕桩", "kind": "timed", "component": "m1"}],
    "awards": {"basis": "percent", "percent_of": "entries",
               "levels": [{"name": "一等奖", "percent": 10, "min_count": 1,
                           "max_count": 3, "complete_only": True,
                           "min_scores": {"theory": 60, "practical": 60}}],
               "titles": [{"name": "技术能手", "top": 3, "min_scores": {"m1": 30}}]},
}


def test_tie_break_names_groups_and_attempts():
    assert tie_break_line(DATA) == (
        "排名办法：总成绩高者名次在前；总成绩相同时，依次比较：实操成绩高者优先、"
        "模块一成绩高者优先、第2次绕桩用时短者优先、次好一次绕桩得分高者优先；仍相同者名次并列")


def test_truncated_total_and_award_counts():
    assert scoring_line(DATA).endswith("去尾保留2位小数")
    assert awards_line(DATA).startswith(
        "奖项设置：一等奖取参赛人数的10%，至少1名，至多3名，限成绩完整者，"
        "理论不低于60分、实操不低于60分")
    assert awards_line(DATA).endswith("前3名且模块一不低于30分者授予“技术能手”称号")


def test_zeroes_partial_items_asymmetric_count_and_time_steps():
    comps = {"visual": {"name": "外观检验"}}
    assert violation_standard({"code": "pore", "name": "气孔", "zeroes": ["visual"]}, {},
                              comps) == "外观检验成绩记0分"
    assert item_standard({"points": 4, "step": 0.5}) == "按完成情况评0~4分（以0.5分为单位）"
    assert "每多1个加1分，每少1个扣2分" in _count(
        {"max": 30, "base": 20, "reference": 12, "per_unit": 1, "per_unit_below": 2}, {})
    assert "超时每30秒扣0.5分（不足30秒按30秒计）" in _timed(
        {"max": 10, "limit": 600, "deduction_per_minute": 0.5, "deduction_unit": 30}, {})


def test_sum_mode_component_factor_in_the_formula():
    data = {"scoring": {"mode": "sum"},
            "components": [{"id": "v", "name": "外观", "factor": 0.125}, {"id": "o", "name": "其他"}]}
    assert formula(data) == "总成绩＝外观×12.5%＋其他"
