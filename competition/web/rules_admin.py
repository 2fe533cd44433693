"""The organiser's view of the scoring rules bound to the trades."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Role
from ..services.queries import current_competition
from ..services.trades import RuleBindError, rebind_rule, rule_status
from .auth import roles_required
from .lookup import trade_or_404 as _trade_or_404

bp = Blueprint("rules_admin", __name__, url_prefix="/admin/rules")


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every trade with its rule file: valid or not, changed since it was bound."""
    comp = current_competition()
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    statuses = [rule_status(t) for t in in_order(comp.trades, comp)] if comp else []
    return render_template("admin/rules.html", competition=comp, statuses=statuses)


@bp.get("/<code>.toml")
@roles_required(Role.ORGANISER, Role.CHIEF_JUDGE)
def bound_text(code: str):
    """The rule text as bound to the trade (what scores are computed with)."""
    trade = _trade_or_404(code)
    return Response(trade.rule_text, mimetype="text/plain; charset=utf-8")


@bp.get("/<code>/scheme.xlsx")
@roles_required(Role.ORGANISER, Role.CHIEF_JUDGE)
def scheme(code: str):
    """The marking scheme (评分细则表) of the bound rule, for the chief judge to sign."""
    from ..rules.scheme_xlsx import scheme_bytes
    trade = _trade_or_404(code)
    data = scheme_bytes(trade.rule_text, trade.competition.name)
    return Response(data, headers={"Content-Disposition": _attachment(f"评分细则表-{trade.name}.xlsx")},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _attachment(filename: str) -> str:
    from urllib.parse import quote
    return f"attachment; filename=scheme.xlsx; filename*=UTF-8''{quote(filename)}"


@bp.post("/<code>/rebind")
@roles_required(Role.ORGANISER)
def rebind(code: str):
    """Bind the trade to the current version of its rule file (reason required)."""
    trade = _trade_or_404(code)
    try:
        rebind_rule(trade, current_user, request.form.get("reason", ""))
    except RuleBindError as exc:
        flash(_("The rule was not changed: %(error)s", error=str(exc)), "error")
    else:
        flash(_("%(trade)s now uses the current rule file.", trade=trade.name))
    return redirect(url_for("rules_admin.index"))

