"""Standings as CSV text (what `flask rules compute` prints): one row per contestant, and
the panels that must re-mark under a criterion's max_spread. Pure."""
from __future__ import annotations

import csv
import io

from .transform import remark_needed


def panel_remarks(rule, marks) -> dict[str, str] | None:
    """entry -> "crit#attempt: judges; ..." for the panels that must re-mark under a
    judged criterion's max_spread; None when the rule sets no spread limit."""
    watched = {c.id for c in rule.criteria if getattr(c, "max_spread", None) is not None}
    if not watched:
        return None
    panels: dict[tuple, list] = {}
    for m in marks:
        if m.criterion in watched:
            panels.setdefault((m.entry, m.criterion, m.attempt), []).append((m.judge, m.value))
    out: dict[str, list[str]] = {}
    for (entry, crit, attempt), pairs in panels.items():
        verdict = remark_needed(rule, crit, pairs)
        if verdict.must_remark:
            out.setdefault(entry, []).append(f"{crit}#{attempt}: {' '.join(verdict.outside)}")
    return {e: "; ".join(v) for e, v in out.items()}


def standings_csv(rule, standings, remarks: dict[str, str] | None = None) -> str:
    """rank, contestant, total, award, one column per component, one per criterion; then
    titles (joined by "; "), status (ok | disqualified | absent), complete (yes | no), one
    column per component group (group ids prefixed "group:") and, when the rule rounds
    them (contribution_decimals), each component's weighted contribution ("weighted:");
    then `capped` (the parts held to their bounds on that row, "; "-joined), `lot` when
    the tie-break ends with a lot ("yes": the rank was decided by lot; "pending": tied,
    no seed), one `crit@N` column per attempt of each criterion with attempts > 1 and,
    given `remarks` (a rule with max_spread), a `remark` column: the panels that must
    re-mark, with the judges outside the spread ("b#1: x1")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    comps = [c.id for c in rule.components]
    crits = [c.id for c in rule.criteria]
    groups = [g.id for g in rule.groups]
    weighted = comps if rule.scoring.contribution_decimals is not None else []
    by_lot = bool(rule.scoring.tie_break) and rule.scoring.tie_break[-1].strip() == "lot"
    tries = [(c.id, a) for c in rule.criteria if c.attempts > 1
             for a in range(1, c.attempts + 1)]
    writer.writerow(["rank", "contestant", "total", "award", *comps, *crits,
                     "titles", "status", "complete", *(f"group:{g}" for g in groups),
                     *(f"weighted:{c}" for c in weighted), "capped",
                     *(["lot"] if by_lot else []), *(f"{c}@{a}" for c, a in tries),
                     *(["remark"] if remarks is not None else [])])
    pending = {e for d in standings.lots if not d.decided for e in d.entries}
    for row in standings.rows:
        rank = row.rank if row.rank is not None else row.status
        lot = "yes" if row.by_lot else ("pending" if row.entry in pending else "")
        writer.writerow([rank, row.entry, row.total, row.award or "",
                         *(row.components.get(c, "") for c in comps),
                         *(row.criteria.get(c, "") for c in crits),
                         "; ".join(row.titles), row.status, "yes" if row.complete else "no",
                         *(row.groups.get(g, "") for g in groups),
                         *(row.contributions.get(c, "") for c in weighted),
                         "; ".join(row.capped), *([lot] if by_lot else []),
                         *(_attempt_points(row, c, a) for c, a in tries),
                         *([remarks.get(row.entry, "")] if remarks is not None else [])])
    return out.getvalue()


def _attempt_points(row, crit: str, attempt: int) -> str:
    """One attempt's points (factor and rounding applied); a relative time's raw value."""
    got = row.attempts.get(crit, {}).get(attempt)
    if got is None:
        return ""
    points, raw = got
    return str(points if points is not None else raw)
