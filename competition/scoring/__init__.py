"""The scoring engine: marks -> criterion points -> component scores -> totals -> ranks ->
awards. Pure functions over a rules.Rule and plain marks; no Flask, no database.

    standings = compute_standings(rule, [MarkIn("e1", "taste", "8.5", judge="j1"), ...])
    validate_mark(rule, "safety.no_overalls", "1")   # raises MarkError
"""
from .aggregate import AGGREGATES, ATTEMPT_AGGREGATES
from .discrepancy import Discrepancy, discrepancies
from .kinds import FINALIZERS, KINDS, Part
from .marks import MarkError, MarkIn, split_address, validate_mark
from .standings import Row, Standings, compute_standings

__all__ = [
    "AGGREGATES", "ATTEMPT_AGGREGATES", "Discrepancy", "FINALIZERS", "KINDS", "MarkError",
    "MarkIn", "Part", "Row", "Standings", "compute_standings", "discrepancies",
    "split_address", "validate_mark",
]
