"""Check-in (检录): a contestant's arrival at their heat, recorded from the ticket's page
(its QR code) or from the heat's check-in page (a scanned code, a typed ticket number or
lot number). Recorded by the organiser, the trade's chief judge or a judge of the heat;
audited (entry.check_in / entry.check_in_undo).

Marking the unchecked absent (缺考) is not done here: the scoring shows an entry without
marks as 缺考 only once its heat is signed off (待评分 before), and Entry.status has no
"absent" yet; see notes."""
from __future__ import annotations

import re

from sqlalchemy import select, update

from ..extensions import db
from ..models import AuditLog, Entry, Heat, Role, User, utcnow
from .errors import Conflict, Forbidden, NotFound, ServiceError, _
from .tickets import entry_for_token

TICKET_NUMBER = re.compile(r"^\d{5}(\d{6})$")


def may_check_in(user: User, heat: Heat) -> bool:
    trade = heat.stage.trade
    if user.has_role(Role.ORGANISER):
        return True
    if user.has_role(Role.CHIEF_JUDGE):
        return user.trade_id == trade.id
    if user.has_role(Role.JUDGE):
        return any(a.user_id == user.id for a in heat.assignments)
    return False


def find_in_heat(heat: Heat, text: str) -> Entry:
    """The heat's entry named by a scanned ticket URL or token, a ticket number (准考证号)
    or a lot number."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Scan the ticket or type its number or the lot number."), "code")
    entry = None
    token = text.rsplit("/ticket/", 1)[1] if "/ticket/" in text else None
    if token:
        entry = entry_for_token(token.split("?")[0][:200])
    elif (m := TICKET_NUMBER.match(text)):
        entry = db.session.get(Entry, int(m.group(1)))
    else:
        entry = db.session.scalar(select(Entry).where(Entry.heat_id == heat.id, Entry.lot_number == text))
    if entry is None or entry.heat_id != heat.id:
        raise NotFound(_("No contestant of this heat matches “%(text)s”.", text=text[:60]), "code")
    return entry


def record_arrival(actor: User, entry_id: int) -> tuple[Entry, bool]:
    """Record that the entry's contestant has arrived. Returns (entry, newly): a second
    scan changes nothing and says when they were checked in (two scanners at once: one
    write, guarded by checked_in_at IS NULL)."""
    entry = db.session.get(Entry, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.heat is None:
        raise NotFound(_("No such entry."), "entry")
    if not may_check_in(actor, entry.heat):
        raise Forbidden(_("Only the organiser, the trade's chief judge or a judge of this heat records arrivals."))
    if entry.status == "withdrawn":
        raise Conflict(_("%(name)s has withdrawn.", name=entry.display_name), "entry")
    now = utcnow()
    done = db.session.execute(update(Entry).where(Entry.id == entry.id, Entry.checked_in_at.is_(None))
                              .values(checked_in_at=now, checked_in_by_id=actor.id)
                              .execution_options(synchronize_session=False)).rowcount
    if done == 1:
        trade = entry.stage.trade
        db.session.add(AuditLog(user_id=actor.id, action="entry.check_in", object_type="entry",
                                object_id=entry.id, competition_id=trade.competition_id, trade_id=trade.id,
                                heat_id=entry.heat_id, old=None,
                                new={"lot": entry.lot_number, "name": entry.display_name}))
    db.session.commit()
    db.session.refresh(entry)
    return entry, done == 1


def heat_check_in(heat_id: int, actor: User) -> tuple[Heat, list[Entry]]:
    heat = db.session.get(Heat, heat_id) if isinstance(heat_id, int) else None
    if heat is None:
        raise NotFound(_("No such heat."), "heat")
    if not may_check_in(actor, heat):
        raise Forbidden(_("Only the organiser, the trade's chief judge or a judge of this heat records arrivals."))
    entries = db.session.scalars(select(Entry).where(Entry.heat_id == heat.id, Entry.status != "withdrawn")
                                 .order_by(Entry.workstation, Entry.lot_number, Entry.id)).all()
    return heat, entries
