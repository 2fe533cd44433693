"""The demo's measured marks stay within what the criterion allows (QA walk-through: the
drone trade's hover deviation was −5.652 cm against a permitted range of 0–50 cm)."""
import random
from decimal import Decimal
from pathlib import Path

import pytest

from competition.demo_marks import marks_for_entry
from competition.rules import parse_rule

ROOT = Path(__file__).resolve().parents[3]
RULES = sorted((ROOT / "scoring_rules").glob("*.toml")) + sorted(
    (ROOT / "competition" / "demo_rules").glob("*.toml"))


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.stem)
def test_measured_marks_respect_the_criterions_bounds(path):
    rule = parse_rule(path.read_text(encoding="utf-8"), path.name)
    measured = {c.id: c for c in rule.criteria
                if c.kind == "measured" and c.outside != "bands" and c.lower is not None}
    if not measured:
        pytest.skip("no measured criterion with a tolerance")
    rng = random.Random(7)
    for _ in range(200):
        skill = rng.uniform(0.35, 0.93)
        for address, value, _judge, _attempt in marks_for_entry(rule, skill, rng):
            crit = measured.get(address.split(".", 1)[0])
            if crit is None:
                continue
            low = (crit.nominal or 0) + crit.lower
            if crit.lower == 0:
                assert Decimal(value) >= low, (crit.id, value)
            if low >= 0:
                assert Decimal(value) >= 0, (crit.id, value)


def test_the_drone_hover_is_never_negative():
    path = ROOT / "scoring_rules" / "drone_pilot.toml"
    rule = parse_rule(path.read_text(encoding="utf-8"), path.name)
    rng = random.Random(13)
    values = [Decimal(v) for _ in range(300)
              for a, v, _j, _t in marks_for_entry(rule, 0.5, rng) if a == "hover"]
    assert values and min(values) >= 0 and max(values) > 50     # some miss, none below 0
