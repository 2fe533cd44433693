"""JSON read of live standings: the same snapshot the screens receive over Socket.IO."""
from flask import Blueprint, jsonify, request

from .. import live
from ..services.queries import current_competition, trade_by_code

bp = Blueprint("live_api", __name__, url_prefix="/api")


@bp.get("/trades/<code>/standings")
def trade_standings(code: str):
    """{trade, version, rows, frozen, reveal, updated_at} of a trade of the current
    competition (or ?competition=CODE). 404 with a JSON message for an unknown trade."""
    comp = current_competition(request.args.get("competition"))
    trade = trade_by_code(comp, code) if comp else None
    if trade is None:
        return jsonify({"error": f"unknown trade '{code}'", "field": "code"}), 404
    trade = live.load_trade(trade.id)
    return jsonify(live.snapshot(trade))
