"""Totals, rounding, ranking with tie-breaks, awards and titles, worked by hand."""
import json

import pytest

from competition.scoring import compute_standings

from .helpers import D, crit, marks, rule

WEIGHTED = ('[[components]]\nid = "theory"\nname = "理论"\nweight = 30\nmax = 100\n'
            '[[components]]\nid = "practical"\nname = "实操"\nweight = 70\nmax = 100\n')
THEORY_PRACTICAL = (crit("exam", "judged", "max = 100\nstep = 0.01", component="theory")
                    + crit("task", "judged", "max = 90\nstep = 0.01", component="practical")
                    + crit("time", "timed", "max = 10\nlimit = 600\ndeduction_per_minute = 1",
                           component="practical"))


def tp_rule(scoring: str = "", awards: str = ""):
    return rule(THEORY_PRACTICAL, mode="weighted", components=WEIGHTED, scoring=scoring,
                awards=awards)


def tp_marks(entry, exam, task, time="600"):
    return [(entry, "exam", exam), (entry, "task", task), (entry, "time", time)]


def test_weighted_total_is_theory_30_percent_plus_practical_70_percent():
    # theory 80.15 x 0.3 = 24.045; practical 76 + 10 = 86 x 0.7 = 60.2; 84.245 -> 84.25
    # (banker's rounding would give 84.24)
    st = compute_standings(tp_rule(), marks(*tp_marks("e1", "80.15", "76")))
    row = st.row("e1")
    assert row.components == {"theory": D("80.15"), "practical": D("86.00")}
    assert row.total == D("84.25")


def test_rounding_is_half_up_at_two_places():
    # sum mode, criterion kept at 3 places: 84.445 -> total 84.45 (not 84.44)
    r = rule(crit("x", "judged", "max = 100\nstep = 0.001"),
             scoring="criterion_decimals = 3\ncomponent_decimals = 3\ndecimals = 2")
    st = compute_standings(r, marks(("e1", "x", "84.445"), ("e2", "x", "84.435")))
    assert st.row("e1").total == D("84.45")
    assert st.row("e2").total == D("84.44")   # 84.435 -> 84.44 (half up, not to even 84.44)


def test_criterion_decimals_override_per_criterion():
    # 2/3 x 10 = 6.666..: default 2 places -> 6.67; decimals = 0 -> 7
    body = (crit("a", "judged", "max = 10\nscale_max = 3")
            + crit("b", "judged", "max = 10\nscale_max = 3\ndecimals = 0"))
    st = compute_standings(rule(body), marks(("e1", "a", "2"), ("e1", "b", "2")))
    assert st.row("e1").criteria == {"a": D("6.67"), "b": D("7")}
    assert st.row("e1").total == D("13.67")


def test_sum_mode_total_is_the_plain_sum_of_criteria_points():
    body = crit("a", "judged", "max = 10") + crit("b", "count", "max = 5\nper_unit = 1")
    st = compute_standings(rule(body), marks(("e1", "a", "7.5"), ("e1", "b", "3")))
    assert st.row("e1").total == D("10.50")


# ---------------------------------------------------------------- ranking

def test_standard_competition_ranking_1_2_2_4():
    r = rule(crit("a", "judged", "max = 100"))
    st = compute_standings(r, marks(("w", "a", "90"), ("x", "a", "80"), ("y", "a", "80"),
                                    ("z", "a", "70")))
    assert [(row.entry, row.rank) for row in st.rows] == [
        ("w", 1), ("x", 2), ("y", 2), ("z", 4)]


@pytest.mark.parametrize("chain, expected", [
    # equal totals 84.25 (see above); tie-break on the practical score, higher first:
    # b: theory 80.15, practical 86 ; c: theory 87.15, practical 83 -> 26.145 + 58.1 = 84.245
    (['"practical desc"'], [("b", 1), ("c", 2)]),
    (['"theory desc"'], [("c", 1), ("b", 2)]),
    # practical asc puts c first
    (['"practical asc"'], [("c", 1), ("b", 2)]),
    # no chain: a shared rank, listed by entry id
    ([], [("b", 1), ("c", 1)]),
])
def test_tie_break_on_components(chain, expected):
    r = tp_rule(scoring=f"tie_break = [{', '.join(chain)}]")
    rows = tp_marks("b", "80.15", "76") + tp_marks("c", "87.15", "73")
    st = compute_standings(r, marks(*rows))
    assert st.row("b").total == st.row("c").total == D("84.25")
    assert [(row.entry, row.rank) for row in st.rows] == expected


def test_tie_break_chain_falls_through_to_time_then_deductions():
    body = (crit("work", "judged", "max = 80")
            + crit("time", "timed", 'mode = "relative"\nmax = 10\nfactor = 0')
            .replace("factor = 0", "decimals = 2")
            + crit("safety", "deductions", 'max = 10\nviolations = [ { code = "v", '
                                           'name = "V", points = 2 } ]'))
    chain = 'tie_break = ["work desc", "time.raw asc", "deductions asc"]'
    r = rule(body, scoring=chain)
    rows = [
        # p: 70 + 10 (fastest) + 10 = 90
        ("p", "work", "70"), ("p", "time", "100"),
        # q: 72 + 10 x 100/125 = 8 + 10 = 90, higher work -> ahead of p
        ("q", "work", "72"), ("q", "time", "125"),
        # s: 72 + 8 (same time as q) + 10 = 90: same work, same time, no deductions... tie q
        ("s", "work", "72"), ("s", "time", "125"),
        # u: 74 + 8 + 10 - 2 = 90: highest work
        ("u", "work", "74"), ("u", "time", "125"), ("u", "safety", "v"),
    ]
    st = compute_standings(r, marks(*rows))
    assert {row.entry: row.total for row in st.rows} == {
        "p": D("90.00"), "q": D("90.00"), "s": D("90.00"), "u": D("90.00")}
    assert [(row.entry, row.rank) for row in st.rows] == [
        ("u", 1), ("q", 2), ("s", 2), ("p", 4)]


def test_tie_break_on_raw_time_and_deductions():
    body = (crit("work", "judged", "max = 80")
            + crit("time", "timed", "max = 10\nlimit = 600\ndeduction_per_minute = 1")
            + crit("safety", "deductions", 'max = 10\nviolations = [ { code = "v", '
                                           'name = "V", points = 2 } ]'))
    r = rule(body, scoring='tie_break = ["time.raw asc", "deductions asc"]')
    rows = [
        ("a", "work", "70"), ("a", "time", "500"),                        # 70 + 10 + 10 = 90
        ("b", "work", "72"), ("b", "time", "400"), ("b", "safety", "v"),  # 72 + 10 + 8 = 90
        ("c", "work", "72"), ("c", "time", "500"), ("c", "safety", "v"),  # 90, 500 s, -2
    ]
    st = compute_standings(r, marks(*rows))
    # b fastest; a and c both 500 s, a has fewer deductions
    assert [(row.entry, row.rank) for row in st.rows] == [("b", 1), ("a", 2), ("c", 3)]


def test_missing_raw_value_sorts_last_in_a_tie_break():
    body = crit("work", "judged", "max = 80") + crit("time", "count", "max = 0\nper_unit = 0")
    r = rule(body.replace("max = 0", "max = 1"),
             scoring='tie_break = ["time.raw desc"]')
    rows = [("a", "work", "50"), ("b", "work", "50"), ("b", "time", "0")]
    st = compute_standings(r, marks(*rows))
    assert [(row.entry, row.rank) for row in st.rows] == [("b", 1), ("a", 2)]


def test_disqualified_and_absent_entries_get_no_rank_and_come_last():
    r = rule(crit("a", "judged", "max = 100"))
    st = compute_standings(r, marks(("x", "a", "50"), ("y", "a", "99"), ("z", "a", "60")),
                           entries=["x", "y", "z", "gone"], disqualified=["y"])
    assert [(row.entry, row.rank, row.status) for row in st.rows] == [
        ("z", 1, "ok"), ("x", 2, "ok"), ("y", None, "disqualified"),
        ("gone", None, "absent")]


def test_complete_means_every_expected_mark_is_there():
    r = rule(crit("a", "judged", "max = 10\njudges = 2") + crit("b", "count",
                                                             "max = 5\nper_unit = 1"))
    st = compute_standings(r, marks(("x", "a", "5", "j1"), ("x", "a", "6", "j2"),
                                    ("x", "b", "2"), ("y", "a", "5", "j1")))
    assert st.row("x").complete is True
    assert st.row("y").complete is False
    assert set(st.row("y").notes) == {"a: 1 of 2 marks", "b: not counted"}


def test_to_dict_is_json_friendly_with_decimals_as_strings():
    st = compute_standings(tp_rule(), marks(*tp_marks("e1", "80.15", "76")))
    data = json.loads(json.dumps(st.to_dict()))
    assert data["rule_code"] == "t"
    assert data["rows"][0]["total"] == "84.25"
    assert data["rows"][0]["components"]["practical"] == "86.00"
    assert data["rows"][0]["raw"]["time"] == "600"


# ---------------------------------------------------------------- awards and titles

AWARDS = '''[awards]
basis = "count"
levels = [
  { name = "一等奖", count = 1, min_total = 80 },
  { name = "二等奖", count = 2, min_total = 70 },
  { name = "三等奖", count = 3, min_total = 60 },
]
titles = [ { name = "县技术能手", top = 2, min_total = 85 } ]
'''


def scored(totals: dict[str, str], awards: str = AWARDS, **kw):
    r = rule(crit("a", "judged", "max = 100\nstep = 0.5"), awards=awards)
    return compute_standings(r, marks(*[(e, "a", v) for e, v in totals.items()]), **kw)


def awards_of(st):
    return {row.entry: row.award for row in st.rows}


def test_awards_by_cumulative_count():
    # ranks 1..7: 1 first, 2-3 second, 4-6 third, 7 nothing
    st = scored({"a": "95", "b": "90", "c": "88", "d": "80", "e": "75", "f": "70", "g": "65"})
    assert awards_of(st) == {"a": "一等奖", "b": "二等奖", "c": "二等奖", "d": "三等奖",
                             "e": "三等奖", "f": "三等奖", "g": None}


def test_a_tie_at_a_prize_boundary_gives_everyone_the_higher_award():
    # b, c, d share rank 2; second prize covers positions 2-3 -> all three get it;
    # e is rank 5 (third covers 4-6)
    st = scored({"a": "95", "b": "90", "c": "90", "d": "90", "e": "75"})
    assert awards_of(st) == {"a": "一等奖", "b": "二等奖", "c": "二等奖", "d": "二等奖",
                             "e": "三等奖"}
    # a tie for first: both first prize
    st = scored({"a": "95", "b": "95", "c": "90"})
    assert awards_of(st) == {"a": "一等奖", "b": "一等奖", "c": "二等奖"}


def test_min_total_falls_through_to_the_highest_lower_level_it_meets():
    # a 78 is first but below 80 -> second (>= 70); b 65 -> third (>= 60); c 55: nothing
    st = scored({"a": "78", "b": "65", "c": "55"})
    assert awards_of(st) == {"a": "二等奖", "b": "三等奖", "c": None}


def test_titles_need_the_place_and_the_minimum():
    st = scored({"a": "95", "b": "84", "c": "90"})
    assert {row.entry: row.titles for row in st.rows} == {
        "a": ("县技术能手",), "c": ("县技术能手",), "b": ()}


PERCENT = '''[awards]
basis = "percent"
percent_rounding = "{rounding}"
levels = [
  {{ name = "一等奖", percent = 10 }},
  {{ name = "二等奖", percent = 20 }},
  {{ name = "三等奖", percent = 30 }},
]
'''


@pytest.mark.parametrize("rounding, first, second, third", [
    # 15 ranked finishers (the disqualified one does not count): 10% = 1.5, 20% = 3,
    # 30% = 4.5; each level's count is rounded, then counts are cumulative
    ("half_up", 2, 3, 5),    # 2 | 2+3 = 5 | 5+5 = 10
    ("floor", 1, 3, 4),      # 1 | 4 | 8
    ("ceil", 2, 3, 5),       # 2 | 5 | 10
])
def test_awards_by_percent_of_ranked_finishers(rounding, first, second, third):
    totals = {f"e{i:02d}": str(100 - i) for i in range(15)}
    st = scored(totals | {"dq": "99.5"}, awards=PERCENT.format(rounding=rounding),
                disqualified=["dq"])
    got = [row.award for row in st.rows if row.status == "ok"]
    assert got.count("一等奖") == first
    assert got.count("二等奖") == second
    assert got.count("三等奖") == third


def test_disqualified_entries_are_not_finishers_for_percent_awards():
    # 10 finishers + 5 absent: 10% of 10 = 1 first prize (not 1.5 -> 2)
    totals = {f"e{i}": str(90 - i) for i in range(10)}
    r = rule(crit("a", "judged", "max = 100"), awards=PERCENT.format(rounding="half_up"))
    st = compute_standings(r, marks(*[(e, "a", v) for e, v in totals.items()]),
                           entries=[f"x{i}" for i in range(5)])
    assert [row.award for row in st.rows].count("一等奖") == 1


def test_to_dict_shortens_long_raw_values_but_ranking_uses_them_exactly():
    r = rule(crit("a", "judged", "judges = 3\nmax = 10"))
    st = compute_standings(r, marks(("e", "a", "7", "x"), ("e", "a", "7", "y"),
                                    ("e", "a", "8", "z")))
    assert st.row("e").raw["a"] == D(22) / 3
    assert st.to_dict()["rows"][0]["raw"]["a"] == "7.3333"


def test_a_contribution_is_exact_when_weight_over_max_does_not_terminate():
    # theory weight 10 of max 30: 0.015 x 10 / 30 = 0.005 exactly -> 0.01 (half up).
    # Multiplying by a rounded 1/3 = 0.333...3 first would give 0.00499.. -> 0.00.
    components = ('[[components]]\nid = "t"\nname = "T"\nweight = 10\nmax = 30\n'
                  '[[components]]\nid = "p"\nname = "P"\nweight = 90\nmax = 10\n')
    body = (crit("exam", "judged", "max = 30\nstep = 0.001", component="t")
            + crit("task", "judged", "max = 10", component="p"))
    r = rule(body, mode="weighted", components=components,
             scoring="criterion_decimals = 3\ncomponent_decimals = 3")
    st = compute_standings(r, marks(("e", "exam", "0.015"), ("e", "task", "0")))
    assert st.row("e").total == D("0.01")


def test_an_entry_disqualified_before_any_mark_is_disqualified_not_absent():
    r = rule(crit("a", "judged", "max = 100"))
    st = compute_standings(r, marks(("x", "a", "50")), entries=["x", "y", "z"],
                           disqualified=["y"])
    assert [(row.entry, row.status) for row in st.rows] == [
        ("x", "ok"), ("y", "disqualified"), ("z", "absent")]
