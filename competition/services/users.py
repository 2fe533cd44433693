"""Organiser actions on accounts: create judges (one or a batch), reset a PIN, deactivate."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import AuditLog, Role, Trade, User

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
                password: str | None = None, trade: Trade | None = None) -> tuple[User, str]:
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
                trade=trade)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    _audit(actor, "user.create", user, {"username": username, "role": role,
                                        "trade": trade.code if trade else None})
    db.session.commit()
    return user, password


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
    """Give ``user`` a new 6-digit PIN and return it."""
    pin = new_pin()
    user.set_password(pin)
    _audit(actor, "user.reset_password", user)
    db.session.commit()
    return pin


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; the organiser cannot deactivate themself."""
    if user.id == actor.id and not active:
        raise UserError("user", "you cannot deactivate your own account")
    user.active = active
    _audit(actor, "user.activate" if active else "user.deactivate", user)
    db.session.commit()
