"""The schedule of a whole competition: every heat across trades, by day and by venue,
with the conflicts found by competition.schedule (pure).

A heat stores only its start: it is taken to last the competition's `heat_minutes`
setting (default 120). Venue capacities (workstations) come from the competition's
`venue_capacity` setting ({venue: workstations}), when the organiser gives them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Competition, Contestant, Entry, Heat, JudgeAssignment, Role, Stage, Trade, User
from ..schedule import ScheduleConflict, SlotInfo, find_conflicts
from ..timefmt import as_utc, to_local
from .errors import _

DEFAULT_HEAT_MINUTES = 120


@dataclass
class HeatRow:
    heat: Heat
    trade: Trade
    stage: Stage
    start: datetime | None          # local (the competition's time zone)
    end: datetime | None
    seated: int
    judges: list[str]
    chiefs: list[str]
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Schedule:
    competition: Competition
    rows: list[HeatRow]
    conflicts: list[tuple[ScheduleConflict, str]]     # with its words
    heat_minutes: int

    def by_day(self) -> list[tuple[date | None, list[HeatRow]]]:
        days: dict = defaultdict(list)
        for row in self.rows:
            days[row.start.date() if row.start else None].append(row)
        return sorted(days.items(), key=lambda kv: (kv[0] is None, kv[0] or date.min))

    def by_venue(self) -> list[tuple[str, list[HeatRow]]]:
        venues: dict = defaultdict(list)
        for row in self.rows:
            venues[row.heat.venue or ""].append(row)
        return sorted(venues.items())


def competition_schedule(comp: Competition) -> Schedule:
    settings = comp.settings or {}
    minutes = int(settings.get("heat_minutes") or DEFAULT_HEAT_MINUTES)
    heats = db.session.execute(
        select(Heat, Stage, Trade).join(Stage, Stage.id == Heat.stage_id).join(Trade, Trade.id == Stage.trade_id)
        .where(Trade.competition_id == comp.id)).all()
    ids = [h.id for h, _s, _t in heats]
    judges = _judges(ids)
    chiefs = _chiefs([t.id for _h, _s, t in heats])
    seated, people = _seated(ids)
    slots, rows = [], {}
    for heat, stage, trade in heats:
        start = as_utc(heat.starts_at) if heat.starts_at else None
        end = start + timedelta(minutes=minutes) if start else None
        heat_judges = judges.get(heat.id, [])
        trade_chiefs = chiefs.get(trade.id, []) + chiefs.get(None, [])
        slots.append(SlotInfo(heat.id, f"{trade.name} · {stage.name} · {heat.name}", heat.venue or "", start, end,
                              heat.workstations, seated.get(heat.id, 0), frozenset(u.id for u in heat_judges),
                              frozenset(u.id for u in chiefs.get(trade.id, [])), frozenset(people.get(heat.id, ()))))
        rows[heat.id] = HeatRow(heat, trade, stage, to_local(start, comp), to_local(end, comp),
                                seated.get(heat.id, 0), [_name(u) for u in heat_judges],
                                [_name(u) for u in trade_chiefs])
    found = find_conflicts(slots, settings.get("venue_capacity") or {})
    labels = {s.id: s.label for s in slots}
    names = {u.id: _name(u) for us in list(judges.values()) + list(chiefs.values()) for u in us}
    words = [(c, conflict_words(c, labels, names)) for c in found]
    for c, text in words:
        for heat_id in c.heats:
            rows[heat_id].conflicts.append(text)
    ordered = sorted(rows.values(), key=lambda r: (r.start is None, r.start.isoformat() if r.start else "",
                                                   r.heat.venue or "", r.trade.id, r.heat.seq))
    return Schedule(comp, ordered, words, minutes)


def _name(user: User) -> str:
    return user.display_name or user.username


def _judges(heat_ids: list[int]) -> dict[int, list[User]]:
    out: dict = defaultdict(list)
    if heat_ids:
        for heat_id, user in db.session.execute(
                select(JudgeAssignment.heat_id, User).join(User, User.id == JudgeAssignment.user_id)
                .where(JudgeAssignment.heat_id.in_(heat_ids)).order_by(User.username)):
            out[heat_id].append(user)
    return out


def _chiefs(trade_ids: list[int]) -> dict:
    out: dict = defaultdict(list)
    for user in db.session.scalars(select(User).where(User.role == Role.CHIEF_JUDGE.value, User.active.is_(True))
                                   .order_by(User.username)):
        if user.trade_id is None or user.trade_id in trade_ids:
            out[user.trade_id].append(user)
    return out


def _seated(heat_ids: list[int]) -> tuple[dict[int, int], dict[int, set]]:
    counts, people = {}, defaultdict(set)
    if not heat_ids:
        return counts, people
    for heat_id, n in db.session.execute(
            select(Entry.heat_id, func.count(Entry.id)).where(Entry.heat_id.in_(heat_ids), Entry.status != "withdrawn")
            .group_by(Entry.heat_id)):
        counts[heat_id] = n
    for heat_id, id_number in db.session.execute(
            select(Entry.heat_id, Contestant.id_number).join(Contestant, Contestant.id == Entry.contestant_id)
            .where(Entry.heat_id.in_(heat_ids), Entry.status != "withdrawn")):
        people[heat_id].add(id_number)
    return counts, people


def conflict_words(c: ScheduleConflict, labels: dict, names: dict) -> str:
    heats = "、".join(labels.get(h, str(h)) for h in c.heats)
    if c.kind == "judge":
        return _("Judge %(who)s is in two heats at once: %(heats)s", who=names.get(c.who, c.who), heats=heats)
    if c.kind == "chief":
        return _("Chief judge %(who)s is in charge of heats at two venues at once: %(heats)s",
                 who=names.get(c.who, c.who), heats=heats)
    if c.kind == "contestant":
        return _("A contestant (ID number ending %(tail)s) is seated in two heats at once: %(heats)s",
                 tail=str(c.who)[-4:], heats=heats)
    if c.kind == "seats":
        return _("%(heats)s: %(seated)d contestants seated, %(stations)d workstations", heats=heats,
                 seated=c.detail["seated"], stations=c.detail["workstations"])
    if c.kind == "venue":
        return _("%(venue)s: %(used)d workstations in use at once, the venue has %(cap)d (%(heats)s)",
                 venue=c.who, used=c.detail["used"], cap=c.detail["capacity"], heats=heats)
    if c.kind == "no_judges":
        return _("%(heats)s has no judges assigned", heats=heats)
    return _("%(heats)s has no start time", heats=heats)
