"""Team standings for `rules compute --teams ROSTER`: members' totals aggregated the way
the app does it (brackets.teams: sum, mean or the best k), plus team rounds.

The roster (CSV or xlsx, header row) has the columns `team` and `contestant`: one row per
member. Marks under a contestant id equal to a team's name are that team's own rounds
(a team drill, a team quiz): their totals are added to the team's score.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..brackets import TeamRule, team_score
from ..brackets.ranking import competition_ranks
from .marks_file import _rows


def read_roster(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """({team: [member ids]}, errors as "row N: reason")."""
    rows = _rows(path)
    try:
        header = [str(h or "").strip().lower() for h in next(rows)]
    except StopIteration:
        return {}, [f"{path}: empty file"]
    missing = [c for c in ("team", "contestant") if c not in header]
    if missing:
        return {}, [f"row 1: missing column(s): {', '.join(missing)}"]
    t, c = header.index("team"), header.index("contestant")
    teams: dict[str, list[str]] = {}
    errors, seen = [], {}
    for number, cells in enumerate(rows, start=2):
        cells = [("" if v is None else str(v).strip()) for v in cells]
        cells += [""] * (len(header) - len(cells))
        if not any(cells):
            continue
        if not cells[t] or not cells[c]:
            errors.append(f"row {number}: team and contestant are both needed")
            continue
        if cells[c] in seen:
            errors.append(f"row {number}: contestant '{cells[c]}' is already in team "
                          f"'{seen[cells[c]]}'")
            continue
        seen[cells[c]] = cells[t]
        teams.setdefault(cells[t], []).append(cells[c])
    return teams, errors


def team_csv(standings: Any, teams: dict[str, list[str]], rule: TeamRule,
             tie_break: tuple[str, ...] = ()) -> str:
    """rank, team, total, members_part, rounds_part, counted (the members whose totals
    counted), members ("id: total" or "id: absent|disqualified", joined by "; ").

    Teams are ordered by total, then by each `tie_break` component (the sum of that
    component over the counted members, higher first), then by the rounds part and the
    members' part (as the app does); teams equal on all of them share a rank (1, 2, 2, 4).
    A member without a ranked total (absent, disqualified) counts as missing.
    """
    rows = {r.entry: r for r in standings.rows}
    scored = []
    for team, members in teams.items():
        totals = {m: (rows[m].total if m in rows and rows[m].rank is not None else None)
                  for m in members}
        own = rows.get(team)
        rounds = [own.total] if own is not None and own.rank is not None else []
        score = team_score(team, totals, rounds, rule)
        parts = tuple(sum((rows[m].components.get(ref, Decimal(0)) for m in score.counted),
                          Decimal(0)) for ref in tie_break)
        scored.append((score, parts, totals))

    def key(item):
        score, parts, _ = item
        return (-score.total, *(-p for p in parts), -score.rounds_part, -score.members_part)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "team", "total", "members_part", "rounds_part", "counted",
                     "members"])
    for rank, (score, _, totals) in competition_ranks(scored, key=key):
        members = "; ".join(f"{m}: {_shown(v, rows.get(m))}" for m, v in totals.items())
        writer.writerow([rank, score.key, score.total, score.members_part, score.rounds_part,
                         "; ".join(str(m) for m in score.counted), members])
    return out.getvalue()


def _shown(total: Decimal | None, row: Any) -> str:
    if total is not None:
        return str(total)
    return row.status if row is not None else "absent"
