"""Conflicts in a schedule of heats (场次) across trades, venues and weeks.

A heat occupies [start, end). Two heats overlap when each starts before the other ends.
Found, each naming the heats and the person or venue:
- judge: one judge assigned to two overlapping heats;
- chief: one chief judge in charge of overlapping heats at different venues;
- contestant: one worker (by ID-card number) seated in two overlapping heats (entered in
  two trades);
- seats: more contestants seated in a heat than it has workstations;
- venue: overlapping heats at one venue use more workstations than the venue has (when
  the venue's capacity is known);
- no_judges: a heat with no judge assigned; no_time: a heat with no start time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Hashable, Iterable, Mapping


@dataclass(frozen=True)
class SlotInfo:
    id: int
    label: str                      # "车工 · 决赛 · 第1场"
    venue: str
    start: datetime | None
    end: datetime | None
    workstations: int
    seated: int
    judges: frozenset = frozenset()          # user ids
    chiefs: frozenset = frozenset()          # user ids
    people: frozenset = frozenset()          # contestants' ID numbers


@dataclass(frozen=True)
class ScheduleConflict:
    kind: str                                # judge | chief | contestant | seats | venue | no_judges | no_time
    heats: tuple[int, ...]
    who: Hashable | None = None              # the judge, chief or person; the venue
    detail: Mapping = field(default_factory=dict)


def overlaps(a: SlotInfo, b: SlotInfo) -> bool:
    if None in (a.start, a.end, b.start, b.end):
        return False
    return a.start < b.end and b.start < a.end


def _pairs(slots: list[SlotInfo]):
    """Overlapping pairs, by a sweep over start times (no all-pairs loop over a season)."""
    timed = sorted((s for s in slots if s.start and s.end), key=lambda s: s.start)
    active: list[SlotInfo] = []
    for slot in timed:
        active = [a for a in active if a.end > slot.start]
        for other in active:
            yield other, slot
        active.append(slot)


def find_conflicts(slots: Iterable[SlotInfo], venue_capacity: Mapping[str, int] | None = None
                   ) -> list[ScheduleConflict]:
    slots = list(slots)
    out: list[ScheduleConflict] = []
    for s in slots:
        if s.start is None:
            out.append(ScheduleConflict("no_time", (s.id,)))
        if not s.judges:
            out.append(ScheduleConflict("no_judges", (s.id,)))
        if s.seated > s.workstations:
            out.append(ScheduleConflict("seats", (s.id,), None,
                                        {"seated": s.seated, "workstations": s.workstations}))
    for a, b in _pairs(slots):
        ids = (a.id, b.id)
        out += [ScheduleConflict("judge", ids, j) for j in sorted(a.judges & b.judges)]
        if a.venue != b.venue:
            out += [ScheduleConflict("chief", ids, c) for c in sorted(a.chiefs & b.chiefs)]
        out += [ScheduleConflict("contestant", ids, p) for p in sorted(a.people & b.people)]
    out += _venue_conflicts(slots, venue_capacity or {})
    return out


def _venue_conflicts(slots: list[SlotInfo], capacity: Mapping[str, int]) -> list[ScheduleConflict]:
    """At each start of a heat at a venue with a known capacity: the workstations of the
    heats running then, against the capacity (once per group of heats)."""
    out, seen = [], set()
    for venue, cap in capacity.items():
        here = [s for s in slots if s.venue == venue and s.start and s.end]
        for s in here:
            running = tuple(sorted(o.id for o in here if o.start <= s.start < o.end))
            used = sum(o.workstations for o in here if o.id in running)
            if used > cap and running not in seen:
                seen.add(running)
                out.append(ScheduleConflict("venue", running, venue, {"used": used, "capacity": cap}))
    return out
