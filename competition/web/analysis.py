"""Fairness and insight pages: judge consistency and training needs per trade (organiser,
the trade's chief judge, arbitration), and the event-wide scale (organiser)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Role
from ..services.analysis import competition_analysis, trade_analysis
from ..services.heats import may_view
from .auth import roles_required
from .lookup import competition_or_404, trade_or_404

bp = Blueprint("analysis", __name__, url_prefix="/admin/analysis")

RANKING_ROWS = 100


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every trade's flagged judges, the cross-trade ranking and the employer ranking."""
    report = competition_analysis(competition_or_404())
    return render_template("analysis/index.html", report=report,
                           ranking=report.ranking[:RANKING_ROWS], words=finding_words)


@bp.get("/<code>")
@roles_required(Role.ORGANISER, Role.CHIEF_JUDGE, Role.ARBITRATION)
def trade(code: str):
    """One trade: each judge on each judged criterion, the evidence, training needs."""
    t = trade_or_404(code)
    if not may_view(current_user, t):
        abort(403)
    return render_template("analysis/trade.html", a=trade_analysis(t), words=finding_words)


def _num(value, places: int = 2) -> str:
    return "—" if value is None else f"{float(value):.{places}f}"


def _pct(value) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def finding_words(stats, finding, judge: str, criterion: str) -> str:
    """One finding about a judge as a sentence with its evidence."""
    v = dict(finding.values)
    if finding.code in ("lenient", "harsh"):
        return (_("%(judge)s marked %(crit)s above the other judges' median %(above)d times and "
                  "below it %(below)d times (sign test p = %(p)s); on average %(dev)s points "
                  "(%(share)s of the maximum) from the others' mean.",
                  judge=judge, crit=criterion, above=v["above"], below=v["below"],
                  p=_num(v["p"], 3), dev=_num(v["deviation"]),
                  share=_pct(stats.share(v["deviation"]))))
    if finding.code == "off_panel":
        return _("%(judge)s was beyond the discrepancy threshold on %(beyond)d of %(marks)d "
                 "marks of %(crit)s.", judge=judge, crit=criterion, beyond=v["beyond"],
                 marks=v["marks"])
    if finding.code == "ordering":
        return _("%(judge)s put the contestants in a different order from the panel on %(crit)s "
                 "(rank correlation %(rho)s over %(items)d marks).", judge=judge, crit=criterion,
                 rho=_num(v["rho"]), items=v["items"])
    return _("On contestants of their own employer %(judge)s marked %(crit)s %(own)s points "
             "from the other judges' median on average, against %(others)s on the others "
             "(%(n)d marks at home).", judge=judge, crit=criterion, own=_num(v["own"]),
             others=_num(v["others"]), n=v["own_marks"])


@bp.app_template_filter("num2")
def num2(value) -> str:
    return _num(value)


@bp.app_template_filter("pct")
def pct(value) -> str:
    return _pct(value)
