"""Bracket pages: the staff page where results are entered, the JSON view, and the
large-type LED page (/screen/bracket/<id>) that updates live: it joins the trade's
Socket.IO room and refetches on a "bracket" event, and polls the JSON as a fallback."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Role, Stage
from ..services import brackets as svc
from ..services.registration import ServiceError
from .auth import roles_required

bp = Blueprint("brackets", __name__)
STAFF = (Role.ORGANISER, Role.CHIEF_JUDGE, Role.JUDGE)


@bp.app_context_processor
def _bracket_nav():
    """has_brackets(): whether the signed-in judge or chief judge has a bracket to work on
    (the layout then links /brackets/)."""
    def has_brackets() -> bool:
        if not (current_user.is_authenticated
                and current_user.has_role(Role.JUDGE, Role.CHIEF_JUDGE)):
            return False
        return bool(svc.brackets_for(current_user, limit=1))
    return {"has_brackets": has_brackets}


@bp.get("/brackets/")
@roles_required(*STAFF)
def index():
    """The brackets this user may enter results for (all of them for the organiser)."""
    return render_template("registration/brackets_index.html",
                           brackets=svc.brackets_for(current_user))


def _bracket(bracket_id: int):
    try:
        return svc.get_bracket(bracket_id)
    except svc.NotFound:
        abort(404)


@bp.get("/brackets/<int:bracket_id>")
@roles_required(*STAFF)
def page(bracket_id: int):
    """The bracket with a result form on every match that is ready (for those allowed)."""
    from ..services.draws import team_event
    b = _bracket(bracket_id)
    stage = db.session.get(Stage, b.stage_id)
    return render_template("registration/bracket.html", bracket=b, view=svc.bracket_view(b),
                           can_enter=svc.may_enter_results(current_user, b),
                           teams=stage is not None and team_event(stage.trade))


@bp.post("/brackets/matches/<int:match_id>/result")
@roles_required(*STAFF)
def result(match_id: int):
    """Enter a match result: scores, and the winner when the score is level."""
    try:
        match = svc.get_match(match_id)
    except svc.NotFound:
        abort(404)
    winner = request.form.get("winner", type=int)
    try:
        svc.record_result(match, request.form.get("score_a", ""), request.form.get("score_b", ""),
                          current_user, winner_entry_id=winner,
                          reason=request.form.get("reason") or None,
                          walkover=request.form.get("walkover") == "1")
    except svc.Forbidden:
        abort(403)
    except ServiceError as err:
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(err.to_dict()), err.status
        flash(err.message, "error")
        return redirect(url_for(".page", bracket_id=match.bracket_id)), 303
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True})
    flash(_saved_message(match))
    return redirect(url_for(".page", bracket_id=match.bracket_id), 303)


def _saved_message(match) -> str:
    """What was stored, in the words of the page: 供电公司队 3 : 1 公安局队."""
    from ..models import Entry

    def name(entry_id):
        entry = db.session.get(Entry, entry_id) if entry_id else None
        return entry.display_name if entry is not None else "—"
    if match.score_a is None:   # a walkover: no score
        return _("Result saved: %(name)s moves on by walkover.",
                 name=name(match.winner_entry_id))
    return _("Result saved: %(a)s %(sa)s : %(sb)s %(b)s.", a=name(match.entry_a_id),
             sa=svc.score_text(match.score_a), sb=svc.score_text(match.score_b),
             b=name(match.entry_b_id))


@bp.get("/brackets/<int:bracket_id>.json")
def view_json(bracket_id: int):
    """The public view of a bracket (names and scores only), with its version."""
    return jsonify(svc.bracket_view(_bracket(bracket_id)))


@bp.get("/screen/bracket/<int:bracket_id>")
def screen(bracket_id: int):
    """The LED screen: large type fitted to the screen, no sign-in, live. ?last=N shows
    only the last N rounds (for a big field on a small panel)."""
    b = _bracket(bracket_id)
    view = svc.bracket_view(b)
    last = request.args.get("last", type=int)
    if last and last > 0:
        view["rounds"] = view["rounds"][-last:]
    stage = db.session.get(Stage, b.stage_id)
    return render_template("registration/bracket_screen.html", bracket=b, view=view,
                           trade_id=stage.trade_id, last=last or 0)
