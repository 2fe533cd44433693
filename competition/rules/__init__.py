"""Scoring rules: read and validate rule files (scoring_rules/*.toml) into typed objects.

    rule = load_rule("scoring_rules/lathe.toml")      # raises RuleError(.problems)
    rule.trade.code, rule.components, rule.criterion("od_18"), rule.slots()

Pure: no Flask, no database. The format is documented in scoring_rules/README.md.
"""
from .loader import Problem, RuleError, check_paths, load_rule, parse_rule
from .model import (
                    KINDS,
                    Adjustment,
                    AwardLevel,
                    Awards,
                    Band,
                    Checklist,
                    Component,
                    Count,
                    Deductions,
                    Difficulty,
                    Item,
                    Judged,
                    Measured,
                    Rule,
                    Scoring,
                    Timed,
                    Title,
                    Trade,
                    Violation,
)
from .slots import Slot

__all__ = [
    "KINDS", "Adjustment", "AwardLevel", "Awards", "Band", "Checklist", "Component", "Count",
    "Deductions", "Difficulty", "Item", "Judged", "Measured", "Problem", "Rule", "RuleError",
    "Scoring", "Slot", "Timed", "Title", "Trade", "Violation", "check_paths", "load_rule",
    "parse_rule",
]
