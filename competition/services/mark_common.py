"""What the mark services share: the result type, the API's view of a mark, value
checks against the rule, the look-ups under the heat's lock, and the commit after which
the trade is published once (services.standings.trade_changed)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditLog, Entry, Heat, Mark, Stage, User
from . import standings
from .heat_lock import MAX_ID, lock_heat_row
from .heats import JudgingError, NotFound, _
from .mark_values import canonical

CHANGED = ("created", "updated")


@dataclass
class MarkResult:
    mark: Mark | None
    status: str   # created | updated | unchanged | duplicate | superseded | deleted


def mark_dict(mark: Mark) -> dict:
    """A mark as the API returns it (no names: safe for a blind judge)."""
    return {"id": mark.id, "entry_id": mark.entry_id, "criterion": mark.criterion,
            "attempt": mark.attempt, "value": mark.value, "client_id": mark.client_id,
            "judge_id": mark.judge_id, "note": mark.note, "seq": mark.seq,
            "updated_at": mark.updated_at.isoformat() if mark.updated_at else None}


def new_client_id() -> str:
    return secrets.token_hex(16)


def audit_value(mark: Mark) -> dict:
    return {"entry": mark.entry_id, "lot": mark.entry.lot_number if mark.entry else None,
            "criterion": mark.criterion, "attempt": mark.attempt, "judge": mark.judge_id,
            "value": mark.value, "client_id": mark.client_id, "seq": mark.seq}


def applied_before(heat_id: int, mark_id: int, client_id: str) -> bool:
    """Whether the submission ``client_id`` already set this mark once (its audit rows
    keep every client id that changed it): a late replay of it is older than the value
    stored since."""
    rows = db.session.scalars(select(AuditLog.new).where(
        AuditLog.heat_id == heat_id, AuditLog.object_type == "mark",
        AuditLog.object_id == mark_id))
    return any((new or {}).get("client_id") == client_id for new in rows)


def correction_rows(heat_id: int) -> list[AuditLog]:
    """The heat's corrections and appeal decisions of marks, newest first."""
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.heat_id == heat_id, AuditLog.object_type == "mark",
                               AuditLog.action.in_(("mark.correct", "mark.appeal")))
        .order_by(AuditLog.id.desc())))


def deleted_by_correction(heat_id: int, entry_id: int, address: str, attempt: int,
                          judge_id: int | None, client_id: str, seq: int | None,
                          rows: list[AuditLog] | None = None) -> bool:
    """Whether a correction deleted this slot's mark after the submission was made: the
    deleted mark had this client id, or a submission number not older than ``seq``. A
    retry of that submission must not bring the mark back (``judge_id`` None: a mark
    entered once per entry, whoever entered it). ``rows``: correction_rows(heat_id),
    read once by a caller checking many slots."""
    if rows is None:
        rows = correction_rows(heat_id)
    for row in rows:
        old = row.old or {}
        if (old.get("entry"), old.get("criterion"), old.get("attempt")) != \
                (entry_id, address, attempt) or judge_id not in (None, old.get("judge")):
            continue
        if row.new:                   # the slot's latest correction left a mark
            return False
        return old.get("client_id") == client_id or (
            seq is not None and old.get("seq") is not None and seq <= old["seq"])
    return False


def checked_value(rule, address: str, text: str, attempt) -> tuple[str, object]:
    """(stored text, slot) for a bounded value the rule accepts; JudgingError naming the
    field. ``text`` comes from mark_values.bounded_value()."""
    from ..scoring import MarkError, validate_mark
    slot = next((s for s in rule.slots() if s.address == address), None)
    if slot is not None:
        _check_slot(slot, text)
    try:
        checked = validate_mark(rule, address, text, attempt)
    except MarkError as err:
        raise JudgingError(err.message, err.field) from None
    if slot is None:
        raise JudgingError(_("Enter a violation as a count of its code."), "criterion")
    stored = canonical(checked) if isinstance(checked, Decimal) else str(checked)
    return stored, slot


def _check_slot(slot, text: str) -> None:
    """The common refusals in the user's language (the engine then checks everything)."""
    from ..scoring.marks import to_decimal
    number = to_decimal(text)
    if number is None:
        raise JudgingError(_("'%(value)s' is not a number.", value=text), "value")
    if slot.min is not None and number < slot.min:
        raise JudgingError(_("%(value)s is below the minimum %(min)s.", value=text,
                             min=slot.min), "value")
    if slot.max is not None and number > slot.max:
        raise JudgingError(_("%(value)s is above the maximum %(max)s.", value=text,
                             max=slot.max), "value")
    base = slot.min if slot.min is not None else Decimal(0)
    if slot.step is not None and (number - base) % slot.step:
        raise JudgingError(_("%(value)s is not a multiple of the step %(step)s.", value=text,
                             step=slot.step), "value")


def by_client_id(client_id: str) -> Mark | None:
    return db.session.scalar(select(Mark).where(Mark.client_id == client_id))


def find_mark(entry_id: int, address: str, attempt: int, judge_id: int | None) -> Mark | None:
    stmt = select(Mark).where(Mark.entry_id == entry_id, Mark.criterion == address,
                              Mark.attempt == attempt)
    if judge_id is not None:
        stmt = stmt.where(Mark.judge_id == judge_id)
    return db.session.scalars(stmt.order_by(Mark.id).limit(1)).first()


def entry_and_heat(entry_id) -> tuple[Entry, Heat]:
    # One round trip for the entry, its heat, stage and trade (every mark needs all four).
    valid = isinstance(entry_id, int) and not isinstance(entry_id, bool) \
        and 0 < entry_id <= MAX_ID
    entry = (db.session.get(Entry, entry_id, options=[
        joinedload(Entry.heat).joinedload(Heat.stage).joinedload(Stage.trade)])
        if valid else None)
    if entry is None or entry.heat is None:
        raise NotFound(_("No such entry."), "entry_id")
    return entry, entry.heat


def locked_entry(entry_id) -> tuple[Entry, Heat]:
    """The entry and its heat, with the heat's row lock taken and both read fresh (the
    entry's heat is read again under the lock: a contestant moved meanwhile is followed)."""
    for _attempt in range(3):
        valid = isinstance(entry_id, int) and not isinstance(entry_id, bool) \
            and 0 < entry_id <= MAX_ID
        heat_id = db.session.scalar(select(Entry.heat_id).where(Entry.id == entry_id)) \
            if valid else None
        if heat_id is None:
            raise NotFound(_("No such entry."), "entry_id")
        lock_heat_row(heat_id, load=False)
        entry, heat = entry_and_heat(entry_id)
        if heat.id == heat_id:
            return entry, heat
        db.session.rollback()        # moved to another heat before we locked: follow it
    raise NotFound(_("No such entry."), "entry_id")


def same_value(a: str, b: str) -> bool:
    from ..scoring.marks import to_decimal
    x, y = to_decimal(a), to_decimal(b)
    return x == y if x is not None and y is not None else a == b


def commit_changes(trade_id: int, changed: bool) -> None:
    """Commit; with a change, tell the publisher after the commit (it names the new
    standings version and publishes after the answer: the judge never waits for it)."""
    db.session.commit()
    if changed:
        standings.trade_changed(trade_id)


def last_writer(mark: Mark) -> User | None:
    """Who set the mark's current value: the author of its latest audit row."""
    user_id = db.session.scalar(
        select(AuditLog.user_id).where(AuditLog.object_type == "mark",
                                       AuditLog.object_id == mark.id)
        .order_by(AuditLog.id.desc()).limit(1))
    return db.session.get(User, user_id) if user_id else mark.judge
