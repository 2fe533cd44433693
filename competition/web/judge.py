"""Judges' pages on tablets, and the one-time QR sign-in link.

The score form is one page per heat: it is loaded once and works on when the venue Wi-Fi
drops (static/js/judge.js queues marks in localStorage and sends them through the JSON
API in judge_api.py). The chief judge's pages are in judge_chief.py on this blueprint.
"""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..models import Role
from ..services import heats as heat_service
from ..services.heats import JudgingError
from ..services.login_tokens import consume_token
from ..services.scoresheets import judge_sheet
from .auth import roles_required

bp = Blueprint("judge", __name__, url_prefix="/judge")
# /auth/token/<token>: the link printed as a QR code (registered in web/__init__.py).
token_bp = Blueprint("judge_token", __name__, url_prefix="/auth")


@bp.errorhandler(JudgingError)
def judging_error(err: JudgingError):
    """A refused action: an error page for a page, a message and back for a form post."""
    if request.method == "GET" or err.status in (403, 404):
        return render_template("error.html", code=err.status, message=err.message), err.status
    flash(err.message, "error")
    return redirect(request.referrer or url_for(".chief_home"), code=303)


@bp.get("/")
@roles_required(Role.JUDGE)
def home():
    """The judge's start page: the heats assigned to them, with their own progress."""
    rows = []
    for heat, _assignment in heat_service.judge_heats(current_user):
        sheet = judge_sheet(current_user, heat)
        missing = sum(len(e["missing"]) for e in sheet["entries"])
        done = sum(1 for e in sheet["entries"] if not e["missing"])
        rows.append({"heat": heat, "trade": heat.stage.trade, "missing": missing,
                     "done": done, "total": len(sheet["entries"])})
    return render_template("judge/home.html", rows=rows, strings=js_strings())


@bp.get("/heat/<int:heat_id>")
@roles_required(Role.JUDGE)
def heat(heat_id: int):
    """A heat's entries by lot number and workstation, and the score form (blind-safe)."""
    heat_obj = heat_service.get_heat(heat_id)
    sheet = judge_sheet(current_user, heat_obj)
    # when the page was drawn (server clock, ms): judge.js tells a copy from the tablet's
    # cache (older than the sheet it kept in localStorage) from a fresh page
    return render_template("judge/heat.html", sheet=sheet, strings=js_strings(),
                           rendered_at=int(time.time() * 1000))


@bp.get("/sw.js")
def service_worker():
    """The tablet's service worker (static/js/sw.js) at /judge/sw.js, so that its scope is
    the judge's pages. Open to anyone: it is code, and the browser fetches it on its own.
    Browsers use it only over HTTPS (see README, "Tablets offline / HTTPS at the venue")."""
    response = send_from_directory(current_app.static_folder, "js/sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@token_bp.get("/token/<token>")
def token_login(token: str):
    """Sign a judge in with a one-time link (the printed QR code)."""
    user = consume_token(token)
    if user is None:
        # a judge at the venue: offer the PIN sign-in right here, not the front page
        return render_template("judge/token_expired.html"), 410
    if current_user.is_authenticated:
        logout_user()
    login_user(user, remember=True)
    flash(_("Signed in as %(name)s.", name=user.display_name or user.username))
    return redirect(url_for("judge.home" if user.has_role(Role.JUDGE) else "public.index"))


def js_strings() -> dict:
    """Texts judge.js shows, translated on the server (the tablet may be offline)."""
    return {
        "online": _("Online"), "offline": _("Offline: marks are kept on this tablet"),
        "unsent": _("Unsent"), "rejected": _("Refused"), "all_sent": _("All marks sent"),
        "sending": _("Sending…"), "waiting": _("Waiting"), "show": _("Show"),
        "hide": _("Hide"), "dismiss": _("Dismiss"), "saved_local": _("Saved on this tablet"),
        "sent": _("Stored on the server"), "fix_errors": _("Please fix the marked fields."),
        "nothing_changed": _("Nothing changed."), "not_number": _("Enter a number."),
        "not_time": _("Enter a time as minutes:seconds or seconds."),
        "below_min": _("Below the minimum"), "above_max": _("Above the maximum"),
        "off_step": _("Not a multiple of the step"), "lot": _("Lot"),
        "attempt": _("Attempt"), "signed_out": _("You were signed out. Sign in again "
                                                 "to send the marks kept on this tablet."),
        "sign_in": _("Sign in"), "locked": _("The heat is signed off."),
        "complete": _("Complete"), "missing": _("Missing"),
        "unsaved": _("You have unsaved changes. Save them first?"),
        "cannot_clear": _("A stored mark cannot be cleared here; ask the chief judge."),
        "other_judge": _("Marks of another judge are waiting on this tablet."),
        "no_connection": _("no connection"),
        "no_storage": _("This browser does not keep unsent marks: do not reload or close "
                        "this page until they are sent."),
        "last_lot": _("This is the last lot; every lot has its marks."),
        "back_to_missing": _("Past the last lot: this lot still misses marks."),
        "offline_logout": _("No connection: signing out needs the server. Your marks stay "
                            "on this tablet; sign out when the connection is back."),
        "server_error": _("The server could not store it"),
        "edit": _("Edit"), "resend": _("Send again"), "discard": _("Discard"),
        "discard_confirm": _("Discard this mark? It is removed from this tablet and never "
                             "sent."),
        "set_aside_here": _("The server did not take this save: see the marked field and "
                            "the set-aside list below."),
        "edit_set_aside": _("The set-aside values are back in the form: correct them and "
                            "save again."),
        "offline_ready": _("This tablet keeps a copy of your pages: without network, a "
                           "reload still shows the heat and your unsent marks."),
        "offline_http": _("This address is plain http: keep this page open while there is "
                          "no network. A reload without network shows the browser's error "
                          "page (your marks stay on this tablet and are sent when the page "
                          "is opened again). For reloads without network, use the venue's "
                          "https address (ask the organiser)."),
        "keep_open": _("No connection: keep this page open; do not reload it."),
        "venue_link": _("Install the venue certificate on this tablet →"),
        # issue 16: another judge's value of a one-mark criterion; the spread limit
        "taken_by": _("Entered by {who}: read-only here (only they or the chief judge "
                      "change it)."),
        "remark_mine": _("The marks are {spread} apart, more than {limit}: re-mark this "
                         "(outside: {who})."),
        "remark_other": _("The marks are {spread} apart, more than {limit}: {who} must "
                          "re-mark."),
        "list_sep": _(", "),
        "unsent_logout": _("{n} marks have not reached the server yet. They stay on this "
                           "tablet and are sent when you sign in again. Sign out anyway?"),
    }


from . import judge_chief  # noqa: E402,F401  (registers the chief judge's routes on bp)
