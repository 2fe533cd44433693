"""The organiser's account pages: judges, chief judges, arbitration, screens."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from ..services.queries import current_competition, trade_by_code
from ..services.users import UserError, create_judges, create_user, reset_password, set_active, set_employer
from ..trade_order import in_order
from .auth import roles_required

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every account with its role and trade; forms to add accounts."""
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    comp = current_competition()
    return render_template("admin/users.html", users=users, roles=[r.value for r in Role],
                           trades=in_order(comp.trades) if comp else [], created=None)


@bp.post("/")
@roles_required(Role.ORGANISER)
def create():
    """Create one account (a PIN is generated when the password is left empty)."""
    trade = _trade(request.form.get("trade"))
    try:
        user, password = create_user(current_user, request.form.get("username", ""),
                                     request.form.get("role", ""),
                                     request.form.get("display_name", ""),
                                     request.form.get("password") or None, trade,
                                     request.form.get("employer", ""))
    except UserError as exc:
        db.session.rollback()
        flash(_user_error(exc), "error")
        # the form again with what was typed (not a blank one after a redirect)
        users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
        comp = current_competition()
        return render_template("admin/users.html", users=users, roles=[r.value for r in Role],
                               trades=in_order(comp.trades) if comp else [], created=None,
                               form=request.form), 400
    return _show_created([(user, password)])


@bp.post("/judges")
@roles_required(Role.ORGANISER)
def batch_judges():
    """Create N judge accounts for a trade, each with its own PIN."""
    trade = _trade(request.form.get("trade"))
    if trade is None:
        flash(_("Not saved: choose the trade of the judges."), "error")
        return redirect(url_for("users_admin.index"))
    try:
        made = create_judges(current_user, trade, int(request.form.get("count") or 0))
    except (UserError, ValueError):
        flash(_("Not saved: give a number of judges between 1 and 50."), "error")
        return redirect(url_for("users_admin.index"))
    return _show_created(made)


@bp.post("/<int:user_id>/reset")
@roles_required(Role.ORGANISER)
def reset(user_id: int):
    """Give an account a new PIN (shown once)."""
    user = db.session.get(User, user_id) or abort(404)
    return _show_created([(user, reset_password(current_user, user))])


@bp.post("/<int:user_id>/employer")
@roles_required(Role.ORGANISER)
def employer(user_id: int):
    """Record an account's employer (单位): judges stand aside for their own employer."""
    user = db.session.get(User, user_id) or abort(404)
    try:
        set_employer(current_user, user, request.form.get("employer"))
    except UserError as exc:
        flash(_user_error(exc), "error")
    return redirect(url_for("users_admin.index"))


@bp.post("/<int:user_id>/active")
@roles_required(Role.ORGANISER)
def toggle_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = db.session.get(User, user_id) or abort(404)
    try:
        set_active(current_user, user, request.form.get("active") == "1")
    except UserError as exc:
        flash(_user_error(exc), "error")
    return redirect(url_for("users_admin.index"))


def _user_error(exc: UserError) -> str:
    """The organiser's words for what the account service refused (it speaks English)."""
    text = str(exc)
    if exc.field == "username" and text.endswith("is taken"):
        return _("Not saved: the username %(u)s is taken; choose another.",
                 u=request.form.get("username", ""))
    known = {
        "username": _("Not saved: a username has 2 to 64 letters, digits, '_', '.' or '-' "
                      "(no spaces, no Chinese characters)."),
        "role": _("Not saved: choose a role."),
        "password": _("Not saved: a password has at least 4 characters."),
        "count": _("Not saved: give a number of judges between 1 and 50."),
        "employer": _("Not saved: an employer has at most 200 characters."),
        "user": _("You cannot deactivate your own account."),
    }
    return known.get(exc.field) or _("Not saved: %(field)s: %(error)s", field=exc.field,
                                      error=text)


def _trade(code: str | None):
    comp = current_competition()
    return trade_by_code(comp, code) if comp and code else None


def _show_created(made):
    """The new credentials, shown once, printable."""
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    comp = current_competition()
    return render_template("admin/users.html", users=users, roles=[r.value for r in Role],
                           trades=in_order(comp.trades) if comp else [], created=made)
