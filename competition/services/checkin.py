"""Check-in (检录): a contestant's arrival at their heat, recorded from the ticket's page
(its QR code) or from the heat's check-in page (a scanned code, a typed ticket number or
lot number). Recorded by the organiser, the trade's chief judge or a judge of the heat;
audited (entry.check_in).

No-shows (缺考): at the heat's start the organiser or the trade's chief judge marks the
contestants not checked in absent (Entry.status "absent", audited entry.absent), after
seeing the list (absent_candidates). An absent entry is owed no marks (services.panels
EXPECTING), is left off the judges' tablets, its marks are refused, and it is shown as 缺考,
unranked, in the standings and documents. The organiser can undo it (a contestant let in
late by the chief judge): back to active and checked in, with a reason (entry.absent_undo).

Check-in, absent-marking and its undo take the heat's row lock (services.heat_lock), as the
marks do: an arrival racing the absent-marking is either recorded first (and that
contestant is not marked absent) or refused as absent (and the organiser can undo it)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select, update

from ..extensions import db
from ..models import AuditLog, Entry, Heat, Mark, Role, User, utcnow
from ..timefmt import format_local
from .errors import Conflict, Forbidden, NotFound, ServiceError, _
from .heat_lock import lock_heat_row
from .tickets import entry_for_token

ABSENT = "absent"

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
    write, guarded by checked_in_at IS NULL). Under the heat's lock: an entry marked absent
    meanwhile is refused (the organiser undoes it)."""
    from .mark_common import locked_entry
    if not isinstance(entry_id, int) or db.session.get(Entry, entry_id) is None:
        raise NotFound(_("No such entry."), "entry")
    entry = db.session.get(Entry, entry_id)
    if entry.heat is None:
        raise NotFound(_("No such entry."), "entry")
    if not may_check_in(actor, entry.heat):
        raise Forbidden(_("Only the organiser, the trade's chief judge or a judge of this heat records arrivals."))
    entry, _heat = locked_entry(entry_id)
    if entry.status == "withdrawn":
        raise Conflict(_("%(name)s has withdrawn.", name=entry.display_name), "entry")
    if entry.status == ABSENT:
        raise Conflict(_("%(name)s was marked absent (缺考) at the heat's start. If the chief judge lets them in "
                         "late, the organiser undoes it on this page.", name=entry.display_name), "entry")
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


# --- no-shows (缺考) ------------------------------------------------------------------------

def may_mark_absent(user: User, heat: Heat) -> bool:
    """The organiser, or the trade's chief judge (not a judge of the heat)."""
    if user.has_role(Role.ORGANISER):
        return True
    return user.has_role(Role.CHIEF_JUDGE) and user.trade_id == heat.stage.trade_id


@dataclass
class AbsentPlan:
    """Who marking the heat's no-shows would mark (not checked in, no marks), and who is
    left alone: not checked in but already marked by a judge (so present)."""
    heat: Heat
    absent: list[Entry] = field(default_factory=list)
    marked_not_checked_in: list[Entry] = field(default_factory=list)
    already_absent: list[Entry] = field(default_factory=list)


def _plan(heat: Heat) -> AbsentPlan:
    entries = db.session.scalars(select(Entry).where(Entry.heat_id == heat.id)
                                 .order_by(Entry.workstation, Entry.lot_number, Entry.id)).all()
    with_marks = set(db.session.scalars(
        select(Mark.entry_id).join(Entry, Entry.id == Mark.entry_id).where(Entry.heat_id == heat.id)))
    plan = AbsentPlan(heat)
    for e in entries:
        if e.status == ABSENT:
            plan.already_absent.append(e)
        elif e.status != "active" or e.checked_in_at is not None:
            continue
        elif e.id in with_marks:
            plan.marked_not_checked_in.append(e)
        else:
            plan.absent.append(e)
    return plan


def _heat_for_absent(actor: User, heat_id) -> Heat:
    heat = db.session.get(Heat, heat_id) if isinstance(heat_id, int) else None
    if heat is None:
        raise NotFound(_("No such heat."), "heat")
    if not may_mark_absent(actor, heat):
        raise Forbidden(_("Only the organiser or the trade's chief judge marks no-shows."))
    return heat


def absent_candidates(actor: User, heat_id: int) -> AbsentPlan:
    """What mark_absent would do now, for the confirmation page."""
    return _plan(_heat_for_absent(actor, heat_id))


@dataclass
class AbsentResult:
    marked: list[str]                 # names now absent
    skipped: list[tuple[str, str]]    # (name, why not): arrived meanwhile, has marks...


def mark_absent(actor: User, heat_id: int, entry_ids) -> AbsentResult:
    """Mark absent (缺考) those of ``entry_ids`` (the list the user confirmed) who are still
    not checked in and have no marks, in one transaction under the heat's lock; audited per
    entry. Someone who arrived or was marked between the confirmation page and now is left
    alone and named in ``skipped``. Publishes the standings (they show 缺考 at once)."""
    heat = _heat_for_absent(actor, heat_id)
    wanted = {i for i in entry_ids if isinstance(i, int)} if entry_ids else set()
    if not wanted:
        raise ServiceError(_("Nobody was chosen to mark absent."), "entry_ids")
    heat = lock_heat_row(heat.id)
    if heat.locked:
        raise Conflict(_("The heat is signed off; unlock it first."), "heat")
    plan = _plan(heat)
    now_absent = {e.id for e in plan.absent}
    trade = heat.stage.trade
    marked, skipped = [], []
    entries = db.session.scalars(select(Entry).where(Entry.id.in_(wanted), Entry.heat_id == heat.id)
                                 .order_by(Entry.workstation, Entry.lot_number, Entry.id)).all()
    for e in entries:
        if e.id in now_absent:
            e.status = ABSENT
            db.session.add(AuditLog(user_id=actor.id, action="entry.absent", object_type="entry", object_id=e.id,
                                    competition_id=trade.competition_id, trade_id=trade.id, heat_id=heat.id,
                                    old={"status": "active"},
                                    new={"status": ABSENT, "lot": e.lot_number, "name": e.display_name}))
            marked.append(e.display_name)
        elif e.status == ABSENT:
            continue
        elif e.checked_in_at is not None:
            skipped.append((e.display_name, _("checked in at %(when)s", when=format_local(e.checked_in_at, "%H:%M"))))
        elif e in plan.marked_not_checked_in:
            skipped.append((e.display_name, _("already has marks")))
        else:
            skipped.append((e.display_name, _("not taking part")))
    gone = wanted - {e.id for e in entries}
    if gone:
        skipped.append(("—", _("%(n)d chosen contestants are no longer in this heat", n=len(gone))))
    if marked:
        from .standings import bump_in_transaction, trade_changed
        bump_in_transaction(trade.id)
        db.session.commit()
        trade_changed(trade.id, bumped=True)
    else:
        db.session.commit()
    return AbsentResult(marked, skipped)


def undo_absent(actor: User, entry_id, reason: str | None) -> Entry:
    """The organiser takes back a no-show (the chief judge let the contestant in late): the
    entry is active again and checked in now; audited with the reason."""
    if not actor.has_role(Role.ORGANISER):
        raise Forbidden(_("Only the organiser undoes a no-show."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ServiceError(_("Give a reason (e.g. “let in late by the chief judge”)."), "reason")
    entry = db.session.get(Entry, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.heat_id is None:
        raise NotFound(_("No such entry."), "entry")
    from .mark_common import locked_entry
    entry, heat = locked_entry(entry.id)
    if entry.status != ABSENT:
        raise Conflict(_("%(name)s is not marked absent.", name=entry.display_name), "entry")
    if heat.locked:
        raise Conflict(_("The heat is signed off; the chief judge unlocks it first."), "entry")
    trade = heat.stage.trade
    entry.status = "active"
    if entry.checked_in_at is None:
        entry.checked_in_at, entry.checked_in_by_id = utcnow(), actor.id
    db.session.add(AuditLog(user_id=actor.id, action="entry.absent_undo", object_type="entry", object_id=entry.id,
                            competition_id=trade.competition_id, trade_id=trade.id, heat_id=heat.id,
                            old={"status": ABSENT}, new={"status": "active", "checked_in": True,
                                                         "lot": entry.lot_number, "name": entry.display_name},
                            reason=reason[:300]))
    from .standings import bump_in_transaction, trade_changed
    bump_in_transaction(trade.id)
    db.session.commit()
    trade_changed(trade.id, bumped=True)
    db.session.refresh(entry)
    return entry
