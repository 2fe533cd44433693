"""The line locator (TOML has no positions) and the input slots of each kind."""
from decimal import Decimal as D

from competition.rules import load_rule
from competition.rules.locate import line_of, locate

from .test_malformed import SAMPLE

TEXT = '''version = 1
[trade]
code = "x"  # comment with = sign

[[criteria]]
id = "a"
difficulty = { min = 1.0, max = 3.0 }

[[criteria]]
id = "b"
items = [
  { id = "i1", name = "a, {b}", points = 2 },
  { id = "i2", points = 3 }, { id = "i3", points = 1 },
]
tie = ["x",
  "y"]
[[criteria.extra]]
k = 1
'''


def test_locate_maps_tables_keys_and_inline_array_elements_to_lines():
    lines = locate(TEXT)
    assert lines[("trade", "code")] == 3
    assert lines[("criteria", 0)] == 5
    assert lines[("criteria", 0, "difficulty", "max")] == 7
    assert lines[("criteria", 1, "items", 0, "points")] == 12
    assert lines[("criteria", 1, "items", 1)] == 13
    assert lines[("criteria", 1, "items", 2, "id")] == 13
    assert lines[("criteria", 1, "tie", 1)] == 16
    assert lines[("criteria", 1, "extra", 0, "k")] == 18


def test_line_of_falls_back_to_the_enclosing_table():
    lines = locate(TEXT)
    assert line_of(lines, ("criteria", 1, "nothing", 3)) == 9
    assert line_of(lines, ("unknown",)) == 1


def test_slots_per_kind():
    rule = load_rule_text(SAMPLE)
    by_address = {s.address: s for s in rule.slots()}
    assert list(by_address) == [
        "exam", "turning_time", "od_18", "roughness.s1", "roughness.s2", "workmanship",
        "safety.no_overalls", "safety.button", "safety.injury"]
    assert (by_address["workmanship"].input, by_address["workmanship"].max,
            by_address["workmanship"].step) == ("mark", D("10"), D("0.5"))
    assert by_address["roughness.s1"].input == "check"
    assert by_address["safety.button"].input == "violation"
    assert by_address["od_18"].unit == "mm"
    assert rule.is_blind("workmanship") is True


def test_declared_difficulty_is_an_extra_slot_entered_once_per_entry():
    text = SAMPLE.replace("discrepancy = 2",
                          "discrepancy = 2\ndifficulty = { min = 1.0, max = 2.0, step = 0.1 }")
    text = text.replace("max = 55", "max = 27.5")   # effective max 27.5 x 2.0 = 55
    rule = load_rule_text(text)
    slot = rule.slot("workmanship@difficulty")
    assert (slot.input, slot.min, slot.max, slot.step, slot.once_per_entry) == (
        "difficulty", D("1.0"), D("2.0"), D("0.1"), True)


def load_rule_text(text):
    from competition.rules import parse_rule
    return parse_rule(text)


def test_load_rule_reports_an_unreadable_file(tmp_path):
    import pytest

    from competition.rules import RuleError
    with pytest.raises(RuleError) as info:
        load_rule(tmp_path / "missing.toml")
    assert info.value.problems[0].field == "file"


def test_violation_and_adjustment_slots_are_optional():
    rule = load_rule_text(SAMPLE)
    assert [s.address for s in rule.slots() if s.optional] == [
        "safety.no_overalls", "safety.button", "safety.injury"]


def test_an_array_of_tables_is_located_at_its_first_table():
    assert locate(TEXT)[("criteria",)] == 5
