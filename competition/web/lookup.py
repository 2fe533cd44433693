"""Find what a URL names, or answer 404: shared by the organiser's blueprints."""
from flask import abort, request

from ..models import Competition, Trade
from ..services.queries import current_competition, trade_by_code


def competition_or_404() -> Competition:
    """The competition named by ?competition=CODE, else the newest one."""
    comp = current_competition(request.args.get("competition"))
    if comp is None:
        abort(404)
    return comp


def trade_or_404(code: str) -> Trade:
    """The trade with this code in the current competition."""
    trade = trade_by_code(competition_or_404(), code)
    if trade is None:
        abort(404)
    return trade
