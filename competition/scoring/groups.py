"""attempt_group: criteria scored on the same attempt (a whole run counts, not the best
time of one run with the fewest faults of another)."""
from __future__ import annotations

from .aggregate import ZERO
from .compiled import GroupPlan, Plan, merge_attempts
from .kinds import Part


def choose(plan: Plan, group: GroupPlan, attempts: dict[int, dict[int, Part]]) -> dict[int, Part]:
    """member position -> its final Part (factor and rounding applied) for one entry.

    `attempts` maps each member to {attempt: Part} with every point known. "best": the
    attempt with the highest sum of the members' points x factor (ties: the earlier
    attempt); "last": the highest attempt number with any mark. Vetoes, deductions and
    notes of every attempt still count.
    """
    tried = sorted({a for by_attempt in attempts.values() for a in by_attempt})
    chosen = _chosen(plan, group, attempts, tried)
    out = {}
    for i, by_attempt in attempts.items():
        cp = plan.criteria[i]
        part = by_attempt.get(chosen)
        final = part.copy() if part is not None else cp.score(None, None)
        if part is not None and part.points is None:
            final.points = ZERO
        merge_attempts(final, by_attempt, False)
        final.complete = final.complete and part is not None
        final.points = cp.round(final.points * cp.factor)
        final.tries = {a: (p.points, p.raw) for a, p in by_attempt.items()}
        out[i] = final
    return out


def _chosen(plan: Plan, group: GroupPlan, attempts: dict, tried: list[int]) -> int | None:
    if not tried:
        return None
    if group.last:
        return tried[-1]

    def run_points(a: int):
        total = ZERO
        for i, by_attempt in attempts.items():
            part = by_attempt.get(a)
            if part is not None and part.points is not None:
                total += part.points * plan.criteria[i].factor
        return (total, -a)
    return max(tried, key=run_points)
