"""Format additions for real published results, each worked by hand: component groups,
`zeroes`, asymmetric count, award min/max counts and complete_only, partial-credit
checklist items, difficulty above 1 (counted or capped), truncation and a rounded judges'
mean, a sum-mode component factor, veto_from, tie-breaks on one attempt, the compute CSV's
extra columns; and properties (hypothesis)."""
from decimal import ROUND_HALF_UP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules import RuleError
from competition.scoring import MarkError, compute_standings, validate_mark
from competition.scoring.standings_csv import standings_csv

from .helpers import D, crit, marks, points, rule

# ------------------------------------------------------------------ component groups
# 振兴杯 style: theory 30 %, practical 70 % made of module 1 (max 40), modules 2 and 3
# (max 30 each). Each module's weight is its share of the total: 40/100 x 70 = 28, 21, 21.
ZHENXING = ('[[groups]]\nid = "practical"\nname = "实操"\n'
            '[[components]]\nid = "theory"\nname = "理论"\nweight = 30\nmax = 100\n'
            '[[components]]\nid = "m1"\nname = "模块一"\nweight = 28\nmax = 40\n'
            'group = "practical"\n'
            '[[components]]\nid = "m2"\nname = "模块二"\nweight = 21\nmax = 30\n'
            'group = "practical"\n'
            '[[components]]\nid = "m3"\nname = "模块三"\nweight = 21\nmax = 30\n'
            'group = "practical"\n')
ZHENXING_CRITERIA = (crit("exam", "judged", "max = 100", component="theory")
                     + crit("t1", "judged", "max = 40", component="m1")
                     + crit("t2", "judged", "max = 30", component="m2")
                     + crit("t3", "judged", "max = 30", component="m3"))


def zhenxing(tie_break='["practical desc", "m1 desc", "m2 desc"]'):
    return rule(ZHENXING_CRITERIA, mode="weighted", components=ZHENXING,
                scoring=f"tie_break = {tie_break}")


def module_marks(entry, exam, t1, t2, t3):
    return [(entry, "exam", exam), (entry, "t1", t1), (entry, "t2", t2), (entry, "t3", t3)]


def test_group_is_the_sum_of_its_components_and_breaks_ties_then_module_1():
    # A: 80 x .3 = 24; 30/40 x 28 = 21; 25/30 x 21 = 17.5 twice -> 80.00, practical 80
    # B: 87 x .3 = 26.1; 28/40 x 28 = 19.6; 25/30 x 21 = 17.5; 24/30 x 21 = 16.8
    #    -> 80.00, practical 28 + 25 + 24 = 77
    # C: 80 x .3 = 24; 32/40 x 28 = 22.4; 24/30 x 21 = 16.8 twice -> 80.00, practical 80
    # all 80.00: practical desc puts B last; C and A tie on practical, C has module 1 32 > 30
    st = compute_standings(zhenxing(), marks(*module_marks("A", 80, 30, 25, 25),
                                             *module_marks("B", 87, 28, 25, 24),
                                             *module_marks("C", 80, 32, 24, 24)))
    assert [r.total for r in st.rows] == [D("80.00")] * 3
    assert [(r.entry, r.rank) for r in st.rows] == [("C", 1), ("A", 2), ("B", 3)]
    assert st.row("A").groups == {"practical": D("80.00")}
    assert st.row("B").groups == {"practical": D("77.00")}
    assert st.row("C").to_dict()["groups"] == {"practical": "80.00"}


def test_group_column_in_the_compute_csv_after_the_new_columns():
    st = compute_standings(zhenxing(), marks(*module_marks("A", 80, 30, 25, 25)))
    lines = standings_csv(zhenxing(), st).splitlines()
    assert lines[0] == ("rank,contestant,total,award,theory,m1,m2,m3,exam,t1,t2,t3,"
                        "titles,status,complete,group:practical,capped")
    assert lines[1] == "1,A,80.00,,80.00,30.00,25.00,25.00,80.00,30.00,25.00,25.00,,ok,yes,80.00,"


def test_csv_status_and_complete_for_disqualified_and_absent_rows():
    r = zhenxing()
    st = compute_standings(r, marks(*module_marks("A", 80, 30, 25, 25), ("B", "exam", 70)),
                           entries=["A", "B", "X"], disqualified=["B"])
    lines = standings_csv(r, st).splitlines()
    assert lines[2].startswith("disqualified,B,") and lines[2].endswith(",,disqualified,no,0.00,")
    # B: only the exam (70 x .3 = 21.00): incomplete; its practical group is 0.00
    assert lines[3] == "absent,X,0,,,,,,,,,,,absent,no,,"


@pytest.mark.parametrize("components, expected", [
    (ZHENXING.replace('group = "practical"\n', 'group = "practicl"\n', 1),
     'components[m1].group: unknown group \'practicl\' (declare it in [[groups]])'),
    (ZHENXING.replace('group = "practical"\n', ''),
     "groups[practical].id: group 'practical' has no components"),
    (ZHENXING.replace('id = "practical"', 'id = "m1"'),
     "groups[m1].id: 'm1' is also a component id"),
])
def test_malformed_groups(components, expected):
    with pytest.raises(RuleError) as info:
        rule(ZHENXING_CRITERIA, mode="weighted", components=components)
    assert expected in [f"{p.field}: {p.message}" for p in info.value.problems]


def test_sum_mode_component_factor_scales_its_contribution():
    # welding sheet: visual items sum to 100, sheet total x 12.5 % is the module score;
    # RT graded on 100 x 0.4. visual 80 x 0.125 = 10; rt 50 x 0.4 = 20 -> total 30
    comps = ('[[components]]\nid = "visual"\nname = "外观"\nfactor = 0.125\n'
             '[[components]]\nid = "rt"\nname = "RT"\nfactor = 0.4\n')
    body = (crit("v", "judged", "max = 100", component="visual")
            + crit("r", "judged", "max = 100", component="rt"))
    st = compute_standings(rule(body, components=comps), marks(("e", "v", 80), ("e", "r", 50)))
    assert st.row("e").components == {"visual": D("80.00"), "rt": D("50.00")}
    assert st.row("e").total == D("30.00")


def test_component_factor_is_refused_in_weighted_mode():
    with pytest.raises(RuleError) as info:
        rule(ZHENXING_CRITERIA, mode="weighted",
             components=ZHENXING.replace('max = 100\n', 'max = 100\nfactor = 0.3\n', 1))
    assert "factor is for sum mode" in str(info.value)


# ------------------------------------------------------------------ zeroes
SPECIMEN = (crit("height", "judged", "max = 16", component="visual")
            + crit("width", "judged", "max = 10", component="visual")
            + crit("straight", "judged", "max = 10", component="visual")
            + crit("rt", "judged", "max = 100", component="rt")
            + crit("defects", "deductions", 'max = 0\ncap = 10\nviolations = [\n'
                   '  { code = "spatter", name = "飞溅", points = 2 },\n'
                   '  { code = "cap_repair", name = "盖面修补", zeroes = ["height", "width"] },\n'
                   '  { code = "pore", name = "表面气孔", zeroes = ["visual"] },\n'
                   '  { code = "crack", name = "裂纹", points = 1, zeroes = ["weld"] } ]',
                   component="visual"))
SPECIMEN_COMPS = ('[[groups]]\nid = "weld"\nname = "焊缝"\n'
                  '[[components]]\nid = "visual"\nname = "外观"\ngroup = "weld"\n'
                  '[[components]]\nid = "rt"\nname = "RT"\ngroup = "weld"\n'
                  '[[components]]\nid = "other"\nname = "其他"\n')
SPECIMEN_RULE = rule(SPECIMEN + crit("clean", "judged", "max = 5", component="other"),
                     components=SPECIMEN_COMPS)
BASE = [("e", "height", 14), ("e", "width", 8), ("e", "straight", 9), ("e", "rt", 90),
        ("e", "clean", 4)]


def specimen(*extra):
    return compute_standings(SPECIMEN_RULE, marks(*BASE, *extra)).row("e")


def test_zeroes_named_criteria_only():
    # without a violation: visual 14 + 8 + 9 = 31, rt 90, other 4 -> 125
    assert specimen().total == D("125.00")
    # cap_repair zeroes height and width: visual 9 - spatter 2 = 7; 7 + 90 + 4 = 101
    row = specimen(("e", "defects", "cap_repair"), ("e", "defects", "spatter"))
    assert (row.criteria["height"], row.criteria["width"]) == (0, 0)
    assert row.criteria["straight"] == D("9.00")
    assert row.components["visual"] == D("7.00")
    assert row.total == D("101.00")
    assert "zeroed: height, width" in row.notes


def test_zeroes_a_component_or_a_whole_group():
    # pore zeroes the visual component: 0 + 90 + 4 = 94
    assert specimen(("e", "defects", "pore")).total == D("94.00")
    # crack zeroes the group "weld" (visual and rt): only other's 4 is left
    row = specimen(("e", "defects", "crack"))
    assert row.components == {"visual": 0, "rt": 0, "other": D("4.00")}
    assert row.groups == {"weld": 0}
    assert row.total == D("4.00")
    assert row.status == "ok"


def test_zeroes_of_any_attempt_count():
    r = rule(crit("a", "judged", "max = 10") + crit("s", "deductions", (
        'max = 0\nattempts = 2\nviolations = [ { code = "x", name = "X", zeroes = ["a"] } ]')))
    row = compute_standings(r, marks(("e", "a", 7), ("e", "s", "x", None, 2))).row("e")
    assert row.criteria["a"] == 0 and row.total == 0


def test_zeroes_must_name_something_known():
    with pytest.raises(RuleError) as info:
        rule(crit("a", "judged", "max = 10") + crit("s", "deductions", (
            'max = 0\nviolations = [ { code = "x", name = "X", zeroes = ["b"] } ]')))
    assert str(info.value).endswith(
        "criteria[s].violations[x].zeroes[#1]: unknown ref 'b' (a criterion, a component "
        "or a group)")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["spatter", "cap_repair", "pore", "crack"]), max_size=4),
       st.sampled_from(["spatter", "cap_repair", "pore", "crack"]))
def test_one_more_violation_never_raises_the_total(recorded, extra):
    before = specimen(*(("e", "defects", c) for c in recorded)).total
    after = specimen(*(("e", "defects", c) for c in recorded + [extra])).total
    assert after <= before


# ------------------------------------------------------------------ count, asymmetric
QUOTA = rule(crit("pieces", "count", "max = 30\nbase = 20\nreference = 12\nper_unit = 1\n"
                                     "per_unit_below = 2\nstep = 1"))


@pytest.mark.parametrize("value, expected", [
    (12, "20.00"),   # at the quota: base 20
    (15, "23.00"),   # 20 + 3 x 1
    (10, "16.00"),   # 20 + (10 - 12) x 2 = 20 - 4
    (2, "0.00"),     # 20 - 20 = 0 (floor 0)
    (0, "0.00"),     # 20 - 24 -> floor 0
    (25, "30.00"),   # 20 + 13 = 33 -> cap 30
])
def test_count_per_unit_above_and_below_the_reference(value, expected):
    assert points(QUOTA, [("e1", "pieces", value)], "pieces") == D(expected)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40))
def test_asymmetric_count_is_monotonic(a, b):
    pa = points(QUOTA, [("e1", "pieces", a)], "pieces")
    pb = points(QUOTA, [("e1", "pieces", b)], "pieces")
    assert (a <= b) <= (pa <= pb)


# ------------------------------------------------------------------ awards
def ranked_rule(awards: str):
    return rule(crit("x", "judged", "max = 100\nstep = 0.01"), awards=awards)


def awards_of(r, scores: dict, incomplete=()):
    rows = [(e, "x", s) for e, s in scores.items() if e not in incomplete]
    st = compute_standings(r, marks(*rows), entries=list(scores))
    return {row.entry: row.award for row in st.rows}


def test_min_count_gives_a_first_prize_when_the_percent_rounds_to_zero():
    # 8 finishers: 10 % = 0.8 -> floor 0, raised to min_count 1; 20 % = 1.6 -> 1;
    # 50 % = 4 -> max_count 2. Positions: first 1, second 2, third 3-4.
    r = ranked_rule('[awards]\nbasis = "percent"\npercent_rounding = "floor"\nlevels = [\n'
                    '{ name = "一等奖", percent = 10, min_count = 1 },\n'
                    '{ name = "二等奖", percent = 20 },\n'
                    '{ name = "三等奖", percent = 50, max_count = 2 } ]')
    got = awards_of(r, {f"e{i}": 90 - i for i in range(8)})
    assert [got[f"e{i}"] for i in range(8)] == [
        "一等奖", "二等奖", "三等奖", "三等奖", None, None, None, None]


def test_min_count_never_awards_more_places_than_there_are_finishers():
    r = ranked_rule('[awards]\nlevels = [ { name = "A", count = 0, min_count = 2 },\n'
                    '{ name = "B", count = 1 } ]')
    assert awards_of(r, {"e1": 90}) == {"e1": "A"}


def test_complete_only_level_passes_an_incomplete_entry_down():
    # e1 has the top score but a missing mark (a second criterion unmarked): first prize is
    # for complete entries only, so e1 falls to second prize; e2 keeps its second prize
    r = rule(crit("x", "judged", "max = 100") + crit("y", "judged", "max = 10"),
             awards='[awards]\nlevels = [ { name = "A", count = 1, complete_only = true },\n'
                    '{ name = "B", count = 2 } ]')
    st = compute_standings(r, marks(("e1", "x", 95), ("e2", "x", 80), ("e2", "y", 5),
                                    ("e3", "x", 70), ("e3", "y", 5)))
    assert [(row.entry, row.rank, row.award) for row in st.rows] == [
        ("e1", 1, "B"), ("e2", 2, "B"), ("e3", 3, "B")]


def test_min_count_above_max_count_is_refused():
    with pytest.raises(RuleError) as info:
        ranked_rule('[awards]\nlevels = [ { name = "A", count = 1, min_count = 3, '
                    'max_count = 2 } ]')
    assert "min_count 3 > max_count 2" in str(info.value)


# ------------------------------------------------------------------ checklist partial credit
PARTIAL = rule(crit("tidy", "checklist", 'max = 6\njudges = 2\nitems = [\n'
                    '{ id = "tools", name = "工具归位", points = 4, step = 0.5 },\n'
                    '{ id = "floor", name = "地面清洁", points = 2 } ]'))


def test_partial_item_takes_the_judges_mean_and_yes_no_items_stay_as_they_were():
    # tools: (3 + 2) / 2 = 2.5 of 4; floor: 1 and 1 -> 2; 4.5
    rows = [("e1", "tidy.tools", 3, "j1"), ("e1", "tidy.tools", 2, "j2"),
            ("e1", "tidy.floor", 1, "j1"), ("e1", "tidy.floor", 1, "j2")]
    assert points(PARTIAL, rows, "tidy") == D("4.50")
    # full marks on the partial item count it as done: raw = 2 items done
    full = [("e1", "tidy.tools", 4, "j1"), ("e1", "tidy.tools", 4, "j2")] + rows[2:]
    st = compute_standings(PARTIAL, marks(*full))
    assert st.row("e1").criteria["tidy"] == D("6.00") and st.row("e1").raw["tidy"] == 2


def test_partial_item_slot_is_a_mark_from_0_to_its_points():
    slot = PARTIAL.slot("tidy.tools")
    assert (slot.input, slot.min, slot.max, slot.step) == ("mark", 0, 4, D("0.5"))
    assert PARTIAL.slot("tidy.floor").input == "check"
    assert validate_mark(PARTIAL, "tidy.tools", "3.5") == D("3.5")
    with pytest.raises(MarkError):
        validate_mark(PARTIAL, "tidy.tools", "4.5")
    with pytest.raises(MarkError):
        validate_mark(PARTIAL, "tidy.tools", "1.25")


def test_partial_item_points_must_be_a_multiple_of_its_step():
    with pytest.raises(RuleError) as info:
        rule(crit("t", "checklist", 'max = 4\nitems = [ { id = "a", name = "A", points = 4, '
                                    'step = 1.5 } ]'))
    assert "points 4 are not a multiple of step 1.5" in str(info.value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([D(n) / 2 for n in range(9)]), min_size=1, max_size=2),
       st.lists(st.sampled_from([D(0), D(1)]), min_size=1, max_size=2))
def test_partial_checklist_stays_within_0_and_max(tools, floor):
    rows = [("e1", "tidy.tools", v, f"j{i}") for i, v in enumerate(tools)]
    rows += [("e1", "tidy.floor", v, f"j{i}") for i, v in enumerate(floor)]
    assert 0 <= points(PARTIAL, rows, "tidy") <= 6


# ------------------------------------------------------------------ difficulty above 1
def routine(cap: str, component_max: str):
    comps = ('[[components]]\nid = "theory"\nname = "T"\nweight = 30\nmax = 100\n'
             f'[[components]]\nid = "perf"\nname = "P"\nweight = 70\nmax = {component_max}\n')
    return rule(crit("exam", "judged", "max = 100", component="theory")
                + crit("routine", "judged", "max = 10\nstep = 0.1\njudges = 1\n"
                       f"difficulty = {{ min = 1.0, max = 1.5, step = 0.1{cap} }}",
                       component="perf"), mode="weighted", components=comps)


def test_difficulty_counts_in_the_component_max_by_default():
    # points up to 10 x 1.5 = 15: the component max must be 15
    with pytest.raises(RuleError) as info:
        routine("", "10")
    assert "max 10 != 15, the sum of its criteria's max" in str(info.value)
    r = routine("", "15")
    # 8 x 1.5 = 12 of 15 -> 12/15 x 70 = 56; theory 80 x .3 = 24 -> 80.00
    st = compute_standings(r, marks(("e", "exam", 80), ("e", "routine", 8, "j1"),
                                    ("e", "routine@difficulty", "1.5")))
    assert st.row("e").criteria["routine"] == D("12.00")
    assert st.row("e").total == D("80.00")


def test_difficulty_cap_keeps_points_within_the_base_max():
    r = routine(", cap = true", "10")
    # 8 x 1.5 = 12 -> capped at 10 -> 10/10 x 70 = 70; + 24 = 94
    # 6 x 1.5 = 9 stays 9 -> 9/10 x 70 = 63; + 24 = 87
    st = compute_standings(r, marks(
        ("a", "exam", 80), ("a", "routine", 8, "j1"), ("a", "routine@difficulty", "1.5"),
        ("b", "exam", 80), ("b", "routine", 6, "j1"), ("b", "routine@difficulty", "1.5")))
    assert st.row("a").criteria["routine"] == D("10.00") and st.row("a").total == D("94.00")
    assert st.row("b").criteria["routine"] == D("9.00") and st.row("b").total == D("87.00")
    with pytest.raises(RuleError):
        routine(", cap = true", "15")


# ------------------------------------------------------------------ rounding
def test_truncation_per_level():
    # x: 2/3 x 10 = 6.666.. -> criterion 6.66 (down) instead of 6.67
    # y: 84.449 at 3 places; component 91.109 -> 91.10 (down); total 91.109 -> total
    #    rounding half_up on the sum of components: 6.66 + 84.449 = 91.109 -> 91.11
    body = (crit("x", "judged", "max = 10\nscale_max = 3")
            + crit("y", "judged", "max = 100\nstep = 0.001\ndecimals = 3\nrounding = \"half_up\""))
    r = rule(body, scoring='criterion_rounding = "down"\ncomponent_decimals = 3\n')
    row = compute_standings(r, marks(("e", "x", 2), ("e", "y", "84.449"))).row("e")
    assert row.criteria == {"x": D("6.66"), "y": D("84.449")}
    assert row.total == D("91.11")
    r = rule(body, scoring='rounding = "down"\ncomponent_decimals = 3\n')
    row = compute_standings(r, marks(("e", "x", 2), ("e", "y", "84.449"))).row("e")
    assert row.criteria == {"x": D("6.66"), "y": D("84.449")}   # y keeps its half_up
    assert row.total == D("91.10")                               # 91.109 -> 91.10 (去尾)


def test_weighted_total_truncated():
    # theory 80.15 x .3 = 24.045; practical 86 x .7 = 60.2 -> 84.245: down 84.24
    comps = ('[[components]]\nid = "t"\nname = "T"\nweight = 30\nmax = 100\n'
             '[[components]]\nid = "p"\nname = "P"\nweight = 70\nmax = 100\n')
    body = (crit("exam", "judged", "max = 100\nstep = 0.01", component="t")
            + crit("task", "judged", "max = 100\nstep = 0.01", component="p"))
    r = rule(body, mode="weighted", components=comps, scoring='total_rounding = "down"')
    assert compute_standings(r, marks(("e", "exam", "80.15"), ("e", "task", 86))
                             ).row("e").total == D("84.24")


@pytest.mark.parametrize("extra, expected", [
    ("", "17.33"),                                        # 26/3 x 2 = 17.333.. -> 17.33
    ("aggregate_decimals = 1", "17.40"),                  # mean 8.67 -> 8.7 x 2 = 17.4
    ('aggregate_decimals = 1\nrounding = "down"', "17.20"),   # 8.6 x 2 = 17.2
    ("aggregate_decimals = 2", "17.34"),                  # 8.67 x 2 = 17.34
])
def test_judges_mean_rounded_before_scaling(extra, expected):
    # three judges 8, 8.5, 9.5 on a 0-10 scale for a 20-point criterion: mean 8.666..
    r = rule(crit("taste", "judged", f"max = 20\nscale_max = 10\njudges = 3\n{extra}"))
    rows = [("e1", "taste", 8, "j1"), ("e1", "taste", "8.5", "j2"), ("e1", "taste", "9.5", "j3")]
    assert points(r, rows, "taste") == D(expected)


def test_aggregate_decimals_is_for_means_only():
    with pytest.raises(RuleError) as info:
        rule(crit("t", "judged", 'max = 10\njudges = 3\naggregate = "median"\n'
                                 'aggregate_decimals = 1'))
    assert "rounds a mean" in str(info.value)


def test_rounding_value_is_checked():
    with pytest.raises(RuleError) as info:
        rule(crit("t", "judged", "max = 10"), scoring='rounding = "truncate"')
    assert "scoring.rounding" in str(info.value)


def test_existing_rules_default_to_half_up():
    r = rule(crit("x", "judged", "max = 100\nstep = 0.001"),
             scoring="criterion_decimals = 3\ncomponent_decimals = 3\ndecimals = 2")
    assert compute_standings(r, marks(("e1", "x", "84.445"))).row("e1").total == D("84.45")


# ------------------------------------------------------------------ veto from the nth time
def test_veto_from_the_second_occurrence():
    # 损坏设备: first time -5 from the 10-point item; the second time disqualifies
    r = rule(crit("task", "judged", "max = 90")
             + crit("safety", "deductions", 'max = 10\nviolations = [ { code = "damage", '
                    'name = "损坏设备", points = 5, veto = "disqualify", veto_from = 2 } ]'))
    once = compute_standings(r, marks(("e", "task", 80), ("e", "safety.damage", 1))).row("e")
    assert (once.status, once.total) == ("ok", D("85.00"))   # 80 + 10 - 5
    twice = compute_standings(r, marks(("e", "task", 80), ("e", "safety.damage", 2))).row("e")
    assert twice.status == "disqualified"
    with pytest.raises(RuleError) as info:
        rule(crit("s", "deductions", 'max = 10\nviolations = [ { code = "x", name = "X", '
                                     'points = 5, veto_from = 2 } ]'))
    assert "veto_from needs a veto or zeroes" in str(info.value)


# ------------------------------------------------------------------ one attempt in a tie-break
def runs(tie_break: str):
    return rule(crit("run", "timed", "max = 10\nlimit = 60\ndeduction_per_minute = 1\n"
                                     "attempts = 2"),
                scoring=f"tie_break = [{tie_break}]")


RUNS = [("e1", "run", 50, None, 1), ("e1", "run", 70, None, 2),   # 10 and 9: best 10
        ("e2", "run", 55, None, 1), ("e2", "run", 58, None, 2)]   # 10 and 10: best 10


@pytest.mark.parametrize("tie_break, order", [
    ('"run.raw asc"', ["e1", "e2"]),      # the counted run's time: 50 < 55
    ('"run.raw@2 asc"', ["e2", "e1"]),    # the second run's time: 58 < 70
    ('"run@2 desc"', ["e2", "e1"]),       # the second run's points: 10 > 9
])
def test_tie_break_on_one_attempt(tie_break, order):
    st = compute_standings(runs(tie_break), marks(*RUNS))
    assert [(r.entry, r.rank) for r in st.rows] == [(order[0], 1), (order[1], 2)]
    assert st.row("e1").attempts == {"run": {1: (D("10.00"), D(50)), 2: (D("9.00"), D(70))}}
    assert st.row("e1").to_dict()["attempts"]["run"]["2"] == {"points": "9.00", "raw": "70"}


def test_a_missing_attempt_sorts_last_and_bad_attempt_refs_are_refused():
    st = compute_standings(runs('"run.raw@2 asc"'), marks(*RUNS[:3]))
    assert [r.entry for r in st.rows] == ["e1", "e2"]   # e2: no second run
    with pytest.raises(RuleError) as info:
        runs('"run.raw@3 asc"')
    assert "unknown ref 'run.raw@3'" in str(info.value)
    with pytest.raises(RuleError):   # a relative time has no points of its own per attempt
        rule(crit("t", "timed", 'mode = "relative"\nmax = 10\nattempts = 2'),
             scoring='tie_break = ["t@1 desc"]')


# ------------------------------------------------------------------ properties
NO_GROUPS = rule(ZHENXING_CRITERIA, mode="weighted",
                 components=ZHENXING.replace('group = "practical"\n', '').replace(
                     '[[groups]]\nid = "practical"\nname = "实操"\n', ''),
                 scoring='tie_break = ["m1 desc", "m2 desc"]')
GROUPED = zhenxing('["m1 desc", "m2 desc"]')
FIELD = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 40), st.integers(0, 30),
                           st.integers(0, 30)), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(FIELD)
def test_declaring_groups_changes_no_total_rank_or_award(scores):
    rows = [m for i, s in enumerate(scores) for m in module_marks(f"e{i}", *s)]
    plain = compute_standings(NO_GROUPS, marks(*rows))
    grouped = compute_standings(GROUPED, marks(*rows))
    assert ([(r.entry, r.rank, r.total, r.award) for r in plain.rows]
            == [(r.entry, r.rank, r.total, r.award) for r in grouped.rows])
    for r in grouped.rows:   # the group is the sum of its modules, on their own scale
        assert r.groups["practical"] == r.components["m1"] + r.components["m2"] + \
            r.components["m3"]


TRUNC = [rule(crit("x", "judged", "max = 10\nscale_max = 7\njudges = 3\nstep = 0.5"),
              scoring=f'rounding = "{mode}"') for mode in ("half_up", "down")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([D(n) / 2 for n in range(15)]), min_size=1, max_size=3))
def test_truncation_is_at_most_one_hundredth_below_half_up(values):
    rows = [("e1", "x", v, f"j{i}") for i, v in enumerate(values)]
    half_up, down = (points(r, rows, "x") for r in TRUNC)
    assert D(0) <= half_up - down <= D("0.01")


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.integers(0, 3), st.integers(0, 5))
def test_award_places_respect_min_and_max_count(finishers, min_count, spread):
    max_count = min_count + spread
    r = ranked_rule('[awards]\nbasis = "percent"\nlevels = [\n'
                    f'{{ name = "A", percent = 10, min_count = {min_count}, '
                    f'max_count = {max_count} }},\n{{ name = "B", percent = 30 }} ]')
    got = awards_of(r, {f"e{i:02}": 100 - i for i in range(finishers)})   # no ties
    first = sum(a == "A" for a in got.values())
    tenth = int((D(finishers) / 10).quantize(D(1), ROUND_HALF_UP))   # 10 %, half up
    assert first == min(finishers, max_count, max(min_count, tenth))


# ------------------------------------------------------------------ percent of all entries
def test_award_percent_of_every_entry_listed():
    # 8 entries listed, 2 absent, 1 disqualified: 5 ranked. 40 % of finishers = 2 places;
    # 40 % of entries (参赛人数) = 3.2 -> 3 places
    scores = {f"e{i}": 90 - i for i in range(6)}
    listed = list(scores) + ["x1", "x2"]
    rows = [(e, "x", s) for e, s in scores.items()]
    for of, expected in (("finishers", 2), ("entries", 3)):
        r = ranked_rule(f'[awards]\nbasis = "percent"\npercent_of = "{of}"\n'
                        'levels = [ { name = "A", percent = 40 } ]')
        st = compute_standings(r, marks(*rows), entries=listed, disqualified=["e5"])
        assert sum(row.award == "A" for row in st.rows) == expected


# ------------------------------------------------------------------ timed: 30-second steps
@pytest.mark.parametrize("seconds, expected", [
    (600, "10.00"),   # within the limit
    (601, "9.50"),    # 1 s over: one started 30 s -> -0.5
    (630, "9.50"),    # exactly 30 s over
    (631, "9.00"),    # 31 s over: two started half-minutes -> -1
])
def test_timed_deduction_per_started_30_seconds(seconds, expected):
    r = rule(crit("t", "timed", "max = 10\nlimit = 600\ndeduction_per_minute = 0.5\n"
                                "deduction_unit = 30"))
    assert points(r, [("e1", "t", seconds)], "t") == D(expected)


# ------------------------------------------------------------------ a group scaled unlike
WELD_COMPS = ('[[groups]]\nid = "practical"\nname = "实操"\nmax = 100\n'
              '[[components]]\nid = "theory"\nname = "理论"\nweight = 20\nmax = 100\n'
              '[[components]]\nid = "visual"\nname = "外观"\nweight = 30\nmax = 100\n'
              'group = "practical"\n'
              '[[components]]\nid = "rt"\nname = "RT"\nweight = 40\nmax = 100\n'
              'group = "practical"\n'
              '[[components]]\nid = "op"\nname = "操作"\nweight = 10\nmax = 20\n'
              'group = "practical"\n')
WELD_CRITERIA = (crit("exam", "judged", "max = 100", component="theory")
                 + crit("v", "judged", "max = 100", component="visual")
                 + crit("r", "judged", "max = 100", component="rt")
                 + crit("o", "judged", "max = 20", component="op"))


def test_a_group_of_unlike_components_is_its_share_of_the_total_on_its_max():
    # visual 80 x 30/100 = 24, rt 100 x 40/100 = 40, op 16 x 10/20 = 8: the practical part
    # adds 72 of its 80 % to the total; on the group's max 100: 72 x 100 / 80 = 90.00.
    # total: theory 80 x .2 = 16 + 72 = 88.00
    r = rule(WELD_CRITERIA, mode="weighted", components=WELD_COMPS)
    row = compute_standings(r, marks(("e", "exam", 80), ("e", "v", 80), ("e", "r", 100),
                                     ("e", "o", 16))).row("e")
    assert row.groups == {"practical": D("90.00")} and row.total == D("88.00")
    # without a group max: the members' max, 100 + 100 + 20 = 220: 72 x 220 / 80 = 198.00
    r = rule(WELD_CRITERIA, mode="weighted", components=WELD_COMPS.replace("max = 100\n", "", 1))
    row = compute_standings(r, marks(("e", "exam", 80), ("e", "v", 80), ("e", "r", 100),
                                     ("e", "o", 16))).row("e")
    assert row.groups == {"practical": D("198.00")}


def test_a_group_in_sum_mode_adds_its_components_contributions():
    # visual 80 x 0.125 = 10, rt 50 x 0.4 = 20: the group 30 (= the total here)
    comps = ('[[groups]]\nid = "weld"\nname = "焊接"\n'
             '[[components]]\nid = "visual"\nname = "外观"\nfactor = 0.125\ngroup = "weld"\n'
             '[[components]]\nid = "rt"\nname = "RT"\nfactor = 0.4\ngroup = "weld"\n')
    body = (crit("v", "judged", "max = 100", component="visual")
            + crit("r", "judged", "max = 100", component="rt"))
    row = compute_standings(rule(body, components=comps),
                            marks(("e", "v", 80), ("e", "r", 50))).row("e")
    assert str(row.groups["weld"]) == "30.00" and row.total == D("30.00")


# ------------------------------------------------------------------ minimum per component
def test_award_needs_the_minimum_in_each_named_component_or_group():
    # 理论、实操均须达到60分方可获奖. theory 30 %, practical (group of m1..m3) 70 %.
    # A: theory 50, modules 38/28/28 (practical 94): total 15 + 26.6 + 19.6 + 19.6 = 80.80,
    #    rank 1 but theory 50 < 60: no first prize, and no lower level either (same rule)
    # B: theory 70, modules 30/20/20 (practical 70): 21 + 21 + 14 + 14 = 70.00: first prize
    #    is for rank 1 only -> B (rank 2) gets second prize; title needs practical >= 75
    r = rule(ZHENXING_CRITERIA, mode="weighted", components=ZHENXING,
             awards='[awards]\nlevels = [\n'
                    '{ name = "一", count = 1, min_scores = { theory = 60, practical = 60 } },\n'
                    '{ name = "二", count = 1, min_scores = { theory = 60, practical = 60 } } ]\n'
                    'titles = [ { name = "能手", top = 2, min_scores = { practical = 75 } } ]')
    st = compute_standings(r, marks(*module_marks("A", 50, 38, 28, 28),
                                    *module_marks("B", 70, 30, 20, 20)))
    assert [(row.entry, row.rank, row.total, row.award, row.titles) for row in st.rows] == [
        ("A", 1, D("80.80"), None, ("能手",)), ("B", 2, D("70.00"), "二", ())]
    with pytest.raises(RuleError) as info:
        rule(ZHENXING_CRITERIA, mode="weighted", components=ZHENXING,
             awards='[awards]\nlevels = [ { name = "一", count = 1, min_scores = { x = 1 } } ]')
    assert "awards.levels[#1].min_scores.x: unknown ref 'x' (a component or a group)" in str(
        info.value)


def test_tie_break_on_the_second_best_attempt():
    # the better of two runs counts; equal: the other run decides (两次取好；相同比另一次)
    # e1 runs 50 s (10) and 70 s (9); e2 55 s (10) and 58 s (10); e3 one run 40 s (10)
    rows = RUNS + [("e3", "run", 40, None, 1)]
    st = compute_standings(runs('"run@second desc", "run.raw@second asc"'), marks(*rows))
    # second-best points: e2 10, e1 9, e3 none (sorts last)
    assert [(r.entry, r.rank) for r in st.rows] == [("e2", 1), ("e1", 2), ("e3", 3)]
    # a relative time: second-best by time, the second shortest
    r = rule(crit("t", "timed", 'mode = "relative"\nmax = 10\nattempts = 2'),
             scoring='tie_break = ["t.raw@second asc"]')
    st = compute_standings(r, marks(("a", "t", 60, None, 1), ("a", "t", 90, None, 2),
                                    ("b", "t", 80, None, 1), ("b", "t", 60, None, 2)))
    # both best 60 s (10 points); second: b 80 < a 90
    assert [(row.entry, row.rank) for row in st.rows] == [("b", 1), ("a", 2)]
