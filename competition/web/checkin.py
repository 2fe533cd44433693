"""Check-in (检录) at the venue: a heat's list of who has arrived, with a camera scan of the
ticket's QR code where the browser has BarcodeDetector (typed ticket or lot number
elsewhere); the heat's start (开始比赛): the unchecked marked absent (缺考) after a
confirmation page; the organiser's undo; and the "record arrival" button of the ticket's
page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Role
from ..services import checkin as svc
from ..services.errors import ServiceError
from ..services.tickets import entry_for_token, ticket_number
from .auth import roles_required
from .flashing import flash_refusal

bp = Blueprint("checkin", __name__, url_prefix="/checkin")
STAFF = (Role.ORGANISER, Role.CHIEF_JUDGE, Role.JUDGE)


def _heat_or_abort(heat_id: int):
    """The heat and its entries for the signed-in staff member, or their refusal's status."""
    try:
        return svc.heat_check_in(heat_id, current_user)
    except ServiceError as err:
        abort(err.status)


@bp.get("/heat/<int:heat_id>")
@roles_required(*STAFF)
def heat(heat_id: int):
    heat, entries = _heat_or_abort(heat_id)
    trade = heat.stage.trade
    arrived = sum(1 for e in entries if e.checked_in_at)
    absent = sum(1 for e in entries if e.status == svc.ABSENT)
    from ..models import utcnow
    from ..timefmt import as_utc
    started = heat.starts_at is not None and as_utc(heat.starts_at) <= utcnow()
    return render_template("checkin/heat.html", heat=heat, trade=trade, entries=entries, arrived=arrived,
                           names=_names_shown(trade),
                           absent=absent, started=started, may_mark_absent=svc.may_mark_absent(current_user, heat),
                           may_undo=current_user.has_role(Role.ORGANISER),
                           number=lambda e: ticket_number(trade.competition, trade, e))


@bp.get("/heat/<int:heat_id>/absent")
@roles_required(*STAFF)
def absent_confirm(heat_id: int):
    """The heat starts (开始比赛): who would be marked absent, to confirm."""
    try:
        plan = svc.absent_candidates(current_user, heat_id)
    except ServiceError as err:
        abort(err.status)
    trade = plan.heat.stage.trade
    return render_template("checkin/absent.html", plan=plan, heat=plan.heat, trade=trade,
                           back=request.args.get("from") == "chief")


@bp.post("/heat/<int:heat_id>/absent")
@roles_required(*STAFF)
def absent_mark(heat_id: int):
    ids = [int(v) for v in request.form.getlist("entry") if v.isdecimal() and len(v) < 10]
    try:
        result = svc.mark_absent(current_user, heat_id, ids)
    except ServiceError as err:
        db.session.rollback()
        if err.status in (403, 404):
            abort(err.status)
        flash(err.message, "error")
        return redirect(url_for("checkin.heat", heat_id=heat_id))
    if result.marked:
        flash(_("Marked absent (缺考): %(names)s.", names="、".join(result.marked)))
    else:
        flash(_("Nobody was marked absent."), "warning")
    for name, why in result.skipped:
        flash(_("Not marked absent: %(name)s (%(why)s).", name=name, why=why), "warning")
    if request.form.get("from") == "chief":
        return redirect(url_for("judge.chief_heat", heat_id=heat_id))
    return redirect(url_for("checkin.heat", heat_id=heat_id))


@bp.post("/entry/<int:entry_id>/undo-absent")
@roles_required(*STAFF)
def absent_undo(entry_id: int):
    """The organiser takes back a no-show (let in late by the chief judge), with a reason."""
    from ..models import Entry
    entry = db.session.get(Entry, entry_id) if entry_id < 2 ** 31 else None
    if entry is None or entry.heat_id is None:
        abort(404)
    heat_id = entry.heat_id
    with flash_refusal(abort_on=(403, 404)):
        entry = svc.undo_absent(current_user, entry_id, request.form.get("reason"))
        flash(_("%(name)s is no longer absent and is checked in.", name=entry.display_name))
    return redirect(url_for("checkin.heat", heat_id=heat_id))


@bp.post("/heat/<int:heat_id>")
@roles_required(*STAFF)
def heat_record(heat_id: int):
    heat, _entries = _heat_or_abort(heat_id)
    with flash_refusal():
        entry = svc.find_in_heat(heat, request.form.get("code", ""))
        entry, newly = svc.record_arrival(current_user, entry.id)
        _flash_arrival(entry, newly, _names_shown(heat.stage.trade))
    return redirect(url_for("checkin.heat", heat_id=heat_id))


@bp.post("/ticket/<token>")
@roles_required(*STAFF)
def ticket(token: str):
    entry = entry_for_token(token[:200])
    if entry is None:
        abort(404)
    with flash_refusal():
        entry, newly = svc.record_arrival(current_user, entry.id)
        _flash_arrival(entry, newly)
    return redirect(url_for("tickets.ticket", token=token))


def _names_shown(trade) -> bool:
    """A judge of a trade judged blind (any criterion) marks by lot number, as on the tablet:
    their check-in list and messages give lots only, not the lot -> name table (nor
    employers, ticket numbers). The organiser and the trade's chief judge see names."""
    from ..services.heats import chief_of
    from ..services.trades import names_hidden_publicly
    if current_user.has_role(Role.ORGANISER) or chief_of(current_user, trade):
        return True
    return not names_hidden_publicly(trade)


def _flash_arrival(entry, newly: bool, names: bool = True) -> None:
    from ..timefmt import format_local
    if not names:
        lot = entry.lot_number or "—"
        if newly:
            flash(_("Lot %(lot)s has arrived.", lot=lot))
        else:
            flash(_("Lot %(lot)s was already checked in at %(when)s.", lot=lot,
                    when=format_local(entry.checked_in_at, "%H:%M")), "warning")
        return
    if newly:
        flash(_("%(name)s (lot %(lot)s) has arrived.", name=entry.display_name, lot=entry.lot_number or "—"))
    else:
        flash(_("%(name)s was already checked in at %(when)s.", name=entry.display_name,
                when=format_local(entry.checked_in_at, "%H:%M")), "warning")
