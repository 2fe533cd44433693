"""Judging panels: who marks each criterion of a heat and how many marks are expected
(competition.scoring.panels). Worked examples computed by hand in the comments."""
from competition.scoring.panels import (
    BEYOND_PANEL,
    NOT_ON_PANEL,
    entry_missing,
    heat_panel,
    mark_verdicts,
    may_mark,
    owed_by,
    tally,
)

from .helpers import crit, rule

# theory: one mark (judges = 1); style: three judges; commission: a checklist of two items
# marked by one judge; time: a value; safety: deductions (optional); adj: the chief's.
RULE = rule(
    crit("theory", "judged", "judges = 1\nmax = 100")
    + crit("style", "judged", "judges = 3\nmax = 10")
    + crit("commission", "checklist",
           'max = 6\nitems = [{id = "a", name = "A", points = 2}, '
           '{id = "b", name = "B", points = 4}]')
    + crit("time", "timed", "max = 5\nlimit = 600")
    + crit("safety", "deductions", 'max = 5\nviolations = [{code = "v", name = "V", '
                                   'points = 1}]')
    + crit("adj", "adjustment", "max = 0\nmin = -5"))


def test_one_judge_criterion_with_three_judges_expects_one_mark_first_come():
    # A, B, C mark everything: theory wants 1 -> expected min(1, 3) = 1, first come;
    # style wants 3 -> 3, each judge owes one; per entry 1 + 3 + 2 (items) + 1 (time) = 7
    panel = heat_panel(RULE, [("A", None), ("B", None), ("C", None)])
    theory = panel.criteria["theory"]
    assert theory.markers == ("A", "B", "C") and theory.expected == 1
    assert theory.first_come and theory.named is None
    assert panel.criteria["style"].expected == 3 and not panel.criteria["style"].first_come
    assert panel.expected_per_entry() == 7


def test_a_one_judge_criterion_given_to_one_named_judge():
    # A marks theory only, B and C the rest: theory is A's; style has 2 of 3 judges (short)
    rest = ["style", "commission", "time", "safety"]
    panel = heat_panel(RULE, [("A", ["theory"]), ("B", rest), ("C", rest)])
    assert panel.criteria["theory"].named == "A"
    assert panel.criteria["style"].markers == ("B", "C")
    assert panel.criteria["style"].expected == 2 and panel.criteria["style"].short
    # 1 (theory) + 2 (style) + 2 (items) + 1 (time) = 6
    assert panel.expected_per_entry() == 6
    assert panel.criteria_of("A") == ["theory"]


def test_deductions_and_adjustments_expect_nothing_and_adjustments_have_no_markers():
    panel = heat_panel(RULE, [("A", None)])
    assert panel.criteria["safety"].expected == 0 and panel.criteria["safety"].markers == ("A",)
    assert panel.criteria["adj"].markers == () and panel.criteria["adj"].expected == 0


def test_a_second_judge_on_a_first_come_criterion_is_refused_naming_the_first():
    panel = heat_panel(RULE, [("A", None), ("B", None)])
    assert may_mark(panel, "A", "theory") is None             # nobody yet: A may
    refusal = may_mark(panel, "B", "theory", others=["A"])   # A entered it: B may not
    assert refusal.reason == "full" and refusal.judges == ("A",)
    assert may_mark(panel, "A", "theory", others=["A"]) is None   # A changes their own
    assert may_mark(panel, "B", "style", others=["A"]) is None    # 2 of 2 judges mark style


def test_a_judge_off_the_criterion_is_refused_naming_who_marks_it():
    panel = heat_panel(RULE, [("A", ["theory"]), ("B", ["style"])])
    refusal = may_mark(panel, "B", "theory")
    assert refusal.reason == "not_on_panel" and refusal.judges == ("A",)
    assert may_mark(panel, "B", "commission.a").judges == ()      # nobody marks it


def test_marks_of_a_removed_judge_and_beyond_the_panel_do_not_count():
    # theory by A (first), then B: B's is beyond the one-mark panel; style by C who was
    # removed from style; the chief's adjustment always counts
    panel = heat_panel(RULE, [("A", None), ("B", None), ("C", ["time"])])
    verdicts = mark_verdicts(panel, [
        ("e1", "theory", 1, "A"), ("e1", "theory", 1, "B"), ("e2", "theory", 1, "B"),
        ("e1", "style", 1, "C"), ("e1", "adj", 1, "chief"), ("e1", "style", 1, "A")],
        officials=frozenset({"chief"}))
    assert verdicts == [None, BEYOND_PANEL, None, NOT_ON_PANEL, None, None]


def test_what_is_missing_and_who_owes_it():
    # A, B mark everything. Entry: theory by A; style by A only; item a by B; no time.
    # theory complete (1 of 1); style wants 3, panel 2 -> B owes 1; items: a done, b
    # missing (any of A, B); time missing (any of A, B). Total missing 1 + 1 + 1 = 3.
    panel = heat_panel(RULE, [("A", None), ("B", None)])
    missing = entry_missing(panel, [("theory", 1, "A"), ("style", 1, "A"),
                                    ("commission.a", 1, "B")])
    assert [(m.address, m.count, m.judges, m.any_of) for m in missing] == [
        ("style", 1, ("B",), False), ("commission.b", 1, ("A", "B"), True),
        ("time", 1, ("A", "B"), True)]
    assert [m.address for m in owed_by(missing, "A")] == ["commission.b", "time"]
    assert sum(m.count for m in missing) == 3
    # the same entry tallied from grouped counts: expected 1 + 2 + 2 + 1 = 6, entered 3
    assert tally(panel, {("theory", 1): 1, ("style", 1): 1, ("commission.a", 1): 1}, 1) \
        == (3, 6)


def test_tally_caps_each_slot_at_what_is_expected():
    # two entries, one-mark theory: 3 theory marks (one beyond) still count 2 of 2
    panel = heat_panel(RULE, [("A", None), ("B", None)])
    entered, expected = tally(panel, {("theory", 1): 3}, 2)
    assert expected == 2 * 6 and entered == 2


def test_a_heat_with_nobody_assigned_expects_what_the_rule_wants_and_counts_every_mark():
    # theory 1 + style 3 + items 2 + time 1 = 7, as the rule says; a mark by anyone counts
    panel = heat_panel(RULE, [])
    assert panel.expected_per_entry() == 7
    assert mark_verdicts(panel, [("e1", "theory", 1, "X"), ("e1", "theory", 1, "Y")]) \
        == [None, None]


def test_a_chiefs_own_mark_on_a_one_mark_criterion_is_first_come_too():
    # judge A entered theory, then the chief added one "as myself": A's counts, the
    # chief's is beyond the panel (never averaged in); on a criterion nobody on the
    # panel marks, or an adjustment, the chief's mark counts
    panel = heat_panel(RULE, [("A", ["theory"]), ("B", ["theory"])])
    chief = frozenset({"chief"})
    assert mark_verdicts(panel, [("e1", "theory", 1, "A"), ("e1", "theory", 1, "chief"),
                                 ("e2", "theory", 1, "chief"), ("e1", "time", 1, "chief"),
                                 ("e1", "adj", 1, "chief")], officials=chief) \
        == [None, BEYOND_PANEL, None, None, None]
