"""attempt_group: the criteria of one run count the same attempt (the whole better run)."""
import pytest

from competition.rules import RuleError
from competition.scoring import compute_standings

from .helpers import D, crit, marks, rule

RUN = ('attempts = 2\nattempt_aggregate = "{how}"\nattempt_group = "run"')


def forklift(how="best", time_mode='mode = "relative"'):
    return rule(crit("slalom", "timed", f"max = 25\n{time_mode}\n" + RUN.format(how=how))
                + crit("poles", "count", "max = 15\nbase = 15\nper_unit = -3\n"
                                         + RUN.format(how=how)))


def test_the_better_whole_run_counts_not_the_best_of_each_criterion():
    # e1 run 1: 80 s, 3 poles; run 2: 100 s, 0 poles. Fastest run of anyone: 80 s.
    #   run 1: 25 x 80/80 = 25 + (15 - 9) = 6 -> 31
    #   run 2: 25 x 80/100 = 20 + 15 -> 35: run 2 counts (not 25 + 15 = 40)
    # e2 one run: 90 s, 1 pole: 25 x 80/90 = 22.22 + 12 = 34.22
    rows = [("e1", "slalom", "80", None, 1), ("e1", "poles", "3", None, 1),
            ("e1", "slalom", "100", None, 2), ("e1", "poles", "0", None, 2),
            ("e2", "slalom", "90", None, 1), ("e2", "poles", "1", None, 1)]
    st = compute_standings(forklift(), marks(*rows))
    assert st.row("e1").criteria == {"slalom": D("20.00"), "poles": D("15.00")}
    assert st.row("e1").raw["slalom"] == D("100")
    assert st.row("e1").total == D("35.00")
    assert st.row("e2").criteria == {"slalom": D("22.22"), "poles": D("12.00")}
    assert [r.entry for r in st.rows] == ["e1", "e2"]


def test_a_group_without_relative_members_is_chosen_per_entry():
    r = forklift(time_mode="limit = 90\ndeduction_per_minute = 5")
    # run 1: 95 s (1 started minute over: 25 - 5 = 20) + 0 poles (15) = 35
    # run 2: 80 s (25) + 4 poles (15 - 12 = 3) = 28 -> run 1
    rows = [("e1", "slalom", "95", None, 1), ("e1", "poles", "0", None, 1),
            ("e1", "slalom", "80", None, 2), ("e1", "poles", "4", None, 2)]
    st = compute_standings(r, marks(*rows))
    assert st.row("e1").criteria == {"slalom": D("20.00"), "poles": D("15.00")}
    assert st.row("e1").complete is True


def test_last_run_counts_with_last():
    rows = [("e1", "slalom", "80", None, 1), ("e1", "poles", "0", None, 1),
            ("e1", "slalom", "100", None, 2), ("e1", "poles", "2", None, 2)]
    st = compute_standings(forklift(how="last"), marks(*rows))
    # run 2 counts: 25 x 80/100 = 20; 15 - 6 = 9
    assert st.row("e1").criteria == {"slalom": D("20.00"), "poles": D("9.00")}


def test_a_run_missing_a_criterion_scores_it_zero_and_is_incomplete():
    rows = [("e1", "slalom", "80", None, 1)]
    row = compute_standings(forklift(), marks(*rows)).row("e1")
    assert row.criteria == {"slalom": D("25.00"), "poles": D("0.00")}
    assert row.complete is False


@pytest.mark.parametrize("body, expected", [
    ("attempts = 1\nattempt_group = \"run\"",
     "t.toml:30: criteria[b].attempt_group: needs attempts > 1"),
    ('attempts = 2\nattempt_aggregate = "sum"\nattempt_group = "run"',
     "t.toml:30: criteria[b].attempt_aggregate: an attempt_group counts one attempt: 'best' "
     "or 'last', not 'sum'"),
    ('attempts = 3\nattempt_group = "run"',
     "t.toml:29: criteria[b].attempts: 3 here but 2 in 'a' (attempt_group 'run')"),
])
def test_attempt_group_checks(body, expected):
    text = (crit("a", "count", 'max = 5\nper_unit = 1\nattempts = 2\nattempt_group = "run"')
            + crit("b", "count", "max = 5\nper_unit = 1\n" + body))
    with pytest.raises(RuleError) as info:
        rule(text)
    assert [str(p) for p in info.value.problems] == [expected]
