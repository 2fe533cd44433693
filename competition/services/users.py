"""Accounts: sign-in with lockout, and the organiser's actions (create judges one or a
batch at a time, reset a PIN, deactivate, unlock). Resetting, deactivating and signing out
end every session of the user (User.end_sessions)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import AuditLog, Role, Trade, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


class UserError(ValueError):
    """Bad input for an account; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def new_pin(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def _audit(actor: User | None, action: str, user: User, new: dict | None = None,
           reason: str | None = None) -> None:
    """``actor`` None: done from the command line on the server."""
    db.session.add(AuditLog(user_id=getattr(actor, "id", None), action=action, object_type="user",
                            object_id=user.id, new=new, reason=reason))


def create_user(actor: User | None, username: str, role: str, display_name: str = "",
                password: str | None = None, trade: Trade | None = None,
                employer: str = "") -> tuple[User, str]:
    """Create an account; returns it with its password (generated as a 6-digit PIN when
    none is given). Raises UserError naming the field at fault; nothing is saved then."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise UserError("username", "2-64 letters, digits, '_', '.' or '-'")
    if role not in {r.value for r in Role}:
        raise UserError("role", f"unknown role {role!r}")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise UserError("username", f"the username {username!r} is taken")
    if password is not None and len(password) < 4:
        raise UserError("password", "at least 4 characters")
    password = password or new_pin()
    user = User(username=username, role=role, display_name=display_name.strip() or username,
                trade=trade, employer=_employer(employer))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    _audit(actor, "user.create", user, {"username": username, "role": role,
                                        "trade": trade.code if trade else None})
    db.session.commit()
    return user, password


def _employer(text: str | None) -> str:
    employer = (text or "").strip()
    if len(employer) > 200:
        raise UserError("employer", "at most 200 characters")
    return employer


def set_employer(actor: User, user: User, employer: str | None) -> None:
    """Record a judge's employer (单位), audited: conflicts of interest are found by it."""
    value = _employer(employer)
    if value == (user.employer or ""):
        return
    _audit(actor, "user.employer", user, {"employer": value})
    user.employer = value
    db.session.commit()


def create_judges(actor: User, trade: Trade, count: int) -> list[tuple[User, str]]:
    """Create ``count`` judge accounts <trade>_j<k> (the next free numbers) with PINs.
    All or nothing."""
    if not 1 <= count <= 50:
        raise UserError("count", "between 1 and 50")
    taken = set(db.session.scalars(select(User.username)
                                   .where(User.username.like(f"{trade.code}_j%"))))
    made, k = [], 1
    while len(made) < count:
        name = f"{trade.code}_j{k}"
        if name not in taken:
            pin = new_pin()
            user = User(username=name, role=Role.JUDGE.value,
                        display_name=f"{trade.name}裁判{k}")
            user.set_password(pin)
            db.session.add(user)
            made.append((user, pin))
        k += 1
    db.session.flush()
    for user, _ in made:
        _audit(actor, "user.create", user, {"username": user.username, "role": "judge",
                                            "trade": trade.code})
    db.session.commit()
    return made


def reset_password(actor: User, user: User) -> str:
    """Give ``user`` a new 6-digit PIN and return it; their sessions end and a lockout
    is lifted."""
    pin = new_pin()
    user.set_password(pin)
    user.end_sessions()
    _clear_lockout(user)
    _audit(actor, "user.reset_password", user)
    db.session.commit()
    return pin


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; the organiser cannot deactivate themself.
    A deactivated account's sessions end."""
    if user.id == actor.id and not active:
        raise UserError("user", "you cannot deactivate your own account")
    user.active = active
    if not active:
        user.end_sessions()
    _audit(actor, "user.activate" if active else "user.deactivate", user)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """Signing out ends the user's sessions on every device (copied cookies too)."""
    user.end_sessions()
    db.session.commit()


# --- sign-in --------------------------------------------------------------------------

@dataclass
class SignIn:
    """The answer to a sign-in attempt: ``user`` when it succeeded; ``locked_until``
    when the account is locked: already (``refused``: the password was not even checked)
    or by this failure."""
    user: User | None
    locked_until: datetime | None = None
    refused: bool = False


def _clear_lockout(user: User) -> None:
    """Forget failures and lift a lockout (the values are re-read first: failures are
    counted by UPDATE statements, which may have left this object's copy stale)."""
    db.session.refresh(user, ["failed_logins", "locked_until"])
    user.failed_logins, user.locked_until = 0, None


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the configured method, checked for unknown usernames so that they
    cost as much as real ones (no enumeration by timing)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _dummy_hashes[method]


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def authenticate(username: str, password: str, address: str | None = None) -> SignIn:
    """Check a username and password (or PIN). Unknown and deactivated accounts cost one
    hash check like real ones; a locked account is refused without one; a failure counts
    towards a lockout (LOGIN_LOCKOUT_THRESHOLD in a row), a success clears the count."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password or "")
        return SignIn(None)
    locked = _aware(user.locked_until)
    if locked and locked > utcnow():
        return SignIn(None, locked_until=locked, refused=True)
    if user.check_password(password or ""):
        if user.failed_logins or user.locked_until:
            user.failed_logins, user.locked_until = 0, None
            db.session.commit()
        return SignIn(user)
    return SignIn(None, locked_until=_record_failure(user, address))


def _record_failure(user: User, address: str | None) -> datetime | None:
    """Count a failed sign-in (atomically: several processes may count at once) and lock
    the account after every LOGIN_LOCKOUT_THRESHOLD failures in a row, for
    LOGIN_LOCKOUT_SECONDS doubling each time (at most LOGIN_LOCKOUT_MAX_SECONDS).
    Returns the end of a lockout started now, else None."""
    cfg = current_app.config
    count = db.session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
        .execution_options(synchronize_session=False)).scalar_one()
    threshold = max(1, int(cfg.get("LOGIN_LOCKOUT_THRESHOLD", 5)))
    if count < threshold or count % threshold:
        db.session.commit()
        return None
    seconds = min(int(cfg.get("LOGIN_LOCKOUT_SECONDS", 60)) * 2 ** (count // threshold - 1),
                  int(cfg.get("LOGIN_LOCKOUT_MAX_SECONDS", 3600)))
    until = utcnow() + timedelta(seconds=seconds)
    db.session.execute(update(User).where(User.id == user.id).values(locked_until=until)
                       .execution_options(synchronize_session=False))
    db.session.add(AuditLog(user_id=None, action="user.locked", object_type="user",
                            object_id=user.id, trade_id=user.trade_id,
                            new={"username": user.username, "failures": count,
                                 "until": until.isoformat(timespec="seconds"),
                                 "address": address}))
    db.session.commit()
    db.session.refresh(user)
    return until


def unlock(actor: User, user: User) -> None:
    """Lift a lockout (the organiser, after checking who was locked out and why)."""
    _clear_lockout(user)
    _audit(actor, "user.unlock", user)
    db.session.commit()


def locked_accounts(viewer: User) -> list[User]:
    """Accounts locked now that ``viewer`` should hear about: every one for an organiser;
    for a chief judge, the judges of their trade and accounts bound to it."""
    now = utcnow()
    users = db.session.scalars(select(User).where(User.locked_until.is_not(None))
                               .order_by(User.username)).all()
    users = [u for u in users if _aware(u.locked_until) > now]
    if viewer.has_role(Role.ORGANISER) or not users:
        return users
    if viewer.has_role(Role.CHIEF_JUDGE) and viewer.trade is not None:
        from .login_tokens import trade_judges
        mine = {u.id for u in trade_judges(viewer.trade)}
        return [u for u in users if u.id in mine or u.trade_id == viewer.trade_id]
    return []
