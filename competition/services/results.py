"""A trade's results stage by stage: which stages have results, each stage's standings and
who went on from it, the overall ranking over the stages, and the earlier stages' tables
for the public results page.

services.standings.default_stage stays what it is, the stage the live screens show (the
last one with marks); this module reads every stage beside it through
services.standings.trade_standings(trade, stage). The combining itself is pure
(competition.stages_overall).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Entry, Stage, Trade
from ..stages_overall import OverallPlace, StagePlace, overall_ranking
from .standings import TradeStandings, default_stage, public_rows, trade_standings


def trade_stages(trade: Trade) -> list[Stage]:
    """Every stage of the trade, in order (read now, not from a stale relationship)."""
    return list(db.session.scalars(select(Stage).where(Stage.trade_id == trade.id)
                                   .order_by(Stage.seq)).all())


def result_stages(trade: Trade) -> list[Stage]:
    """The trade's ranked stages that have entrants (withdrawn ones aside), in order:
    the stages that have a results table. A bracket stage has matches, not a table."""
    from .bracket_standings import played  # a bracket with a result played ranks too
    stages = [s for s in trade_stages(trade) if s.format == "ranked" or played(s)]
    if not stages:
        return []
    with_entries = set(db.session.scalars(
        select(Entry.stage_id).where(Entry.stage_id.in_([s.id for s in stages]),
                                     Entry.status != "withdrawn").distinct()).all())
    return [s for s in stages if s.id in with_entries]


def next_stage(trade: Trade, stage: Stage) -> Stage | None:
    """The stage after ``stage`` (with entrants or not yet), or None for the last one.
    A stage followed by another decides who goes on, not the awards."""
    later = [s for s in trade_stages(trade) if s.seq > stage.seq]
    return later[0] if later else None


def participant(entry: Entry) -> tuple[str, int]:
    """The same contestant (or team) across stages: each stage has its own entry."""
    if entry.contestant_id is not None:
        return ("c", entry.contestant_id)
    return ("t", entry.team_id)


@dataclass
class StageResult:
    stage: Stage
    standings: TradeStandings
    next_stage: Stage | None     # None: the last stage (its awards count)
    advanced: set[str]           # Row.entry keys of the entrants who went on to next_stage


def stage_result(trade: Trade, stage: Stage) -> StageResult:
    """One stage's standings and who went on from it: an entry confirmed as advanced
    (services.draws.confirm_advancement) or entered in the next stage."""
    ts = trade_standings(trade, stage)
    nxt = next_stage(trade, stage)
    advanced: set[str] = set()
    if nxt is not None:
        went_on = set(db.session.execute(
            select(Entry.contestant_id, Entry.team_id).where(
                Entry.stage_id == nxt.id, Entry.status != "withdrawn")).all())
        went_on = {("c", c) if c is not None else ("t", t) for c, t in went_on}
        advanced = {k for k, e in ts.entries.items()
                    if e.status == "advanced" or participant(e) in went_on}
    return StageResult(stage, ts, nxt, advanced)


def stage_results(trade: Trade) -> list[StageResult]:
    """Every stage with entrants, in order, with its standings."""
    return [stage_result(trade, s) for s in result_stages(trade)]


@dataclass
class OverallLine:
    place: OverallPlace
    entry: Entry                 # the entry of the last stage the contestant reached
    rows: list                   # per stage (as given): that stage's scoring Row, or None


def overall(results: list[StageResult]) -> list[OverallLine]:
    """The trade's overall ranking over ``results`` (see competition.stages_overall)."""
    stages, rows_by = [], []
    for res in results:
        by_key = {}
        places = []
        for row in res.standings.standings.rows:
            entry = res.standings.entries.get(row.entry)
            if entry is None:
                continue
            key = participant(entry)
            by_key[key] = (row, entry)
            places.append(StagePlace(key, row.rank, row.status))
        stages.append(places)
        rows_by.append(by_key)
    lines = []
    for place in overall_ranking(stages):
        found = [by.get(place.key) for by in rows_by]
        lines.append(OverallLine(place, found[place.stage][1],
                                 [f[0] if f else None for f in found]))
    return lines


# --- the public results page ----------------------------------------------------------------

def public_stages(trade: Trade, names_visible: bool) -> dict:
    """What the public results page shows beside the live table of the current stage
    (default_stage), cached per standings version:

    - ``current``: that stage's name (None when the trade has a single stage), the next
      stage's name and the public rows of those who went on to it (an empty list until
      the advancement is confirmed);
    - ``earlier``: the stages before it, latest first, each with its own ranking.

    Rows are services.standings.public_rows (no ID numbers; names hidden unless
    ``names_visible``) plus ``advanced``. A stage followed by another shows who went on,
    never awards: its awards are not the trade's."""
    from flask import current_app
    cache = current_app.extensions.setdefault("competition_public_stages", {})  # per app
    key = (trade.id, trade.standings_version, names_visible)
    if key not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[key] = _public_stages(trade, names_visible)
    return cache[key]


def _public_stages(trade: Trade, names_visible: bool) -> dict:
    stages = trade_stages(trade)
    current = default_stage(trade)
    out = {"current": None, "earlier": []}
    if current is None or len(stages) < 2:
        return out
    nxt = next_stage(trade, current)
    out["current"] = {"name": current.name, "next": nxt.name if nxt else None, "advanced": []}
    if nxt is not None:   # the live table shows the ranking; this is who went on from it
        res = stage_result(trade, current)
        out["current"]["advanced"] = [r for r in _stage_rows(res, names_visible)
                                      if r["advanced"]]
    for stage in reversed([s for s in result_stages(trade) if s.seq < current.seq]):
        res = stage_result(trade, stage)
        out["earlier"].append({
            "id": stage.id, "seq": stage.seq, "name": stage.name,
            "next": res.next_stage.name if res.next_stage else None,
            "advanced": len(res.advanced), "rows": _stage_rows(res, names_visible)})
    return out


def _stage_rows(res: StageResult, names_visible: bool) -> list[dict]:
    rows = public_rows(res.standings, names_visible)
    for r in rows:
        r["advanced"] = r["key"] in res.advanced
        if res.next_stage is not None:
            r["award"] = r["award_level"] = None
            r["titles"] = []
    return rows
