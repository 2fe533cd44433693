"""Grade ladders and the spellings of grades people type in registration sheets."""
import pytest

from competition.promotion import EIGHT_LEVEL, FIVE_LEVEL, GradeError, get_ladder, parse_grade


@pytest.mark.parametrize("text, code", [
    ("五级", "L5"), ("初级工", "L5"), ("五级/初级工", "L5"), ("初级", "L5"),
    ("四级", "L4"), ("中级工", "L4"), ("4级", "L4"), ("中级工（四级）", "L4"),
    ("三级", "L3"), ("高级工", "L3"), ("三级/高级工", "L3"), ("国家职业资格三级", "L3"),
    ("三级／高级工", "L3"), ("高级工(三级)", "L3"), (" 高级工 ", "L3"), ("３级", "L3"),
    ("二级", "L2"), ("技师", "L2"), ("二级/技师", "L2"),
    ("一级", "L1"), ("高级技师", "L1"), ("一级/高级技师", "L1"),
    ("L3", "L3"), ("l3", "L3"),
    ("", None), ("无", None), ("暂无", None), (None, None),
])
def test_common_spellings_read_as_codes_on_the_five_level_ladder(text, code):
    assert parse_grade(text) == code


@pytest.mark.parametrize("text, code", [
    ("学徒工", "apprentice"), ("学徒", "apprentice"), ("特级技师", "special"),
    ("首席技师", "chief"), ("技师", "L2"), ("五级", "L5"),
])
def test_the_eight_level_ladder_adds_apprentice_special_and_chief(text, code):
    assert EIGHT_LEVEL.parse(text) == code


@pytest.mark.parametrize("text, message", [
    ("厨师", "'厨师' is not a skill grade"),
    ("三级/技师", "'三级/技师' names two different grades"),
    ("特级技师", "'特级技师' is not on the five-level ladder"),
    ("6级", "'6级' is not a skill grade"),
])
def test_unreadable_spellings_raise_a_precise_error(text, message):
    with pytest.raises(GradeError) as exc:
        FIVE_LEVEL.parse(text)
    assert str(exc.value) == message


def test_ladders_are_ordered_lowest_first_with_labels():
    assert [g.code for g in FIVE_LEVEL.grades] == ["L5", "L4", "L3", "L2", "L1"]
    assert [g.code for g in EIGHT_LEVEL.grades] == [
        "apprentice", "L5", "L4", "L3", "L2", "L1", "special", "chief"]
    assert FIVE_LEVEL.label("L3") == "三级/高级工"
    assert EIGHT_LEVEL.label("chief") == "首席技师"
    assert FIVE_LEVEL.label(None) == "无等级"


def test_steps_start_below_the_lowest_grade_and_stop_at_the_top():
    assert FIVE_LEVEL.step(None, 1) == "L5"
    assert FIVE_LEVEL.step("L4", 1) == "L3"
    assert FIVE_LEVEL.step("L2", 3) == "L1"
    assert EIGHT_LEVEL.step(None, 1) == "apprentice"


def test_unknown_ladder_names_the_choices():
    with pytest.raises(GradeError,
                       match="unknown grade ladder 'ten' .expected one of: five, eight."):
        get_ladder("ten")
    assert get_ladder(None) is FIVE_LEVEL
