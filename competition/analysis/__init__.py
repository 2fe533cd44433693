"""After-the-event analysis, pure: judge consistency, one scale across trades, training needs.

Nothing here imports Flask, the database or the exports; services/analysis.py feeds it plain
data (marks, totals, criterion points) and the pages, workbooks and the event report show
what it returns.
"""
from .consistency import Finding, JudgeCriterionStats, JudgeMark, judge_consistency
from .scale import EmployerScore, ScaledResult, cross_trade_ranking, employer_ranking, standardise
from .stats import median, sign_test_p, spearman
from .training import CriterionLoss, training_needs

__all__ = [
    "CriterionLoss", "EmployerScore", "Finding", "JudgeCriterionStats", "JudgeMark", "ScaledResult",
    "cross_trade_ranking", "employer_ranking", "judge_consistency", "median", "sign_test_p",
    "spearman", "standardise", "training_needs",
]
