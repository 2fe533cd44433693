"""The JSON API used by tablets, screens and other tools."""
from flask import Blueprint, abort, jsonify, request

from ..services.queries import current_competition, trades_with_counts
from ..services.trades import names_hidden_publicly

bp = Blueprint("api", __name__, url_prefix="/api")


def api_error(message: str, field: str | None = None, status: int = 400):
    """A JSON error naming what is wrong and which field is at fault."""
    return jsonify({"error": message, "field": field}), status


@bp.get("/trades")
def trades():
    """The trades of the current competition: code, names, rule, contestant count."""
    comp = current_competition(request.args.get("competition"))
    if comp is None:
        abort(404)
    return jsonify([
        {"code": t.code, "name": t.name, "name_en": t.name_en, "rule": t.rule_file,
         "blind": names_hidden_publicly(t), "contestants": n}
        for t, n in trades_with_counts(comp)
    ])
