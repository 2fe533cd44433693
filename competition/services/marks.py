"""Marks: a judge records one (or a whole sheet, services.mark_sheets); the chief judge
corrects one and the arbitration panel re-scores one (services.mark_corrections).

One function per user action; each checks the submission's fields first (bounded values,
services.mark_values), takes the heat's row lock (services.heat_lock: marks, corrections
and sign-off of a heat never interleave), validates against the trade's rule, writes in
one transaction with an AuditLog row (who, when, old value, new value, reason), bumps the
standings version in that transaction, commits and then publishes.

Idempotency: a submission carries a client-generated id, and a client id names one value
forever: the same id again returns the stored mark ("duplicate"), the same id with another
value is refused (409 naming the stored value). The same judge, entry, criterion and
attempt with a new client id is an update of that mark, with its old value in the audit
log, unless the submission is older than the stored one: a tablet numbers its submissions
(``seq``, growing per judge) and a lower or equal number than the mark's answers
"superseded" with the current mark. Submissions without a number (old tablets) update.

The database enforces "at most one": one mark per entry, criterion, attempt and judge,
and one declared value ("crit@difficulty") per entry and attempt whoever enters it.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Entry, Heat, Mark, User
from .heats import Conflict, JudgingError, _, audit, heat_trade, require_assignment
from .mark_common import (
    CHANGED,
    MarkResult,
    applied_before,
    audit_value,
    by_client_id,
    checked_value,
    commit_changes,
    deleted_by_correction,
    find_mark,
    locked_entry,
    new_client_id,
    same_value,
)
from .mark_common import mark_dict as mark_dict  # the API's view of a mark, as before
from .mark_corrections import UNSET as UNSET
from .mark_corrections import correct_mark as correct_mark
from .mark_corrections import record_appeal_decision as record_appeal_decision
from .mark_values import bounded_value, checked_attempt, checked_client_id, checked_note, checked_seq
from .panels import require_may_mark
from .rules import rule_for

# Looked up through this module's globals (a test replaces them to force a race).
_by_client_id = by_client_id
_find = find_mark


def validate_mark_for(judge: User, entry: Entry, heat: Heat, rule, assignment, *,
                      address, text: str, attempt: int, panel=None, holders=None
                      ) -> tuple[str, object]:
    """Everything a judge's mark must pass, for POST /api/marks and a whole sheet alike:
    (stored text, slot). Raises JudgingError (value, criterion, attempt), Forbidden
    (not on the criterion's panel), Conflict (withdrawn contestant, signed-off heat).
    A whole sheet passes the heat's ``panel`` and ``holders`` it read once
    (panels.require_may_mark)."""
    if not isinstance(address, str) or not address:
        raise JudgingError(_("Name the criterion."), "criterion")
    stored, slot = checked_value(rule, address, text, attempt)
    require_may_mark(rule, heat, judge, entry.id, slot, attempt,   # the heat's panel
                     panel=panel, holders=holders)
    if entry.status == "withdrawn":
        raise Conflict(_("This contestant has withdrawn."), "entry_id")
    if entry.status == "absent":
        raise Conflict(absent_refusal(entry), "entry_id")
    if heat.locked:
        raise Conflict(_("The heat is signed off; marks can no longer be changed."), "heat_id")
    return stored, slot


def absent_refusal(entry: Entry) -> str:
    """The refusal of a mark for a no-show (缺考, services.checkin)."""
    return _("Lot %(lot)s was marked absent (缺考) at the heat's start: no marks are taken. If the contestant "
             "was let in late, the organiser undoes the no-show first.", lot=entry.lot_number or "—")


_LOOK_UP = object()


def stored_submission(judge: User, client_id: str, entry: Entry, address, attempt: int,
                      text: str, stored=_LOOK_UP) -> MarkResult | None:
    """The stored mark of this client id ("duplicate"), or None if the id is new.
    Conflict if the id belongs to another judge or named another value or slot.
    ``stored``: the mark of this client id (or None) when the caller read it already."""
    if stored is _LOOK_UP:
        stored = _by_client_id(client_id)
    if stored is None:
        return None
    if stored.judge_id != judge.id:
        raise Conflict(_("This client id was used by another judge."), "client_id")
    if (stored.entry_id, stored.criterion, stored.attempt) != (entry.id, address, attempt) \
            or not same_value(stored.value, text):
        raise Conflict(_("This client id was already used for the value %(value)s; a new "
                         "value needs a new client id.", value=stored.value), "client_id")
    return MarkResult(stored, "duplicate")


def store_mark(judge: User, entry: Entry, heat: Heat, *, address: str, slot, text: str,
               attempt: int, client_id: str, note: str | None, seq: int | None,
               existing=_LOOK_UP, corrections=None, changes: list | None = None
               ) -> MarkResult:
    """Write one validated mark under the heat's lock (no commit). The caller has checked
    that ``client_id`` is new (stored_submission).

    A whole sheet (services.mark_sheets) passes what it read once for all its marks:
    ``existing`` (the slot's mark, as find_mark() would return it, or None),
    ``corrections`` (a function returning mark_common.correction_rows of the heat), and
    ``changes``: a list to which the audit rows' (action, mark, old value) are appended
    instead of flushing and auditing each mark; a new mark is then not added to the
    session (the caller inserts the sheet's new marks and audit rows in one statement
    each)."""
    shared = slot.once_per_entry
    mark = _find(entry.id, address, attempt, None if shared else judge.id) \
        if existing is _LOOK_UP else existing
    own = mark is not None and mark.judge_id == judge.id
    if own and seq is not None and mark.seq is not None and seq <= mark.seq:
        return MarkResult(mark, "superseded")          # an older submission, replayed
    if mark is not None and not own and applied_before(heat.id, mark.id, client_id):
        # a declared value: another judge's tablet numbers differently, but this very
        # submission was applied before and has been overwritten since
        return MarkResult(mark, "superseded")
    if mark is not None and same_value(mark.value, text):
        if own:
            mark.client_id = client_id
            if seq is not None:
                mark.seq = seq
        return MarkResult(mark, "unchanged")
    if mark is None and deleted_by_correction(heat.id, entry.id, address, attempt,
                                              None if shared else judge.id, client_id, seq,
                                              corrections() if corrections else None):
        return MarkResult(None, "superseded")          # a retry must not undo a deletion
    if mark is None and changes is not None:     # the caller inserts it (not in the session)
        mark = Mark(entry_id=entry.id, judge_id=judge.id, criterion=address, attempt=attempt,
                    value=text, client_id=client_id, note=note, seq=seq)
        changes.append(("mark.create", mark, None))
        return MarkResult(mark, "created")
    if mark is None:
        mark = Mark(entry=entry, judge_id=judge.id, criterion=address, attempt=attempt,
                    value=text, client_id=client_id, note=note, seq=seq)
        db.session.add(mark)
        db.session.flush()
        audit(judge, "mark.create", heat, object_type="mark", object_id=mark.id,
              new=audit_value(mark))
        return MarkResult(mark, "created")
    old = audit_value(mark)
    # a declared value entered by another judge (or the chief) now names its new writer
    mark.value, mark.client_id, mark.seq, mark.judge_id = text, client_id, seq, judge.id
    if note is not None:
        mark.note = note
    if changes is not None:
        changes.append(("mark.update", mark, old))
        return MarkResult(mark, "updated")
    db.session.flush()
    audit(judge, "mark.update", heat, object_type="mark", object_id=mark.id,
          old=old, new=audit_value(mark))
    return MarkResult(mark, "updated")


def record_mark(judge: User, *, entry_id: int, address: str, value, attempt: int = 1,
                client_id: str | None = None, note=None, seq: int | None = None
                ) -> MarkResult:
    """A judge enters (or changes) their own mark from the tablet.

    Raises JudgingError (bad value, attempt, note, seq, client id: field named), NotFound
    (entry), Forbidden (not assigned to the heat or the criterion), Conflict (heat signed
    off, or the client id belongs to another judge or named another value)."""
    text = bounded_value(value)
    client_id = checked_client_id(client_id or new_client_id())
    seq, note, attempt = checked_seq(seq), checked_note(note), checked_attempt(attempt)
    try:
        try:
            return _record(judge, entry_id, address, text, attempt, client_id, note, seq)
        except IntegrityError:
            # Two submissions raced past each other (a writer that does not take the
            # heat's lock): the other one won; answer as if this one arrived second.
            db.session.rollback()
            return _record(judge, entry_id, address, text, attempt, client_id, note, seq)
    except BaseException:
        db.session.rollback()      # never keep the heat's lock after a refusal
        raise


def _record(judge, entry_id, address, text, attempt, client_id, note, seq) -> MarkResult:
    entry, heat = locked_entry(entry_id)
    repeated = stored_submission(judge, client_id, entry, address, attempt, text)
    if repeated is not None:
        db.session.commit()
        return repeated
    assignment = require_assignment(judge, heat)
    trade = heat_trade(heat)
    rule = rule_for(trade)
    stored, slot = validate_mark_for(judge, entry, heat, rule, assignment,
                                     address=address, text=text, attempt=attempt)
    result = store_mark(judge, entry, heat, address=address, slot=slot, text=stored,
                        attempt=attempt, client_id=client_id, note=note, seq=seq)
    trade_id = trade.id          # read before the commit expires the trade
    commit_changes(trade_id, result.status in CHANGED)
    return result
