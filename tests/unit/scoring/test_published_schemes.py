"""The scoring schemes that published competition rules use, each as a small worked
example computed by hand (fictional contestants E1, E2, ...). One test per scheme; the
comment above the asserts is the hand computation. The rule-format README points here.

Schemes: WorldSkills measurement + judgement; trimmed means (5 and 7 judges); the
trimmed mean of each judge's *total* (judge_totals); theory 30 % + practical 70 % with
each part scaled from its own maximum, rounding each part or only the total; deductions
with a floor and a cap; time as a tie-break, as points (relative, linear to a cutoff, by
place) and as an overtime penalty; shared vs dense ranks and a tie-break chain; awards by
count, by percent (each level or cumulative), by score threshold; disqualified/absent.
"""
from decimal import Decimal

import pytest

from competition.rules import RuleError
from competition.scoring import compute_standings

from .helpers import D, crit, marks, rule

TP = ('[[components]]\nid = "theory"\nname = "理论"\nweight = 30\nmax = 100\n'
      '[[components]]\nid = "practical"\nname = "实操"\nweight = 70\nmax = 150\n')


# ------------------------------------------------------------------ WorldSkills

def test_worldskills_measurement_and_judgement_aspects():
    # Measurement aspects: all or nothing (checklist items with their max marks).
    # Judgement aspects: 3 experts score 0-3; mark = mean / 3 x max.
    body = (crit("m", "checklist", 'max = 3.5\nitems = [ { id = "a", name = "A", points = 1.5 },'
                 ' { id = "b", name = "B", points = 2 } ]')
            + crit("j1", "judged", "max = 3\nscale_max = 3\nstep = 1\njudges = 3")
            + crit("j2", "judged", "max = 2\nscale_max = 3\nstep = 1\njudges = 3"))
    r = rule(body)
    st = compute_standings(r, marks(("E1", "m.a", "1"), ("E1", "m.b", "0"),
                                    ("E1", "j1", "2", "x1"), ("E1", "j1", "3", "x2"),
                                    ("E1", "j1", "2", "x3"),
                                    ("E1", "j2", "1", "x1"), ("E1", "j2", "1", "x2"),
                                    ("E1", "j2", "2", "x3")))
    row = st.row("E1")
    # m: a met (1.5), b not (0) -> 1.50
    # j1: (2 + 3 + 2) / 3 = 2.333.. of 3 -> x 3 / 3 = 2.333.. -> 2.33
    # j2: (1 + 1 + 2) / 3 = 1.333.. of 3 -> x 2 / 3 = 0.888.. -> 0.89
    # total 1.50 + 2.33 + 0.89 = 4.72 (each aspect rounded to 2 places, then added)
    assert row.criteria == {"m": D("1.50"), "j1": D("2.33"), "j2": D("0.89")}
    assert row.total == D("4.72")


# ------------------------------------------------------------------ judges' marks

@pytest.mark.parametrize("judges, trim, values, expected", [
    # 去掉一个最高分和一个最低分: 6.0 and 9.5 dropped, (8 + 8.5 + 9) / 3 = 8.50
    (5, 1, ["8", "8.5", "9", "9.5", "6"], "8.50"),
    # 7 judges, 2 dropped at each end: 7, 8 and 9.5, 10 dropped; (8.5 + 9 + 9) / 3 = 8.833..
    (7, 2, ["7", "8", "8.5", "9", "9", "9.5", "10"], "8.83"),
])
def test_trimmed_mean_per_criterion(judges, trim, values, expected):
    r = rule(crit("x", "judged", f'max = 10\nstep = 0.5\njudges = {judges}\n'
                                 f'aggregate = "trimmed_mean"\ntrim = {trim}'))
    rows = [("E1", "x", v, f"j{i}") for i, v in enumerate(values)]
    assert compute_standings(r, marks(*rows)).row("E1").criteria["x"] == D(expected)


JUDGE_SHEET = ('[[components]]\nid = "dish"\nname = "热菜"\n'
               'judge_totals = "trimmed_mean"\ntrim = 1\n')


def dish_rule(components: str = JUDGE_SHEET):
    body = "".join(crit(c, "judged", f'max = {m}\njudges = 5\naggregate = "trimmed_mean"\n'
                                     f'trim = 1', component="dish")
                   for c, m in (("taste", 40), ("knife", 30), ("plating", 30)))
    return rule(body, components=components)


SHEETS = {   # judge -> (taste, knife, plating): each judge fills one sheet of 100
    "j1": (35, 25, 26), "j2": (38, 27, 28), "j3": (30, 20, 30), "j4": (36, 26, 27),
    "j5": (37, 24, 25)}


def sheet_marks():
    return marks(*[("E1", c, str(v), j) for j, vs in SHEETS.items()
                   for c, v in zip(("taste", "knife", "plating"), vs)])


def test_trimmed_mean_of_each_judges_total():
    # Judges' totals: j1 86, j2 93, j3 80, j4 89, j5 86. Drop the highest (93) and the
    # lowest (80): (86 + 89 + 86) / 3 = 87.00.
    row = compute_standings(dish_rule(), sheet_marks()).row("E1")
    assert row.components["dish"] == D("87.00")
    assert row.total == D("87.00")
    # The criteria still show their own trimmed means (display only): taste 30,35,36,37,38
    # -> 36; knife 20,24,25,26,27 -> 25; plating 25,26,27,28,30 -> 27 (sum 88, which is
    # what trimming per criterion would give: different judges are dropped per criterion).
    assert row.criteria == {"taste": D("36.00"), "knife": D("25.00"), "plating": D("27.00")}
    per_criterion = dish_rule('[[components]]\nid = "dish"\nname = "热菜"\n')
    assert compute_standings(per_criterion, sheet_marks()).row("E1").total == D("88.00")


def test_judge_totals_with_a_mean_and_with_other_criteria_in_the_component():
    # mean of the totals: (86 + 93 + 80 + 89 + 86) / 5 = 86.80; a deductions item in the
    # same component (hygiene, max 0: subtracts) is added after: 86.80 - 2 = 84.80.
    comp = '[[components]]\nid = "dish"\nname = "热菜"\njudge_totals = "mean"\n'
    body = ("".join(crit(c, "judged", f"max = {m}\njudges = 5", component="dish")
                    for c, m in (("taste", 40), ("knife", 30), ("plating", 30)))
            + crit("hygiene", "deductions", 'max = 0\nviolations = [ { code = "hair", '
                                            'name = "未戴帽", points = 2 } ]', component="dish"))
    r = rule(body, components=comp)
    st = compute_standings(r, sheet_marks() + marks(("E1", "hygiene", "hair", "chief")))
    assert st.row("E1").components["dish"] == D("84.80")


@pytest.mark.parametrize("components, message", [
    ('judge_totals = "trimmed_mean"\n', "judge_totals = 'trimmed_mean' needs trim >= 1"),
    ('judge_totals = "trimmed_mean"\ntrim = 3\n', "leaves no total"),
    ('judge_totals = "mean"\ntrim = 1\n', "trim applies to judge_totals = 'trimmed_mean'"),
    ('trim = 1\n', "trim applies to judge_totals"),
])
def test_judge_totals_checks(components, message):
    with pytest.raises(RuleError) as err:
        dish_rule('[[components]]\nid = "dish"\nname = "热菜"\n' + components)
    assert message in str(err.value)


# ------------------------------------------------------------------ weighting and rounding

def tp_rule(scoring: str = ""):
    body = (crit("exam", "judged", "max = 100\nstep = 0.05", component="theory")
            + crit("task", "judged", "max = 150\nstep = 0.5", component="practical"))
    return rule(body, mode="weighted", components=TP, scoring=scoring)


def test_theory_30_practical_70_each_part_scaled_from_its_own_max():
    # practical out of 150: 137.5 / 150 x 70 = 64.1666..; theory 80.15 x 30 / 100 = 24.045
    # total 88.2116.. -> 88.21 (only the total is rounded: the default)
    st = compute_standings(tp_rule(), marks(("E1", "exam", "80.15"), ("E1", "task", "137.5")))
    assert st.row("E1").components == {"theory": D("80.15"), "practical": D("137.50")}
    assert st.row("E1").total == D("88.21")
    assert st.row("E1").contributions == {}


def test_each_weighted_part_rounded_before_adding():
    # contribution_decimals = 2: 24.045 -> 24.05 and 64.1666.. -> 64.17, total 88.22
    # (one hundredth more than rounding only the total)
    st = compute_standings(tp_rule("contribution_decimals = 2"),
                           marks(("E1", "exam", "80.15"), ("E1", "task", "137.5")))
    row = st.row("E1")
    assert row.contributions == {"theory": D("24.05"), "practical": D("64.17")}
    assert row.total == D("88.22")
    assert row.to_dict()["contributions"] == {"theory": "24.05", "practical": "64.17"}
    # truncated parts (去尾): 24.04 + 64.16 = 88.20
    st = compute_standings(tp_rule('contribution_decimals = 2\ncontribution_rounding = "down"'),
                           marks(("E1", "exam", "80.15"), ("E1", "task", "137.5")))
    assert st.row("E1").total == D("88.20")


def test_rounding_at_one_decimal_per_level():
    # criterion 2/3 x 10 = 6.666.. -> 6.7 (criterion_decimals = 1); two of them 13.4;
    # the total at 1 place stays 13.4. With criterion_decimals = 2: 6.67 + 6.67 = 13.34
    # -> component 13.34 -> total at 1 place 13.3.
    body = (crit("a", "judged", "max = 10\nscale_max = 3")
            + crit("b", "judged", "max = 10\nscale_max = 3"))
    m = marks(("E1", "a", "2"), ("E1", "b", "2"))
    one = rule(body, scoring="criterion_decimals = 1\ncomponent_decimals = 1\ndecimals = 1")
    two = rule(body, scoring="criterion_decimals = 2\ncomponent_decimals = 2\ndecimals = 1")
    assert compute_standings(one, m).row("E1").total == D("13.4")
    assert compute_standings(two, m).row("E1").total == D("13.3")


# ------------------------------------------------------------------ deductions

def test_deductions_stop_at_zero_and_parts_never_go_negative():
    # safety item worth 10: four violations x 3 = 12 -> capped at 10 -> item 0 (扣完为止)
    # penalty item (max 0) of 8 on a component of 5 points: component 0, not -3
    body = (crit("work", "judged", "max = 5")
            + crit("safety", "deductions", 'max = 10\nviolations = [ { code = "v", name = "V",'
                                           ' points = 3 } ]')
            + crit("penalty", "deductions", 'max = 0\nviolations = [ { code = "p", name = "P",'
                                            ' points = 8 } ]', component="d")
            + crit("work2", "judged", "max = 5", component="d"))
    comps = ('[[components]]\nid = "c"\nname = "C"\n[[components]]\nid = "d"\nname = "D"\n')
    r = rule(body, components=comps)
    st = compute_standings(r, marks(("E1", "work", "5"), ("E1", "safety.v", "4"),
                                    ("E1", "work2", "5"), ("E1", "penalty", "p")))
    row = st.row("E1")
    assert row.criteria["safety"] == D("0.00")
    assert row.components == {"c": D("5.00"), "d": D("0.00")}
    assert row.deductions == D("18")   # 10 (capped) + 8 deducted


# ------------------------------------------------------------------ time

def time_rule(body: str, extra: str = ""):
    return rule(crit("work", "judged", "max = 50") + crit("time", "timed", body) + extra)


def test_time_points_linear_to_a_cutoff():
    # full 10 points up to 600 s, 0 at 900 s, linear between: 750 s -> 10 x 150 / 300 = 5;
    # 700 s -> 10 x 200 / 300 = 6.666.. -> 6.67; 1000 s -> 0
    r = time_rule('mode = "linear"\nmax = 10\nlimit = 600\nzero_at = 900')
    st = compute_standings(r, marks(*[(e, "time", t) for e, t in
                                      (("E1", "500"), ("E2", "750"), ("E3", "700"),
                                       ("E4", "1000"))]))
    assert [st.row(e).criteria["time"] for e in ("E1", "E2", "E3", "E4")] == [
        D("10"), D("5.00"), D("6.67"), D("0")]


def test_time_points_by_place():
    # 10 points for the fastest, 2 less per place, equal times share the place:
    # 300 s -> 10; 320 s, 320 s -> 8, 8; 400 s -> place 4 -> 10 - 3 x 2 = 4; 9 places down
    # would be negative -> 0. An entry without a time: 0.
    r = time_rule('mode = "rank"\nmax = 10\nper_place = 2')
    rows = [("E1", "time", "300"), ("E2", "time", "320"), ("E3", "time", "320"),
            ("E4", "time", "400"), ("E5", "work", "10")]
    st = compute_standings(r, marks(*rows))
    assert [st.row(e).criteria["time"] for e in ("E1", "E2", "E3", "E4", "E5")] == [
        D("10.00"), D("8.00"), D("8.00"), D("4.00"), D("0.00")]
    r = time_rule('mode = "rank"\nmax = 10\nper_place = 2.5')
    rows = [(f"E{i}", "time", str(300 + i)) for i in range(6)]
    st = compute_standings(r, marks(*rows))
    assert st.row("E4").criteria["time"] == D("0.00")   # 10 - 4 x 2.5 = 0
    assert st.row("E5").criteria["time"] == D("0.00")   # 10 - 5 x 2.5 < 0 -> 0


def test_time_relative_to_the_fastest():
    # max x fastest / own: 100 s -> 10; 125 s -> 10 x 100 / 125 = 8
    r = time_rule('mode = "relative"\nmax = 10')
    st = compute_standings(r, marks(("E1", "time", "100"), ("E2", "time", "125")))
    assert (st.row("E1").criteria["time"], st.row("E2").criteria["time"]) == (D("10.00"),
                                                                               D("8.00"))


def test_overtime_penalty_per_started_minute_from_the_part():
    # 超时每分钟扣2分，最多扣10分: max = 0 (no points of its own), limit 1200 s.
    # 1290 s: 90 s over = 2 started minutes = -4 -> 50 - 4 = 46; 1800 s: 10 minutes =
    # 20 -> capped at 10 -> 40; 1150 s: in time -> 50.
    r = time_rule("max = 0\nlimit = 1200\ndeduction_per_minute = 2\ncap = 10")
    rows = [(e, a, v) for e, t in (("E1", "1290"), ("E2", "1800"), ("E3", "1150"))
            for a, v in (("work", "50"), ("time", t))]
    st = compute_standings(r, marks(*rows))
    assert [st.row(e).total for e in ("E1", "E2", "E3")] == [D("46.00"), D("40.00"),
                                                             D("50.00")]
    assert st.row("E1").criteria["time"] == D("-4.00")
    assert st.row("E1").deductions == D("4")


@pytest.mark.parametrize("body, message", [
    ('mode = "linear"\nmax = 10\nlimit = 600', "zero_at: required when mode = 'linear'"),
    ('mode = "linear"\nmax = 10\nlimit = 600\nzero_at = 600', "must be above the limit"),
    ('mode = "rank"\nmax = 10', "per_place: required when mode = 'rank'"),
    ('mode = "relative"\nmax = 0', "max = 0 (a penalty only) needs mode = 'limit'"),
    ("max = 10\nlimit = 600\ncap = 5", "cap is for a penalty only"),
])
def test_time_scheme_checks(body, message):
    with pytest.raises(RuleError) as err:
        time_rule(body)
    assert message in str(err.value)


def test_time_as_a_tie_break():
    # equal totals 60: the shorter time ranks first; the time scores nothing itself
    # (max = 0 and no deduction: a time recorded only for the tie-break)
    r = rule(crit("work", "judged", "max = 60") + crit("time", "timed", "max = 0\nlimit = 900"),
             scoring='tie_break = ["time.raw asc"]')
    st = compute_standings(r, marks(("E1", "work", "60"), ("E1", "time", "800"),
                                    ("E2", "work", "60"), ("E2", "time", "700")))
    assert [(row.entry, row.rank) for row in st.rows] == [("E2", 1), ("E1", 2)]


# ------------------------------------------------------------------ ranks and ties

def ranked(scoring: str, rows, awards: str = ""):
    body = (crit("theory", "judged", "max = 30") + crit("task", "judged", "max = 60")
            + crit("time", "timed", "max = 10\nlimit = 600\ndeduction_per_minute = 1"))
    r = rule(body, scoring=scoring, awards=awards)
    m = [(e, c, v) for e, th, ta, t in rows for c, v in (("theory", th), ("task", ta),
                                                        ("time", t))]
    return compute_standings(r, marks(*m))


FIELD = [("E1", "25", "55", "600"),   # 90
         ("E2", "28", "52", "600"),   # 90
         ("E3", "30", "50", "600"),   # 90
         ("E4", "20", "50", "600")]   # 80


def test_shared_and_dense_ranks():
    # no tie-break: E1, E2, E3 share 1; E4 is 4th (standard) or 2nd (dense)
    st = ranked("", FIELD)
    assert {r.entry: r.rank for r in st.rows} == {"E1": 1, "E2": 1, "E3": 1, "E4": 4}
    st = ranked('rank_method = "dense"', FIELD)
    assert {r.entry: r.rank for r in st.rows} == {"E1": 1, "E2": 1, "E3": 1, "E4": 2}


def test_tie_break_chain_practical_then_time_then_a_named_criterion():
    # all 90: "task desc" puts E1 (55) first; E2 and E3 differ on task too; then the chain
    # is only reached for equal task: E5 and E6 both 90 with task 55 -> time (shorter first)
    rows = FIELD + [("E5", "25", "55", "590")]
    st = ranked('tie_break = ["task desc", "time.raw asc", "theory desc"]', rows)
    assert [(r.entry, r.rank) for r in st.rows] == [
        ("E5", 1), ("E1", 2), ("E2", 3), ("E3", 4), ("E4", 5)]


# ------------------------------------------------------------------ awards

TEN = [(f"E{i:02d}", "30", str(60 - 2 * i), "600") for i in range(10)]   # 100, 98, ..., 82


def awards_of(awards: str, rows=TEN, scoring: str = ""):
    st = ranked(scoring, rows, awards)
    return [r.award for r in st.rows]


def test_awards_by_each_levels_percent_and_by_cumulative_percent():
    # 10 finishers. Each level's own share 15 % / 25 % / 35 % half up: 1.5 -> 2, 2.5 -> 3,
    # 3.5 -> 4 -> positions 1-2, 3-5, 6-9.
    # Cumulative (前15%, 前40%, 前75%): 1.5 -> 2, 4 -> 4, 7.5 -> 8 -> 1-2, 3-4, 5-8.
    levels = ('levels = [ { name = "一等奖", percent = 15 }, { name = "二等奖", percent = 25 },'
              ' { name = "三等奖", percent = 35 } ]')
    each = awards_of(f'[awards]\nbasis = "percent"\n{levels}')
    assert each == ["一等奖"] * 2 + ["二等奖"] * 3 + ["三等奖"] * 4 + [None]
    levels = ('levels = [ { name = "一等奖", percent = 15 }, { name = "二等奖", percent = 40 },'
              ' { name = "三等奖", percent = 75 } ]')
    cumulative = awards_of(f'[awards]\nbasis = "percent"\npercent_cumulative = true\n{levels}')
    assert cumulative == ["一等奖"] * 2 + ["二等奖"] * 2 + ["三等奖"] * 4 + [None] * 2


def test_awards_by_score_thresholds_only():
    # 金奖 >= 95, 银奖 >= 90, 铜奖 >= 85, no limit on numbers: totals 100 98 96 94 92 90 88
    # 86 84 82 -> 3 gold, 3 silver, 2 bronze, 2 none
    awards = ('[awards]\nlevels = [ { name = "金奖", min_total = 95 }, '
              '{ name = "银奖", min_total = 90 }, { name = "铜奖", min_total = 85 } ]')
    assert awards_of(awards) == ["金奖"] * 3 + ["银奖"] * 3 + ["铜奖"] * 2 + [None] * 2


def test_fixed_places_then_every_other_finisher():
    # 一等奖 1, 二等奖 2, 三等奖 3, 其余选手优秀奖 (a last level without count)
    awards = ('[awards]\nlevels = [ { name = "一等奖", count = 1 }, { name = "二等奖", count = 2 },'
              ' { name = "三等奖", count = 3 }, { name = "优秀奖" } ]')
    assert awards_of(awards) == ["一等奖", "二等奖", "二等奖"] + ["三等奖"] * 3 + ["优秀奖"] * 4


def test_medals_then_merit_up_to_half_of_the_field():
    # 金银铜各1名; 优胜奖: the rest of the first half (排名在参赛人数1/2以上), cumulative 50 %
    awards = ('[awards]\npercent_cumulative = true\nlevels = [ { name = "金奖", count = 1 }, '
              '{ name = "银奖", count = 1 }, { name = "铜奖", count = 1 }, '
              '{ name = "优胜奖", percent = 50 } ]')
    assert awards_of(awards) == ["金奖", "银奖", "铜奖", "优胜奖", "优胜奖"] + [None] * 5


def test_a_level_without_count_must_be_last_or_have_a_minimum():
    with pytest.raises(RuleError) as err:
        awards_of('[awards]\nlevels = [ { name = "A" }, { name = "B", count = 1 } ]')
    assert "takes every remaining place" in str(err.value)


def test_disqualified_and_absent_get_no_rank_and_no_award():
    # E1 disqualified (by the organiser), E9 listed but never marked: absent
    body = crit("task", "judged", "max = 100")
    r = rule(body, awards='[awards]\nlevels = [ { name = "一等奖", count = 1 } ]')
    st = compute_standings(r, marks(("E1", "task", "99"), ("E2", "task", "80")),
                           entries=["E1", "E2", "E9"], disqualified=["E1"])
    assert [(x.entry, x.rank, x.status, x.award) for x in st.rows] == [
        ("E2", 1, "ok", "一等奖"), ("E1", None, "disqualified", None),
        ("E9", None, "absent", None)]
    assert isinstance(st.row("E2").total, Decimal)


def test_practical_converted_to_100_points_and_rounded_before_weighting():
    # 实操满分150分，按百分制折算（保留1位小数）后乘以70%:
    # practical 100 of 150 -> 100 x 100 / 150 = 66.666.. -> 66.7; x 70 % = 46.69;
    # theory 80.0 x 30 % = 24; total 70.69.
    # Without scale_to the component stays 100.0 (of 150) and the weighted part is exact:
    # 100 / 150 x 70 = 46.666.. -> total 70.666.. -> 70.67.
    comps = TP.replace('max = 150\n', 'max = 150\nscale_to = 100\n')
    body = (crit("exam", "judged", "max = 100\nstep = 0.5", component="theory")
            + crit("task", "judged", "max = 150\nstep = 0.5", component="practical"))
    m = marks(("E1", "exam", "80"), ("E1", "task", "100"))
    scaled = rule(body, mode="weighted", components=comps, scoring="component_decimals = 1")
    row = compute_standings(scaled, m).row("E1")
    assert row.components == {"theory": D("80.0"), "practical": D("66.7")}
    assert row.total == D("70.69")
    plain = rule(body, mode="weighted", components=TP, scoring="component_decimals = 1")
    row = compute_standings(plain, m).row("E1")
    assert row.components == {"theory": D("80.0"), "practical": D("100.0")}
    assert row.total == D("70.67")
    # min_scores and tie-breaks see the converted score: 实操成绩（百分制）不低于60分
    awards = '[awards]\nlevels = [ { name = "一等奖", count = 1, min_scores = { practical = 66.7 } } ]'
    r = rule(body, mode="weighted", components=comps, scoring="component_decimals = 1",
             awards=awards)
    assert compute_standings(r, m).row("E1").award == "一等奖"


def test_scale_to_is_refused_inside_a_group():
    comps = ('[[groups]]\nid = "p"\nname = "P"\n' + TP.replace(
        'max = 150\n', 'max = 150\nscale_to = 100\ngroup = "p"\n'))
    body = (crit("exam", "judged", "max = 100", component="theory")
            + crit("task", "judged", "max = 150", component="practical"))
    with pytest.raises(RuleError) as err:
        rule(body, mode="weighted", components=comps)
    assert "a component of a group cannot be rescaled" in str(err.value)


def test_count_relative_to_the_best():
    # 产量分 = 本人产量 ÷ 最高产量 × 20: 40 pieces (the most) -> 20; 30 -> 15; 25 -> 12.5;
    # none counted -> 0 and incomplete
    r = rule(crit("output", "count", "max = 20\nrelative = true\nstep = 1")
             + crit("work", "judged", "max = 10"))
    st = compute_standings(r, marks(("E1", "output", "40"), ("E2", "output", "30"),
                                    ("E3", "output", "25"), ("E4", "work", "5")))
    assert [st.row(e).criteria["output"] for e in ("E1", "E2", "E3", "E4")] == [
        D("20.00"), D("15.00"), D("12.50"), D("0.00")]
    assert not st.row("E4").complete


def test_count_needs_per_unit_unless_relative():
    with pytest.raises(RuleError) as err:
        rule(crit("output", "count", "max = 20"))
    assert "per_unit: required (unless relative = true)" in str(err.value)


# ------------------------------------------------------------------ properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MARK = st.integers(min_value=0, max_value=20).map(lambda n: Decimal(n) / 2)   # 0..10 by 0.5


@settings(max_examples=60, deadline=None)
@given(sheets=st.lists(st.tuples(MARK, MARK, MARK), min_size=3, max_size=7))
def test_trimmed_mean_of_totals_lies_between_the_lowest_and_highest_total(sheets):
    # three criteria of max 10 on a 0-10 scale: a judge's total is the sum of the marks
    comp = ('[[components]]\nid = "c"\nname = "C"\njudge_totals = "trimmed_mean"\n'
            'trim = 1\n')
    body = "".join(crit(c, "judged", "max = 10\nstep = 0.5\njudges = 7") for c in "abx")
    r = rule(body, components=comp)
    m = marks(*[("E1", c, str(v), f"j{j}") for j, sheet in enumerate(sheets)
                for c, v in zip("abx", sheet)])
    score = compute_standings(r, m).row("E1").components["c"]
    totals = [sum(sheet) for sheet in sheets]
    assert min(totals) - Decimal("0.005") <= score <= max(totals) + Decimal("0.005")
    if len(sheets) >= 3:   # one highest and one lowest dropped: exactly the hand formula
        kept = sorted(totals)[1:-1]
        exact = sum(kept) / len(kept)
        assert score == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@settings(max_examples=60, deadline=None)
@given(times=st.lists(st.integers(min_value=60, max_value=600), min_size=1, max_size=8))
def test_a_faster_time_never_scores_fewer_points_by_place_or_linearly(times):
    for body in ('mode = "rank"\nmax = 10\nper_place = 1.5',
                 'mode = "linear"\nmax = 10\nlimit = 120\nzero_at = 480'):
        r = rule(crit("t", "timed", body))
        st_ = compute_standings(r, marks(*[(f"E{i}", "t", str(t)) for i, t in
                                           enumerate(times)]))
        pts = {t: st_.row(f"E{i}").criteria["t"] for i, t in enumerate(times)}
        ordered = sorted(pts)
        assert all(pts[a] >= pts[b] for a, b in zip(ordered, ordered[1:]))
