"""The organiser's live page: progress per trade (marks in vs expected, heats locked),
and the screen controls (freeze, ceremony reveal row by row, unfreeze)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import live
from ..extensions import db
from ..models import Role, Trade
from ..services import live_admin
from ..services.queries import current_competition
from ..services.standings import trade_progress
from ..trade_order import in_order
from .auth import roles_required

bp = Blueprint("live_admin", __name__, url_prefix="/admin/live")

ACTIONS = {
    "freeze": live_admin.freeze,
    "reveal_begin": live_admin.begin_reveal,
    "reveal_next": live_admin.reveal_next,
    "reveal_all": live_admin.reveal_all,
    "unfreeze": live_admin.unfreeze,
}
# During a live ceremony one stray click on these changes what every screen shows: the
# page asks first (a dialog), and the server acts only on a confirmed form (confirm=1);
# without it (no script) it answers with a confirmation page and changes nothing.
CONFIRM = ("freeze", "reveal_begin")


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Progress of every trade of the competition, updated live, with screen controls."""
    comp = current_competition(request.args.get("competition"))
    trades = in_order(comp.trades, comp) if comp else []
    return render_template("screen/admin_live.html", competition=comp,
                           progress=[trade_progress(t) for t in trades])


@bp.post("/<int:trade_id>/<action>")
@roles_required(Role.ORGANISER)
def control(trade_id: int, action: str):
    """Run one screen control; a control that does not apply says why (flash)."""
    func = ACTIONS.get(action)
    trade = db.session.get(Trade, trade_id)
    if func is None or trade is None:
        abort(404)
    if action in CONFIRM and request.form.get("confirm") != "1":
        return render_template("screen/admin_live_confirm.html", trade=trade, action=action)
    try:
        func(live.load_trade(trade.id), current_user)
    except live_admin.LiveAdminError as exc:
        flash(_("%(trade)s: %(problem)s", trade=trade.name, problem=_(str(exc))))
    return redirect(url_for("live_admin.index", _anchor=f"trade-{trade_id}"))
