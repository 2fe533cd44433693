"""Promotion lists (晋级名单): propose from final standings, exclude, confirm, review.

A list is the set of Promotion rows of one trade, one per contestant, with a status:
proposed | not_promoted | excluded (by the organiser, with a reason) | confirmed.
Confirmed rows are the contestant's promotion history and are never recomputed silently:
when the trade's standings version moves past the version a confirmed list was made from,
refresh_review_flags() marks it needs_review (and the organiser sees it); only the
organiser's reopen (re-propose) or keep decision clears the flag.
Every write records AuditLog rows and commits once.
"""
from .decisions import (
    ACTIVE,
    DEFAULT_POLICY,
    POLICY_DIR,
    PromotionError,
    TradeList,
    competition_ladder,
    competition_policy,
    policy_mismatches,
    problem_text,
    promoted_this_year,
    trade_decisions,
    trade_finishers,
)
from .documents import export_data, promotion_note, write_exports
from .lists import confirm, exclude, include, keep_after_review, propose, refresh_review_flags, set_policy, trade_list
from .readiness import ResultsState, results_state

__all__ = [
    "ACTIVE", "DEFAULT_POLICY", "POLICY_DIR", "PromotionError", "TradeList", "competition_ladder",
    "competition_policy", "confirm", "exclude", "export_data", "include", "keep_after_review",
    "policy_mismatches", "problem_text", "promoted_this_year", "promotion_note", "propose",
    "refresh_review_flags", "set_policy", "trade_decisions", "trade_finishers", "trade_list",
    "write_exports", "ResultsState", "results_state",
]
