"""Marks: a judge records one, the chief judge corrects one, the arbitration panel decides.

One function per user action; each validates against the trade's rule, writes in one
transaction with an AuditLog row (who, when, old value, new value, reason), commits and
then calls standings.trade_changed().

Idempotency: a submission carries a client-generated id. The same client id again returns
the stored mark (never a second row); the same judge, entry, criterion and attempt with a
new client id is an update of that mark, with its old value in the audit log.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditLog, Entry, Heat, Mark, Role, Stage, User
from . import standings
from .heats import (
    Conflict,
    Forbidden,
    JudgingError,
    NotFound,
    _,
    audit,
    heat_trade,
    judging_criteria,
    require_assignment,
    require_chief,
    require_reason,
)
from .rules import rule_for

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CORRECTION_KINDS = {"correction": "mark.correct", "appeal": "mark.appeal"}


@dataclass
class MarkResult:
    mark: Mark | None
    status: str          # created | updated | unchanged | duplicate | deleted


def mark_dict(mark: Mark) -> dict:
    """A mark as the API returns it (no names: safe for a blind judge)."""
    return {"id": mark.id, "entry_id": mark.entry_id, "criterion": mark.criterion,
            "attempt": mark.attempt, "value": mark.value, "client_id": mark.client_id,
            "judge_id": mark.judge_id, "note": mark.note,
            "updated_at": mark.updated_at.isoformat() if mark.updated_at else None}


def new_client_id() -> str:
    return secrets.token_hex(16)


def _audit_value(mark: Mark) -> dict:
    return {"entry": mark.entry_id, "lot": mark.entry.lot_number if mark.entry else None,
            "criterion": mark.criterion, "attempt": mark.attempt, "judge": mark.judge_id,
            "value": mark.value, "client_id": mark.client_id}


def _checked_value(rule, address: str, value, attempt) -> tuple[str, object]:
    """(stored text, slot) for a value the rule accepts; JudgingError naming the field."""
    from ..scoring import MarkError, validate_mark
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise JudgingError(_("Enter a value."), "value")
    if not isinstance(attempt, int) or isinstance(attempt, bool):
        raise JudgingError(_("The attempt must be a whole number."), "attempt")
    text = str(value).strip()
    if len(text) > 40:
        raise JudgingError(_("The value is too long."), "value")
    slot = next((s for s in rule.slots() if s.address == address), None)
    if slot is not None:
        _check_slot(slot, text)
    try:
        checked = validate_mark(rule, address, text, attempt)
    except MarkError as err:
        raise JudgingError(err.message, err.field) from None
    if slot is None:
        raise JudgingError(_("Enter a violation as a count of its code."), "criterion")
    stored = format(checked, "f") if isinstance(checked, Decimal) else str(checked)
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


def _by_client_id(client_id: str) -> Mark | None:
    return db.session.scalar(select(Mark).where(Mark.client_id == client_id))


def _find(entry_id: int, address: str, attempt: int, judge_id: int | None) -> Mark | None:
    stmt = select(Mark).where(Mark.entry_id == entry_id, Mark.criterion == address,
                              Mark.attempt == attempt)
    if judge_id is not None:
        stmt = stmt.where(Mark.judge_id == judge_id)
    return db.session.scalars(stmt.order_by(Mark.id).limit(1)).first()


def _entry_and_heat(entry_id) -> tuple[Entry, Heat]:
    # One round trip for the entry, its heat, stage and trade (every mark needs all four).
    entry = (db.session.get(Entry, entry_id, options=[
        joinedload(Entry.heat).joinedload(Heat.stage).joinedload(Stage.trade)])
        if isinstance(entry_id, int) else None)
    if entry is None or entry.heat is None:
        raise NotFound(_("No such entry."), "entry_id")
    return entry, entry.heat


def _same(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def record_mark(judge: User, *, entry_id: int, address: str, value, attempt: int = 1,
                client_id: str | None = None, note: str | None = None) -> MarkResult:
    """A judge enters (or corrects) their own mark from the tablet.

    Raises JudgingError (bad value, attempt, client id: field named), NotFound (entry),
    Forbidden (not assigned to the heat or the criterion), Conflict (heat signed off, or
    the client id belongs to another judge)."""
    try:
        return _record(judge, entry_id, address, value, attempt, client_id, note)
    except IntegrityError:
        # Two submissions raced (a retry while the first was still being stored): the
        # other one won; answer as if this one arrived second.
        db.session.rollback()
        return _record(judge, entry_id, address, value, attempt, client_id, note)


def _record(judge, entry_id, address, value, attempt, client_id, note) -> MarkResult:
    client_id = client_id or new_client_id()
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise JudgingError(_("The client id must be 8-64 letters, digits, - or _."),
                           "client_id")
    stored = _by_client_id(client_id)
    if stored is not None:
        if stored.judge_id != judge.id:
            raise Conflict(_("This client id was used by another judge."), "client_id")
        return MarkResult(stored, "duplicate")
    if not isinstance(address, str) or not address:
        raise JudgingError(_("Name the criterion."), "criterion")
    entry, heat = _entry_and_heat(entry_id)
    assignment = require_assignment(judge, heat)
    trade = heat_trade(heat)
    rule = rule_for(trade)
    text, slot = _checked_value(rule, address, value, attempt)
    if slot.criterion not in judging_criteria(rule, assignment):
        raise Forbidden(_("You are not assigned to this criterion."), "criterion")
    if entry.status == "withdrawn":
        raise Conflict(_("This contestant has withdrawn."), "entry_id")
    if heat.locked:
        raise Conflict(_("The heat is signed off; marks can no longer be changed."), "heat_id")
    if note is not None and len(str(note)) > 500:
        raise JudgingError(_("The note is too long."), "note")
    mark = _find(entry.id, address, attempt, None if slot.once_per_entry else judge.id)
    if mark is not None and _same(mark.value, text):
        mark.client_id = client_id
        db.session.commit()
        return MarkResult(mark, "unchanged")
    if mark is None:
        mark = Mark(entry=entry, judge_id=judge.id, criterion=address, attempt=attempt,
                    value=text, client_id=client_id, note=note)
        db.session.add(mark)
        db.session.flush()
        audit(judge, "mark.create", heat, object_type="mark", object_id=mark.id,
              new=_audit_value(mark))
        status = "created"
    else:
        old = _audit_value(mark)
        mark.value, mark.client_id = text, client_id
        if note is not None:
            mark.note = note
        db.session.flush()
        audit(judge, "mark.update", heat, object_type="mark", object_id=mark.id,
              old=old, new=_audit_value(mark))
        status = "updated"
    trade_id = trade.id          # read before the commit expires the trade
    standings.bump_in_transaction(trade_id)
    db.session.commit()
    standings.trade_changed(trade_id, bumped=True)
    return MarkResult(mark, status)


def correct_mark(actor: User, *, heat_id: int, reason: str | None, value,
                 kind: str = "correction", mark_id: int | None = None,
                 entry_id: int | None = None, address: str | None = None,
                 attempt: int = 1, judge_id: int | None = None) -> MarkResult:
    """The chief judge corrects a mark (``kind="correction"``) or the arbitration panel
    records an appeal decision that re-scores one (``kind="appeal"``), also after sign-off.
    Names an existing mark by ``mark_id``, or a new one by entry, address, attempt and
    judge (default: the actor; adjustments are entered this way). An empty value deletes
    the mark. Always needs a written reason.

    Raises Forbidden (wrong role or trade), JudgingError (no reason, bad value), NotFound."""
    if kind not in CORRECTION_KINDS:
        raise JudgingError(_("Unknown kind of correction."), "kind")
    mark = db.session.get(Mark, mark_id) if mark_id is not None else None
    if mark_id is not None and mark is None:
        raise NotFound(_("No such mark."), "mark_id")
    entry, heat = _entry_and_heat(mark.entry_id if mark else entry_id)
    if heat.id != heat_id:
        raise NotFound(_("No such entry."), "entry_id")
    trade = heat_trade(heat)
    _require_corrector(actor, trade, kind)
    text_reason = require_reason(reason)
    action = CORRECTION_KINDS[kind]
    if value is None or str(value).strip() == "":
        if mark is None:
            raise JudgingError(_("Enter a value."), "value")
        old = _audit_value(mark)
        audit(actor, action, heat, object_type="mark", object_id=mark.id, old=old,
              new=None, reason=text_reason)
        db.session.delete(mark)
        trade_id = trade.id
        standings.bump_in_transaction(trade_id)
        db.session.commit()
        standings.trade_changed(trade_id, bumped=True)
        return MarkResult(None, "deleted")
    rule = rule_for(trade)
    address = mark.criterion if mark else address
    attempt = mark.attempt if mark else attempt
    text, _slot = _checked_value(rule, address or "", value, attempt)
    if mark is None:
        judge_id = judge_id or actor.id
        mark = _find(entry.id, address, attempt, judge_id)
    old = _audit_value(mark) if mark else None
    if mark is None:
        mark = Mark(entry=entry, judge_id=judge_id, criterion=address, attempt=attempt,
                    value=text, client_id=new_client_id())
        db.session.add(mark)
    else:
        mark.value = text
    db.session.flush()
    new = dict(_audit_value(mark), kind=kind)
    audit(actor, action, heat, object_type="mark", object_id=mark.id, old=old, new=new,
          reason=text_reason)
    trade_id = trade.id
    standings.bump_in_transaction(trade_id)
    db.session.commit()
    standings.trade_changed(trade_id, bumped=True)
    return MarkResult(mark, "updated" if old else "created")


def record_appeal_decision(actor: User, *, heat_id: int, entry_id: int, decision: str,
                           reason: str | None) -> AuditLog:
    """The arbitration panel records its decision on an appeal (申诉) about an entry:
    "upheld" (re-scoring follows as correct_mark(kind="appeal")) or "rejected".

    Raises Forbidden (not arbitration), JudgingError (no reason, unknown decision)."""
    entry, heat = _entry_and_heat(entry_id)
    if heat.id != heat_id:
        raise NotFound(_("No such entry."), "entry_id")
    _require_corrector(actor, heat_trade(heat), "appeal")
    text = require_reason(reason)
    if decision not in ("upheld", "rejected"):
        raise JudgingError(_("Choose upheld or rejected."), "decision")
    row = audit(actor, "appeal.decision", heat, object_type="entry", object_id=entry.id,
                new={"entry": entry.id, "lot": entry.lot_number, "decision": decision},
                reason=text)
    db.session.commit()
    return row


def _require_corrector(actor: User, trade, kind: str) -> None:
    if kind == "appeal":
        if actor.has_role(Role.ARBITRATION) and actor.trade_id in (None, trade.id):
            return
        raise Forbidden(_("Only the arbitration panel records appeal decisions."))
    require_chief(actor, trade)
