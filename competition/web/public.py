"""Public pages: anyone may read published results."""
from flask import Blueprint, render_template, request

from ..services.queries import current_competition, trades_with_counts

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """The front page: the competition and its trades, with links to live results."""
    comp = current_competition(request.args.get("competition"))
    trades = trades_with_counts(comp) if comp else []
    return render_template("public/index.html", competition=comp, trades=trades)


@bp.app_template_global("public_stages")
def public_stages(trade) -> dict:
    """For templates/public/results.html: the current stage's name and who went on from
    it, and the earlier stages' rankings (services.results.public_stages), with names
    exactly as visible as on the live table (hidden while a blind trade is unpublished).
    Empty for a trade with one stage or a rule that does not validate."""
    from .. import live
    from ..rules import RuleError
    from ..services.results import public_stages as stages
    try:
        return stages(trade, live.names_visible(trade))
    except RuleError:
        return {"current": None, "earlier": []}
