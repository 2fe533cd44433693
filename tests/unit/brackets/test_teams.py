"""Team scores: sum, mean, best k of n of member totals, plus team rounds."""
from decimal import Decimal as D

import pytest

from competition.brackets import TeamRule, team_score, team_standings
from competition.brackets.teams import TeamRuleError

MEMBERS = {"张": D("88.5"), "李": D("92"), "王": D("75.25"), "赵": None}   # 赵 absent


def test_sum_counts_the_absent_as_nothing():
    s = team_score("一队", MEMBERS, rounds=[D("30"), D("15.5")])
    # 88.5 + 92 + 75.25 = 255.75; rounds 45.5; total 301.25
    assert (s.members_part, s.rounds_part, s.total) == (D("255.75"), D("45.50"), D("301.25"))


def test_mean_of_those_present_or_with_the_absent_as_zero():
    assert team_score("一队", MEMBERS, rule=TeamRule("mean")).total == D("85.25")  # 255.75/3
    # 255.75 / 4 = 63.9375 -> 63.94 (half up)
    assert team_score("一队", MEMBERS, rule=TeamRule("mean", missing_as_zero=True)).total \
        == D("63.94")


def test_best_two_of_four():
    s = team_score("一队", MEMBERS, rule=TeamRule("best", best_of=2))
    assert s.total == D("180.50") and set(s.counted) == {"张", "李"}


def test_team_standings_rank_by_total_then_team_rounds():
    a = team_score("A", {"1": D(90)}, rounds=[D(10)])    # 100, rounds 10
    b = team_score("B", {"1": D(80)}, rounds=[D(20)])    # 100, rounds 20 -> ahead of A
    c = team_score("C", {"1": D(99)})                    # 99
    d = team_score("D", {"1": D(80)}, rounds=[D(20)])    # same as B: shares 1st
    ranks = [(r.rank, r.score.key) for r in team_standings([a, b, c, d])]
    assert ranks == [(1, "B"), (1, "D"), (3, "A"), (4, "C")]


def test_bad_team_rules():
    with pytest.raises(TeamRuleError):
        TeamRule("max")
    with pytest.raises(TeamRuleError):
        TeamRule("best")
