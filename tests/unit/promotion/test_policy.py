"""Policy files: the shipped examples validate; bad ones give file:line: field: message."""
from pathlib import Path

import pytest

from competition.promotion import FIVE_LEVEL, PolicyError, load_policy_file, parse_policy

POLICY_DIR = Path(__file__).resolve().parents[3] / "competition" / "promotion_policies"


@pytest.mark.parametrize("path", sorted(POLICY_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_policy_validates(path):
    policy = load_policy_file(path, ladder=FIVE_LEVEL)
    assert policy.rules


def test_county_default_normalises_grade_spellings_to_codes():
    policy = load_policy_file(POLICY_DIR / "county_default.toml")
    assert policy.max_grade == "L2"
    assert policy.rules[1].current_at_least == "L3"
    assert policy.exclude == ["disqualified", "withdrawn", "vetoed"]


BAD = '''version = 1
name = "x"
max_grade = "总工程师"

[[rules]]
kind = "award"
awards = ["一等奖"]
steps = 1
grant = "技师"

[[rules]]
kind = "rank"
steps = 1

[[rules]]
kind = "bonus"

[[rules]]
kind = "pass"
pass_marks = { theory = 60 }
grant = "高级工"
colour = "red"

[trades.lathe]
max_grade = "特级技师"
'''


def problems(text, ladder=None):
    with pytest.raises(PolicyError) as exc:
        parse_policy(text, "p.toml", ladder=ladder)
    return [str(p) for p in exc.value.problems]


def test_every_problem_is_reported_with_its_line_and_field():
    assert problems(BAD) == [
        "p.toml:3: max_grade: '总工程师' is not a skill grade",
        "p.toml:5: rules[#1]: give exactly one of 'steps' (grades up) or 'grant' (a grade)",
        "p.toml:11: rules[#2]: give exactly one of 'top' or 'top_percent'",
        "p.toml:16: rules[#3].kind: unknown rule kind 'bonus' (expected one of: award, rank, pass)",
        "p.toml:22: rules[#4].colour: unknown field",
        "p.toml:25: trades.lathe.max_grade: '特级技师' is not on the five-level ladder",
    ]


@pytest.mark.parametrize("text, expected", [
    ('version = 1\nname = "x\n',
     ["p.toml:2: toml: Illegal character '\\n' (at line 2, column 10)"]),
    ("version = 2\n",
     ["p.toml:1: version: input should be 1", "p.toml:1: name: required",
      "p.toml:1: rules: required"]),
    ('version = 1\nname = "x"\n[[rules]]\nkind = "pass"\npass_marks = { theory = 60 }\nsteps = 1\n',
     ["p.toml:3: rules[#1]: a pass rule certifies a target level: give 'grant', not 'steps'"]),
    ('version = 1\nname = "x"\n[[rules]]\nawards = ["一等奖"]\nsteps = 1\n',
     ["p.toml:3: rules[#1].kind: kind is required (one of: award, rank, pass)"]),
    ('version = 1\nname = "x"\n[[rules]]\nkind = "rank"\ntop = 0\nsteps = 1\n',
     ["p.toml:5: rules[#1].top: input should be greater than or equal to 1"]),
    ('version = 1\nname = "x"\n[[rules]]\nkind = "rank"\ntop = 3\nsteps = 1\n'
     'current_at_least = "技师"\ncurrent_at_most = "中级工"\n',
     ["p.toml:8: rules[#1].current_at_most: 四级/中级工 is below current_at_least 二级/技师: "
      "no one can meet both"]),
    ('version = 1\nname = "x"\n[[rules]]\nkind = "award"\nawards = ["一等奖"]\nsteps = 1\n'
     '[trades.Lathe]\nmax_grade = "技师"\n',
     ["p.toml:7: trades.Lathe: trade code 'Lathe' must be [a-z0-9_]+"]),
], ids=["toml", "missing", "pass-steps", "no-kind", "top-zero", "impossible", "trade-code"])
def test_policy_problems_have_exact_messages(text, expected):
    assert problems(text) == expected


def test_the_policy_ladder_must_be_the_competitions():
    text = 'version = 1\nname = "x"\nladder = "eight"\n[[rules]]\nkind = "award"\n' \
           'awards = ["一等奖"]\nsteps = 1\n'
    assert problems(text, ladder=FIVE_LEVEL) == [
        "p.toml:3: ladder: the policy uses the 'eight' ladder but the competition uses "
        "the 'five' ladder"]


def test_a_policy_reads_back_in_words():
    from competition.promotion import describe
    policy = load_policy_file(POLICY_DIR / "county_default.toml")
    assert describe(policy.for_trade("lathe")) == [
        "一等奖：晋升1级",
        "前3名（现有等级不低于三级/高级工）：晋升1级",
        "本次大赛最高可授予二级/技师",
        "每次最多晋升1级",
        "每人每届限晋级一次",
        "每人每年限晋级一次（含本年度其他赛事）",
    ]
    passing = load_policy_file(POLICY_DIR / "county_pass_at_level.toml")
    assert describe(passing.for_trade(None))[0] == "以赛代评（理论≥60分、实操≥60分）：认定为三级/高级工"


def test_a_policy_that_names_no_ladder_uses_the_competitions():
    from competition.promotion import EIGHT_LEVEL
    text = 'version = 1\nname = "x"\n[[rules]]\nkind = "award"\nawards = ["一等奖"]\n' \
           'grant = "特级技师"\n'
    assert parse_policy(text, ladder=EIGHT_LEVEL).ladder == "eight"
    assert problems(text) == ["p.toml:6: rules[#1].grant: '特级技师' is not on the five-level ladder"]


def test_policy_parts_that_cannot_match_a_trade_are_named():
    from competition.promotion import mismatches
    policy = load_policy_file(POLICY_DIR / "province_contest.toml").for_trade("lathe")
    assert mismatches(policy, ["一等奖", "二等奖"], ["theory", "practical"]) == [
        "rules[#1]: '金牌' is not an award of this trade (its awards: 一等奖, 二等奖)",
        "rules[#1]: '银牌' is not an award of this trade (its awards: 一等奖, 二等奖)",
        "rules[#1]: '铜牌' is not an award of this trade (its awards: 一等奖, 二等奖)",
        "rules[#2]: '优胜奖' is not an award of this trade (its awards: 一等奖, 二等奖)",
    ]
    passing = load_policy_file(POLICY_DIR / "county_pass_at_level.toml").for_trade(None)
    assert mismatches(passing, ["一等奖"], ["practical"]) == [
        "rules[#1].pass_marks.theory: this trade has no component 'theory' "
        "(its components: practical)"]
