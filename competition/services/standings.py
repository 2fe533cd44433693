"""Standings of a trade computed from the database with the pure engine.

trade_standings() is the one way the web layer, the exports and promotions read results.
trade_changed() is the one place that reacts to a change of a trade's marks (called after
the commit): it bumps the trade's standings version and publishes (see live.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Entry, Mark, Stage, Trade
from .rules import rule_for


@dataclass
class TradeStandings:
    trade: Trade
    stage: Stage | None
    standings: object                 # competition.scoring.Standings
    entries: dict[str, Entry]         # keyed by Row.entry (str(entry.id))
    version: int


def default_stage(trade: Trade) -> Stage | None:
    """The stage whose results are the trade's results: the last one that has entries."""
    stages = sorted(trade.stages, key=lambda s: s.seq)
    with_entries = [s for s in stages if s.entries]
    return (with_entries or stages or [None])[-1]


def trade_standings(trade: Trade, stage: Stage | None = None) -> TradeStandings:
    """Compute the standings of ``stage`` (default: the trade's results stage)."""
    from ..scoring import MarkIn, compute_standings
    stage = stage or default_stage(trade)
    if stage is None:
        return TradeStandings(trade, None, compute_standings(rule_for(trade), [], []), {},
                              trade.standings_version)
    entries = db.session.scalars(
        select(Entry).where(Entry.stage_id == stage.id)
        .options(selectinload(Entry.contestant), selectinload(Entry.team))).all()
    active = [e for e in entries if e.status != "withdrawn"]
    by_key = {str(e.id): e for e in active}
    rows = db.session.execute(
        select(Mark.entry_id, Mark.criterion, Mark.value, Mark.judge_id, Mark.attempt)
        .join(Entry, Entry.id == Mark.entry_id).where(Entry.stage_id == stage.id)).all()
    marks = [MarkIn(str(r.entry_id), r.criterion, r.value, str(r.judge_id), r.attempt)
             for r in rows if str(r.entry_id) in by_key]
    dq = [k for k, e in by_key.items() if e.status == "disqualified"]
    result = compute_standings(rule_for(trade), marks, list(by_key), disqualified=dq)
    return TradeStandings(trade, stage, result, by_key, trade.standings_version)


def trade_changed(trade_id: int) -> None:
    """Call after committing a change to a trade's marks, entries or locks: bumps the
    standings version and publishes the new snapshot to the trade's screens."""
    # An atomic increment: several server processes may write the same trade at once.
    db.session.execute(update(Trade).where(Trade.id == trade_id)
                       .values(standings_version=Trade.standings_version + 1))
    db.session.commit()
    trade = db.session.get(Trade, trade_id)
    if trade is None:
        return
    db.session.refresh(trade)
    try:
        from .. import live
    except ImportError:  # live publishing not installed yet
        return
    publish = getattr(live, "publish_trade", None)
    if publish is not None:
        publish(trade)
