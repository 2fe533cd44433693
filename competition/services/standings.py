"""Standings of a trade computed from the database with the pure engine.

trade_standings() is the one way the web layer, the exports and promotions read results.
trade_changed() is the one place that reacts to a change of a trade's marks (called after
the commit): it hands the trade to the publisher (competition/publish.py), which bumps the
trade's standings version and publishes after the request (see live.py).
public_rows() shapes standings for screens and the public (no ID numbers, no phones;
names hidden while a trade is blind); trade_progress() counts marks in vs expected.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Entry, Heat, Mark, Stage, Trade
from .rules import rule_for

log = logging.getLogger(__name__)


@dataclass
class TradeStandings:
    trade: Trade
    stage: Stage | None
    standings: object                 # competition.scoring.Standings
    entries: dict[str, Entry]         # keyed by Row.entry (str(entry.id))
    version: int
    # A stage where individuals compete and teams also have entries of their own (team
    # rounds, e.g. the safety contest's written stage): the team-round entries are scored
    # apart (they feed the team ranking, services.draws.team_table) and are not ranked
    # among the individuals. None in every other stage.
    team_rounds: object | None = None          # competition.scoring.Standings
    team_entries: dict | None = None


def default_stage(trade: Trade) -> Stage | None:
    """The stage whose results are the trade's results: the last one that has marks
    (a final drawn but not yet scored leaves the preliminary's results on the screens),
    else the last one that has entries.

    One query for a one-stage trade (most trades; on every mark's path), and for the others
    an EXISTS per stage kind that stops at the first match instead of scanning all marks."""
    stages = db.session.scalars(_trade_stages(), {"trade_id": trade.id}).all()
    if len(stages) <= 1:
        return stages[0] if stages else None
    ids = [s.id for s in stages]
    by_id = {s.id: s for s in stages}
    has_marks = (select(Entry.id).join(Mark, Mark.entry_id == Entry.id)
                 .where(Entry.stage_id == Stage.id).exists())
    from .bracket_standings import played_condition  # a bracket with a result played
    has_marks = has_marks | played_condition()
    has_entries = select(Entry.id).where(Entry.stage_id == Stage.id).exists()
    for condition in (has_marks, has_entries):
        found = db.session.scalar(select(Stage.id).where(Stage.id.in_(ids), condition)
                                  .order_by(Stage.seq.desc()).limit(1))
        if found is not None:
            return by_id[found]
    return stages[-1]


@dataclass(frozen=True)
class EntryInfo:
    """What a screen needs of an entry (read as plain columns: the live path is hot)."""
    id: int
    status: str
    lot_number: str | None
    display_name: str
    employer: str
    team_id: int | None = None      # set for a team's own entry (not a member's)
    heat_id: int | None = None      # None: not seated yet (a late registrant)


def live_trade_standings(trade: Trade) -> TradeStandings:
    """Like trade_standings(), with ``entries`` as EntryInfo instead of ORM objects:
    about four times faster, for the live path (one computation per version)."""
    stage = default_stage(trade)
    if stage is None:
        return trade_standings(trade, None)
    rows = db.session.connection().execute(_live_entries(), {"stage_id": stage.id}).all()
    info = {str(r.id): EntryInfo(r.id, r.status, r.lot_number,
                                 (r.name if r.name is not None else r.team) or "",
                                 (r.employer if r.name is not None else r.team_employer) or "",
                                 r.team_id if r.name is None else None, r.heat_id)
            for r in rows}
    return _compute(trade, stage, info)


# stage id -> (panels' signature, {mark row: (MarkIn, verdict)})
_marks_seen: dict[int, tuple] = {}


# The live path's statements are built once: constructing a select() and its cache key
# costs more Python than running it on SQLite (about a third of a mark's recompute).
@functools.cache
def _live_entries():
    from ..models import Contestant, Team
    return (select(Entry.id, Entry.status, Entry.lot_number, Contestant.name,
                   Contestant.employer, Team.name.label("team"),
                   Team.employer.label("team_employer"))
            .add_columns(Entry.team_id, Entry.heat_id)
            .outerjoin(Contestant, Contestant.id == Entry.contestant_id)
            .outerjoin(Team, Team.id == Entry.team_id)
            .where(Entry.stage_id == bindparam("stage_id"), Entry.status != "withdrawn"))


@functools.cache
def _stage_marks():
    return (select(Mark.entry_id, Mark.criterion, Mark.value, Mark.judge_id, Mark.attempt,
                   Entry.heat_id, Mark.id)
            .join(Entry, Entry.id == Mark.entry_id)
            .where(Entry.stage_id == bindparam("stage_id"))
            .order_by(Mark.entry_id, Mark.id))   # per entry as _entry_marks() reads them


@functools.cache
def _entry_marks():
    """_stage_marks() of some entries only (incremental standings: the changed ones)."""
    return (select(Mark.entry_id, Mark.criterion, Mark.value, Mark.judge_id, Mark.attempt,
                   Entry.heat_id, Mark.id)
            .join(Entry, Entry.id == Mark.entry_id)
            .where(Mark.entry_id.in_(bindparam("ids", expanding=True)))
            .order_by(Mark.entry_id, Mark.id))


@functools.cache
def _trade_stages():
    return (select(Stage).where(Stage.trade_id == bindparam("trade_id"))
            .order_by(Stage.seq))


@functools.cache
def _later_stage():
    return (select(Stage.id).where(Stage.trade_id == bindparam("trade_id"),
                                   Stage.seq > bindparam("seq")).limit(1))


@functools.cache
def _bump():
    table = Trade.__table__
    return (table.update().where(table.c.id == bindparam("trade_id"))
            .values(standings_version=table.c.standings_version + 1))


def _compute(trade: Trade, stage: Stage, by_key: dict) -> TradeStandings:
    if stage.format == "bracket":   # head to head: the bracket ranks (services.bracket_standings)
        from .bracket_standings import bracket_ranking
        return TradeStandings(trade, stage,
                              bracket_ranking(trade, stage, by_key, has_later_stage(stage)),
                              by_key, trade.standings_version)
    from ..scoring import compute_standings
    rule = rule_for(trade)
    kept = _incremental(trade, stage, rule, by_key)   # issue 19: one entry rescored
    if kept is not None:
        return kept
    from .panels import StageCheck, entry_heats
    check = StageCheck.load(rule, stage.id)
    counted = _panel_marks(rule, stage, check=check)
    # a heat's panel smaller than the rule wants (2 judges, judges = 3) expects fewer
    # marks: rows count complete against it, as the tablets and progress do
    expected = check.expected_marks(entry_heats(by_key)) if check.short else None
    teams = {k: e for k, e in by_key.items()
             if e.team_id is not None and getattr(e, "contestant_id", None) is None}
    team_rounds = None
    if teams and len(teams) < len(by_key):       # individuals and team rounds: apart
        by_key = {k: e for k, e in by_key.items() if k not in teams}
        team_rounds = compute_standings(
            rule, [m for m in counted if m.entry in teams], list(teams),
            disqualified=[k for k, e in teams.items() if e.status == "disqualified"],
            expected=expected)
    else:
        teams = None
    marks = [m for m in counted if m.entry in by_key]
    dq = [k for k, e in by_key.items() if e.status == "disqualified"]
    # ties by lot (tie_break ending in "lot") are drawn with the stage's recorded draw
    # seed, re-verifiable from it (scoring.lots); a stage never drawn leaves them pending
    result = compute_standings(rule, marks, list(by_key), disqualified=dq,
                               lot_seed=stage.draw_seed or None, expected=expected)
    if has_later_stage(stage):
        # Awards and titles go with the trade's final placing: a stage that another stage
        # follows (the preliminary) ranks and sends people on, it awards nothing, on the
        # screens, certificates and promotion lists alike.
        for row in result.rows:
            row.award, row.titles = None, ()
    return TradeStandings(trade, stage, result, by_key, trade.standings_version,
                          team_rounds=team_rounds, team_entries=teams)


def _incremental(trade: Trade, stage: Stage, rule, by_key: dict) -> TradeStandings | None:
    """The standings from this process's incremental cache (services.incremental_standings),
    or None where the full path below stays (individuals and team rounds ranked apart)."""
    from . import incremental_standings
    if len({e.team_id is not None and getattr(e, "contestant_id", None) is None
            for e in by_key.values()}) > 1:
        return None
    shared = all(isinstance(e, EntryInfo) for e in by_key.values())   # the live path's
    result = incremental_standings.standings(trade, stage, rule, by_key, has_later_stage(stage),
                                             shared, functools.partial(_panel_marks, rule, stage))
    return TradeStandings(trade, stage, result, by_key, trade.standings_version)


def _panel_marks(rule, stage: Stage, entries: list | None = None, check=None) -> list:
    """The stage's marks that count (services.panels: a judge off the criterion's panel, or
    a first-come criterion's mark after the expected ones, never reaches the engine).

    A Core query (no ORM row processing) and MarkIns with their verdicts reused from the
    last computation of this stage while its panels are the same: between two versions
    almost every mark is the same. A MarkIn is fully determined by its row, and a verdict
    by its row and the panels, so a reused one is always right. ``entries``: the marks of
    these entry ids only (incremental standings)."""
    from ..scoring import MarkIn
    from .panels import COUNTS, FIRST_COME, StageCheck
    if entries is None:
        rows = db.session.connection().execute(_stage_marks(), {"stage_id": stage.id}).all()
    else:
        rows = db.session.connection().execute(_entry_marks(), {"ids": entries}).all()
    check = check or StageCheck.load(rule, stage.id)
    signature, seen = _marks_seen.get(stage.id, (None, {}))
    if signature != check.signature:
        seen = {}
    fresh, counted, firsts, crowded = {}, [], {}, {}
    for r in rows:
        key = tuple(r)
        hit = seen.get(key)
        if hit is None:      # (MarkIn, verdict, group: entry, address, attempt, heat; id)
            hit = (MarkIn(str(r[0]), r[1], r[2], str(r[3]), r[4]),
                   check.verdict(r[5], r[1], r[3], r[0]), (r[0], r[1], r[4], r[5]), r[6])
        fresh[key] = hit
        verdict = hit[1]
        if verdict is COUNTS:
            counted.append(hit[0])
        elif verdict is FIRST_COME:   # a one-mark criterion: alone in its group, it counts
            other = firsts.get(hit[2])
            if other is None:
                firsts[hit[2]] = hit
            elif hit[2] in crowded:
                crowded[hit[2]].append(hit)
            else:
                crowded[hit[2]] = [other, hit]
    if entries is None:     # kept for the whole stage's next read only
        _marks_seen[stage.id] = (check.signature, fresh)
    for group in crowded:
        del firsts[group]
    counted.extend(hit[0] for hit in firsts.values())
    if crowded:
        counted.extend(check.first_come(crowded))
    return counted


def has_later_stage(stage: Stage) -> bool:
    """Another stage follows this one in its trade (it ranks and sends people on; awards
    go with the last stage)."""
    return db.session.connection().execute(
        _later_stage(), {"trade_id": stage.trade_id, "seq": stage.seq}).first() is not None


def trade_standings(trade: Trade, stage: Stage | None = None) -> TradeStandings:
    """Compute the standings of ``stage`` (default: the trade's results stage)."""
    from ..scoring import compute_standings
    stage = stage or default_stage(trade)
    if stage is None:
        return TradeStandings(trade, None, compute_standings(rule_for(trade), [], []), {},
                              trade.standings_version)
    entries = db.session.scalars(
        select(Entry).where(Entry.stage_id == stage.id)
        .options(selectinload(Entry.contestant), selectinload(Entry.team))).all()
    return _compute(trade, stage, {str(e.id): e for e in entries if e.status != "withdrawn"})


def trade_changed(trade_id: int, *, bumped: bool = False) -> None:
    """Call after committing a change to a trade's marks, entries or locks; returns at
    once. The app's publisher (competition/publish.py, found in app.extensions: this module
    imports neither it nor live.py) then bumps the standings version, publishes the new
    standings to the trade's screens and refreshes promotions' review flags, coalescing a
    burst of changes into one version; at once in the caller's thread under PUBLISH_SYNC
    (the test default). ``bumped``: kept for callers that also bump inside their own
    transaction (bump_in_transaction()); the publisher bumps once more when it publishes."""
    db.session.commit()   # nothing pending is expected; never publish uncommitted data
    current_app.extensions["competition_publish"].changed(trade_id)


def bump_in_transaction(trade_id: int) -> None:
    """Bump the trade's standings version inside the caller's transaction, before its
    commit: the change and the version that names it become visible together, in one
    durable commit (no second commit, and no version a crash could hand out twice).
    Concurrent writers of the same trade wait for each other on the trade's row (SQLite
    serialises all writers anyway). Then call trade_changed(trade_id, bumped=True)."""
    db.session.connection().execute(_bump(), {"trade_id": trade_id})


def bump_version(trade_id: int) -> None:
    """Increment the trade's standings version in a transaction of its own, atomically
    (several server processes may write the same trade at once).

    The change itself is already committed durably; this commit only names a version, so
    it does not wait for the disk (SQLite: synchronous=OFF for this one commit in WAL
    mode; PostgreSQL: synchronous_commit=off). A crash can at worst lose a version bump,
    never data: screens resync on reconnect. Saves one fsync (~4-8 ms) per mark."""
    stmt = (update(Trade).where(Trade.id == trade_id)
            .values(standings_version=Trade.standings_version + 1))
    with db.engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect == "sqlite":
            before = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        try:
            if dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            conn.execute(stmt)
            conn.commit()
        finally:
            if dialect == "sqlite":
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA synchronous={int(before)}")


def public_rows(ts: TradeStandings, names_visible: bool) -> list[dict]:
    """The standings as screens show them, ranked rows first. A row: key (the entry id),
    rank, name (None while blind), lot, employer (None while blind), total, award,
    award_level (1 for the first award level...), titles, status. Never an ID number or a phone."""
    rows = sorted(ts.standings.rows,
                  key=lambda r: (r.rank is None, r.rank or 0, _status_order(r.status)))
    awards = getattr(rule_for(ts.trade), "awards", None)
    level = {a.name: i + 1 for i, a in enumerate(awards.levels)} if awards else {}
    out = []
    for r in rows:
        entry = ts.entries.get(r.entry)
        if r.rank is None and entry is not None and _unseated(entry):
            continue   # a late registrant not in a heat yet: no blank row (issue 18)
        absent = r.status == "absent"
        out.append({
            "key": r.entry,
            "rank": r.rank,
            "name": (entry.display_name if entry else None) if names_visible else None,
            "lot": entry.lot_number if entry else None,
            "employer": (entry.employer if entry else None) if names_visible else None,
            "total": None if absent else str(r.total),
            "award": r.award,
            "award_level": level.get(r.award),
            "titles": list(r.titles),
            "status": r.status,
            # marked absent at the heat's start (缺考, services.checkin), not merely unscored
            "noshow": getattr(entry, "status", None) == "absent",
        })
    return out


def _unseated(entry) -> bool:
    """An individual's entry in no heat (a team's own entry has none: it stays)."""
    return (getattr(entry, "heat_id", 0) is None and getattr(entry, "team_id", None) is None)


def _status_order(status: str) -> int:
    return {"ok": 0, "disqualified": 1, "absent": 2}.get(status, 3)


def trade_progress(trade: Trade) -> dict:
    """Marks in vs expected and heats locked, for the organiser's live dashboard. Marks
    expected and counted per heat by its judging panel (services.panels.stage_counts: the
    same answer the tablets, the chief judge's pages and the exports give)."""
    from .panels import stage_counts
    stage = default_stage(trade)
    entries = marks = expected = heats = locked = 0
    if stage is not None:
        entries = db.session.scalar(select(func.count(Entry.id)).where(
            Entry.stage_id == stage.id, Entry.status.in_(("active", "advanced")))) or 0
        marks, expected = stage_counts(stage, rule_for(trade))
        heats, locked = db.session.execute(
            select(func.count(Heat.id), func.count(Heat.locked_at))
            .where(Heat.stage_id == stage.id)).one()
    return {"trade_id": trade.id, "code": trade.code, "name": trade.name,
            "version": trade.standings_version, "entries": entries,
            "marks": marks, "expected": expected,
            "heats": heats, "heats_locked": locked, "frozen": trade.frozen,
            "reveal_count": trade.reveal_count,
            "reveal_total": len((trade.frozen_payload or {}).get("rows", [])),
            "published": trade.published}
