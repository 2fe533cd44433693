"""The organiser's pages."""
from flask import Blueprint, render_template

from ..models import Role
from ..services.queries import current_competition, trades_with_counts
from .auth import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles_required(Role.ORGANISER)
def dashboard():
    """Overview of the competition: trades and their registrations."""
    comp = current_competition()
    trades = trades_with_counts(comp) if comp else []
    return render_template("admin/dashboard.html", competition=comp, trades=trades)
