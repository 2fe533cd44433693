"""The contestants list (报名名单) of a trade or of the whole competition, as the clerk
keeps it: who registered, where and when they compete (the latest stage they are in:
stage, heat, venue, workstation, lot), grade held, team, withdrawn or not.

Read-only: three queries whatever the size (no per-contestant lookups); the workbook is
written by competition.registration.roster (pure).
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Competition, Contestant, Entry, Heat, Stage, Team, Trade
from ..registration.grades import label as grade_label
from ..registration.roster import RosterRow, RosterSheet, roster_xlsx

ALL_SHEET = "全部选手"


def _lot_key(lot: str | None) -> tuple:
    lot = (lot or "").strip()
    return (0, int(lot), "") if lot.isdigit() else (1 if lot else 2, 0, lot)


def _placements(trade_ids: list[int]) -> tuple[dict, dict]:
    """The latest stage's entry of each contestant and of each team in these trades:
    id -> (stage name, seq, heat name, venue, workstation, lot)."""
    rows = db.session.execute(
        select(Entry.contestant_id, Entry.team_id, Entry.lot_number, Entry.workstation,
               Stage.name, Stage.seq, Heat.name, Heat.venue)
        .join(Stage, Stage.id == Entry.stage_id)
        .outerjoin(Heat, Heat.id == Entry.heat_id)
        .where(Stage.trade_id.in_(trade_ids))).all()
    people: dict[int, tuple] = {}
    teams: dict[int, tuple] = {}
    for cid, tid, lot, ws, stage, seq, heat, venue in rows:
        place = (stage, seq, heat or "", venue or "", ws, lot or "")
        target, key = (people, cid) if cid is not None else (teams, tid)
        if key not in target or target[key][1] < seq:
            target[key] = place
    return people, teams


def roster_sheets(comp: Competition, trade: Trade | None = None) -> list[RosterSheet]:
    """One sheet for ``trade``; for the whole competition a sheet of everyone followed by
    one sheet per trade that has contestants. Rows by lot number (undrawn last)."""
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    trades = [trade] if trade is not None else in_order(db.session.scalars(
        select(Trade).where(Trade.competition_id == comp.id).order_by(Trade.id)), comp)
    by_id = {t.id: t for t in trades}
    people, teams = _placements(list(by_id))
    ladder = (comp.settings or {}).get("grade_ladder")
    team_names = dict(db.session.execute(select(Team.id, Team.name).where(
        Team.trade_id.in_(list(by_id)))).all())
    per_trade: dict[int, list[tuple]] = {t.id: [] for t in trades}
    for c in db.session.scalars(select(Contestant).where(
            Contestant.competition_id == comp.id, Contestant.trade_id.in_(list(by_id)))
            .order_by(Contestant.id)):
        place = people.get(c.id) or teams.get(c.team_id) or ("", 0, "", "", None, "")
        stage, _seq, heat, venue, ws, lot = place
        try:
            grade = grade_label(c.grade, ladder) if c.grade else ""
        except ValueError:
            grade = c.grade or ""
        status = (f"退赛：{c.withdrawn_reason}" if c.withdrawn_reason else "退赛") \
            if c.withdrawn_at else "已报名"
        row = RosterRow(lot, c.name, c.gender or "", c.id_number, c.employer, c.phone or "",
                        by_id[c.trade_id].name, stage, heat, venue, ws, grade,
                        team_names.get(c.team_id, "") if c.team_id else "", status)
        per_trade[c.trade_id].append((_lot_key(lot), c.id, row))
    for rows in per_trade.values():
        rows.sort(key=lambda r: (r[0], r[1]))
    sheets = [RosterSheet(t.name, f"{comp.name} {t.name} 报名名单",
                          [r[2] for r in per_trade[t.id]])
              for t in trades if trade is not None or per_trade[t.id]]
    if trade is None:
        everyone = [r for s in sheets for r in s.rows]
        sheets.insert(0, RosterSheet(ALL_SHEET, f"{comp.name} 报名名单", everyone))
    return sheets


def roster_workbook(comp: Competition, trade: Trade | None = None, *,
                    masked: bool = False, generated_at: str = "") -> bytes:
    """The 报名名单 workbook (see roster_sheets); ``masked``: ID numbers and phones masked."""
    footer = f"导出时间：{generated_at}" if generated_at else ""
    return roster_xlsx(roster_sheets(comp, trade), masked=masked, footer=footer)
