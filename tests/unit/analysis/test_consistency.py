"""Judge consistency with hand-worked panels."""
from decimal import Decimal as D

import pytest

from competition.analysis import JudgeMark, judge_consistency

V = [5, 6, 7, 8, 6, 7]      # what the honest judges give entries e1..e6


def panel_with_a_lenient_judge():
    """Five judges on "taste" (max 10); A always gives one point more than B..E, who agree."""
    marks = []
    for i, v in enumerate(V, 1):
        marks.append(JudgeMark("A", f"e{i}", "taste", 1, D(v + 1)))
        marks += [JudgeMark(j, f"e{i}", "taste", 1, D(v)) for j in "BCDE"]
    return marks


def by_judge(stats):
    return {s.judge: s for s in stats}


def test_a_judge_always_above_the_panel_is_lenient_with_the_evidence():
    stats = by_judge(judge_consistency(panel_with_a_lenient_judge(), {"taste": D(10)},
                                       thresholds={"taste": D("0.8")}))
    a = stats["A"]
    # the others' mean on every entry is v, so A's deviation is +1 six times: mean 1 = 10 %
    assert a.marks == 6 and a.mean_deviation == 1 and a.share(a.mean_deviation) == D("0.1")
    assert a.mean_abs_deviation == 1
    # above the panel's median (v) six times, below never: p = 2/64
    assert (a.above, a.below, a.ties) == (6, 0, 0)
    assert a.sign_p == pytest.approx(0.03125)
    # same order as the panel
    assert a.rank_corr == pytest.approx(1.0)
    assert a.beyond_threshold == 6
    assert [f.code for f in a.findings] == ["lenient", "off_panel"]


def test_the_honest_judges_are_not_flagged_because_of_the_lenient_one():
    stats = by_judge(judge_consistency(panel_with_a_lenient_judge(), {"taste": D(10)},
                                       thresholds={"taste": D("0.8")}))
    b = stats["B"]
    # others: A (v+1), C, D, E (v): mean v + 1/4, so B's deviation is -0.25 (2.5 %) ...
    assert b.mean_deviation == D("-0.25")
    # ... but the panel's median is v: B ties it every time, and the sign test says nothing
    assert (b.above, b.below, b.ties) == (0, 0, 6)
    assert b.sign_p == 1.0 and not b.flagged


def test_a_judge_who_reverses_the_order_is_flagged_for_ordering():
    marks = []
    for i, (v, rev) in enumerate(zip([5, 6, 7, 8, 9], [9, 8, 7, 6, 5]), 1):
        marks += [JudgeMark("B", f"e{i}", "knife", 1, D(v)), JudgeMark("C", f"e{i}", "knife", 1, D(v)),
                  JudgeMark("F", f"e{i}", "knife", 1, D(rev))]
    stats = by_judge(judge_consistency(marks, {"knife": D(10)}))
    f = stats["F"]
    # F's deviations 4, 2, 0, -2, -4 cancel out: not lenient or harsh ...
    assert f.mean_deviation == 0
    # ... but F's order is the panel's reversed: rho = -1
    assert f.rank_corr == pytest.approx(-1.0)
    assert [x.code for x in f.findings] == ["ordering"]
    # for B the others' mean is (v + rev)/2 = 7 on every entry: no order to compare with
    assert stats["B"].rank_corr is None


def test_home_bias_compares_own_employer_with_the_rest():
    marks = []
    for i, v in enumerate(V, 1):
        bonus = 2 if i <= 3 else 0       # A gives +2 to the workers of A's own employer
        marks.append(JudgeMark("A", f"e{i}", "taste", 1, D(v + bonus)))
        marks += [JudgeMark(j, f"e{i}", "taste", 1, D(v)) for j in "BCDE"]
    employers = {f"e{i}": ("示例县第一机械厂" if i <= 3 else "示例县供电公司") for i in range(1, 7)}
    stats = by_judge(judge_consistency(marks, {"taste": D(10)}, entry_employers=employers,
                                       judge_employers={"A": "示例县第一机械厂", "B": "示例县供电公司"}))
    a = stats["A"]
    assert a.own_employer == (3, D(2)) and a.other_employers == (3, D(0))
    # above 3, below 0, ties 3: p = 2/8 = 0.25, not lenient overall; but +2 at home = 20 %
    assert a.sign_p == pytest.approx(0.25)
    assert [f.code for f in a.findings] == ["home_bias"]
    # B (the other employer) marks every worker at the panel's median: no home bias, though
    # the leave-one-out mean (pulled up by A's +2) would have said so
    assert not any(f.code == "home_bias" for f in stats["B"].findings)


def test_items_with_one_mark_and_criteria_not_asked_for_are_left_out():
    marks = [JudgeMark("A", "e1", "taste", 1, D(5)), JudgeMark("A", "e1", "theory", 1, D(80)),
             JudgeMark("B", "e1", "theory", 1, D(70))]
    assert judge_consistency(marks, {"taste": D(10)}) == []


def test_with_three_judges_the_two_who_agree_are_not_called_harsh():
    # A gives v + 3, B and C give v: the panel's median is v, so A is above 6 times and
    # B and C tie; their leave-one-out deviation (-1.5) alone flags nobody
    marks = []
    for i, v in enumerate(V, 1):
        marks += [JudgeMark("A", f"e{i}", "taste", 1, D(v + 3)), JudgeMark("B", f"e{i}", "taste", 1, D(v)),
                  JudgeMark("C", f"e{i}", "taste", 1, D(v))]
    stats = by_judge(judge_consistency(marks, {"taste": D(10)}))
    assert [f.code for f in stats["A"].findings] == ["lenient"]
    assert stats["B"].mean_deviation == D("-1.5") and stats["B"].ties == 6 and not stats["B"].flagged


def test_two_judges_cannot_be_told_apart_by_the_sign_test():
    marks = [JudgeMark(j, f"e{i}", "taste", 1, D(v + (2 if j == "A" else 0)))
             for i, v in enumerate(V, 1) for j in "AB"]
    stats = by_judge(judge_consistency(marks, {"taste": D(10)}))
    assert (stats["A"].above, stats["A"].below, stats["A"].ties) == (0, 0, 0)
    assert stats["A"].mean_deviation == 2 and not stats["A"].flagged
