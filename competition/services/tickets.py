"""Admission tickets (准考证), the ticket's check-in page and the contestants' own look-up.

A ticket names the contestant, trade, stage, heat, time (the competition's time zone),
venue and, once drawn, the lot and workstation; in a trade judged blind (any criterion) the
lot is not printed ("检录时公布"): a lot known before the heat would let a contestant tell a
judge who they are. Its QR code opens /ticket/<token>: a signed, unguessable token naming
the entry, which shows who it is to the check-in staff.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exports.tickets import TicketData

from ..extensions import db
from ..formatting.masking import mask_id
from ..models import Competition, Contestant, Entry, Heat, Stage, Trade
from ..timefmt import as_utc, to_local
from .certificates import base_url
from .trades import names_hidden_publicly

SALT = "admission-ticket"
NOT_YET = "检录时公布"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def ticket_token(entry_id: int) -> str:
    return _serializer().dumps(entry_id)


def entry_for_token(token: str) -> Entry | None:
    """The entry a ticket's token names; None for a forged or damaged token."""
    try:
        entry_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(Entry, entry_id) if isinstance(entry_id, int) else None


def when_text(heat: Heat | None, comp: Competition) -> str:
    local = to_local(as_utc(heat.starts_at), comp) if heat is not None and heat.starts_at else None
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" if local else "另行通知"


def _seated(comp: Competition, trade: Trade | None):
    stmt = (select(Entry, Stage, Trade).join(Stage, Stage.id == Entry.stage_id).join(Trade, Trade.id == Stage.trade_id)
            .where(Trade.competition_id == comp.id, Entry.contestant_id.is_not(None), Entry.heat_id.is_not(None),
                   Entry.status != "withdrawn")
            .options(selectinload(Entry.contestant), selectinload(Entry.heat))
            .order_by(Trade.id, Stage.seq, Entry.heat_id, Entry.workstation, Entry.id))
    if trade is not None:
        stmt = stmt.where(Trade.id == trade.id)
    return db.session.execute(stmt).all()


def ticket_number(comp: Competition, trade: Trade, entry: Entry) -> str:
    return f"{comp.year % 100:02d}{trade.id:03d}{entry.id:06d}"


def tickets_data(comp: Competition, trade: Trade | None = None, base: str | None = None) -> list[TicketData]:
    """Every seated contestant's ticket (one per stage they are seated in), in trade,
    stage, heat and workstation order."""
    base = (base or base_url()).rstrip("/")
    blind: dict[int, bool] = {}
    out = []
    for entry, stage, t in _seated(comp, trade):
        if t.id not in blind:
            blind[t.id] = names_hidden_publicly(t)
        c: Contestant = entry.contestant
        heat = entry.heat
        lot = NOT_YET if blind[t.id] or not entry.lot_number else \
            f"{entry.lot_number}" + (f" / {entry.workstation}号工位" if entry.workstation else "")
        out.append(TicketData(comp.name, c.name, mask_id(c.id_number), c.employer, t.name, stage.name,
                              heat.name if heat else "", when_text(heat, comp), heat.venue if heat else "", lot,
                              ticket_number(comp, t, entry), f"{base}/ticket/{ticket_token(entry.id)}"))
    return out


@dataclass(frozen=True)
class Found:
    """What a contestant may learn of their own heat (the public look-up)."""
    trade: str
    stage: str
    heat: str
    when: str
    venue: str
    lot: str


def look_up(comp: Competition, id_number: str, name: str) -> list[Found]:
    """The heats of the contestant with this ID-card number AND name (both must match; an
    empty list otherwise: the page then says nothing about whether the number exists)."""
    id_number, name = (id_number or "").strip().upper(), (name or "").strip()
    if not id_number or not name:
        return []
    rows = db.session.execute(
        select(Entry, Stage, Trade).join(Stage, Stage.id == Entry.stage_id).join(Trade, Trade.id == Stage.trade_id)
        .join(Contestant, Contestant.id == Entry.contestant_id)
        .where(Contestant.competition_id == comp.id, Contestant.id_number == id_number, Contestant.name == name,
               Entry.status != "withdrawn")
        .options(selectinload(Entry.heat)).order_by(Trade.id, Stage.seq)).all()
    found = []
    for entry, stage, trade in rows:
        heat = entry.heat
        started = heat is not None and heat.starts_at is not None and \
            as_utc(heat.starts_at) <= _now()
        lot = (entry.lot_number or "") if entry.lot_number and (started or not names_hidden_publicly(trade)) \
            else (NOT_YET if entry.lot_number or heat else "")
        found.append(Found(trade.name, stage.name, heat.name if heat else "未安排", when_text(heat, comp),
                           heat.venue if heat else "", lot))
    return found


def _now():
    from ..models import utcnow
    return utcnow()
