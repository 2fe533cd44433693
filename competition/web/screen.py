"""LED screens (read-only displays), the public results page and the locally served
browser Socket.IO client. Screens and the public need no sign-in; nothing here shows an
ID number or a phone (the rows come from live.snapshot)."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from .. import live
from ..config import PROJECT_ROOT
from ..services.queries import current_competition, trade_by_code

bp = Blueprint("screen", __name__, url_prefix="/screen")
results_bp = Blueprint("results", __name__)
vendor_bp = Blueprint("vendor", __name__)

SOCKET_IO_JS = Path("node_modules") / "socket.io-client" / "dist" / "socket.io.min.js"
ECHARTS_JS = Path("node_modules") / "echarts" / "dist" / "echarts.min.js"


def _trades_from(codes: list[str]):
    """The trades named by ``codes`` in the current (or ?competition=) competition; 404
    if none is known."""
    comp = current_competition(request.args.get("competition"))
    trades = [t for t in (trade_by_code(comp, c) for c in codes if c) if t] if comp else []
    if not trades:
        abort(404)
    return comp, trades


def _screen_settings(trades, rotate_seconds: int | None) -> dict:
    page = request.args.get("page", type=int) or 8
    leaders = request.args.get("layout") == "leaders"
    # a knockout or groups trade (no marks: every team would read 待评分) is shown as its
    # bracket inside a rotation, from the bracket's JSON view
    brackets = {t.id: _bracket_of(t) for t in trades} if rotate_seconds else {}
    return {"trades": [{"id": t.id, "code": t.code, "name": t.name,
                        "bracket": (url_for("brackets.view_json", bracket_id=brackets[t.id])
                                    if brackets.get(t.id) is not None else None)}
                       for t in trades],
            "rotateSeconds": rotate_seconds, "pageSeconds": max(3, min(page, 120)),
            # ?layout=leaders: the leaders plus the latest finishers instead of pages
            "layout": "leaders" if leaders else "pages",
            # (none while frozen: the screens show the freeze's standings, and a list by the
            # marks' times would name those marked since)
            "latest": {t.id: [] if t.frozen else _latest_marked(t) for t in trades} if leaders else {},
            "rows": request.args.get("rows", type=int)}


@bp.get("/")
def index():
    """Choose a trade (or a rotation of trades) to show on this screen."""
    comp = current_competition(request.args.get("competition"))
    # whole addresses, to type on the LED computer: never this PC's own 127.0.0.1 (the
    # same rule as the QR codes: PUBLIC_BASE_URL, else the LAN address, same port)
    from ..services.certificates import base_url
    from ..trade_order import in_order
    trades = in_order(comp.trades, comp) if comp else []
    return render_template("screen/index.html", competition=comp, trades=trades, base=base_url(),
                           biggest=_biggest(trades))


def _biggest(trades):
    """The trade with the most contestants (the layout=leaders example: the trade it is for)."""
    if not trades:
        return None
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import Contestant
    counts = dict(db.session.execute(
        select(Contestant.trade_id, func.count(Contestant.id))
        .where(Contestant.trade_id.in_([t.id for t in trades])).group_by(Contestant.trade_id)).all())
    return max(trades, key=lambda t: counts.get(t.id, 0))


@bp.get("/trade/<code>")
def trade(code: str):
    """The LED page of one trade (?page=seconds per page, ?rows=fixed rows per page). A
    trade whose current stage is a knockout (the safety quiz: no marks, every team would
    read 待评分) goes to its bracket's LED page instead."""
    comp, trades = _trades_from([code])
    bracket_id = _bracket_of(trades[0])
    if bracket_id is not None:
        return redirect(url_for("brackets.screen", bracket_id=bracket_id))
    return render_template("screen/led.html", competition=comp,
                           settings=_screen_settings(trades, None))


def _latest_marked(trade, limit: int = 50) -> list[str]:
    """The keys (entry ids) of the trade's current stage whose marks changed last, most
    recent first: where ?layout=leaders starts its 最新完成 list (a screen that has just
    been opened, or restarted, knows nothing newer yet)."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import Entry, Mark
    from ..services.standings import default_stage
    stage = default_stage(trade)
    if stage is None:
        return []
    last = func.max(Mark.updated_at)
    rows = db.session.execute(
        select(Mark.entry_id, last).join(Entry, Entry.id == Mark.entry_id)
        .where(Entry.stage_id == stage.id).group_by(Mark.entry_id)
        .order_by(last.desc(), Mark.entry_id.desc()).limit(limit)).all()
    return [str(r[0]) for r in rows]


def _bracket_of(trade):
    """The one bracket of the trade's current stage when that stage is head-to-head."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Bracket
    from ..services.standings import default_stage
    stage = default_stage(trade)
    if stage is None or stage.format != "bracket":
        return None
    ids = db.session.scalars(select(Bracket.id).where(Bracket.stage_id == stage.id)).all()
    return ids[0] if len(ids) == 1 else None


@bp.get("/rotate")
def rotate():
    """?trades=a,b,c&seconds=20: rotate through several trades on a timer."""
    codes = [c.strip() for c in request.args.get("trades", "").split(",")]
    seconds = max(5, min(request.args.get("seconds", type=int) or 20, 3600))
    comp, trades = _trades_from(codes)
    return render_template("screen/led.html", competition=comp,
                           settings=_screen_settings(trades, seconds))


@results_bp.get("/results/<code>")
def results(code: str):
    """The public, phone-friendly live results of one trade."""
    comp, trades = _trades_from([code])
    t = live.load_trade(trades[0].id)
    return render_template("public/results.html", competition=comp, trade=t,
                           snap=live.snapshot(t))


@vendor_bp.get("/vendor/socket.io.min.js")
def socket_io_js():
    """The browser Socket.IO client, installed from npm by the setup command."""
    return _vendor_file(SOCKET_IO_JS, "Socket.IO")


@vendor_bp.get("/vendor/echarts.min.js")
def echarts_js():
    """Apache ECharts (the analysis pages' charts), installed from npm by the setup command."""
    return _vendor_file(ECHARTS_JS, "ECharts")


def _vendor_file(relative: Path, name: str):
    path = Path(current_app.config.get("VENDOR_ROOT") or PROJECT_ROOT) / relative
    if not path.is_file():
        message = _("The browser library %(name)s is missing: run ./run.sh start (or npm ci "
                    "in the project folder) to install it.", name=name)
        body = f"console.error({json.dumps(message, ensure_ascii=False)});\n"
        return Response(body, status=503, mimetype="application/javascript")
    return send_file(path, mimetype="application/javascript", max_age=86400)
