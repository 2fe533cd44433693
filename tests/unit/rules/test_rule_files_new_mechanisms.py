"""Rule files that use a mechanism added to the format after they were written."""
from decimal import Decimal
from pathlib import Path

import pytest

from competition.rules import load_rule
from competition.scoring import MarkIn, compute_standings

RULES_DIR = Path(__file__).resolve().parents[3] / "scoring_rules"


@pytest.mark.parametrize("knots, expected", [
    (12, "20.00"),   # the quota: 20
    (15, "23.00"),   # 20 + 3 x 1
    (10, "16.00"),   # 20 - 2 x 2
    (22, "30.00"),   # 20 + 10 = 30, the cap
    (25, "30.00"),   # capped
    (1, "0.00"),     # 20 - 22 -> floor 0
])
def test_winding_knots_plus_one_above_minus_two_below_the_quota(knots, expected):
    rule = load_rule(RULES_DIR / "winding.toml")
    st = compute_standings(rule, [MarkIn("w1", "knots", str(knots))])
    assert st.row("w1").criteria["knots"] == Decimal(expected)
