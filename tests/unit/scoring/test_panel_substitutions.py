"""Per-entry substitutions of a heat's panel (回避): judge C works for entry e1's employer,
so E marks 风格 (style) for e1 instead (competition.scoring.panels)."""
from competition.scoring.panels import NOT_ON_PANEL, entry_missing, heat_panel, mark_verdicts, may_mark, owed_by

from .test_panels import RULE

PANEL = heat_panel(RULE, [("A", None), ("B", None), ("C", None)], [("e1", "style", "C", "E")])


def test_the_substitute_replaces_the_judge_for_that_entry_only():
    assert PANEL.criterion_for("e1", "style").markers == ("A", "B", "E")
    assert PANEL.criterion_for("e2", "style").markers == ("A", "B", "C")
    # the same number of marks expected: 3 judges either way
    assert PANEL.criterion_for("e1", "style").expected == 3
    assert PANEL.criteria_of("E") == ["style"] and PANEL.entry_criteria_of("E", "e2") == []
    assert "style" not in PANEL.entry_criteria_of("C", "e1") and "style" in PANEL.entry_criteria_of("C", "e2")


def test_the_judge_standing_aside_is_refused_naming_the_substitute():
    refusal = may_mark(PANEL, "C", "style", entry="e1")
    assert refusal.reason == "substituted" and refusal.judges == ("E",)
    assert may_mark(PANEL, "C", "style", entry="e2") is None
    assert may_mark(PANEL, "E", "style", entry="e1") is None
    assert may_mark(PANEL, "E", "style", entry="e2").reason == "not_on_panel"
    assert may_mark(PANEL, "C", "theory", entry="e1") is None      # other criteria: as before


def test_marks_count_by_the_entrys_panel():
    marks = [("e1", "style", 1, "C"), ("e1", "style", 1, "E"), ("e2", "style", 1, "C"),
             ("e2", "style", 1, "E")]
    assert mark_verdicts(PANEL, marks) == [NOT_ON_PANEL, None, None, NOT_ON_PANEL]


def test_the_substitute_owes_the_mark_and_the_judge_does_not():
    missing = entry_missing(PANEL, [("style", 1, "A"), ("style", 1, "B")], "e1")
    style = [m for m in missing if m.address == "style"][0]
    assert style.count == 1 and style.judges == ("E",)
    assert owed_by(missing, "C") == [m for m in missing if "C" in m.judges]
    assert all(m.address != "style" for m in owed_by(missing, "C"))


def test_a_substitute_already_on_the_panel_or_of_a_judge_not_marking_it_changes_nothing():
    panel = heat_panel(RULE, [("A", None), ("B", None), ("C", ["theory"])],
                       [("e1", "style", "A", "B"), ("e1", "style", "C", "E")])
    assert panel.criterion_for("e1", "style").markers == ("A", "B")
