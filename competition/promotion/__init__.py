"""Grade promotion (晋级): skill-grade ladders, promotion policies and the pure decision
function from final standings to promotions. No Flask, no database.

    from competition.promotion import get_ladder, parse_policy, decide, Finisher
    ladder = get_ladder("five")
    policy = parse_policy(toml_text, "county_default.toml")
    decisions = decide(ladder, policy.for_trade("lathe"), rows, current_grades)

Registration sheets: ``parse_grade("三级/高级工") == "L3"`` (GradeError when unreadable).
"""
from .decide import (
    BASIS_LABELS,
    Decision,
    EarlierPromotion,
    Finisher,
    decide,
    promotion_note,
    rank_cutoff,
    resolve_one_per_person,
)
from .ladder import EIGHT_LEVEL, FIVE_LEVEL, LADDERS, Grade, GradeError, Ladder, get_ladder, parse_grade
from .loader import PolicyError, PolicyProblem, load_policy_file, parse_policy
from .policy import (
    N_,
    AwardRule,
    Mismatch,
    PassRule,
    Policy,
    PolicyValueError,
    RankRule,
    TradePolicy,
    describe,
    mismatch_notes,
    mismatches,
)

__all__ = [
    "AwardRule", "BASIS_LABELS", "Decision", "EIGHT_LEVEL", "EarlierPromotion", "FIVE_LEVEL",
    "Finisher", "Grade", "GradeError", "LADDERS", "Ladder", "Mismatch", "N_", "PassRule",
    "Policy", "PolicyError", "PolicyProblem", "PolicyValueError", "RankRule", "TradePolicy",
    "decide", "describe", "get_ladder", "load_policy_file", "mismatch_notes", "mismatches",
    "parse_grade", "parse_policy", "promotion_note", "rank_cutoff", "resolve_one_per_person",
]
