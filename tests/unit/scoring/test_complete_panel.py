"""A row's completeness against the heat's judging panel (compute_standings' ``expected``):
a panel of two judges on a ``judges = 3`` criterion expects 2 marks (scoring.panels), so
the row is complete with 2 and incomplete with 1; the marks are aggregated as always; an
award for complete entries only is given. No mapping: the rule's judges, as before."""
from competition.scoring import compute_standings
from competition.scoring.incremental import IncrementalStandings

from .helpers import D, crit, marks, rule

WORK = crit("work", "judged", "judges = 3\nmax = 10")
STEPS = crit("steps", "checklist", '''max = 5
judges = 3
items = [ { id = "a", name = "A", points = 2 }, { id = "b", name = "B", points = 3 } ]''')
AWARDS = '[awards]\nlevels = [ { name = "一等奖", count = 1, complete_only = true } ]'
PANEL = {"e1": {"work": 2, "steps": 2}, "e2": {"work": 2, "steps": 2}}


def _rule():
    return rule(WORK + STEPS, awards=AWARDS)


def _rows(work_judges=("j1", "j2"), steps_judges=("j1", "j2"), entry="e1", work="8"):
    out = [(entry, "work", work, j) for j in work_judges]
    out += [(entry, f"steps.{i}", "1", j) for i in ("a", "b") for j in steps_judges]
    return out


def test_two_of_two_marks_on_a_panel_of_two_is_complete_and_awarded():
    st = compute_standings(_rule(), marks(*_rows()), expected=PANEL)
    row = st.row("e1")
    assert row.complete is True
    assert row.award == "一等奖"
    # aggregated as always: the mean of the two marks (8) x 10 / 10
    assert row.criteria["work"] == D("8.00")
    assert row.criteria["steps"] == D("5.00")
    assert "work: 2 of 2 marks (panel of 2)" in row.notes
    assert "steps: 2 of 2 marks per item (panel of 2)" in row.notes


def test_one_of_two_marks_on_a_panel_of_two_is_incomplete():
    st = compute_standings(_rule(), marks(*_rows(work_judges=("j1",))), expected=PANEL)
    row = st.row("e1")
    assert row.complete is False
    assert row.award is None
    assert "work: 1 of 2 marks (panel of 2)" in row.notes
    st = compute_standings(_rule(), marks(*_rows(steps_judges=("j1",))), expected=PANEL)
    assert st.row("e1").complete is False
    assert "steps: items not all marked (panel of 2)" in st.row("e1").notes


def test_without_the_panel_the_rule_judges_count_as_before():
    st = compute_standings(_rule(), marks(*_rows()))
    row = st.row("e1")
    assert row.complete is False
    assert row.award is None
    assert "work: 2 of 3 marks" in row.notes
    # a panel as large as the rule (or an entry not in the mapping) changes nothing
    for expected in ({"e1": {"work": 3, "steps": 3}}, {"e9": {"work": 2}}, {"e1": {"work": 0}}):
        again = compute_standings(_rule(), marks(*_rows()), expected=expected)
        assert again.row("e1").complete is False
        assert again.row("e1").notes == row.notes


def test_the_panel_is_per_entry_and_the_incremental_standings_agree():
    r = _rule()
    rows = _rows(work="9") + _rows(entry="e2")
    expected = {"e2": {"work": 2, "steps": 2}}      # e1 sits in a heat with a full panel
    full = compute_standings(r, marks(*rows), expected=expected)
    assert (full.row("e1").complete, full.row("e2").complete) == (False, True)
    assert full.row("e1").award is None          # first, but incomplete
    live = IncrementalStandings(r, marks(*rows), expected=expected)
    assert live.standings().to_dict() == full.to_dict()
    # e1 moves to a heat of two judges: told, it is rescored
    live.set_expected("e1", {"work": 2, "steps": 2})
    expected["e1"] = {"work": 2, "steps": 2}
    assert live.standings().to_dict() == compute_standings(
        r, marks(*rows), expected=expected).to_dict()
    assert live.standings().row("e1").award == "一等奖"
    live.set_expected("e2", None)
    del expected["e2"]
    assert live.standings().to_dict() == compute_standings(
        r, marks(*rows), expected=expected).to_dict()
    assert live.standings().row("e2").complete is False
    # the memo never hands a panel's result to the rule's counts or back
    assert compute_standings(r, marks(*rows)).row("e2").complete is False
    assert compute_standings(r, marks(*rows), expected=PANEL).row("e2").complete is True
