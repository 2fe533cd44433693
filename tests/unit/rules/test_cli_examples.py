"""`flask rules compute` end to end on the worked examples in scoring_rules/examples/:
the rule file, a marks file (CSV or xlsx, long or wide form) and the expected standings,
computed by hand below. This is the path an outsider takes to check a published result."""
import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from competition import create_app

EXAMPLES = Path(__file__).resolve().parents[3] / "scoring_rules" / "examples"


@pytest.fixture
def runner(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "RULES_DIR": str(tmp_path)})
    return app.test_cli_runner()


def compute(runner, name, marks=None, *options):
    marks = marks or EXAMPLES / f"{name}_marks.csv"
    result = runner.invoke(args=["rules", "compute", str(EXAMPLES / f"{name}.toml"),
                                 str(marks), *options])
    return result


@pytest.mark.parametrize("name, options", [
    ("theory_practical", ("--absent", "E06", "-d", "E07")),
    ("worldskills", ()),
    ("cooking_judge_totals", ()),
    ("ski_jumping", ()),
    ("diving", ()),
    ("goe", ()),
    ("published_values", ()),
    ("lot_ties", ("--lot-seed", "draw-2026-12-07")),
    ("judgement_spread", ()),
])
def test_each_example_reproduces_its_expected_standings(runner, name, options):
    result = compute(runner, name, None, *options)
    assert result.exit_code == 0, result.output
    assert result.output == (EXAMPLES / f"{name}_expected.csv").read_text(encoding="utf-8")


def rows_of(output):
    return {r["contestant"]: r for r in csv.DictReader(output.splitlines())}


def test_theory_practical_worked_by_hand(runner):
    # E01: theory 80.15 x 30 % = 24.045 -> 24.05; practical wiring (55+56+54)/3 = 55,
    #   function 30+20+20 = 70, safety 20, overtime 5300 s (in time) 0 -> 145 / 150 x 70 =
    #   67.666.. -> 67.67; total 91.72 (rounding only the total would give 91.71)
    # E02: 92 x 0.3 = 27.60; 51 + 50 + (20 - 2) - 2 (5500 s: 100 s over = 2 started
    #   minutes) = 117 -> 54.60; total 82.20
    # E03: 22.65 + 143 -> 66.733.. -> 66.73 = 89.38
    # E04: live work: practical 0 (veto component_zero) -> 26.40
    # E05: 18.00 + (41 + 40 + 20 - 10 (6200 s: 14 minutes over, capped at 10)) = 91 ->
    #   42.466.. -> 42.47 = 60.47
    # 5 finishers: 一等奖 10 % = 0.5 -> 1 (half up; at least 1), 二等奖 20 % = 1,
    # 三等奖 30 % = 1.5 -> 2: positions 1 | 2 | 3-4; E04 (5th) none.
    rows = rows_of(compute(runner, "theory_practical", None, "-a", "E06", "-d", "E07").output)
    got = {e: (r["rank"], r["total"], r["award"], r["weighted:theory"],
               r["weighted:practical"]) for e, r in rows.items()}
    assert got == {
        "E01": ("1", "91.72", "一等奖", "24.05", "67.67"),
        "E03": ("2", "89.38", "二等奖", "22.65", "66.73"),
        "E02": ("3", "82.20", "三等奖", "27.60", "54.60"),
        "E05": ("4", "60.47", "三等奖", "18.00", "42.47"),
        "E04": ("5", "26.40", "", "26.40", "0.00"),
        "E07": ("disqualified", "98.19", "", "28.50", "69.69"),
        "E06": ("absent", "0", "", "", ""),
    }


def test_worldskills_worked_by_hand(runner):
    # C1: dimensions 2 + 2 + 0 = 4; hole 10.05 in 10..10.1 -> 2; finish (2+2+3)/3 / 3 x 4
    #   = 28/9 = 3.111.. -> 3.11; appearance (3+2+2)/3 / 3 x 3 = 2.333.. -> 2.33; = 11.44
    # C2: 6; 10.12 out of tolerance -> 0; (1+2+1)/3 / 3 x 4 = 16/9 -> 1.78; 2 -> 2.00; 9.78
    rows = rows_of(compute(runner, "worldskills").output)
    assert (rows["C1"]["total"], rows["C2"]["total"]) == ("11.44", "9.78")
    assert [rows["C1"][c] for c in ("a1", "a2", "a3", "a4")] == ["4.00", "2.00", "3.11", "2.33"]


def test_cooking_worked_by_hand(runner):
    # K1 judges' totals 86, 93, 80, 89, 86 -> drop 93 and 80 -> 87.00; time 1500 s is
    #   second -> 10 - 1 = 9; total 96.00
    # K2 totals 87, 90, 86, 82, 90 -> drop one 90 and 82 -> 263/3 = 87.666..; no cap -2 ->
    #   85.666.. -> 85.67; fastest -> 10; total 95.67
    rows = rows_of(compute(runner, "cooking_judge_totals").output)
    assert [(rows[k]["rank"], rows[k]["dish"], rows[k]["time"], rows[k]["total"])
            for k in ("K1", "K2")] == [("1", "87.00", "9.00", "96.00"),
                                       ("2", "85.67", "10.00", "95.67")]


def test_ski_jumping_adjustments_per_attempt_worked_by_hand(runner):
    # J1 jump 1: 95.5 m -> 60 + 5.5 x 2 = 71; style 17.5 18 18 18.5 17 -> drop 18.5, 17 ->
    #   53.5; compensation +4.3. Jump 2: 92 m -> 64; 17 17 17.5 17 16.5 -> 51; -2.1.
    #   135 + 104.5 + 2.2 = 241.70
    # J2: 76 + 54 - 6.5 and 60 + 52.5 + 9.8: 136 + 106.5 + 3.3 = 245.80
    rows = rows_of(compute(runner, "ski_jumping").output)
    assert [(r["rank"], r["total"], r["capped"]) for r in rows.values()] == [
        ("1", "245.80", ""), ("2", "241.70", "")]
    assert [rows["J1"][f"compensation@{a}"] for a in (1, 2)] == ["4.30", "-2.10"]
    assert [rows["J2"][f"distance@{a}"] for a in (1, 2)] == ["76.00", "60.00"]
    assert rows["J1"]["style@1"] == "53.50"


def test_diving_transform_before_trimming_worked_by_hand(runner):
    # D1 dive 2 (DD 2.8, restart): 8 8 7.5 8.5 8 -> 6 6 5.5 6.5 6 -> 18 x 2.8 = 50.40
    # D2 dive 3 (DD 3.0, restart): 7.5 7 7 8 1.5 -> 5.5 5 5 6 0 -> 15.5 x 3 = 46.50
    rows = rows_of(compute(runner, "diving").output)
    assert [rows["D1"][f"dive@{a}"] for a in (1, 2, 3)] == ["42.00", "50.40", "57.60"]
    assert [rows["D2"][f"dive@{a}"] for a in (1, 2, 3)] == ["48.00", "54.60", "46.50"]
    assert (rows["D1"]["total"], rows["D2"]["total"]) == ("150.00", "149.10")


def test_goe_transform_worked_by_hand(runner):
    # S1 element 1: BV 5.90, GOE 2 3 2 1 2 -> 7.08 7.67 7.08 6.49 7.08 -> 7.08
    # S2 element 2: BV 4.30, GOE 1 2 1 1 0 -> 4.73 5.16 4.73 4.73 4.30 -> 4.73
    rows = rows_of(compute(runner, "goe").output)
    assert (rows["S1"]["element@1"], rows["S2"]["element@2"]) == ("7.08", "4.73")
    assert (rows["S1"]["total"], rows["S2"]["total"]) == ("15.45", "14.13")


def test_values_as_published_worked_by_hand(runner):
    # P1 88.5 x .3 = 26.55 + (42.37 + 38.10 - 1) = 106.02; P3 practical -1 -> held at 0
    rows = rows_of(compute(runner, "published_values").output)
    assert [(e, r["total"], r["practical"], r["capped"]) for e, r in rows.items()] == [
        ("P2", "114.30", "86.70", ""), ("P1", "106.02", "79.47", ""),
        ("P3", "21.00", "0.00", "practical")]


def test_ties_by_lot_worked_by_hand(runner):
    # L3 and L4: 160 and practical 75 each; sha256("draw-2026-12-07:L3") = be54.. <
    # sha256("draw-2026-12-07:L4") = f8d8.. -> L3 3rd (二等奖), L4 4th (三等奖)
    rows = rows_of(compute(runner, "lot_ties", None, "--lot-seed", "draw-2026-12-07").output)
    assert [(e, r["rank"], r["award"], r["lot"]) for e, r in rows.items()] == [
        ("L1", "1", "一等奖", ""), ("L2", "2", "二等奖", ""), ("L3", "3", "二等奖", "yes"),
        ("L4", "4", "三等奖", "yes"), ("L5", "5", "三等奖", "")]
    # without a seed the tie stays shared and waits for its lot
    result = compute(runner, "lot_ties")
    assert result.output == (EXAMPLES / "lot_ties_pending.csv").read_text(encoding="utf-8")
    rows = rows_of(result.output)
    assert [(rows[e]["rank"], rows[e]["award"], rows[e]["lot"]) for e in ("L3", "L4")] == [
        ("3", "二等奖", "pending"), ("3", "二等奖", "pending")]


def test_judgement_spread_worked_by_hand(runner):
    # W2 b: 1 3 3 differ by 2 > 1: re-mark; median 3, x1 (1) is outside; incomplete
    rows = rows_of(compute(runner, "judgement_spread").output)
    assert [(e, r["total"], r["complete"], r["remark"]) for e, r in rows.items()] == [
        ("W1", "7.45", "yes", ""), ("W2", "5.33", "no", "b#1: x1")]


def test_a_wide_xlsx_gives_the_same_standings_as_the_csv(runner, tmp_path):
    wb = Workbook()
    ws = wb.active
    with open(EXAMPLES / "theory_practical_marks.csv", encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):
            ws.append([c if i == 0 or j == 0 or c == "" else float(c)
                       for j, c in enumerate(row)])
    wb.save(tmp_path / "marks.xlsx")
    result = compute(runner, "theory_practical", tmp_path / "marks.xlsx", "-a", "E06",
                     "-d", "E07")
    assert result.exit_code == 0, result.output
    assert result.output == (EXAMPLES / "theory_practical_expected.csv").read_text(
        encoding="utf-8")


def test_wide_form_errors_name_row_and_column(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("contestant,exam,wiring[j1],bogus,wiring[j2]#3\nE01,101,55,1,2\n,1,1,1,1\n",
                   encoding="utf-8")
    result = compute(runner, "theory_practical", bad)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "row 2: column 'exam': value: 101 is above the maximum 100",
        "row 2: column 'bogus': criterion: unknown criterion 'bogus'",
        "row 2: column 'wiring[j2]#3': attempt: attempt 3 is not between 1 and 1",
        "row 3: contestant: empty",
    ]
    bad.write_text("contestant,wiring[j1\nE01,5\n", encoding="utf-8")
    result = compute(runner, "theory_practical", bad)
    assert result.exit_code == 1
    assert "row 1: column 'wiring[j1': expected an address" in result.output


TEAM_RULE = """version = 1
[trade]
code = "team_example"
name = "团体（示例）"
[scoring]
mode = "sum"
[[components]]
id = "theory"
name = "理论"
[[components]]
id = "practical"
name = "实操"
[[criteria]]
id = "exam"
component = "theory"
name = "理论考试"
kind = "judged"
max = 100
[[criteria]]
id = "task"
component = "practical"
name = "实操"
kind = "judged"
max = 100
"""


def team_files(tmp_path):
    (tmp_path / "team.toml").write_text(TEAM_RULE, encoding="utf-8")
    (tmp_path / "marks.csv").write_text(
        "contestant,exam,task\nP1,40,50\nP2,30,60\nP3,20,70\nP4,25,65\nP5,10,20\n"
        "T1,5,5\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text(
        "team,contestant\nT1,P1\nT1,P2\nT2,P3\nT2,P4\nT2,P5\n", encoding="utf-8")
    return [str(tmp_path / "team.toml"), str(tmp_path / "marks.csv"),
            "--teams", str(tmp_path / "roster.csv")]


def test_team_standings_sum_of_members_plus_team_rounds(runner, tmp_path):
    # T1: P1 90 + P2 90 = 180, its own round (marks under "T1") 10 -> 190
    # T2: P3 90 + P4 90 + P5 30 = 210
    result = runner.invoke(args=["rules", "compute", *team_files(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "rank,team,total,members_part,rounds_part,counted,members",
        "1,T2,210.00,210.00,0.00,P3; P4; P5,P3: 90.00; P4: 90.00; P5: 30.00",
        "2,T1,190.00,180.00,10.00,P1; P2,P1: 90.00; P2: 90.00",
    ]


def test_team_best_of_with_a_tie_broken_by_the_members_practical(runner, tmp_path):
    # best 2 of each team: T1 P1 + P2 = 180, T2 P3 + P4 = 180; mean not used. Without the
    # round T1 would tie; with it T1 190 leads. Drop the round (-d T1) to see the tie:
    # equal 180; the counted members' practical: T1 50 + 60 = 110, T2 70 + 65 = 135 -> T2
    args = team_files(tmp_path) + ["--team-method", "best", "--best-of", "2", "-d", "T1"]
    result = runner.invoke(args=["rules", "compute", *args])
    assert [line.split(",")[:3] for line in result.output.splitlines()[1:]] == [
        ["1", "T1", "180.00"], ["1", "T2", "180.00"]]
    result = runner.invoke(args=["rules", "compute", *args, "--team-tie-break", "practical"])
    assert [line.split(",")[:3] for line in result.output.splitlines()[1:]] == [
        ["1", "T2", "180.00"], ["2", "T1", "180.00"]]


def test_team_options_are_checked(runner, tmp_path):
    args = team_files(tmp_path) + ["--team-method", "best", "--team-tie-break", "pract"]
    result = runner.invoke(args=["rules", "compute", *args])
    assert result.exit_code == 1
    assert "--team-method best needs --best-of K" in result.output
    assert "--team-tie-break: unknown component 'pract' (one of: theory, practical)" \
        in result.output
