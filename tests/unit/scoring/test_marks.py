"""validate_mark refuses what the rule does not accept, with the field and the reason."""
from pathlib import Path

import pytest

from competition.rules import load_rule
from competition.scoring import MarkError, validate_mark

from .helpers import D, crit, rule

LATHE = load_rule(Path(__file__).parents[1] / "rules" / "sample_lathe.toml")


@pytest.mark.parametrize("address, value, expected", [
    ("exam", "86.5", D("86.5")),
    ("exam", D("100"), D("100")),
    ("workmanship", "9.5", D("9.5")),
    ("roughness.s1", "1", D("1")),
    ("roughness.s2", "0", D("0")),
    ("safety", "no_overalls", "no_overalls"),
    ("safety.button", "2", D("2")),
    ("turning_time", "21:30", D("1290")),
    ("turning_time", "2000", D("2000")),     # over the hard limit is still a valid time
    ("od_18", "17.95", D("17.95")),
])
def test_valid_marks_come_back_as_the_engine_uses_them(address, value, expected):
    assert validate_mark(LATHE, address, value) == expected


@pytest.mark.parametrize("address, value, attempt, field, message", [
    ("nope", "1", 1, "criterion", "unknown criterion 'nope'"),
    ("exam", "100.5", 1, "value", "100.5 is above the maximum 100"),
    ("exam", "-1", 1, "value", "-1 is below the minimum 0"),
    ("exam", "3.3", 1, "value", "3.3 is not a multiple of the step 0.5"),
    ("exam", "abc", 1, "value", "'abc' is not a number"),
    ("exam", "NaN", 1, "value", "'NaN' is not a number"),
    ("exam", "90", 2, "attempt", "attempt 2 is not between 1 and 1"),
    ("exam", "90", 0, "attempt", "attempt 0 is not between 1 and 1"),
    ("safety", "smoking", 1, "value", "unknown violation code 'smoking' for 'safety'"),
    ("safety.smoking", "1", 1, "criterion", "unknown violation code 'smoking' in 'safety'"),
    ("safety.button", "1.5", 1, "value", "1.5 is not a multiple of the step 1"),
    ("roughness", "1", 1, "criterion",
     "'roughness' is a checklist: address an item as 'roughness.<id>'"),
    ("roughness.s9", "1", 1, "criterion", "unknown item 's9' in 'roughness'"),
    ("roughness.s1", "2", 1, "value", "2 is above the maximum 1"),
    ("workmanship@difficulty", "1", 1, "criterion", "'workmanship' has no declared difficulty"),
    ("turning_time", "-5", 1, "value", "-5 is below the minimum 0"),
])
def test_bad_marks_are_refused_with_field_and_reason(address, value, attempt, field, message):
    with pytest.raises(MarkError) as info:
        validate_mark(LATHE, address, value, attempt)
    assert (info.value.field, info.value.message) == (field, message)


def test_difficulty_and_attempts():
    r = rule(crit("routine", "judged", "max = 10\nattempts = 2\n"
                                       "difficulty = { min = 1.0, max = 3.0, step = 0.1 }"))
    assert validate_mark(r, "routine@difficulty", "2.4") == D("2.4")
    assert validate_mark(r, "routine", "7", attempt=2) == D("7")
    with pytest.raises(MarkError, match="not a multiple of the step 0.1"):
        validate_mark(r, "routine@difficulty", "2.45")
    with pytest.raises(MarkError, match="above the maximum 3.0"):
        validate_mark(r, "routine@difficulty", "3.1")
    with pytest.raises(MarkError, match="attempt 3 is not between 1 and 2"):
        validate_mark(r, "routine", "7", attempt=3)


def test_adjustment_range_is_signed():
    r = rule(crit("adj", "adjustment", "min = -5\nmax = 5"),
             components='[[components]]\nid = "c"\nname = "C"\ncap = false\n')
    assert validate_mark(r, "adj", "-2.5") == D("-2.5")
    with pytest.raises(MarkError, match="below the minimum -5"):
        validate_mark(r, "adj", "-6")


def test_a_measure_is_addressed_by_its_id():
    r = rule(crit("u", "measured", 'max = 5\nmeasures = [ { id = "depth", name = "深度" } ]\n'
                                   'outside = "bands"\nbands = [ { points = 5 } ]'))
    assert [s.address for s in r.slots()] == ["u.depth"]
    assert r.slot("u.depth").label == "u: 深度"
    assert validate_mark(r, "u.depth", "0.2") == D("0.2")
    with pytest.raises(MarkError, match="'u' is a measured: address a measure as 'u.<id>'"):
        validate_mark(r, "u", "0.2")
    with pytest.raises(MarkError, match="unknown measure 'len' in 'u'"):
        validate_mark(r, "u.len", "0.2")
