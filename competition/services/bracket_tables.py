"""A bracket's group tables, read from its stored matches (no writes, no publishing).

Kept apart from services/brackets.py (which writes matches and tells the standings) so
that reading a bracket stage's standings (services/bracket_standings.py) imports nothing
that calls back into the standings: mark -> standings -> screen stays free of import
circles (issue 19, tests/unit/test_publish_imports.py)."""
from __future__ import annotations

from decimal import Decimal

from ..brackets import PointsSystem, Result, table
from ..models import Bracket

KO = ""   # group_name of knockout matches


def points_system(settings: dict) -> PointsSystem:
    p = settings.get("points") or {}
    kw = {k: Decimal(str(p[k])) for k in ("win", "draw", "loss") if k in p}
    if settings.get("tiebreaks"):
        kw["tiebreaks"] = tuple(settings["tiebreaks"])
    return PointsSystem(**kw)


def group_tables(bracket: Bracket) -> dict[str, list]:
    """The points table of every group, best first."""
    system = points_system(bracket.settings)
    seeds = bracket.settings.get("seeds") or []
    lot = {k: i for i, k in enumerate(seeds)}      # seed order: seed numbers, then lots
    out: dict[str, list] = {}
    names = sorted({m.group_name for m in bracket.matches if m.group_name != KO})
    for name in names:
        ms = [m for m in bracket.matches if m.group_name == name]
        keys = sorted({k for m in ms for k in (m.entry_a_id, m.entry_b_id) if k is not None},
                      key=lot.get)
        results = [Result(m.entry_a_id, m.entry_b_id, m.score_a, m.score_b)
                   for m in ms if m.status == "done"]
        out[name] = table(keys, results, system)
    return out
