"""`flask rules check` and `flask rules compute` through the app's CLI runner."""
import shutil
from pathlib import Path

import pytest

from competition import create_app

HERE = Path(__file__).parent
SAMPLE = HERE / "sample_lathe.toml"


@pytest.fixture
def runner(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "RULES_DIR": str(tmp_path)})
    return app.test_cli_runner()


def test_check_reports_valid_rules(runner, tmp_path):
    shutil.copy(SAMPLE, tmp_path / "lathe.toml")
    result = runner.invoke(args=["rules", "check"])   # default: RULES_DIR
    assert result.exit_code == 0
    assert result.output == "1 rules valid\n"


def test_check_prints_every_problem_and_exits_1(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("weight = 70", "weight = 60"),
                   encoding="utf-8")
    shutil.copy(SAMPLE, tmp_path / "lathe.toml")
    result = runner.invoke(args=["rules", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}:17: components[theory].weight: weights sum to 90, not 100 " \
           f"(weighted mode)\n" in result.output


def test_check_reports_two_files_with_one_trade_code(runner, tmp_path):
    shutil.copy(SAMPLE, tmp_path / "a.toml")
    shutil.copy(SAMPLE, tmp_path / "b.toml")
    result = runner.invoke(args=["rules", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.toml'}:4: trade.code: 'lathe' is also used by " \
           f"{tmp_path / 'a.toml'}" in result.output


MARKS = """contestant,criterion,attempt,judge,value
A01,exam,,,90
A01,turning_time,,,1290
A01,od_18,,,18.05
A01,roughness.s1,,j1,1
A01,roughness.s2,,j1,0
A01,workmanship,,j1,8
A01,workmanship,,j2,9
A01,workmanship,,j3,5
A01,safety,,j1,button
A02,exam,1,,95
A02,turning_time,,,1100
A02,od_18,,,18.00
A02,roughness.s1,,j1,1
A02,roughness.s2,,j1,1
A02,workmanship,,j1,9
A02,workmanship,,j2,9
A02,workmanship,,j3,9.5
"""


def test_compute_prints_csv_standings(runner, tmp_path):
    marks = tmp_path / "marks.csv"
    marks.write_text(MARKS, encoding="utf-8")
    result = runner.invoke(args=["rules", "compute", str(SAMPLE), str(marks)])
    assert result.exit_code == 0, result.output
    # A01: practical 8 + 13 + 5 + 55 x 22/30 = 40.33 + 9 = 75.33; 90 x .3 + 75.33 x .7
    #      = 27 + 52.731 = 79.73 -> rank 2: second prize (positions 2-3, minimum 70)
    # A02: practical 10 + 15 + 10 + 55 x 27.5/30 = 50.42 + 10 = 95.42;
    #      95 x .3 + 95.42 x .7 = 28.5 + 66.794 = 95.29
    # the original columns first, unchanged; then titles (A02: top 3 and 95.29 >= 85),
    # status, complete, capped (nothing held to its bounds here)
    assert result.output.splitlines() == [
        "rank,contestant,total,award,theory,practical,exam,turning_time,od_18,roughness,"
        "workmanship,safety,titles,status,complete,capped",
        "1,A02,95.29,一等奖,95.00,95.42,95.00,10.00,15.00,10.00,50.42,10.00,县技术能手,ok,yes,",
        "2,A01,79.73,二等奖,90.00,75.33,90.00,8.00,13.00,5.00,40.33,9.00,,ok,yes,",
    ]


def test_compute_reads_xlsx(runner, tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    for line in MARKS.splitlines():
        wb.active.append([float(c) if c.replace(".", "").isdigit() else (c or None)
                          for c in line.split(",")])
    wb.save(tmp_path / "marks.xlsx")
    result = runner.invoke(args=["rules", "compute", str(SAMPLE), str(tmp_path / "marks.xlsx")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("1,A02,95.29,一等奖")


def test_compute_reports_every_bad_row_and_prints_no_standings(tmp_path):
    from click.testing import CliRunner

    from competition.cli.rules import rules_cli
    marks = tmp_path / "marks.csv"
    marks.write_text(MARKS + "A03,exam,,,101\nA03,workmanshp,,j1,5\nA03,exam,x,,5\n"
                     ",exam,,,5\nA03,safety,,j1,smoking\n", encoding="utf-8")
    result = CliRunner().invoke(rules_cli, ["compute", str(SAMPLE), str(marks)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "row 19: value: 101 is above the maximum 100",
        "row 20: criterion: unknown criterion 'workmanshp'",
        "row 21: attempt: 'x' is not a whole number",
        "row 22: contestant: empty",
        "row 23: value: unknown violation code 'smoking' for 'safety'",
    ]


def test_compute_with_a_missing_column(tmp_path):
    from click.testing import CliRunner

    from competition.cli.rules import rules_cli
    marks = tmp_path / "marks.csv"
    marks.write_text("contestant,crit,value\nA01,exam,5\n", encoding="utf-8")
    result = CliRunner().invoke(rules_cli, ["compute", str(SAMPLE), str(marks)])
    assert result.exit_code == 1
    assert result.stderr == "row 1: missing column(s): criterion\n"


def test_compute_reads_a_csv_saved_by_excel_on_a_chinese_pc(tmp_path):
    from click.testing import CliRunner

    from competition.cli.rules import rules_cli
    marks = tmp_path / "marks.csv"
    marks.write_bytes(MARKS.replace("A01", "甲01").encode("gb18030"))
    result = CliRunner().invoke(rules_cli, ["compute", str(SAMPLE), str(marks)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].startswith("2,甲01,79.73,二等奖")


ZHENXING_MARKS = """contestant,criterion,attempt,judge,value
Z1,exam,,,80
Z1,wiring,,j1,8
Z1,wiring,,j2,8.5
Z1,wiring,,j3,9.5
Z1,function.start,,j1,3
Z1,function.interlock,,j1,1
Z1,plc,,,24
Z1,faults,,,5
Z2,exam,,,90
Z2,wiring,,j1,9
Z2,wiring,,j2,9
Z2,wiring,,j3,9
Z2,function.start,,j1,4
Z2,function.interlock,,j1,1
Z2,plc,,,20
Z2,faults,,,4
Z2,safety,,j1,burn
Z3,exam,,,70
Z3,wiring,,j1,6
Z3,plc,,,15
Z3,faults,,,6
Z3,safety.live,,j1,2
Z4,exam,,,60
Z4,wiring,,j1,5
Z4,wiring,,j2,5
Z4,wiring,,j3,5
Z4,function.start,,j1,2
Z4,function.interlock,,j1,0
Z4,plc,,,10
Z4,faults,,,2
"""


def test_compute_a_zhenxing_style_final_end_to_end(runner, tmp_path):
    marks = tmp_path / "marks.csv"
    marks.write_text(ZHENXING_MARKS, encoding="utf-8")
    result = runner.invoke(args=["rules", "compute", str(HERE / "sample_zhenxing.toml"),
                                 str(marks)])
    assert result.exit_code == 0, result.output
    # Z1: wiring mean 26/3 = 8.67 -> 8.7 (1 place) x 3 = 26.10; function 3 + 6 = 9;
    #     m1 35.10; m2 24; m3 5 faults x 5 = 25. practical 35.1 + 24 + 25 = 84.10.
    #     total 24 + 35.1/40 x 28 + 24/30 x 21 + 25/30 x 21 = 24 + 24.57 + 16.8 + 17.5
    #     = 82.87
    # Z2: wiring 9 x 3 = 27; function 4 + 6 = 10: m1 37; m2 20; m3 zeroed (burn): 0.
    #     practical 57; total 27 + 25.9 + 14 + 0 = 66.90
    # Z3: live twice: -10 and disqualified (wiring 6 from one judge of three, function
    #     unmarked: incomplete). m1 18, m2 15, m3 30 - 10 = 20, practical 53;
    #     total 21 + 12.6 + 10.5 + 14 = 58.10 (shown, unranked)
    # Z4: wiring 15; function 2: m1 17; m2 10; m3 10. practical 37;
    #     total 18 + 11.9 + 7 + 7 = 43.90
    # awards of 3 ranked, floor: 10 % -> 0 -> min 1; 20 % -> 0 -> min 1; 30 % -> 0.
    assert result.output.splitlines() == [
        "rank,contestant,total,award,theory,m1,m2,m3,exam,wiring,function,plc,faults,"
        "safety,titles,status,complete,group:practical,capped",
        "1,Z1,82.87,一等奖,80.00,35.10,24.00,25.00,80.00,26.10,9.00,24.00,25.00,0.00,,ok,"
        "yes,84.10,",
        "2,Z2,66.90,二等奖,90.00,37.00,20.00,0.00,90.00,27.00,10.00,20.00,20.00,0.00,,ok,"
        "yes,57.00,",
        "3,Z4,43.90,,60.00,17.00,10.00,10.00,60.00,15.00,2.00,10.00,10.00,0.00,,ok,yes,"
        "37.00,",
        "disqualified,Z3,58.10,,70.00,18.00,15.00,20.00,70.00,18.00,0.00,15.00,30.00,"
        "-10.00,,disqualified,no,53.00,",
    ]
