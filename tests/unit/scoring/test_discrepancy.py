"""Discrepancies: a judge's mark far from the mean of the other judges' marks."""
from competition.scoring import discrepancies

from .helpers import D, crit, marks, rule

R = rule(crit("art", "judged", "judges = 3\nmax = 10\ndiscrepancy = 2")
         + crit("plain", "judged", "judges = 3\nmax = 10"))


def test_a_mark_more_than_the_threshold_from_the_others_mean_is_flagged():
    # a: 8 vs mean(7.5, 4) = 5.75 -> 2.25 > 2 flagged
    # b: 7.5 vs mean(8, 4) = 6 -> 1.5, not flagged
    # c: 4 vs mean(8, 7.5) = 7.75 -> 3.75 flagged
    found = discrepancies(R, marks(("e1", "art", "8", "a"), ("e1", "art", "7.5", "b"),
                                   ("e1", "art", "4", "c")))
    assert [(d.judge, d.others_mean, d.difference) for d in found] == [
        ("a", D("5.75"), D("2.25")), ("c", D("7.75"), D("3.75"))]
    assert found[0].to_dict()["difference"] == "2.25"


def test_exactly_the_threshold_is_not_a_discrepancy_and_unwatched_criteria_are_ignored():
    # 8 vs 6: difference exactly 2 -> not flagged; "plain" has no threshold
    rows = [("e1", "art", "8", "a"), ("e1", "art", "6", "b"),
            ("e1", "plain", "10", "a"), ("e1", "plain", "0", "b")]
    assert discrepancies(R, marks(*rows)) == []


def test_a_single_mark_has_nothing_to_differ_from():
    assert discrepancies(R, marks(("e1", "art", "10", "a"))) == []
