"""Seating by hand: the organiser puts an entry the draw left out (a late entrant) into
a heat, or moves an entry that has no marks yet to another heat or workstation.

A redraw is refused once marks exist; this is the way in for the contestant who turned up
after that. One transaction with one AuditLog row ("entry.seat" or "entry.move", who and
why), then standings.trade_changed(): the judges' heat page lists the entry and the
screens count it. seat_many() seats a selection of late entrants in one heat at once,
with one reason (still one audit row per entry).

Both take the row locks of every heat of the stage (services.heat_lock, in id order)
before they read the free workstations and the stage's lots: two organisers seating at
the same moment are served one after the other, so neither gives away a workstation or a
lot number the other has just given.

Raises ServiceError (bad input, naming the field), NotFound, Conflict (a signed-off heat,
a taken workstation or lot, an entry with marks, a withdrawn entry).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..brackets import free_workstations, next_lot, same_lot
from ..extensions import db
from ..models import Entry, Heat, Mark, User
from .heat_lock import lock_heat_row
from .registration import Conflict, NotFound, ServiceError, _, audit

REASON_MIN_LENGTH = 2
LOT_MAX_LENGTH = 20


@dataclass(frozen=True)
class HeatChoice:
    """A heat as the seating form offers it."""
    heat: Heat
    free: list[int]          # free workstations, in order
    locked: bool

    @property
    def next_free(self) -> int | None:
        return self.free[0] if self.free else None


def get_entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("No such entry."), "entry_id")
    return entry


def mark_count(entry: Entry) -> int:
    return db.session.scalar(select(func.count(Mark.id)).where(Mark.entry_id == entry.id)) or 0


def marked_entries(stage_id: int) -> set[int]:
    """Ids of the stage's entries that have at least one mark (they stay where they are)."""
    return set(db.session.scalars(select(Mark.entry_id).join(Entry, Entry.id == Mark.entry_id)
                                  .where(Entry.stage_id == stage_id).distinct()))


def _taken(heat: Heat, except_entry: Entry | None = None) -> dict[int, Entry]:
    return {e.workstation: e for e in heat.entries
            if e.workstation is not None and e is not except_entry}


def heat_choices(entry: Entry) -> list[HeatChoice]:
    """The heats of the entry's stage with their free workstations (the entry's own seat
    counts as free: it is the one being given up)."""
    return [HeatChoice(h, free_workstations(h.workstations, _taken(h, entry)), h.locked)
            for h in entry.stage.heats]


def stage_heat_choices(stage) -> list[HeatChoice]:
    """Every heat of ``stage`` with its free workstations (for seating several at once)."""
    return [HeatChoice(h, free_workstations(h.workstations, _taken(h)), h.locked)
            for h in stage.heats]


def default_lot(entry: Entry) -> str:
    """The entry's own lot if it has one, else the next unused lot of the stage."""
    if entry.lot_number:
        return entry.lot_number
    return next_lot(db.session.scalars(select(Entry.lot_number)
                                       .where(Entry.stage_id == entry.stage_id)))


def _parse_workstation(text) -> int | None:
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ServiceError(_("The workstation is a whole number from 1 up."), "workstation")
    return int(text)


def _check_lot(entry: Entry, lot: str) -> str:
    if len(lot) > LOT_MAX_LENGTH:
        raise ServiceError(_("A lot number has at most %(n)d characters.", n=LOT_MAX_LENGTH),
                           "lot_number")
    for other in db.session.scalars(select(Entry).where(Entry.stage_id == entry.stage_id,
                                                        Entry.id != entry.id)):
        if other.lot_number and same_lot(other.lot_number, lot):
            raise Conflict(_("Lot number %(lot)s is already %(name)s's.", lot=lot,
                             name=other.display_name), "lot_number")
    return lot


def _check_movable(entry: Entry, heat: Heat) -> None:
    if entry.status in ("withdrawn", "disqualified"):
        raise Conflict(_("%(name)s has withdrawn or is disqualified; reinstate them first.",
                         name=entry.display_name), None)
    if heat.locked:
        raise Conflict(_("%(heat)s is signed off; its chief judge must unlock it first.",
                         heat=heat.name), "heat_id")
    if entry.heat is not None and entry.heat.locked:
        raise Conflict(_("%(heat)s, where %(name)s is seated, is signed off; its chief judge "
                         "must unlock it first.", heat=entry.heat.name,
                         name=entry.display_name), "heat_id")
    if mark_count(entry):
        raise Conflict(_("%(name)s already has marks in %(heat)s and cannot change seats; "
                         "ask the chief judge to correct the marks instead.",
                         name=entry.display_name,
                         heat=entry.heat.name if entry.heat else ""), None)


def seat_entry(entry_id: int, heat_id, user: User | None, *, workstation=None,
               lot_number: str | None = None, reason: str | None = None) -> Entry:
    """Seat ``entry`` in ``heat`` at ``workstation`` (empty: the heat's lowest free one)
    with ``lot_number`` (empty: its own lot, or the stage's next unused one).
    Raises ServiceError / NotFound / Conflict (see the module)."""
    entry = get_entry(entry_id)
    text = (reason or "").strip()
    if len(text) < REASON_MIN_LENGTH:
        raise ServiceError(_("Write why the seat is given or changed (e.g. 补报名, 调换场次)."),
                           "reason")
    try:
        heat = db.session.get(Heat, int(heat_id)) if str(heat_id or "").strip() else None
    except (TypeError, ValueError):
        heat = None
    if heat is None or heat.stage_id != entry.stage_id:
        raise ServiceError(_("Choose a heat of this stage."), "heat_id")
    try:
        entry, trade_id = _seat_locked(entry, heat.id, user, workstation, lot_number, text)
    except ServiceError:
        db.session.rollback()    # the heats' locks go with the transaction
        raise
    from .standings import trade_changed
    trade_changed(trade_id)
    return entry


def _seat_locked(entry: Entry, heat_id: int, user, workstation, lot_number,
                 text: str) -> tuple[Entry, int]:
    """seat_entry() under the stage's heat locks; committed when it returns."""
    heat = _lock_stage_heats(entry.stage_id, heat_id)
    _check_movable(entry, heat)
    wanted = _parse_workstation(workstation)
    taken = _taken(heat, entry)
    if wanted is None:
        free = free_workstations(heat.workstations, taken)
        if not free:
            raise Conflict(_("All %(n)d workstations of %(heat)s are taken; choose another "
                             "heat or add a heat.", n=heat.workstations, heat=heat.name),
                           "workstation")
        wanted = free[0]
    elif wanted > heat.workstations:
        raise ServiceError(_("%(heat)s has workstations 1 to %(n)d.", heat=heat.name,
                             n=heat.workstations), "workstation")
    elif wanted in taken:
        holder = taken[wanted]
        raise Conflict(_("Workstation %(w)d of %(heat)s is taken (lot %(lot)s, %(name)s).",
                         w=wanted, heat=heat.name, lot=holder.lot_number or "—",
                         name=holder.display_name), "workstation")
    lot = _check_lot(entry, (lot_number or "").strip() or default_lot(entry))
    old = _place(entry)
    if (entry.heat_id, entry.workstation) == (heat.id, wanted) and same_lot(entry.lot_number,
                                                                             lot):
        raise ServiceError(_("%(name)s is already seated there.", name=entry.display_name),
                           "workstation")
    action = "entry.move" if entry.heat_id is not None else "entry.seat"
    trade = heat.stage.trade
    try:
        entry.heat_id, entry.workstation, entry.lot_number = heat.id, wanted, lot
        db.session.flush()
        db.session.refresh(entry, ["heat"])
        audit(user, action, "entry", entry.id, competition_id=trade.competition_id,
              trade_id=trade.id, heat_id=heat.id, old=old, new=_place(entry), reason=text)
        db.session.commit()
    except IntegrityError:   # someone took the seat or the lot a moment ago
        db.session.rollback()
        raise Conflict(_("That workstation or lot number was just taken; choose again."),
                       "workstation") from None
    return entry, trade.id


def _lock_stage_heats(stage_id: int, heat_id: int) -> Heat:
    """Take the locks of every heat of the stage (in id order, so two organisers never wait
    on each other crosswise) and return ``heat_id``'s heat, read fresh."""
    for hid in sorted(db.session.scalars(select(Heat.id).where(Heat.stage_id == stage_id))):
        lock_heat_row(hid, load=False)
    return db.session.get(Heat, heat_id)


def unseated_entries(stage_id: int) -> list[Entry]:
    """The stage's entrants in no heat who may be seated (not withdrawn or disqualified),
    in order of registration."""
    return list(db.session.scalars(select(Entry).where(
        Entry.stage_id == stage_id, Entry.heat_id.is_(None),
        Entry.status.in_(("active", "advanced"))).order_by(Entry.id)))


def seat_many(stage_id: int, entry_ids, heat_id, user: User | None, *,
              reason: str | None = None) -> list[Entry]:
    """Seat the late entrants ``entry_ids`` (in no heat yet) of stage ``stage_id`` in
    ``heat_id``, at its lowest free workstations in the order given, each with its own
    lot or the stage's next unused one; one ``reason`` for all, one audit row per entry.
    All or nothing: raises ServiceError / NotFound / Conflict naming the field."""
    text = (reason or "").strip()
    if len(text) < REASON_MIN_LENGTH:
        raise ServiceError(_("Write why the seat is given or changed (e.g. 补报名, 调换场次)."),
                           "reason")
    ids: list[int] = []
    for raw in entry_ids or []:
        if not str(raw).strip().isdecimal():   # isdigit() takes "²", which int() refuses
            raise ServiceError(_("No such entry."), "entry_ids")
        if int(raw) not in ids:
            ids.append(int(raw))
    if not ids:
        raise ServiceError(_("Tick the entrants to seat."), "entry_ids")
    text_id = str(heat_id or "").strip()
    heat = db.session.get(Heat, int(text_id)) if text_id.isdecimal() else None
    if heat is None or heat.stage_id != stage_id:
        raise ServiceError(_("Choose a heat of this stage."), "heat_id")
    try:
        heat = _lock_stage_heats(stage_id, heat.id)
        entries = []
        for i in ids:
            entry = db.session.get(Entry, i)
            if entry is None or entry.stage_id != stage_id:
                raise NotFound(_("No such entry."), "entry_ids")
            if entry.heat_id is not None:
                raise Conflict(_("%(name)s is already seated in %(heat)s (someone may just "
                                 "have seated them); reload the page.",
                                 name=entry.display_name, heat=entry.heat.name), "entry_ids")
            _check_movable(entry, heat)
            entries.append(entry)
        free = free_workstations(heat.workstations, _taken(heat))
        if len(free) < len(entries):
            raise Conflict(_("%(heat)s has %(free)d free workstations for %(n)d entrants: "
                             "choose another heat, tick fewer, or give the heat more "
                             "workstations.", heat=heat.name, free=len(free),
                             n=len(entries)), "heat_id")
        lots = list(db.session.scalars(select(Entry.lot_number)
                                       .where(Entry.stage_id == stage_id,
                                              Entry.id.notin_(ids))))
        trade = heat.stage.trade
        for entry, workstation in zip(entries, free):
            lot = entry.lot_number or next_lot(lots)
            if any(same_lot(lot, other) for other in lots if other):
                lot = next_lot(lots)
            lots.append(lot)
            old = _place(entry)
            entry.heat_id, entry.workstation, entry.lot_number = heat.id, workstation, lot
            db.session.flush()
            db.session.refresh(entry, ["heat"])
            audit(user, "entry.seat", "entry", entry.id, competition_id=trade.competition_id,
                  trade_id=trade.id, heat_id=heat.id, old=old,
                  new={**_place(entry), "together": len(entries)}, reason=text)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("That workstation or lot number was just taken; choose again."),
                       "heat_id") from None
    except Exception:
        db.session.rollback()
        raise
    from .standings import trade_changed
    trade_changed(trade.id)
    return entries


def _place(entry: Entry) -> dict:
    return {"heat": entry.heat_id, "heat_name": entry.heat.name if entry.heat else None,
            "workstation": entry.workstation, "lot": entry.lot_number,
            "name": entry.display_name}
