"""Appeals (申诉) as cases: filed against an entry by the organiser or the arbitration panel
for a contestant or team, within a deadline after the trade's results bulletin; reviewed
and decided by the arbitration panel with reasons; the re-scoring done while under review
is linked to the appeal (its mark.appeal audit rows carry new["appeal"]). Open appeals
block confirming the trade's promotion list (services.promotions.lists.confirm).

Two arbitration members deciding the same appeal at once: the decision is one UPDATE
guarded by the status it expects, so exactly one wins and the other is told who did.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import APPEAL_OPEN, Appeal, AuditLog, Contestant, Entry, Role, Team, Trade, User, utcnow
from ..timefmt import as_utc, format_local
from .errors import Conflict, Forbidden, NotFound, ServiceError, _
from .heat_lock import lock_heat_row

DEFAULT_APPEAL_HOURS = 24
STATUSES = ("filed", "under_review", "upheld", "rejected")
DECISIONS = ("upheld", "rejected")


def appeal_hours(trade: Trade) -> int:
    """Hours after the results bulletin within which an appeal may be filed: the one
    competition setting ``appeal_hours`` (default 24), read by the filing and printed on the
    bulletin alike. An older configuration's ``bulletin.appeal_days`` (the bulletin had its
    own setting, which could disagree with the filing's) still works when ``appeal_hours``
    is not set: it counts as that many days of 24 hours."""
    settings = trade.competition.settings or {}
    raw = settings.get("appeal_hours")
    scale = 1
    if raw is None:
        raw, scale = (settings.get("bulletin") or {}).get("appeal_days"), 24
    try:
        hours = int(raw) * scale
    except (TypeError, ValueError):
        return DEFAULT_APPEAL_HOURS
    return hours if hours > 0 else DEFAULT_APPEAL_HOURS


def appeal_deadline(trade: Trade, published_at=None):
    """When filing closes (UTC): ``appeal_hours`` after the results were published (or
    after ``published_at``, a bulletin printed ahead); None while they are not published."""
    start = published_at or trade.results_published_at
    if start is None:
        return None
    return as_utc(start) + timedelta(hours=appeal_hours(trade))


def may_file(user: User, trade: Trade) -> bool:
    return user.has_role(Role.ORGANISER) or _arbitration_of(user, trade)


def may_decide(user: User, trade: Trade) -> bool:
    return _arbitration_of(user, trade)


def may_read(user: User, trade: Trade) -> bool:
    return may_file(user, trade) or (user.has_role(Role.CHIEF_JUDGE) and user.trade_id == trade.id)


def _arbitration_of(user: User, trade: Trade) -> bool:
    return user.has_role(Role.ARBITRATION) and user.trade_id in (None, trade.id)


def find_entry(trade: Trade, text: str) -> Entry:
    """The trade's entry named by a lot number, a contestant's or team's name, or an ID
    number (the entry of the latest stage when the person is in several)."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Name the contestant: lot number, name or ID number."), "entry")
    q = (select(Entry).outerjoin(Contestant, Entry.contestant_id == Contestant.id)
         .outerjoin(Team, Entry.team_id == Team.id)
         .where(or_(Contestant.trade_id == trade.id, Team.trade_id == trade.id))
         .where(or_(Entry.lot_number == text, Contestant.name == text,
                    Contestant.id_number == text.upper(), Team.name == text)))
    found = db.session.scalars(q).all()
    people = {(e.contestant_id, e.team_id) for e in found}
    if not found:
        raise NotFound(_("No contestant of %(trade)s matches “%(text)s”.", trade=trade.name, text=text),
                       "entry")
    if len(people) > 1:
        names = "、".join(sorted({f"{e.display_name}（{e.lot_number or '—'}）" for e in found}))
        raise ServiceError(_("Several contestants match: %(names)s. Type the lot number or the ID number.",
                             names=names), "entry")
    return max(found, key=lambda e: (e.stage.seq, e.id))


def file_appeal(actor: User, *, entry_id: int, grounds: str, appellant: str = "",
                late_reason: str | None = None) -> Appeal:
    """File an appeal against an entry. After the deadline only the organiser can, with
    ``late_reason``. Raises Forbidden, NotFound, ServiceError (no grounds), Conflict (late)."""
    entry = db.session.get(Entry, entry_id) if isinstance(entry_id, int) else None
    if entry is None:
        raise NotFound(_("No such entry."), "entry")
    trade = entry.stage.trade
    if not may_file(actor, trade):
        raise Forbidden(_("Only the organiser or the arbitration panel files appeals."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise ServiceError(_("Write the grounds of the appeal."), "grounds")
    late_reason = (late_reason or "").strip() or None
    deadline = appeal_deadline(trade)
    late = deadline is not None and utcnow() > deadline
    if late and not (late_reason and actor.has_role(Role.ORGANISER)):
        raise Conflict(_("The deadline for appeals against %(trade)s passed at %(deadline)s (%(hours)d hours "
                         "after the results bulletin). Only the organiser can accept a late appeal, with "
                         "a reason.", trade=trade.name, deadline=format_local(deadline, comp=trade.competition),
                         hours=appeal_hours(trade)), "late_reason")
    appeal = Appeal(competition_id=trade.competition_id, trade_id=trade.id, entry_id=entry.id,
                    appellant=(appellant or "").strip()[:100] or entry.display_name, grounds=grounds,
                    status="filed", filed_by_id=actor.id, late_reason=late_reason if late else None)
    db.session.add(appeal)
    db.session.flush()
    _audit(actor, "appeal.file", appeal, None, _snapshot(appeal), late_reason if late else None)
    db.session.commit()
    return appeal


def start_review(actor: User, appeal_id: int) -> Appeal:
    """The arbitration panel takes up a filed appeal (filed -> under review)."""
    appeal = get_appeal(appeal_id)
    if not may_decide(actor, appeal.trade):
        raise Forbidden(_("Only the arbitration panel reviews appeals."))
    now = utcnow()
    _guarded_update(appeal, ("filed",), status="under_review", review_started_at=now,
                    reviewed_by_id=actor.id)
    _audit(actor, "appeal.review", appeal, {"status": "filed"}, {"status": "under_review"}, None)
    db.session.commit()
    return get_appeal(appeal.id)


def decide(actor: User, appeal_id: int, decision: str, reason: str | None) -> Appeal:
    """The arbitration panel decides an open appeal: upheld or rejected, with reasons.
    Exactly one of two members deciding at once wins; the other gets a Conflict."""
    appeal = get_appeal(appeal_id)
    if not may_decide(actor, appeal.trade):
        raise Forbidden(_("Only the arbitration panel decides appeals."))
    if decision not in DECISIONS:
        raise ServiceError(_("Choose upheld or rejected."), "decision")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write the reasons for the decision."), "reason")
    if appeal.entry.heat_id is not None:    # a re-score in flight finishes first, or sees it decided
        lock_heat_row(appeal.entry.heat_id, load=False)
        appeal = get_appeal(appeal_id)
    old_status = appeal.status
    _guarded_update(appeal, APPEAL_OPEN, status=decision, decision_reason=reason,
                    decided_at=utcnow(), decided_by_id=actor.id)
    _audit(actor, "appeal.decide", appeal, {"status": old_status},
           {"status": decision, "rescored": [r.object_id for r in rescorings(appeal)]}, reason)
    db.session.commit()
    return get_appeal(appeal.id)


def rescore(actor: User, appeal_id: int, *, mark_id: int, value, reason: str | None, expected):
    """Re-score one of the appealed entry's marks while the appeal is under review
    (correct_mark(kind="appeal")), linked to the appeal in its audit row."""
    from .mark_corrections import correct_mark
    appeal = get_appeal(appeal_id)
    if not may_decide(actor, appeal.trade):
        raise Forbidden(_("Only the arbitration panel re-scores after an appeal."))
    require_under_review(appeal.id)
    if value is None or not str(value).strip():
        raise ServiceError(_("Enter the new value."), "value")
    from ..models import Mark
    mark = db.session.get(Mark, mark_id) if isinstance(mark_id, int) else None
    if mark is None or mark.entry_id != appeal.entry_id:
        raise NotFound(_("No such mark of the appealed entry."), "mark_id")
    heat_id = appeal.entry.heat_id
    return correct_mark(actor, heat_id=heat_id, mark_id=mark_id, value=value, reason=reason,
                        kind="appeal", expected=expected, appeal_id=appeal.id)


def require_under_review(appeal_id: int) -> None:
    status = db.session.scalar(select(Appeal.status).where(Appeal.id == appeal_id))
    if status != "under_review":
        raise Conflict(_("Re-scoring needs the appeal to be under review (it is %(status)s).",
                         status=status_label(status or "")), "status")


def rescorings(appeal: Appeal) -> list[AuditLog]:
    """The mark.appeal audit rows made under this appeal, oldest first."""
    rows = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "mark.appeal", AuditLog.trade_id == appeal.trade_id,
        AuditLog.at >= appeal.filed_at).order_by(AuditLog.id)).all()
    return [r for r in rows if isinstance(r.new, dict) and r.new.get("appeal") == appeal.id]


def history(appeal: Appeal) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "appeal", AuditLog.object_id == appeal.id).order_by(AuditLog.id)).all()


def get_appeal(appeal_id) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id) if isinstance(appeal_id, int) else None
    if appeal is None:
        raise NotFound(_("No such appeal."), "appeal")
    return appeal


def appeals_of(competition_id: int, trade_id: int | None = None) -> list[Appeal]:
    q = select(Appeal).where(Appeal.competition_id == competition_id)
    if trade_id is not None:
        q = q.where(Appeal.trade_id == trade_id)
    return db.session.scalars(q.order_by(Appeal.filed_at.desc(), Appeal.id.desc())).all()


def open_appeals(trade: Trade) -> list[Appeal]:
    return db.session.scalars(select(Appeal).where(Appeal.trade_id == trade.id,
                                                   Appeal.status.in_(APPEAL_OPEN))
                              .order_by(Appeal.id)).all()


EXPORT_STATUS = {"filed": "已登记", "under_review": "复核中", "upheld": "申诉成立", "rejected": "申诉驳回"}


def export_rows(competition, trade: Trade | None = None) -> list:
    """The appeals as the bulletin and the results workbook list them (Chinese, like them)."""
    from exports.data import AppealRow
    return [AppealRow(a.trade.name, a.id, a.entry.lot_number or "", a.entry.display_name, a.grounds,
                      format_local(a.filed_at, comp=competition), EXPORT_STATUS.get(a.status, a.status),
                      a.decision_reason or "")
            for a in reversed(appeals_of(competition.id, trade.id if trade else None))]


def status_label(status: str) -> str:
    return {"filed": _("filed"), "under_review": _("under review"), "upheld": _("upheld"),
            "rejected": _("rejected")}.get(status, status)


def _guarded_update(appeal: Appeal, expected: tuple[str, ...], **values) -> None:
    """One UPDATE that only applies while the status is one of ``expected`` (optimistic
    check in the database: of two at once, one matches a row, the other none)."""
    result = db.session.execute(update(Appeal).where(Appeal.id == appeal.id, Appeal.status.in_(expected))
                                .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        current = get_appeal(appeal.id)
        db.session.refresh(current)
        who = current.decided_by or current.reviewed_by
        raise Conflict(_("This appeal changed meanwhile: it is now %(status)s (%(who)s). Reload the page.",
                         status=status_label(current.status),
                         who=(who.display_name or who.username) if who else "—"), "status")
    db.session.expire(appeal)


def _snapshot(appeal: Appeal) -> dict:
    return {"entry": appeal.entry_id, "lot": appeal.entry.lot_number, "name": appeal.entry.display_name,
            "appellant": appeal.appellant, "grounds": appeal.grounds, "status": appeal.status}


def _audit(actor: User, action: str, appeal: Appeal, old, new, reason) -> None:
    db.session.add(AuditLog(user_id=actor.id, action=action, object_type="appeal", object_id=appeal.id,
                            competition_id=appeal.competition_id, trade_id=appeal.trade_id,
                            heat_id=appeal.entry.heat_id, old=old, new=new, reason=reason))
