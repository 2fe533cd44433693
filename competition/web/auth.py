"""Sign-in, sign-out and the role checks every route uses."""
from __future__ import annotations

import hmac
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db, limiter, login_manager
from ..models import Role, User
from ..services import users as user_service

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
    """The session (or remember cookie) carries "<id>:<session token>" (User.get_id); a
    token that is no longer the user's (reset, sign-out, deactivation) or a bare id (a
    cookie from before, or forged) signs nobody in."""
    ident, _sep, token = (user_id or "").partition(":")
    if not ident.isdigit() or not token or len(ident) > 12:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


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


def local_target(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None. Browsers drop tabs and
    newlines and read a backslash as a slash, so a "/", a tab and "/evil", a slash and a
    backslash, or "//evil" all lead elsewhere: only a plain "/path" survives."""
    if not target or any(c in target for c in "\\\t\r\n") or any(
            ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _limit(name: str):
    return lambda: current_app.config[name]


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()[:64]


def _too_many() -> str:
    return _("Too many sign-in attempts. Please wait a minute and try again.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_TOTAL"), methods=["POST"], scope="login-total",
               key_func=lambda: "all", error_message=_too_many)
@limiter.limit(_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], scope="login-address",
               error_message=_too_many)
@limiter.limit(_limit("LOGIN_LIMIT_PER_ACCOUNT"), methods=["POST"], scope="login-account",
               key_func=_account_key, error_message=_too_many)
def login():
    """Sign in with a username and a password (a judge's short PIN is a password).
    Limited per client address, per account and in total before any password is hashed
    (a hash costs 0.1-0.4 s of CPU: the total bounds what sign-in can take from the
    judges' marks whatever the number of addresses); an account is locked for a while
    after repeated failures. The judges' QR sign-in links hash nothing and stay open."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        result = user_service.authenticate(form.username.data, form.password.data,
                                           request.remote_addr)
        if result.refused:
            return _locked_page(form, result.locked_until)
        if result.user is None:
            error = _("Wrong username or password.")
            if result.locked_until is not None:  # this failure locked the account
                error = " ".join([error, _locked_message(result.locked_until)])
        else:
            login_user(result.user, remember=True)
            target = local_target(request.args.get("next"))
            return redirect(target or home_url_for(result.user))
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


def _minutes_left(until) -> int:
    from ..models import utcnow
    return max(1, -(-int((until - utcnow()).total_seconds()) // 60))


def _locked_message(until) -> str:
    return _("This account is locked after too many failed sign-ins. Try again in "
             "%(minutes)s minutes, or ask the organiser to unlock it.",
             minutes=_minutes_left(until))


def _locked_page(form, until):
    """429 for an attempt on a locked account (its password is not checked)."""
    response = current_app.make_response(
        (render_template("auth/login.html", form=form, error=_locked_message(until)), 429))
    response.headers["Retry-After"] = str(_minutes_left(until) * 60)
    return response


@bp.app_errorhandler(429)
def too_many_requests(exc):
    """Flask-Limiter's refusal, in the user's language."""
    message = _too_many()
    if request.path.startswith("/api/"):
        return {"error": message, "field": None}, 429
    return render_template("auth/login.html", form=LoginForm(), error=message), 429


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out here and everywhere: every session and remember cookie of the user ends."""
    if current_user.is_authenticated:
        user_service.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


@bp.post("/unlock/<int:user_id>")
@roles_required(Role.ORGANISER)
def unlock(user_id: int):
    """Lift an account's sign-in lockout (listed on the organiser's and chief's pages)."""
    user = db.session.get(User, user_id) or abort(404)
    user_service.unlock(current_user, user)
    flash(_("%(name)s can sign in again.", name=user.display_name or user.username))
    return redirect(local_target(request.form.get("next")) or url_for("users_admin.index"))


@bp.app_template_filter("format_locked_time")
def format_locked_time(value) -> str:
    from flask_babel import format_datetime
    return format_datetime(user_service._aware(value), "HH:mm:ss") if value else ""


@bp.app_context_processor
def inject_locked_accounts():
    """Organisers and chief judges see which accounts are locked out, on every page."""
    def locked():
        if not (current_user.is_authenticated
                and current_user.has_role(Role.ORGANISER, Role.CHIEF_JUDGE)):
            return []
        return user_service.locked_accounts(current_user)
    return {"locked_accounts": locked}
