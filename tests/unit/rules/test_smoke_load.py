"""The shipped rule files and the sample rule load and validate."""
from pathlib import Path

from competition.rules import check_paths, load_rule

HERE = Path(__file__).parent
RULES_DIR = HERE.parents[2] / "scoring_rules"


def test_sample_rule_loads_with_typed_access():
    rule = load_rule(HERE / "sample_lathe.toml")
    assert rule.trade.code == "lathe"
    assert rule.criterion("od_18").kind == "measured"
    assert [s.address for s in rule.slots("roughness")] == ["roughness.s1", "roughness.s2"]


def test_every_shipped_rule_file_is_valid():
    valid, problems = check_paths([RULES_DIR])
    assert [str(p) for p in problems] == []
