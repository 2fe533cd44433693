"""Every criterion kind, worked by hand (the arithmetic is in the comments)."""
import pytest

from competition.scoring import compute_standings

from .helpers import D, crit, marks, points, rule

# ---------------------------------------------------------------- judged

JUDGED = 'judges = 5\nmax = 20\nscale_max = 10\nstep = 0.5\naggregate = "{agg}"\n{extra}'
FIVE = [("e1", "art", v, j) for v, j in
        (("9", "a"), ("7.5", "b"), ("8", "c"), ("6", "d"), ("9.5", "e"))]


@pytest.mark.parametrize("agg, extra, expected", [
    # mean: (9 + 7.5 + 8 + 6 + 9.5) / 5 = 40 / 5 = 8 on a 0-10 scale; x 20/10 = 16.00
    ("mean", "", D("16.00")),
    # trimmed_mean, trim 1: drop 9.5 and 6 -> (9 + 7.5 + 8) / 3 = 24.5 / 3 = 8.1666...
    #   x 2 = 16.333... -> 16.33
    ("trimmed_mean", "trim = 1", D("16.33")),
    # median of 6, 7.5, 8, 9, 9.5 = 8 -> 16.00
    ("median", "", D("16.00")),
    # trimmed_sum, trim 1: 9 + 7.5 + 8 = 24.5 -> x 2 = 49.00 (max is per mark: 20 x 3)
    ("trimmed_sum", "trim = 1", D("49.00")),
])
def test_judged_aggregations(agg, extra, expected):
    r = rule(crit("art", "judged", JUDGED.format(agg=agg, extra=extra)))
    assert points(r, FIVE, "art") == expected


def test_judged_median_of_an_even_number_is_the_middle_pair_mean():
    r = rule(crit("art", "judged", JUDGED.format(agg="median", extra="")))
    # 6, 8, 9, 9.5 -> (8 + 9) / 2 = 8.5 -> x 2 = 17.00
    rows = [r_ for r_ in FIVE if r_[3] != "b"]
    assert points(r, rows, "art") == D("17.00")


def test_worldskills_judgement_scale_0_to_3_scaled_to_the_weight():
    r = rule(crit("j", "judged", "judges = 3\nmax = 4\nscale_max = 3\nstep = 1"))
    # marks 2, 3, 2 -> mean 7/3 = 2.333..; x 4/3 = 3.111.. -> 3.11
    rows = [("e1", "j", "2", "a"), ("e1", "j", "3", "b"), ("e1", "j", "2", "c")]
    assert points(r, rows, "j") == D("3.11")


def test_declared_difficulty_multiplies_the_execution_mark():
    body = ('judges = 3\nmax = 10\nstep = 0.1\n'
            'difficulty = { min = 1.0, max = 3.0, step = 0.1 }')
    r = rule(crit("routine", "judged", body))
    # mean (8.2 + 8.4 + 8.6) / 3 = 8.4; x difficulty 2.5 = 21.00
    rows = [("e1", "routine", "8.2", "a"), ("e1", "routine", "8.4", "b"),
            ("e1", "routine", "8.6", "c"), ("e1", "routine@difficulty", "2.5")]
    assert points(r, rows, "routine") == D("21.00")


def test_missing_difficulty_uses_the_minimum_and_marks_the_row_incomplete():
    body = 'judges = 1\nmax = 10\ndifficulty = { min = 1.2, max = 3.0 }'
    r = rule(crit("routine", "judged", body))
    st = compute_standings(r, marks(("e1", "routine", "5", "a")))
    assert st.row("e1").criteria["routine"] == D("6.00")   # 5 x 1.2
    assert st.row("e1").complete is False


def test_trimmed_mean_with_too_few_marks_falls_back_to_the_mean():
    r = rule(crit("art", "judged", JUDGED.format(agg="trimmed_mean", extra="trim = 1")))
    # only 2 of 5 marks: (9 + 7.5) / 2 = 8.25 -> x 2 = 16.50, incomplete
    st = compute_standings(r, marks(*FIVE[:2]))
    assert st.row("e1").criteria["art"] == D("16.50")
    assert st.row("e1").complete is False
    assert "art: 2 of 5 marks" in st.row("e1").notes


# ---------------------------------------------------------------- measured

def measured(outside: str, extra: str = "") -> str:
    return crit("od", "measured", f'max = 15\nnominal = 30\nlower = -0.021\nupper = 0\n'
                                  f'outside = "{outside}"\n{extra}')


@pytest.mark.parametrize("value, expected", [
    ("30.000", D("15.00")),   # on nominal
    ("29.979", D("15.00")),   # exactly at the lower tolerance 30 - 0.021
    ("29.978", D("0.00")),    # 0.001 below: outside -> zero
    ("30.001", D("0.00")),    # above the upper tolerance 0
])
def test_measured_zero_outside(value, expected):
    assert points(rule(measured("zero")), [("e1", "od", value)], "od") == expected


@pytest.mark.parametrize("value, expected", [
    ("29.979", D("15.00")),   # inside
    ("29.975", D("14.00")),   # 0.004 beyond: one started 0.01 -> 15 - 1
    ("29.969", D("14.00")),   # 0.010 beyond: exactly one unit -> 15 - 1
    ("29.968", D("13.00")),   # 0.011 beyond: two started units -> 15 - 2
    ("30.05", D("10.00")),    # 0.05 above upper 0: 5 units -> 15 - 5
    ("31", D("0.00")),        # 100 units: never below 0 (扣完为止)
])
def test_measured_per_unit_per_started_unit(value, expected):
    r = rule(measured("per_unit", "unit_size = 0.01\ndeduction = 1"))
    assert points(r, [("e1", "od", value)], "od") == expected


@pytest.mark.parametrize("value, expected", [
    ("29.979", D("15.00")),
    ("29.969", D("12.00")),   # 0.010 beyond of falloff 0.05: 15 x (1 - 0.2) = 12
    ("29.954", D("7.50")),    # 0.025 beyond: 15 x 0.5 = 7.5
    ("29.9", D("0.00")),      # beyond the falloff: 0
])
def test_measured_linear(value, expected):
    r = rule(measured("linear", "falloff = 0.05"))
    assert points(r, [("e1", "od", value)], "od") == expected


WELD_BANDS = crit("cap", "measured", '''max = 16
outside = "bands"
bands = [
  { from = 0, to = 1, points = 16 },
  { from = 1, to = 2, from_inclusive = false, points = 12 },
  { from = 2, to = 3, from_inclusive = false, points = 8 },
  { from = 3, from_inclusive = false, points = 0 },
]''')


@pytest.mark.parametrize("value, expected", [
    ("0", D("16.00")), ("1", D("16.00")),     # band I, inclusive both ends
    ("1.01", D("12.00")), ("2", D("12.00")),  # band II (1, 2]
    ("2.5", D("8.00")), ("3.2", D("0.00")),   # band III, IV
    ("-0.5", D("0.00")),                      # in no band: 0
])
def test_measured_bands_first_match_wins(value, expected):
    assert points(rule(WELD_BANDS), [("e1", "cap", value)], "cap") == expected


def test_measured_several_values_are_averaged():
    r = rule(measured("per_unit", "unit_size = 0.01\ndeduction = 1"))
    # (29.96 + 29.98) / 2 = 29.97, 0.009 beyond -> one unit -> 14
    rows = [("e1", "od", "29.96", "a"), ("e1", "od", "29.98", "b")]
    assert points(r, rows, "od") == D("14.00")


# ---------------------------------------------------------------- checklist

CHECK = crit("wash", "checklist", '''max = 5
items = [ { id = "temp", name = "试水温", points = 2 },
          { id = "face", name = "洗脸顺序", points = 3 } ]''')


def test_checklist_items_full_points_or_nothing():
    # temp done (2), face not done (0) -> 2
    rows = [("e1", "wash.temp", "1"), ("e1", "wash.face", "0")]
    assert points(rule(CHECK), rows, "wash") == D("2.00")


def test_checklist_with_several_judges_counts_an_item_if_at_least_half_say_yes():
    r = rule(CHECK.replace("max = 5", "max = 5\njudges = 2"))
    # temp: 1 + 0 -> half say yes -> counts (2); face: 0 + 0 -> no
    rows = [("e1", "wash.temp", "1", "a"), ("e1", "wash.temp", "0", "b"),
            ("e1", "wash.face", "0", "a"), ("e1", "wash.face", "0", "b")]
    st = compute_standings(r, marks(*rows))
    assert st.row("e1").criteria["wash"] == D("2.00")
    assert st.row("e1").raw["wash"] == 1
    assert st.row("e1").complete is True


# ---------------------------------------------------------------- timed

TIMED = crit("time", "timed", 'max = 10\nlimit = 1200\ndeduction_per_minute = 1\n'
                              'hard_limit = 1500\nover_hard_limit = "{over}"')


@pytest.mark.parametrize("seconds, expected", [
    ("1100", D("10.00")),   # under the limit
    ("1200", D("10.00")),   # exactly the limit
    ("1201", D("9.00")),    # 1 s over: one started minute -> -1
    ("1260", D("9.00")),    # 60 s over: one minute
    ("1261", D("8.00")),    # 61 s over: two started minutes
    ("21:30", D("8.00")),   # m:ss, 1290 s: 90 s over -> 2 minutes
    ("1500", D("5.00")),    # at the hard limit: 300 s -> 5 minutes
    ("1501", D("0.00")),    # beyond the hard limit: 0
])
def test_timed_limit_started_minutes(seconds, expected):
    assert points(rule(TIMED.format(over="zero")), [("e1", "time", seconds)], "time") == expected


def test_timed_over_hard_limit_component_zero_and_disqualify():
    components = ('[[components]]\nid = "c"\nname = "C"\n'
                  '[[components]]\nid = "d"\nname = "D"\n')
    other = crit("exam", "judged", "max = 50", component="d")
    r = rule(TIMED.format(over="component_zero") + crit("x", "count", "max = 5\nper_unit = 1")
             + other, components=components)
    # time over the hard limit zeroes component c (count 3 too); d keeps 40
    st = compute_standings(r, marks(("e1", "time", "1600"), ("e1", "x", "3"),
                                    ("e1", "exam", "40")))
    assert st.row("e1").components == {"c": D("0.00"), "d": D("40.00")}
    assert st.row("e1").total == D("40.00")
    r = rule(TIMED.format(over="disqualify"))
    st = compute_standings(r, marks(("e1", "time", "1600"), ("e2", "time", "1300")))
    assert (st.row("e1").status, st.row("e1").rank) == ("disqualified", None)
    assert st.row("e2").rank == 1


def test_timed_relative_max_times_fastest_over_own():
    r = rule(crit("slalom", "timed", 'mode = "relative"\nmax = 25'))
    # fastest 80 s: 25 x 80/80 = 25; 25 x 80/100 = 20; 25 x 80/120 = 16.666.. -> 16.67
    rows = [("e1", "slalom", "80"), ("e2", "slalom", "100"), ("e3", "slalom", "120")]
    st = compute_standings(r, marks(*rows))
    assert [st.row(e).criteria["slalom"] for e in ("e1", "e2", "e3")] == [
        D("25.00"), D("20.00"), D("16.67")]


def test_timed_relative_best_of_two_attempts_is_the_shorter_time():
    r = rule(crit("slalom", "timed", 'mode = "relative"\nmax = 25\nattempts = 2'))
    # e1 best 90 (of 95, 90), e2 best 100 -> 25 and 25 x 90/100 = 22.5
    rows = [("e1", "slalom", "95", None, 1), ("e1", "slalom", "90", None, 2),
            ("e2", "slalom", "100", None, 1)]
    st = compute_standings(r, marks(*rows))
    assert st.row("e1").criteria["slalom"] == D("25.00")
    assert st.row("e2").criteria["slalom"] == D("22.50")
    assert st.row("e1").raw["slalom"] == D("90")


# ---------------------------------------------------------------- count

def test_count_points_per_unit_capped():
    r = rule(crit("pieces", "count", "max = 20\nper_unit = 0.5\nstep = 1"))
    # 30 pieces x 0.5 = 15; 50 x 0.5 = 25 -> capped at max 20
    assert points(r, [("e1", "pieces", "30")], "pieces") == D("15.00")
    assert points(r, [("e1", "pieces", "50")], "pieces") == D("20.00")


def test_count_defects_against_a_base_with_a_floor():
    r = rule(crit("poles", "count", "max = 15\nbase = 15\nper_unit = -3"))
    # 15 - 3 x 2 = 9; 15 - 3 x 6 = -3 -> floor 0
    assert points(r, [("e1", "poles", "2")], "poles") == D("9.00")
    assert points(r, [("e1", "poles", "6")], "poles") == D("0.00")


def test_count_rate_against_a_reference():
    r = rule(crit("wpm", "count", "max = 20\nbase = 10\nreference = 40\nper_unit = 0.5"))
    # 10 + (52 - 40) x 0.5 = 16
    assert points(r, [("e1", "wpm", "52")], "wpm") == D("16.00")


# ---------------------------------------------------------------- adjustment

def test_adjustment_adds_signed_points_capped_and_outside_the_component_max():
    components = '[[components]]\nid = "c"\nname = "C"\nweight = 100\nmax = 10\n'
    body = crit("x", "judged", "max = 10") + crit("adj", "adjustment", "min = -5\nmax = 5")
    r = rule(body, mode="weighted", components=components)
    # 6 + 3 - 1 = 8 ; component 8 / 10 x 100 = 80.00
    rows = [("e1", "x", "6"), ("e1", "adj", "3"), ("e1", "adj", "-1")]
    assert compute_standings(r, marks(*rows)).row("e1").total == D("80.00")
    # 9 + 5 = 14 -> component capped at its max 10 -> 100.00
    rows = [("e1", "x", "9"), ("e1", "adj", "5")]
    assert compute_standings(r, marks(*rows)).row("e1").total == D("100.00")


# ---------------------------------------------------------------- deductions

SAFETY = crit("safety", "deductions", '''max = {max}
{cap}
violations = [
  {{ code = "no_overalls", name = "未穿工作服", points = 3 }},
  {{ code = "button", name = "纽扣未扣", points = 1 }},
  {{ code = "injury", name = "伤害", veto = "{veto}" }},
]''')


def safety(max_="10", cap="", veto="disqualify", extra=""):
    return rule(SAFETY.format(max=max_, cap=cap, veto=veto) + extra)


def test_deductions_item_worth_max_down_to_zero():
    # 10 - 3 (overalls) - 2 x 1 (two buttons) = 5; both address forms
    rows = [("e1", "safety", "no_overalls", "a"), ("e1", "safety.button", "2", "a")]
    st = compute_standings(safety(), marks(*rows))
    assert st.row("e1").criteria["safety"] == D("5.00")
    assert st.row("e1").deductions == D("5")
    # 4 x 3 = 12 > 10: stops at 0 (扣完为止，不得负分)
    assert points(safety(), [("e1", "safety.no_overalls", "4")], "safety") == D("0.00")


def test_deductions_recorded_by_two_judges_count_once():
    rows = [("e1", "safety", "no_overalls", "a"), ("e1", "safety", "no_overalls", "b")]
    assert points(safety(), rows, "safety") == D("7.00")


def test_deductions_with_max_zero_subtract_from_the_component_up_to_cap():
    extra = crit("work", "judged", "max = 20")
    r = safety(max_="0", cap="cap = 4", extra=extra)
    # 15 - min(3 + 3, cap 4) = 11
    rows = [("e1", "work", "15"), ("e1", "safety.no_overalls", "2")]
    st = compute_standings(r, marks(*rows))
    assert st.row("e1").criteria["safety"] == D("-4.00")
    assert st.row("e1").total == D("11.00")


@pytest.mark.parametrize("veto, status, total, rank", [
    ("component_zero", "ok", D("0.00"), 1),
    ("total_zero", "ok", D("0.00"), 1),
    ("disqualify", "disqualified", D("25.00"), None),
])
def test_deduction_vetoes(veto, status, total, rank):
    r = safety(veto=veto, extra=crit("work", "judged", "max = 20"))
    # without the veto: 15 + 10 = 25
    rows = [("e1", "work", "15"), ("e1", "safety", "injury")]
    row = compute_standings(r, marks(*rows)).row("e1")
    assert (row.status, row.total, row.rank) == (status, total, rank)


# ---------------------------------------------------------------- attempts and factor

@pytest.mark.parametrize("how, expected", [
    ("best", D("9.00")),   # max(6, 9, 7)
    ("sum", D("22.00")),   # 6 + 9 + 7
    ("mean", D("7.33")),   # 22 / 3 = 7.333..
    ("last", D("7.00")),   # attempt 3
])
def test_attempt_aggregates(how, expected):
    r = rule(crit("throw", "judged", f'max = 10\nattempts = 3\nattempt_aggregate = "{how}"'))
    rows = [("e1", "throw", "6", None, 1), ("e1", "throw", "9", None, 2),
            ("e1", "throw", "7", None, 3)]
    assert points(r, rows, "throw") == expected


def test_factor_scales_the_points_before_rounding():
    # welding visual sheet: 100 points x 0.125 -> 87 x 0.125 = 10.875 -> 10.88
    r = rule(crit("visual", "judged", "max = 100\nfactor = 0.125"))
    assert points(r, [("e1", "visual", "87")], "visual") == D("10.88")


def test_a_mean_scaled_to_the_max_stays_exact():
    # (7 + 7 + 8) / 3 x 30 / 10 = 22 exactly (7.333.. x 3 must not become 21.99..)
    # and at 1 decimal: (7 + 7 + 8.5) / 3 = 7.5; x 3 / 10 = 2.25 -> 2.3 (half up, not 2.2)
    r = rule(crit("a", "judged", "judges = 3\nmax = 30\nscale_max = 10\nstep = 0.5"))
    assert points(r, [("e1", "a", "7", "x"), ("e1", "a", "7", "y"), ("e1", "a", "8", "z")],
                  "a") == D("22.00")
    r = rule(crit("a", "judged", "judges = 3\nmax = 3\nscale_max = 10\nstep = 0.5\n"
                                 "decimals = 1"))
    assert points(r, [("e1", "a", "7", "x"), ("e1", "a", "7", "y"), ("e1", "a", "8.5", "z")],
                  "a") == D("2.3")


UNDERCUT = crit("undercut", "measured", '''max = 20
unit = "mm"
measures = [ { id = "depth", name = "咬边深度" }, { id = "length", name = "咬边累计长度" } ]
outside = "bands"
bands = [
  { when = { depth = { to = 0 }, length = { to = 0 } }, points = 20 },
  { when = { depth = { to = 0.5 }, length = { to = 15 } }, points = 14 },
  { when = { depth = { to = 0.5 }, length = { from = 15, from_inclusive = false, to = 30 } }, points = 8 },
]''')


@pytest.mark.parametrize("depth, length, expected", [
    ("0", "0", D("20.00")),      # no undercut
    ("0.3", "12", D("14.00")),   # depth <= 0.5 and length <= 15
    ("0.5", "15", D("14.00")),   # both at the inclusive edge
    ("0.4", "22", D("8.00")),    # depth <= 0.5 and 15 < length <= 30
    ("0.4", "31", D("0.00")),    # longer than 30: no band -> 0
    ("0.6", "5", D("0.00")),     # deeper than 0.5: no band -> 0
])
def test_measured_with_two_measures_matches_bands_on_both(depth, length, expected):
    rows = [("e1", "undercut.depth", depth), ("e1", "undercut.length", length)]
    assert points(rule(UNDERCUT), rows, "undercut") == expected


def test_measured_with_two_measures_needs_both():
    st = compute_standings(rule(UNDERCUT), marks(("e1", "undercut.depth", "0")))
    assert st.row("e1").criteria["undercut"] == D("0.00")
    assert st.row("e1").complete is False
