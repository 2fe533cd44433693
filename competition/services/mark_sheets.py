"""A judge's whole score sheet of one contestant, stored as one write.

Every mark of the sheet passes the same checks as a single mark (marks.validate_mark_for)
and is stored in ONE transaction under the heat's lock, with ONE standings version and one
publish: screens never show half a sheet. All or nothing: one invalid mark refuses the
whole sheet (the error names the mark's criterion, attempt and field) and stores nothing.

Idempotency: the sheet's client id (8-55 characters) names the sheet; each of its marks
gets the client id ``<sheet client id>-<8 hex digits of sha256("<criterion>#<attempt>")>``
(at most 64 characters, independent of the order of the marks). A retry of the sheet finds
its marks by these ids and answers "duplicate"; a mark whose value was changed since by a
newer submission is not touched (its number is newer: "superseded").
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified

from ..extensions import db
from ..models import AuditLog, Mark, User, utcnow
from .errors import Conflict, ServiceError, _
from .heats import heat_trade, require_assignment
from .mark_common import CHANGED, MarkResult, audit_value, commit_changes, correction_rows, locked_entry, mark_dict
from .mark_values import CLIENT_ID, bounded_value, checked_attempt, checked_note, checked_seq
from .marks import store_mark, stored_submission, validate_mark_for
from .panels import heat_panel_of
from .rules import rule_for

MAX_MARKS = 300
SHEET_ID_MAX = 55


class SheetMarkError(ServiceError):
    """A refusal of one mark of a sheet: the whole sheet is refused; names the mark."""

    def __init__(self, err: ServiceError, index: int, criterion, attempt):
        label = criterion if isinstance(criterion, str) else "?"
        super().__init__(_("%(criterion)s (attempt %(attempt)s): %(reason)s",
                           criterion=label, attempt=attempt, reason=err.message), err.field)
        self.status = err.status
        self.index, self.criterion, self.attempt = index, label, attempt

    def to_dict(self) -> dict:
        return dict(super().to_dict(), index=self.index, criterion=self.criterion,
                    attempt=self.attempt)


@dataclass
class SheetItem:
    index: int
    criterion: object
    attempt: int
    text: str
    note: str | None
    client_id: str = ""


@dataclass
class SheetResult:
    status: str                     # created | updated | unchanged | duplicate | superseded
    results: list[MarkResult]
    items: list[SheetItem]
    answer: list[dict] = field(default_factory=list)

    def mark_dicts(self) -> list[dict]:
        """The marks as the API returns them, each with its status, in the order sent (a
        mark deleted by a correction after the sheet was made: value null). Built before
        the commit from the values written (no reload of each mark after it)."""
        return self.answer or _answer(self.results, self.items)


def _answer(results: list[MarkResult], items: list[SheetItem]) -> list[dict]:
    return [dict(_as_stored(mark_dict(r.mark)), status=r.status) if r.mark is not None else
            {"id": None, "entry_id": None, "criterion": item.criterion,
             "attempt": item.attempt, "value": None, "client_id": item.client_id,
             "status": r.status} for item, r in zip(items, results)]


def _as_stored(d: dict) -> dict:
    """The answer as the stored row reads back: SQLite keeps no time zone (the times are
    UTC), so a time written in this request is given as it will be read."""
    if d["updated_at"] and db.session.get_bind().dialect.name == "sqlite":
        d["updated_at"] = d["updated_at"].split("+")[0]
    return d


def sheet_mark_client_id(client_id: str, criterion: str, attempt: int) -> str:
    tag = hashlib.sha256(f"{criterion}#{attempt}".encode()).hexdigest()[:8]
    return f"{client_id}-{tag}"


def record_sheet(judge: User, *, entry_id, client_id, seq, marks) -> SheetResult:
    """Store a judge's marks of one entry in one transaction (see the module's doc).

    Raises JudgingError (a field of the sheet: entry_id, client_id, seq, marks),
    SheetMarkError (one mark: its criterion, attempt and field, with the status of the
    refusal: 400, 403 or 409), NotFound (entry), Forbidden (not assigned to the heat),
    Conflict (heat signed off, contestant withdrawn, a client id used otherwise)."""
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id) \
            or len(client_id) > SHEET_ID_MAX:
        raise ServiceError(_("The client id must be 8-55 letters, digits, - or _."),
                           "client_id")
    seq = checked_seq(seq)
    items = _items(marks, client_id)
    try:
        try:
            return _record_sheet(judge, entry_id, seq, items)
        except IntegrityError:
            db.session.rollback()      # a writer outside the heat's lock won a race
            return _record_sheet(judge, entry_id, seq, items)
    except BaseException:
        db.session.rollback()
        raise


def _items(marks, client_id: str) -> list[SheetItem]:
    """The sheet's marks with bounded values, before anything else looks at them."""
    if not isinstance(marks, list) or not marks:
        raise ServiceError(_("Send the sheet's marks as a list."), "marks")
    if len(marks) > MAX_MARKS:
        raise ServiceError(_("A sheet has at most %(n)d marks.", n=MAX_MARKS), "marks")
    items, seen = [], set()
    for index, raw in enumerate(marks):
        if not isinstance(raw, dict):
            raise ServiceError(_("Each mark must be a JSON object."), "marks")
        criterion, attempt = raw.get("criterion"), raw.get("attempt", 1)
        try:
            if not isinstance(criterion, str) or not criterion or len(criterion) > 80:
                raise ServiceError(_("Name the criterion."), "criterion")
            attempt = checked_attempt(attempt)
            item = SheetItem(index, criterion, attempt, bounded_value(raw.get("value")),
                             checked_note(raw.get("note")))
        except ServiceError as err:
            raise SheetMarkError(err, index, criterion, attempt) from None
        if (criterion, attempt) in seen:
            raise SheetMarkError(ServiceError(_("This mark is in the sheet twice."),
                                              "criterion"), index, criterion, attempt)
        seen.add((criterion, attempt))
        item.client_id = sheet_mark_client_id(client_id, criterion, attempt)
        items.append(item)
    return items


def _record_sheet(judge: User, entry_id, seq, items: list[SheetItem]) -> SheetResult:
    entry, heat = locked_entry(entry_id)
    # One read, under the heat's lock, of the sheet's client ids (wherever they are) and
    # of the entry's marks: the duplicates, the slots' marks and the first-come holders.
    rows = list(db.session.scalars(select(Mark).where(or_(
        Mark.entry_id == entry.id, Mark.client_id.in_([i.client_id for i in items])))
        .order_by(Mark.id)))
    by_client = {m.client_id: m for m in rows if m.client_id is not None}
    own = [m for m in rows if m.entry_id == entry.id]
    repeated = [_each(item, stored_submission, judge, item.client_id, entry, item.criterion,
                      item.attempt, item.text, by_client.get(item.client_id))
                for item in items]
    if all(repeated):
        answer = _answer(repeated, items)
        db.session.commit()
        return SheetResult("duplicate", repeated, items, answer)
    assignment = require_assignment(judge, heat)
    if entry.status == "withdrawn":
        raise Conflict(_("This contestant has withdrawn."), "entry_id")
    if entry.status == "absent":
        from .marks import absent_refusal
        raise Conflict(absent_refusal(entry), "entry_id")
    if heat.locked:
        raise Conflict(_("The heat is signed off; marks can no longer be changed."), "heat_id")
    trade = heat_trade(heat)
    rule = rule_for(trade)
    panel = heat_panel_of(heat, rule)          # once per sheet, not once per mark

    def holders(entry_id: int, address: str, attempt: int) -> list[int]:
        return [m.judge_id for m in own if (m.criterion, m.attempt) == (address, attempt)]

    checked = {item.index: _each(item, validate_mark_for, judge, entry, heat, rule,
                                 assignment, address=item.criterion, text=item.text,
                                 attempt=item.attempt, panel=panel, holders=holders)
               for item, done in zip(items, repeated) if done is None}
    corrections: list = []

    def heat_corrections() -> list:
        if not corrections:
            corrections.append(correction_rows(heat.id))
        return corrections[0]

    results, changes = [], []
    for item, done in zip(items, repeated):
        if done is not None:
            results.append(done)
            continue
        stored, slot = checked[item.index]
        results.append(store_mark(judge, entry, heat, address=item.criterion, slot=slot,
                                  text=stored, attempt=item.attempt,
                                  client_id=item.client_id, note=item.note, seq=seq,
                                  existing=_slot_mark(own, item, None if slot.once_per_entry
                                                      else judge.id),
                                  corrections=heat_corrections, changes=changes))
    now = utcnow()
    for result in results:
        # every changed mark updates the same columns: the flush sends ONE executemany
        # (else one UPDATE per run of marks changing different columns); the time is set
        # here, so the answer gives the time stored
        if result.mark is not None and result.mark in db.session \
                and db.session.is_modified(result.mark):
            result.mark.updated_at = now
            for key in _UPDATED:
                flag_modified(result.mark, key)
    db.session.flush()
    _insert_new([mark for action, mark, _old in changes if action == "mark.create"])
    if changes:
        db.session.execute(insert(AuditLog), [
            dict(user_id=judge.id, action=action, object_type="mark", object_id=mark.id,
                 competition_id=trade.competition_id, trade_id=trade.id, heat_id=heat.id,
                 old=old, new=audit_value(mark), reason=None)
            for action, mark, old in changes])
    statuses = {r.status for r in results}
    answer = _answer(results, items)
    trade_id = trade.id
    commit_changes(trade_id, bool(statuses & set(CHANGED)))
    return SheetResult(_sheet_status(statuses), results, items, answer)


def _insert_new(marks: list[Mark]) -> None:
    """The sheet's new marks in one INSERT (the ids come back by client id, unique per
    mark), then made persistent in the session as if read (no reload)."""
    if not marks:
        return
    now = utcnow()
    for mark in marks:
        mark.created_at = mark.updated_at = now
    ids = dict(db.session.execute(insert(Mark).values([
        {c: getattr(mark, c) for c in _COLUMNS} for mark in marks])
        .returning(Mark.client_id, Mark.id)).all())
    for mark in marks:
        mark.id = ids[mark.client_id]
        make_transient_to_detached(mark)
        db.session.add(mark)


_UPDATED = ("value", "client_id", "seq", "judge_id", "note")
_COLUMNS = ("entry_id", "judge_id", "criterion", "attempt", "value", "client_id", "note",
            "seq", "created_at", "updated_at")


def _slot_mark(own: list[Mark], item: SheetItem, judge_id: int | None) -> Mark | None:
    """The slot's mark as mark_common.find_mark() finds it (the oldest), from the entry's
    marks read once."""
    return next((m for m in own if (m.criterion, m.attempt) == (item.criterion, item.attempt)
                 and (judge_id is None or m.judge_id == judge_id)), None)


def _each(item: SheetItem, check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except ServiceError as err:
        raise SheetMarkError(err, item.index, item.criterion, item.attempt) from None


def _sheet_status(statuses: set[str]) -> str:
    if "updated" in statuses:
        return "updated"
    if "created" in statuses:
        return "created"
    if "superseded" in statuses:
        return "superseded"
    return "duplicate" if statuses == {"duplicate"} else "unchanged"
