"""Judges' and chief judges' pages (tablets). Filled in by the judging work."""
from flask import Blueprint, render_template

from ..models import Role
from .auth import roles_required

bp = Blueprint("judge", __name__, url_prefix="/judge")


@bp.get("/")
@roles_required(Role.JUDGE)
def home():
    """The judge's start page: the heats assigned to them."""
    return render_template("judge/home.html")


@bp.get("/chief")
@roles_required(Role.CHIEF_JUDGE, Role.ARBITRATION)
def chief_home():
    """The chief judge's start page."""
    return render_template("judge/chief_home.html")
