"""The chief judge corrects a mark; the arbitration panel re-scores one after an appeal
and records its decision. Both take the heat's row lock (services.heat_lock) and carry
the value they correct (``expected``: optimistic concurrency), so a correction made on a
stale page is refused with the current value and who set it instead of silently undoing
a judge's update or another correction.
"""
from __future__ import annotations

from ..extensions import db
from ..models import AuditLog, Mark, Role, User
from .heat_lock import MAX_ID, lock_heat_row
from .heats import Conflict, Forbidden, JudgingError, NotFound, _, audit, heat_trade, require_chief, require_reason
from .mark_common import (
    MarkResult,
    audit_value,
    checked_value,
    commit_changes,
    entry_and_heat,
    find_mark,
    last_writer,
    new_client_id,
    same_value,
)
from .mark_values import bounded_value, checked_attempt
from .panels import require_official_may_add
from .rules import rule_for

CORRECTION_KINDS = {"correction": "mark.correct", "appeal": "mark.appeal"}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()   # ``expected`` not given: an old form; the correction is not checked


def correct_mark(actor: User, *, heat_id: int, reason: str | None, value,
                 kind: str = "correction", mark_id: int | None = None,
                 entry_id: int | None = None, address: str | None = None,
                 attempt: int = 1, judge_id: int | None = None,
                 expected=UNSET, appeal_id: int | None = None) -> MarkResult:
    """The chief judge corrects a mark (``kind="correction"``) or the arbitration panel
    records an appeal decision that re-scores one (``kind="appeal"``), also after sign-off.
    Names an existing mark by ``mark_id``, or a new one by entry, address, attempt and
    judge (default: the actor; adjustments are entered this way; otherwise a judge
    assigned to the heat). An empty value deletes the mark. Always needs a written reason.
    ``expected`` is the value the corrector saw (None: no mark yet); when the stored
    value differs, nothing changes.

    Raises Forbidden (wrong role or trade), JudgingError (no reason, bad value, a judge
    not assigned to the heat), NotFound, Conflict (``expected`` is stale: the message
    names the current value and who set it). ``appeal_id``: the appeal (services.appeals)
    this re-scoring belongs to, recorded in its audit row (new["appeal"])."""
    if kind not in CORRECTION_KINDS:
        raise JudgingError(_("Unknown kind of correction."), "kind")
    text = None if value is None or (isinstance(value, str) and not value.strip()) \
        else bounded_value(value)
    if expected is not UNSET and expected is not None and not isinstance(expected, str):
        expected = bounded_value(expected)
    attempt = checked_attempt(attempt)
    try:
        return _correct(actor, heat_id, reason, text, kind, mark_id, entry_id, address,
                        attempt, judge_id, expected, appeal_id)
    except BaseException:
        db.session.rollback()      # never keep the heat's lock after a refusal
        raise


def _correct(actor, heat_id, reason, text, kind, mark_id, entry_id, address, attempt,
             judge_id, expected, appeal_id=None) -> MarkResult:
    lock_heat_row(heat_id)
    if appeal_id is not None:      # checked under the heat's lock, which a decision takes too
        from .appeals import require_under_review
        require_under_review(appeal_id)
    mark = None
    if mark_id is not None:
        valid = isinstance(mark_id, int) and 0 < mark_id <= MAX_ID
        mark = db.session.get(Mark, mark_id) if valid else None
        if mark is None and expected not in (UNSET, None):
            raise Conflict(_("This mark was deleted meanwhile."), "mark_id")
        if mark is None:
            raise NotFound(_("No such mark."), "mark_id")
    entry, heat = entry_and_heat(mark.entry_id if mark else entry_id)
    if heat.id != heat_id:
        raise NotFound(_("No such entry."), "entry_id")
    if entry.status == "absent" and text is not None:
        from .marks import absent_refusal
        raise Conflict(absent_refusal(entry), "entry_id")
    trade = heat_trade(heat)
    _require_corrector(actor, trade, kind)
    text_reason = require_reason(reason)
    action = CORRECTION_KINDS[kind]
    rule = rule_for(trade)
    if mark is None:
        if text is None:
            raise JudgingError(_("Enter a value."), "value")
        _stored, slot = checked_value(rule, address or "", text, attempt)
        judge_id = _credited_judge(actor, heat, judge_id)
        mark = find_mark(entry.id, address, attempt, None if slot.once_per_entry else judge_id)
        if mark is None:        # a new mark: within the panel, as the judge API's
            require_official_may_add(rule, heat, actor, judge_id, entry.id, slot, attempt)
    _check_expected(mark, expected)
    if text is None:
        old = audit_value(mark)
        audit(actor, action, heat, object_type="mark", object_id=mark.id, old=old,
              new=None, reason=text_reason)
        db.session.delete(mark)
        commit_changes(trade.id, True)
        return MarkResult(None, "deleted")
    stored, _slot = checked_value(rule, mark.criterion if mark else address, text,
                                   mark.attempt if mark else attempt)
    old = audit_value(mark) if mark else None
    if mark is None:
        mark = Mark(entry=entry, judge_id=judge_id, criterion=address, attempt=attempt,
                    value=stored, client_id=new_client_id())
        db.session.add(mark)
    else:
        # A fresh client id: a retry of the judge's earlier submission is then a new id
        # whose submission number is not newer than the mark's, and cannot undo this.
        mark.value, mark.client_id = stored, new_client_id()
    db.session.flush()
    new = dict(audit_value(mark), kind=kind)
    if appeal_id is not None and kind == "appeal":
        new["appeal"] = appeal_id
    audit(actor, action, heat, object_type="mark", object_id=mark.id, old=old, new=new,
          reason=text_reason)
    commit_changes(trade.id, True)
    return MarkResult(mark, "updated" if old else "created")


def _credited_judge(actor: User, heat, judge_id) -> int:
    """The judge a new mark is entered for: the corrector, or a judge of this heat."""
    if judge_id is None or judge_id == actor.id:
        return actor.id
    from sqlalchemy import select

    from ..models import PanelSubstitution  # 回避: a substitute marks some entries here
    substitutes = set(db.session.scalars(select(PanelSubstitution.substitute_id).where(
        PanelSubstitution.heat_id == heat.id)))
    if judge_id not in {a.user_id for a in heat.assignments} | substitutes:
        raise JudgingError(_("A mark can only be entered for a judge of this heat."),
                           "judge_id")
    return judge_id


def _check_expected(mark: Mark | None, expected) -> None:
    if expected is UNSET:
        return
    if mark is None:
        if expected is None:
            return
        raise Conflict(_("This mark was deleted meanwhile; reload the page."), "value")
    if expected is not None and same_value(mark.value, expected):
        return
    writer = last_writer(mark)
    who = (writer.display_name or writer.username) if writer else "?"
    raise Conflict(_("The mark was changed meanwhile: it is now %(value)s, set by "
                     "%(who)s. Reload the page and check before correcting.",
                     value=mark.value, who=who), "value")


def record_appeal_decision(actor: User, *, heat_id: int, entry_id: int, decision: str,
                           reason: str | None) -> AuditLog:
    """The arbitration panel records its decision on an appeal (申诉) about an entry:
    "upheld" (re-scoring follows as correct_mark(kind="appeal")) or "rejected".

    Raises Forbidden (not arbitration), JudgingError (no reason, unknown decision)."""
    entry, heat = entry_and_heat(entry_id)
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
