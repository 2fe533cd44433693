"""Check-in (检录) at the venue: a heat's list of who has arrived, with a camera scan of the
ticket's QR code where the browser has BarcodeDetector (typed ticket or lot number
elsewhere); and the "record arrival" button of the ticket's page."""
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
    return render_template("checkin/heat.html", heat=heat, trade=trade, entries=entries, arrived=arrived,
                           number=lambda e: ticket_number(trade.competition, trade, e))


@bp.post("/heat/<int:heat_id>")
@roles_required(*STAFF)
def heat_record(heat_id: int):
    heat, _entries = _heat_or_abort(heat_id)
    try:
        entry = svc.find_in_heat(heat, request.form.get("code", ""))
        entry, newly = svc.record_arrival(current_user, entry.id)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        _flash_arrival(entry, newly)
    return redirect(url_for("checkin.heat", heat_id=heat_id))


@bp.post("/ticket/<token>")
@roles_required(*STAFF)
def ticket(token: str):
    entry = entry_for_token(token[:200])
    if entry is None:
        abort(404)
    try:
        entry, newly = svc.record_arrival(current_user, entry.id)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        _flash_arrival(entry, newly)
    return redirect(url_for("tickets.ticket", token=token))


def _flash_arrival(entry, newly: bool) -> None:
    from ..timefmt import format_local
    if newly:
        flash(_("%(name)s (lot %(lot)s) has arrived.", name=entry.display_name, lot=entry.lot_number or "—"))
    else:
        flash(_("%(name)s was already checked in at %(when)s.", name=entry.display_name,
                when=format_local(entry.checked_in_at, "%H:%M")), "warning")
