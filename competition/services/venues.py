"""A venue's day (issue 18): the heats at one venue (by its name in the schedule) on one
day, which of them are running, the trades its LED screens rotate through, and the judges
working there (for their one-time sign-in codes).

A heat is *running* from its start (Heat.starts_at) until its chief judge signs it off;
*finished* once signed off; *upcoming* before its start. The screens show the trades of
the running heats; when none is running, the trades of the day's heats there (the
results of the morning stay up over lunch), so a screen opened early is never blank
while the venue has heats that day.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import AuditLog, Competition, JudgeAssignment, LoginToken, Role, Trade, User, utcnow
from ..timefmt import local_now
from .errors import Forbidden, NotFound, _
from .schedule import HeatRow, competition_schedule

UPCOMING, RUNNING, FINISHED = "upcoming", "running", "finished"


@dataclass
class VenueHeat:
    row: HeatRow
    state: str


@dataclass
class VenueDay:
    competition: Competition
    venue: str
    day: date
    heats: list[VenueHeat] = field(default_factory=list)
    judges: list[User] = field(default_factory=list)
    screen_trades: list[Trade] = field(default_factory=list)
    other_days: list[date] = field(default_factory=list)

    @property
    def running(self) -> list[VenueHeat]:
        return [h for h in self.heats if h.state == RUNNING]


@dataclass
class VenueSummary:
    name: str
    today: int            # heats there today
    total: int            # heats there over the event
    running: int


def _state(row: HeatRow, now: datetime) -> str:
    if row.heat.locked:
        return FINISHED
    if row.start is not None and row.start <= now:
        return RUNNING
    return UPCOMING


def venues(comp: Competition, now: datetime | None = None) -> list[VenueSummary]:
    """Every venue named by a heat, with its heats today, over the event, running now."""
    now = now or local_now(comp)
    out: dict[str, VenueSummary] = {}
    for row in competition_schedule(comp).rows:
        name = row.heat.venue or ""
        if not name:
            continue
        s = out.setdefault(name, VenueSummary(name, 0, 0, 0))
        s.total += 1
        if row.start is not None and row.start.date() == now.date():
            s.today += 1
            s.running += _state(row, now) == RUNNING
    return sorted(out.values(), key=lambda s: (-s.today, s.name))


def venue_day(comp: Competition, venue: str, day: date | None = None,
              now: datetime | None = None) -> VenueDay:
    """The venue's heats on ``day`` (default today, in the competition's time zone), their
    states, the screens' trades and the judges assigned there that day. NotFound if no
    heat of the competition is at that venue."""
    now = now or local_now(comp)
    day = day or now.date()
    rows = [r for r in competition_schedule(comp).rows if (r.heat.venue or "") == venue and venue]
    if not rows:
        raise NotFound(_("No heat is at the venue “%(venue)s”.", venue=venue[:100]), "venue")
    vd = VenueDay(comp, venue, day)
    vd.other_days = sorted({r.start.date() for r in rows if r.start is not None and r.start.date() != day})
    vd.heats = [VenueHeat(r, _state(r, now)) for r in rows if r.start is not None and r.start.date() == day]
    heat_ids = [h.row.heat.id for h in vd.heats]
    if heat_ids:
        vd.judges = list(db.session.scalars(
            select(User).join(JudgeAssignment, JudgeAssignment.user_id == User.id)
            .where(JudgeAssignment.heat_id.in_(heat_ids), User.active.is_(True))
            .distinct().order_by(User.username)))
    shown = vd.running or vd.heats
    seen: dict[int, Trade] = {}
    for h in shown:
        seen.setdefault(h.row.trade.id, h.row.trade)
    vd.screen_trades = list(seen.values())
    return vd


def screen_state(comp: Competition, venue: str) -> dict:
    """What a venue's screen shows now: its trades' codes (the page reloads when they
    change) and the running heats' names."""
    try:
        vd = venue_day(comp, venue)
    except NotFound:
        return {"venue": venue, "trades": [], "running": []}
    return {"venue": venue, "trades": [t.code for t in vd.screen_trades],
            "running": [f"{h.row.trade.name} · {h.row.heat.name}" for h in vd.running]}


def issue_venue_codes(actor: User, comp: Competition, venue: str,
                      hours: int | None = None) -> list[tuple[User, str]]:
    """New one-time sign-in tokens (services.login_tokens: only the hash is stored, a new
    code voids the judge's unused old ones) for the judges working at ``venue`` today.
    Organiser only; audited per trade of the venue's heats."""
    from .login_tokens import TOKEN_HOURS, _hash
    if not actor.has_role(Role.ORGANISER):
        raise Forbidden(_("Only the organiser prints a venue's sign-in codes."))
    vd = venue_day(comp, venue)
    hours = hours or TOKEN_HOURS
    now = utcnow()
    ids = [j.id for j in vd.judges]
    if ids:
        db.session.execute(update(LoginToken).where(LoginToken.user_id.in_(ids), LoginToken.used_at.is_(None))
                           .values(expires_at=now))
    out = []
    for judge in vd.judges:
        token = secrets.token_urlsafe(32)
        db.session.add(LoginToken(token_hash=_hash(token), user_id=judge.id,
                                  expires_at=now + timedelta(hours=hours)))
        out.append((judge, token))
    for trade in {h.row.trade.id: h.row.trade for h in vd.heats}.values():
        db.session.add(AuditLog(user_id=actor.id, action="login_token.issue", object_type="trade",
                                object_id=trade.id, competition_id=comp.id, trade_id=trade.id,
                                new={"judges": ids, "hours": hours, "venue": venue}))
    db.session.commit()
    return out

