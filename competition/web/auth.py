"""Sign-in, sign-out and the role checks every route uses."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login_manager
from ..models import Role, User

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Where each role lands after signing in.
HOME_BY_ROLE = {
    Role.ORGANISER.value: "admin.dashboard",
    Role.CHIEF_JUDGE.value: "judge.chief_home",
    Role.JUDGE.value: "judge.home",
    Role.ARBITRATION.value: "judge.chief_home",
    Role.SCREEN.value: "screen.index",
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return {"error": "authentication required", "field": None}, 401
    return redirect(url_for("auth.login", next=request.full_path))


def roles_required(*roles: str | Role):
    """Route decorator: the signed-in user must hold one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=128)])


def home_url_for(user: User) -> str:
    return url_for(HOME_BY_ROLE.get(user.role, "public.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with a username and a password (a judge's short PIN is a password)."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is None or not user.active or not user.check_password(form.password.data):
            error = _("Wrong username or password.")
        else:
            login_user(user, remember=True)
            target = request.args.get("next", "")
            if target.startswith("/") and not target.startswith("//"):
                return redirect(target)
            return redirect(home_url_for(user))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))
