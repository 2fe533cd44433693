"""The constructs real rules needed (issue 16), at the engine's level: per-judge transforms
(a safe formula language), values declared per attempt, adjustments per attempt, values as
published, ties by lot, units on counts, the WorldSkills spread limit. The worked examples
run through `rules compute` are in tests/unit/rules/test_cli_examples.py."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules import RuleError
from competition.rules.expr import FormulaError, compile_formula
from competition.scoring import MarkError, compute_standings, validate_mark
from competition.scoring.lots import lot_of, verify
from competition.scoring.transform import remark_needed

from .helpers import D, crit, marks, rule

# --- the formula language -------------------------------------------------------------


@pytest.mark.parametrize("text, why", [
    ("__import__('os').system('x')", "only min, max, abs and round"),
    ("mark.real", "is not allowed"),
    ("mark ** 2", "operator not allowed"),
    ("'a'", "only numbers"),
    ("(lambda: 1)()", "only min, max, abs and round"),
    ("bonus + mark", "unknown name 'bonus'"),
    ("round(mark)", "round needs a value and a whole number"),
    ("mark +", "is not a formula"),
])
def test_a_formula_allows_only_numbers_names_arithmetic_and_a_few_functions(text, why):
    with pytest.raises(FormulaError, match=why):
        compile_formula(text, {"mark"})


def test_a_formula_is_exact_in_decimal_and_rounds_half_up():
    f = compile_formula("mark * 0.1 + 0.2", {"mark"})
    assert f.evaluate({"mark": D(1)}) == D("0.3")
    assert compile_formula("round(mark / 8, 2)", {"mark"}).evaluate({"mark": D(1)}) == D("0.13")
    g = compile_formula("mark - 2 if restart == 1 else mark", {"mark", "restart"})
    assert g.evaluate({"mark": D(7), "restart": D(1)}) == 5
    assert g.evaluate({"mark": D(7), "restart": D(0)}) == 7


def test_a_formula_states_its_bounds():
    f = compile_formula("base * (1 + mark / 10)", {"mark", "base"})
    assert f.bounds({"mark": (D(-5), D(5)), "base": (D(0), D(15))}) == (D(0), D("22.5"))
    assert compile_formula("1 / mark", {"mark"}).bounds({"mark": (D(0), D(3))}) is None


def judged(body: str, attempts: int = 1) -> str:
    return crit("dive", "judged", f"judges = 3\nmax = 10\nattempts = {attempts}\n"
                                  f'attempt_aggregate = "sum"\n{body}')


@pytest.mark.parametrize("body, message", [
    ('transform = "mark + bonus"', "unknown name 'bonus'"),
    ('transform = "10 / mark"', "cannot be bounded"),
    ("scale_min = 10", "scale_min 10 must be below the scale's max 10"),
    ("max_spread = 1\njudges = 1", ""),
    ('declared = [ { id = "mark", name = "M", min = 0, max = 1 } ]\ntransform = "mark"',
     "'mark' is taken"),
    ('declared = [ { id = "r", name = "R", min = 0, max = 1 } ]',
     "declared values are used by a transform"),
    ('declared = [ { id = "r", name = "R", min = 0, max = 1, default = 2 } ]\n'
     'transform = "mark"', "default 2 is outside 0..1"),
])
def test_bad_transforms_and_declared_values_are_refused(body, message):
    text = crit("dive", "judged", f"max = 10\n{body}") if "judges" in body else judged(body)
    with pytest.raises(RuleError, match=message or "needs judges >= 2"):
        rule(text)


def test_a_transform_cannot_be_on_a_criterion_totalled_per_judge():
    with pytest.raises(RuleError, match="no transform or declared values"):
        rule(judged('transform = "mark"'), components='[[components]]\nid = "c"\nname = "C"\n'
             'judge_totals = "mean"\n')


# --- values declared per attempt, difficulty per attempt --------------------------------

DIVE = judged('difficulty = { min = 1.2, max = 3.8, step = 0.1 }\n'
              'declared = [ { id = "restart", name = "重新起跳", min = 0, max = 1, step = 1, '
              'default = 0 } ]\ntransform = "max(0, mark - 2 * restart)"', attempts=3)


def test_declared_difficulty_and_values_have_a_slot_for_every_attempt():
    r = rule(DIVE)
    slots = {s.address: s for s in r.slots()}
    assert (slots["dive@difficulty"].attempts, slots["dive@difficulty"].once_per_entry) == (3, True)
    restart = slots["dive@restart"]
    assert (restart.input, restart.attempts, restart.default, restart.optional) == (
        "declared", 3, D(0), True)
    assert validate_mark(r, "dive@difficulty", "2.8", attempt=3) == D("2.8")
    with pytest.raises(MarkError, match="above the maximum 1"):
        validate_mark(r, "dive@restart", "2", attempt=2)
    with pytest.raises(MarkError, match="declares no value 'bogus'"):
        validate_mark(r, "dive@bogus", "1")


def test_each_attempt_takes_its_own_difficulty_and_restart():
    # attempt 1: DD 2.0, marks 7 7 7 -> mean 7 x 2 = 14; attempt 2: DD 3.0, restart:
    # 8 8 5 -> 6 6 3 -> mean 5 x 3 = 15; attempt 3: no DD declared -> 1.2 (minimum),
    # incomplete: 5 x 1.2 = 6
    rows = [("e1", "dive@difficulty", "2.0", None, 1), ("e1", "dive@difficulty", "3.0", None, 2),
            ("e1", "dive@restart", "1", None, 2)]
    rows += [("e1", "dive", v, f"j{i}", 1) for i, v in enumerate(("7", "7", "7"))]
    rows += [("e1", "dive", v, f"j{i}", 2) for i, v in enumerate(("8", "8", "5"))]
    rows += [("e1", "dive", "5", f"j{i}", 3) for i in range(3)]
    row = compute_standings(rule(DIVE), marks(*rows)).row("e1")
    assert {a: p for a, (p, _) in row.attempts["dive"].items()} == {
        1: D("14.00"), 2: D("15.00"), 3: D("6.00")}
    assert row.complete is False
    assert "dive: no declared difficulty (minimum used)" in row.notes


# --- adjustments per attempt, units ------------------------------------------------------

def test_an_adjustment_may_have_attempts_shown_per_attempt():
    r = rule(crit("jump", "judged", 'max = 20\nattempts = 2\nattempt_aggregate = "sum"')
             + crit("wind", "adjustment", 'min = -10\nmax = 10\nattempts = 2\n'
                                          'attempt_aggregate = "sum"'),
             components='[[components]]\nid = "c"\nname = "C"\ncap = false\n')
    assert r.slot("wind").attempts == 2
    row = compute_standings(r, marks(("e1", "jump", "15", "j1", 1), ("e1", "jump", "16", "j1", 2),
                                     ("e1", "wind", "4.5", None, 1),
                                     ("e1", "wind", "-1.2", None, 2))).row("e1")
    assert row.attempts["wind"] == {1: (D("4.50"), D("4.5")), 2: (D("-1.20"), D("-1.2"))}
    assert row.total == D("34.30")


def test_an_adjustment_in_an_attempt_group_counts_with_its_run():
    # run 1: 15 + 4 = 19; run 2: 18 - 5 = 13 -> the best run is 1: jump 15, wind 4
    r = rule(crit("jump", "judged", 'max = 20\nattempts = 2\nattempt_group = "run"')
             + crit("wind", "adjustment", 'min = -10\nmax = 10\nattempts = 2\n'
                                          'attempt_group = "run"'),
             components='[[components]]\nid = "c"\nname = "C"\ncap = false\n')
    row = compute_standings(r, marks(("e", "jump", "15", "j", 1), ("e", "wind", "4", None, 1),
                                     ("e", "jump", "18", "j", 2), ("e", "wind", "-5", None, 2))
                            ).row("e")
    assert (row.total, row.criteria) == (D("19.00"), {"jump": D("15.00"), "wind": D("4.00")})
    assert row.attempts["wind"][2] == (D("-5.00"), D("-5"))


def test_a_count_carries_its_unit_to_its_slot():
    r = rule(crit("dist", "count", 'max = 120\nper_unit = 2\nunit = "m"'))
    assert r.slot("dist").unit == "m"


# --- a value as published ----------------------------------------------------------------

def test_a_given_value_has_optional_bounds_and_no_invented_max():
    r = rule(crit("exam", "given", "min = 0\nmax = 100") + crit("tech", "given", ""))
    assert (r.slot("exam").input, r.slot("exam").max, r.slot("tech").max) == ("value", 100, None)
    assert validate_mark(r, "tech", "1234.56") == D("1234.56")
    with pytest.raises(MarkError, match="above the maximum 100"):
        validate_mark(r, "exam", "100.5")
    row = compute_standings(r, marks(("e1", "exam", "80.15"), ("e1", "tech", "1234.56"))).row("e1")
    assert (row.total, row.capped) == (D("1314.71"), ())


def test_a_weighted_component_with_an_unbounded_value_needs_a_max():
    with pytest.raises(RuleError, match="a value as published without a max"):
        rule(crit("tech", "given", ""), mode="weighted",
             components='[[components]]\nid = "c"\nname = "C"\nweight = 100\n')


# --- ties by lot --------------------------------------------------------------------------

LOT = dict(scoring='tie_break = ["c desc", "lot"]')


def test_lot_must_be_the_last_tie_break():
    with pytest.raises(RuleError, match="must be the last tie-break"):
        rule(crit("a", "judged", "max = 10"), scoring='tie_break = ["lot", "c desc"]')


def test_ties_are_decided_by_lot_with_a_recorded_seed_and_can_be_verified():
    r = rule(crit("a", "judged", "max = 10"), **LOT)
    ms = marks(("x", "a", "8", "j"), ("y", "a", "8", "j"), ("z", "a", "9", "j"),
               ("w", "a", "8", "j"))
    st = compute_standings(r, ms, lot_seed="s1")
    order = sorted(["x", "y", "w"], key=lambda e: lot_of("s1", e))
    assert [row.entry for row in st.rows] == ["z", *order]
    assert [row.rank for row in st.rows] == [1, 2, 3, 4]
    assert [row.by_lot for row in st.rows] == [False, True, True, True]
    (draw,) = st.lots
    assert (draw.rank, draw.entries, draw.seed) == (2, tuple(order), "s1") and verify(draw)
    assert st.warnings == {}
    pending = compute_standings(r, ms)
    assert [row.rank for row in pending.rows] == [1, 2, 2, 2]
    assert pending.warnings == {"lot_undecided": 1}
    assert pending.to_dict()["lots"][0]["decided"] is False


def test_a_lot_in_dense_ranking_gives_the_next_ranks_and_records_the_shared_rank():
    r = rule(crit("a", "judged", "max = 10"),
             scoring='tie_break = ["c desc", "lot"]\nrank_method = "dense"')
    ms = marks(("z", "a", "9", "j"), ("z2", "a", "9", "j"), ("x", "a", "8", "j"),
               ("y", "a", "8", "j"), ("v", "a", "7", "j"))
    st = compute_standings(r, ms, lot_seed="s2")
    first = sorted(["z", "z2"], key=lambda e: lot_of("s2", e))
    second = sorted(["x", "y"], key=lambda e: lot_of("s2", e))
    assert [row.entry for row in st.rows] == [*first, *second, "v"]
    assert [row.rank for row in st.rows] == [1, 2, 3, 4, 5]
    assert [(d.rank, d.entries) for d in st.lots] == [(1, tuple(first)), (3, tuple(second))]
    pending = compute_standings(r, ms)
    assert [row.rank for row in pending.rows] == [1, 1, 2, 2, 3]
    assert [d.rank for d in pending.lots] == [1, 2]


# --- WorldSkills spread limit ------------------------------------------------------------

WS = rule(crit("b", "judged", "judges = 3\nscale_max = 3\nstep = 1\nmax = 4\nmax_spread = 1"))


@pytest.mark.parametrize("given_marks, must, outside", [
    ((1, 2, 2), False, ()),
    ((0, 2, 2), True, ("x1",)),      # median 2: only x1 is more than 1 away
    ((1, 2, 3), True, ("x1", "x3")),  # nobody beyond the median by more than 1: the extremes
    ((3,), False, ()),
])
def test_remark_needed_says_whether_the_panel_re_marks_and_who_is_outside(given_marks, must,
                                                                          outside):
    pairs = [(f"x{i + 1}", str(v)) for i, v in enumerate(given_marks)]
    verdict = remark_needed(WS, "b", pairs)
    assert (verdict.must_remark, verdict.outside, verdict.limit) == (must, outside, D(1))


def test_marks_outside_the_spread_leave_the_row_incomplete_with_a_note():
    row = compute_standings(WS, marks(("e", "b", "0", "x1"), ("e", "b", "2", "x2"),
                                      ("e", "b", "2", "x3"))).row("e")
    assert row.complete is False
    assert "b: marks 0, 2, 2 differ by 2, more than 1: re-mark" in row.notes
    assert row.remark == ("b",)
    st = compute_standings(WS, marks(("e", "b", "0", "x1"), ("e", "b", "2", "x2"),
                                     ("e", "b", "2", "x3"), ("f", "b", "1", "x1")))
    assert (st.warnings, st.row("f").remark) == ({"remark": 1}, ())
    assert row.criteria["b"] == (Decimal(4) / 9 * 4).quantize(D("0.01"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=12), st.text(min_size=1, max_size=8))
def test_with_a_seed_every_rank_is_distinct_and_every_lot_verifies(points, seed):
    r = rule(crit("a", "judged", "max = 10"), **LOT)
    ms = marks(*((f"e{i}", "a", str(p), "j") for i, p in enumerate(points)))
    drawn = compute_standings(r, ms, lot_seed=seed)
    assert sorted(row.rank for row in drawn.rows) == list(range(1, len(points) + 1))
    assert all(verify(d) for d in drawn.lots)
    shared = compute_standings(r, ms)
    assert {row.entry: row.rank for row in shared.rows} == {
        f"e{i}": 1 + sum(q > p for q in points) for i, p in enumerate(points)}
    assert sum(len(d.entries) for d in drawn.lots) == sum(row.by_lot for row in drawn.rows)
