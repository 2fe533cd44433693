"""One-time sign-in links for judges, printed as QR codes by the chief judge.

A token is 32 random bytes (URL-safe text); only its SHA-256 is stored. It expires after
TOKEN_HOURS and works once. Issuing new links for a judge voids their unused old ones.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from ..extensions import db
from ..models import AuditLog, Heat, JudgeAssignment, LoginToken, Stage, Trade, User, utcnow
from .heats import NotFound, require_chief

TOKEN_HOURS = 16


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def trade_judges(trade: Trade) -> list[User]:
    """Judges assigned to any heat of the trade, by username."""
    return list(db.session.scalars(
        select(User).join(JudgeAssignment, JudgeAssignment.user_id == User.id)
        .join(Heat, Heat.id == JudgeAssignment.heat_id).join(Stage, Stage.id == Heat.stage_id)
        .where(Stage.trade_id == trade.id, User.active.is_(True))
        .distinct().order_by(User.username)))


def issue_tokens(actor: User, trade_id: int, hours: int = TOKEN_HOURS) -> list[tuple[User, str]]:
    """New one-time sign-in tokens for every judge of the trade (old unused ones voided).

    Raises heats.Forbidden (not the trade's chief judge or an organiser), NotFound."""
    trade = db.session.get(Trade, trade_id)
    if trade is None:
        raise NotFound("No such trade.", "trade_id")
    require_chief(actor, trade, organiser_too=True)
    judges = trade_judges(trade)
    now = utcnow()
    ids = [j.id for j in judges]
    if ids:
        db.session.execute(update(LoginToken).where(
            LoginToken.user_id.in_(ids), LoginToken.used_at.is_(None))
            .values(expires_at=now))
    out = []
    for judge in judges:
        token = secrets.token_urlsafe(32)
        db.session.add(LoginToken(token_hash=_hash(token), user_id=judge.id,
                                  expires_at=now + timedelta(hours=hours)))
        out.append((judge, token))
    db.session.add(AuditLog(user_id=actor.id, action="login_token.issue", object_type="trade",
                            object_id=trade.id, competition_id=trade.competition_id,
                            trade_id=trade.id, new={"judges": ids, "hours": hours}))
    db.session.commit()
    return out


def consume_token(token: str) -> User | None:
    """The judge a valid, unused, unexpired token belongs to (and mark it used); else None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(LoginToken).where(LoginToken.token_hash == _hash(token)))
    now = utcnow()
    if row is None or row.used_at is not None or _aware(row.expires_at) <= now:
        return None
    # Single use even if two tablets scan the same code at once: only one UPDATE wins.
    won = db.session.execute(update(LoginToken).where(
        LoginToken.id == row.id, LoginToken.used_at.is_(None)).values(used_at=now)).rowcount
    db.session.commit()
    user = db.session.get(User, row.user_id)
    return user if won == 1 and user is not None and user.active else None
