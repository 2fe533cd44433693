"""The organiser's venue pages (issue 18): every venue of the schedule, and one venue's
day: its heats (running, upcoming, finished), the address its LED screens open, and the
one-time sign-in codes of the judges working there today. Not /venue/ (HTTPS at the
venue, web/venue.py): /admin/venues/.

The screens' page, /screen/venue/<name>, is the LED page (templates/screen/led.html, the
rotation of web/screen.py) over the trades running at the venue; it asks
/screen/venue-state every 30 s and reloads when they change (a heat starts or is signed
off)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user

from ..models import Role
from ..services import venues as svc
from ..services.errors import ServiceError
from ..services.queries import current_competition
from .auth import roles_required
from .judge_qr import qr_svg
from .lookup import competition_or_404

bp = Blueprint("venues", __name__, url_prefix="/admin/venues")
screen_bp = Blueprint("venue_screen", __name__)


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    comp = competition_or_404()
    return render_template("venues/index.html", competition=comp, venues=svc.venues(comp))


def _day_arg() -> date | None:
    raw = request.args.get("day", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        abort(400)


@bp.get("/<path:name>")
@roles_required(Role.ORGANISER)
def venue(name: str):
    comp = competition_or_404()
    try:
        vd = svc.venue_day(comp, name[:200], _day_arg())
    except ServiceError as err:
        abort(err.status)
    from ..services.certificates import base_url
    seconds = request.args.get("seconds", type=int) or 20
    screen = f"{base_url()}{url_for('venue_screen.screen', name=vd.venue, seconds=seconds)}"
    from urllib.parse import unquote
    return render_template("venues/venue.html", vd=vd, screen_url=screen, screen_url_text=unquote(screen),
                           day_label=_day_label, time_label=_time_label)


@bp.post("/<path:name>/signin-codes")
@roles_required(Role.ORGANISER)
def signin_codes(name: str):
    """Print one-time sign-in codes for the judges working at the venue today."""
    comp = competition_or_404()
    try:
        issued = svc.issue_venue_codes(current_user, comp, name[:200])
    except ServiceError as err:
        abort(err.status)
    from datetime import timedelta

    from ..models import utcnow
    from ..services.certificates import base_url
    from ..services.login_tokens import TOKEN_HOURS
    base = base_url()
    cards = []
    for judge, token in issued:
        url = f"{base}{url_for('judge_token.token_login', token=token)}"
        cards.append({"judge": judge, "url": url, "svg": qr_svg(url)})
    valid_until = format_datetime(utcnow() + timedelta(hours=TOKEN_HOURS), "MM-dd HH:mm")
    # the chief judge's printable page of codes, with the venue where it names the trade
    return render_template("judge/signin_codes.html", trade={"name": name[:200]}, cards=cards, hours=TOKEN_HOURS,
                           valid_until=valid_until)


@screen_bp.get("/screen/venue/<path:name>")
def screen(name: str):
    """The venue's LED screens: a rotation of the trades running there (?seconds= per trade)."""
    from .screen import _screen_settings
    comp = current_competition(request.args.get("competition"))
    if comp is None:
        abort(404)
    try:
        vd = svc.venue_day(comp, name[:200])
    except ServiceError as err:
        abort(err.status)
    seconds = max(5, min(request.args.get("seconds", type=int) or 20, 3600))
    state_url = url_for("venue_screen.state", venue=vd.venue, competition=request.args.get("competition"))
    if not vd.screen_trades:
        return render_template("venues/screen_idle.html", competition=comp, vd=vd, state_url=state_url,
                               codes=[])
    settings = _screen_settings(vd.screen_trades, seconds if len(vd.screen_trades) > 1 else None)
    settings["venue"] = {"name": vd.venue, "state": state_url, "codes": [t.code for t in vd.screen_trades]}
    return render_template("screen/led.html", competition=comp, settings=settings)


@screen_bp.get("/screen/venue-state")
def state():
    """The trades a venue's screen shows now (JSON): the page reloads when they change."""
    comp = current_competition(request.args.get("competition"))
    if comp is None:
        abort(404)
    response = jsonify(svc.screen_state(comp, (request.args.get("venue") or "")[:200]))
    response.headers["Cache-Control"] = "no-store"
    return response


def _day_label(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _time_label(row) -> str:
    return f"{row.start:%H:%M}–{row.end:%H:%M}" if row.start else "—"
