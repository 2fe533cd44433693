"""Read-side helpers shared by the web layer."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Competition, Contestant, Trade


def current_competition(code: str | None = None) -> Competition | None:
    """The competition named by ``code``, else the newest one."""
    stmt = select(Competition)
    stmt = stmt.where(Competition.code == code) if code else stmt.order_by(Competition.id.desc())
    return db.session.scalars(stmt.limit(1)).first()


def trade_by_code(competition: Competition, code: str) -> Trade | None:
    return db.session.scalar(select(Trade).where(Trade.competition_id == competition.id,
                                                 Trade.code == code))


def trades_with_counts(competition: Competition) -> list[tuple[Trade, int]]:
    """Every trade of the competition with its number of registered (not withdrawn)
    contestants, in trade order."""
    counts = dict(db.session.execute(
        select(Contestant.trade_id, func.count(Contestant.id))
        .where(Contestant.competition_id == competition.id, Contestant.withdrawn_at.is_(None))
        .group_by(Contestant.trade_id)).all())
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    trades = in_order(db.session.scalars(select(Trade).where(
        Trade.competition_id == competition.id).order_by(Trade.id)).all(), competition)
    return [(t, counts.get(t.id, 0)) for t in trades]
