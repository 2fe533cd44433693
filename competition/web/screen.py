"""LED screens (read-only displays). Filled in by the live-leaderboard work."""
from flask import Blueprint, render_template

bp = Blueprint("screen", __name__, url_prefix="/screen")


@bp.get("/")
def index():
    """Choose a trade to show on this screen."""
    return render_template("screen/index.html")
