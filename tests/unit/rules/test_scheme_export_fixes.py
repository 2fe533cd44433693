"""Marking-scheme export of rules the first version did not handle."""
import io

from openpyxl import load_workbook

from competition.rules import parse_rule
from competition.rules.scheme_xlsx import scheme_bytes

SUM_RULE = """
version = 1
[trade]
code = "show"
name = "技术表演赛"
[scoring]
mode = "sum"
[[components]]
id = "routine"
name = "表演"
[[criteria]]
id = "execution"
component = "routine"
name = "完成质量"
kind = "judged"
judges = 5
max = 10
step = 0.1
aggregate = "trimmed_mean"
trim = 1
difficulty = { min = 1.0, max = 1.5, step = 0.1, cap = true }
"""


def cells(data: bytes) -> list:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_a_sum_rule_without_component_maxima_exports_with_its_total():
    parse_rule(SUM_RULE)
    rows = cells(scheme_bytes(SUM_RULE))
    total = next(r for r in rows if "合计" in [str(v) for v in r])
    # one criterion worth 10; the capped difficulty never lifts it above 10
    assert 10 in total or "10" in [str(v) for v in total]


def test_a_capped_difficulty_counts_the_criterion_max_once():
    rows = cells(scheme_bytes(SUM_RULE))
    row = next(r for r in rows if "完成质量" in [str(v) for v in r])
    numbers = [v for v in row if isinstance(v, (int, float))]
    assert 15 not in numbers and 10 in numbers
