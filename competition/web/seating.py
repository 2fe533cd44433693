"""Seating several late entrants at once (issue 18): the organiser ticks the entrants the
draw left out, chooses one heat and writes one reason (services.seating.seat_many)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Role, Stage
from ..services import seating
from ..services.registration import ServiceError
from .auth import roles_required

bp = Blueprint("seating", __name__, url_prefix="/admin")


@bp.route("/stages/<int:stage_id>/seat-late", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def seat_late(stage_id: int):
    """The stage's entrants in no heat, with a tick each, the heats with their free
    workstations, one reason; seats the ticked ones in the chosen heat."""
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        abort(404)
    form = {"heat_id": (request.form.get("heat_id") or "").strip(),
            "reason": (request.form.get("reason") or "").strip(),
            "entry_ids": request.form.getlist("entry_ids")}
    error = field = None
    status = 200
    if request.method == "POST":
        try:
            seated = seating.seat_many(stage.id, form["entry_ids"], form["heat_id"],
                                       current_user, reason=form["reason"])
        except ServiceError as err:
            db.session.rollback()
            error, field, status = err.message, err.field, err.status
        else:
            flash(_("%(n)d entrants seated in %(heat)s, workstations %(ws)s.", n=len(seated),
                    heat=seated[0].heat.name,
                    ws=", ".join(str(e.workstation) for e in seated)))
            return redirect(url_for("stages.draw_page", stage_id=stage.id))
    unseated = seating.unseated_entries(stage.id)
    if request.method == "GET":
        form["entry_ids"] = [str(e.id) for e in unseated]    # usually: seat them all
    return render_template("registration/seat_many.html", stage=stage, unseated=unseated,
                           choices=seating.stage_heat_choices(stage), form=form,
                           error=error, field=field), status
