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
