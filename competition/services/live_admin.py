"""The organiser's controls of what screens show: freeze, ceremony reveal, unfreeze.

Each is one transaction (the trade's live fields, its standings version bumped, an
AuditLog row), committed, and only then published to the trade's screens.

    freeze(trade, user)        screens keep the current standings while marks come in
    begin_reveal(trade, user)  take the final standings, hide them all (ceremony)
    reveal_next(trade, user)   show one more row, from the bottom up
    reveal_all(trade, user)    show every row
    unfreeze(trade, user)      back to live standings
"""
from __future__ import annotations

from datetime import datetime, timezone

from ..extensions import db
from ..models import AuditLog, Trade, User
from .standings import live_trade_standings, public_rows, trade_changed


class LiveAdminError(ValueError):
    """The action does not apply to the trade's current state (e.g. reveal before
    begin_reveal)."""


def _state(trade: Trade) -> dict:
    return {"frozen": bool(trade.frozen), "reveal_count": trade.reveal_count,
            "version": trade.standings_version}


def _rows_now(trade: Trade, ranked_only: bool) -> list[dict]:
    rows = public_rows(live_trade_standings(trade), names_visible=True)
    for r in rows:
        r["moved"], r["changed"] = None, False
    return [r for r in rows if r["rank"] is not None] if ranked_only else rows


def _apply(trade: Trade, user: User | None, action: str, reason: str | None,
           **fields) -> Trade:
    """Set ``fields`` on the trade, bump its version, audit, commit, then publish."""
    old = _state(trade)
    try:
        for name, value in fields.items():
            setattr(trade, name, value)
        trade.standings_version = Trade.standings_version + 1
        db.session.add(AuditLog(
            user_id=user.id if user is not None else None, action=f"live.{action}",
            object_type="trade", object_id=trade.id, competition_id=trade.competition_id,
            trade_id=trade.id, old=old,
            new={"frozen": fields.get("frozen", old["frozen"]),
                 "reveal_count": fields.get("reveal_count", old["reveal_count"])},
            reason=reason))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(trade)
    trade_changed(trade.id, bumped=True)   # the one publish step (competition/publish.py)
    return trade


def freeze(trade: Trade, user: User | None, reason: str | None = None) -> Trade:
    """Keep screens on the current standings while marks still come in."""
    if trade.frozen:
        raise LiveAdminError("the trade is already frozen")
    payload = {"at": _now(), "version": trade.standings_version,
               "rows": _rows_now(trade, ranked_only=False)}
    return _apply(trade, user, "freeze", reason, frozen=True, frozen_payload=payload,
                  reveal_count=None)


def begin_reveal(trade: Trade, user: User | None, reason: str | None = None) -> Trade:
    """Take the final standings (ranked rows) and hide them all, for the ceremony."""
    payload = {"at": _now(), "version": trade.standings_version,
               "rows": _rows_now(trade, ranked_only=True)}
    return _apply(trade, user, "reveal_begin", reason, frozen=True, frozen_payload=payload,
                  reveal_count=0)


def _revealing(trade: Trade) -> int:
    if trade.reveal_count is None or not trade.frozen_payload:
        raise LiveAdminError("start the reveal first")
    return len(trade.frozen_payload.get("rows", []))


def reveal_next(trade: Trade, user: User | None) -> Trade:
    """Show one more row (the next one up from the bottom)."""
    total = _revealing(trade)
    if trade.reveal_count >= total:
        raise LiveAdminError("every row is already shown")
    return _apply(trade, user, "reveal_next", None, reveal_count=trade.reveal_count + 1)


def reveal_all(trade: Trade, user: User | None) -> Trade:
    """Show every row of the ceremony standings."""
    total = _revealing(trade)
    return _apply(trade, user, "reveal_all", None, reveal_count=total)


def unfreeze(trade: Trade, user: User | None, reason: str | None = None) -> Trade:
    """Back to live standings."""
    if not trade.frozen and trade.reveal_count is None:
        raise LiveAdminError("the trade is not frozen")
    return _apply(trade, user, "unfreeze", reason, frozen=False, frozen_payload=None,
                  reveal_count=None)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
