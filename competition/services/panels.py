"""Judging panels from the database: a heat's assignments turned into the one answer of
competition.scoring.panels ("which judges mark this criterion, how many marks are
expected"), the check on the mark write path, and the counts every page and export shows.

Marks count when their author is on the criterion's panel, or is an official (anyone who
is not a judge: the chief judge's corrections and adjustments, the arbitration panel's
re-scores). Marks of a judge no longer on the panel stay in the database and are shown
as not counted; they never reach the engine (services.standings filters them).
"""
from __future__ import annotations

import functools
from collections import defaultdict
from typing import Iterable

from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import Entry, Heat, JudgeAssignment, Mark, Role, User
from ..scoring.panels import (
    BEYOND_PANEL,
    NOT_ON_PANEL,
    HeatPanel,
    Missing,
    entry_missing,
    heat_panel,
    mark_verdicts,
    may_mark,
    tally,
)
from .errors import Conflict, Forbidden, _
from .rules import rule_for

EXPECTING = ("active", "advanced")   # entries that expect marks (not withdrawn, disqualified)

__all__ = ["BEYOND_PANEL", "NOT_ON_PANEL", "HeatPanel", "Missing", "heat_panel_of",
           "stage_panels", "require_may_mark", "require_official_may_add", "officials", "counted_marks",
           "heat_counts", "stage_counts", "expects_marks", "judge_names"]


def expects_marks(entry: Entry) -> bool:
    """An entry owed marks: seated and taking part (not withdrawn or disqualified)."""
    return entry.status in EXPECTING


def _assignments(heat_ids: Iterable[int]) -> dict[int, list[tuple[int, list | None]]]:
    out: dict[int, list] = defaultdict(list)
    ids = list(heat_ids)
    if not ids:
        return out
    rows = db.session.execute(
        select(JudgeAssignment.heat_id, JudgeAssignment.user_id, JudgeAssignment.criteria)
        .where(JudgeAssignment.heat_id.in_(ids)).order_by(JudgeAssignment.id))
    for heat_id, user_id, criteria in rows:
        out[heat_id].append((user_id, criteria))
    return out


def _substitutions(heat_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """heat id -> [(entry id, criterion, judge id, substitute id)] (回避, services.conflicts)."""
    from ..models import PanelSubstitution as S
    out: dict[int, list] = defaultdict(list)
    ids = list(heat_ids)
    if ids:
        for heat_id, *sub in db.session.execute(
                select(S.heat_id, S.entry_id, S.criterion, S.judge_id, S.substitute_id)
                .where(S.heat_id.in_(ids)).order_by(S.id)):
            out[heat_id].append(tuple(sub))
    return out


def heat_panel_of(heat: Heat, rule=None) -> HeatPanel:
    """The heat's panel (judge keys are user ids), from one query of its assignments
    and one of its per-entry substitutions."""
    rule = rule or rule_for(heat.stage.trade)
    return heat_panel(rule, _assignments([heat.id]).get(heat.id, []),
                      _substitutions([heat.id]).get(heat.id, ()))


def stage_panels(rule, heat_ids: Iterable[int]) -> dict[int, HeatPanel]:
    """heat id -> panel for many heats, two queries."""
    ids = list(heat_ids)
    found, subs = _assignments(ids), _substitutions(ids)
    return {h: heat_panel(rule, found.get(h, []), subs.get(h, ())) for h in ids}


def officials(user_ids: Iterable[int]) -> frozenset:
    """Of these users, those who are not judges (their marks always count)."""
    ids = set(user_ids)
    if not ids:
        return frozenset()
    return frozenset(db.session.scalars(select(User.id).where(
        User.id.in_(ids), User.role != Role.JUDGE.value)))


def judge_names(user_ids: Iterable[int]) -> str:
    """The users' names for a message: 裁判1、裁判2."""
    ids = list(user_ids)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    names = [(users[i].display_name or users[i].username) if i in users else str(i)
             for i in ids]
    return _(", ").join(names)


def _holders(entry_id: int, slot, attempt: int) -> list[int]:
    """Who holds a mark for this entry, slot address and attempt, oldest first."""
    return list(db.session.scalars(select(Mark.judge_id).where(
        Mark.entry_id == entry_id, Mark.criterion == slot.address,
        Mark.attempt == attempt).order_by(Mark.id)))


def require_may_mark(rule, heat: Heat, judge: User, entry_id: int, slot, attempt: int,
                     *, panel: HeatPanel | None = None, holders=None) -> None:
    """The mark write path's panel check: Forbidden (field "criterion") if ``judge`` does
    not mark the slot's criterion in this heat, naming who does; Conflict (field
    "criterion") if a one-mark (first-come) criterion was already entered by another
    judge, naming them. A whole sheet passes the heat's ``panel`` (heat_panel_of, read
    once) and ``holders(entry_id, address, attempt)`` (from the marks it read once)."""
    if panel is None:
        panel = heat_panel_of(heat, rule)
    crit = panel.criterion_for(entry_id, slot.criterion)
    others: list[int] = []
    if crit is not None and crit.first_come and not slot.once_per_entry \
            and judge.id in crit.markers:
        others = holders(entry_id, slot.address, attempt) if holders is not None \
            else _holders(entry_id, slot, attempt)
    refusal = may_mark(panel, judge.id, slot.address, others, entry=entry_id)
    if refusal is None:
        return
    name = rule.criterion(slot.criterion).name
    if refusal.reason == "substituted":     # 回避: the chief gave it to another judge
        raise Forbidden(_("You stand aside for this contestant (same employer): %(criterion)s "
                          "is marked by %(judges)s for them.", criterion=name,
                          judges=judge_names(refusal.judges)), "criterion")
    if refusal.reason == "full":
        raise Conflict(_("%(criterion)s takes %(n)d mark(s) and %(judges)s already entered "
                         "it; ask the chief judge if it needs correcting.",
                         criterion=name, n=crit.expected,
                         judges=judge_names(refusal.judges)), "criterion")
    if refusal.judges:
        raise Forbidden(_("%(criterion)s is marked by %(judges)s in this heat, not by you.",
                          criterion=name, judges=judge_names(refusal.judges)), "criterion")
    raise Forbidden(_("Nobody on this heat's panel marks %(criterion)s; ask the chief judge.",
                      criterion=name), "criterion")


def require_official_may_add(rule, heat: Heat, actor: User, judge_id: int, entry_id: int,
                             slot, attempt: int) -> None:
    """The chief judge's (or arbitration's) "add a mark": a NEW mark must stay within the
    panel, as a judge's own would. Credited to a judge of the heat: the judge's own check
    (require_may_mark). The official's own mark: always for what only officials or anyone
    enter (adjustments, violations, declared values, a heat with no panel yet); for a
    one-mark criterion only while nobody has entered it; never as an extra mark of a
    criterion the panel marks (it would be averaged in). Forbidden / Conflict (field
    "criterion") name who marks it or who entered it."""
    if judge_id != actor.id:
        judge = db.session.get(User, judge_id)
        if judge is not None:
            require_may_mark(rule, heat, judge, entry_id, slot, attempt)
        return
    panel = heat_panel_of(heat, rule)
    crit = panel.criterion_for(entry_id, slot.criterion)    # 回避: the entry's own panel
    own = panel.slot(slot.address)
    if crit is None or crit.open or slot.optional or slot.once_per_entry \
            or own is None or not own.expected:
        return
    name = rule.criterion(slot.criterion).name
    if crit.first_come or (not crit.markers):
        holders = [j for j in dict.fromkeys(_holders(entry_id, slot, attempt))]
        if crit.markers and len(holders) >= crit.expected:
            raise Conflict(_("%(criterion)s takes %(n)d mark(s) and %(judges)s already "
                             "entered it: correct that mark instead.", criterion=name,
                             n=crit.expected, judges=judge_names(holders[:crit.expected])),
                           "criterion")
        return
    raise Forbidden(_("%(criterion)s is marked by %(judges)s in this heat: enter the mark "
                      "for one of them (a mark of your own would be one beyond the panel).",
                      criterion=name, judges=judge_names(crit.markers)), "criterion")


def counted_marks(panel: HeatPanel, marks: list[Mark]) -> dict[int, str | None]:
    """mark id -> None (counts) or why not (NOT_ON_PANEL, BEYOND_PANEL), for ORM marks of
    one heat; they are taken oldest first."""
    ordered = sorted(marks, key=lambda m: m.id)
    verdicts = mark_verdicts(panel, [(m.entry_id, m.criterion, m.attempt, m.judge_id)
                                     for m in ordered],
                             officials({m.judge_id for m in ordered}))
    return {m.id: v for m, v in zip(ordered, verdicts)}


def heat_counts(heat: Heat, rule=None) -> dict:
    """The heat's marks against its panel, per entry: {"panel", "entries" (the entries that
    expect marks), "marks" (all of them), "verdicts" (mark id -> None or why not counted),
    "missing" (entry id -> [Missing]), "entered", "expected"}."""
    rule = rule or rule_for(heat.stage.trade)
    panel = heat_panel_of(heat, rule)
    entries = [e for e in heat.entries if expects_marks(e)]
    ids = [e.id for e in entries]
    marks = list(db.session.scalars(select(Mark).where(Mark.entry_id.in_(ids or [0]))
                                    .order_by(Mark.id)))
    verdicts = counted_marks(panel, marks)
    counted: dict[int, list] = defaultdict(list)
    for m in marks:
        if verdicts[m.id] is None:
            counted[m.entry_id].append((m.criterion, m.attempt, m.judge_id))
    missing = {e: entry_missing(panel, counted.get(e, []), e) for e in ids}
    expected = len(ids) * panel.expected_per_entry()
    lacking = sum(m.count for ms in missing.values() for m in ms)
    return {"panel": panel, "entries": entries, "marks": marks, "verdicts": verdicts,
            "missing": missing, "entered": expected - lacking, "expected": expected}


def stage_counts(stage, rule=None) -> tuple[int, int]:
    """(marks entered, marks expected) over the stage's heats, from counts grouped in the
    database (the organiser's live page and the exports; cheap enough for every publish).
    Marks of judges off the panel are not counted; each slot counts at most what it
    expects (see scoring.panels.tally)."""
    rule = rule or rule_for(stage.trade)
    n_entries = dict(db.session.execute(
        select(Entry.heat_id, func.count(Entry.id))
        .where(Entry.stage_id == stage.id, Entry.status.in_(EXPECTING),
               Entry.heat_id.is_not(None)).group_by(Entry.heat_id)).all())
    if not n_entries:
        return 0, 0
    panels = stage_panels(rule, n_entries)
    rows = db.session.execute(
        select(Entry.heat_id, Mark.criterion, Mark.attempt, Mark.judge_id,
               func.count(Mark.id))
        .join(Entry, Entry.id == Mark.entry_id)
        .where(Entry.stage_id == stage.id, Entry.status.in_(EXPECTING),
               Entry.heat_id.is_not(None))
        .group_by(Entry.heat_id, Mark.criterion, Mark.attempt, Mark.judge_id)).all()
    chiefs = officials({r[3] for r in rows})
    grouped: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for heat_id, address, attempt, judge, n in rows:
        panel = panels[heat_id]
        crit = panel.criterion_of(address)
        if crit is None or not (crit.open or judge in crit.markers or judge in chiefs
                                or judge in panel.substitutes(crit.criterion)):
            continue       # (a substitute's marks: counted; the slot's cap keeps them in bounds)
        grouped[heat_id][(address, attempt)] += n
    entered = expected = 0
    for heat_id, n in n_entries.items():
        e, x = tally(panels[heat_id], grouped.get(heat_id, {}), n)
        entered, expected = entered + e, expected + x
    return entered, expected


# --- the standings' filter (hot path: one mark's recompute) ---------------------------------

@functools.cache
def _stage_substitutions():
    """The stage's per-entry substitutes (回避), one prepared statement (hot path)."""
    from ..models import PanelSubstitution as S
    return (select(S.heat_id, S.entry_id, S.criterion, S.judge_id, S.substitute_id)
            .join(Heat, Heat.id == S.heat_id).where(Heat.stage_id == bindparam("stage_id"))
            .order_by(S.id))


def entry_heats(by_key: dict) -> dict:
    """entry key -> heat id (None: not seated) of the entries read (ORM or EntryInfo):
    what StageCheck.expected_marks() takes."""
    return {k: getattr(e, "heat_id", None) for k, e in by_key.items()}


COUNTS, SKIP, FIRST_COME = "counts", "skip", "first_come"
_checks: dict[tuple, "StageCheck"] = {}   # (rule, assignments, officials) -> StageCheck


class StageCheck:
    """Which marks of a stage reach the engine, cheaply: two small queries (the stage's
    assignments and the officials), and a verdict per (heat, address, judge) cached here;
    services.standings keeps each mark row's verdict between computations while the
    ``signature`` (assignments and officials) is unchanged. A heat with no judges assigned
    has no panel: its marks count as they are (imported, or entered before assignment)."""

    def __init__(self, rule, assignments: list[tuple], officials: frozenset,
                 substitutions: tuple = ()):
        # the rule too: a rebound rule (judges = 3 -> 1) changes every verdict
        self.signature = (id(rule), tuple(assignments), officials, substitutions)
        self.officials = officials
        by_heat: dict[int, list] = defaultdict(list)
        for heat_id, user_id, criteria in assignments:
            by_heat[heat_id].append((user_id, criteria))
        subs: dict[int, list] = defaultdict(list)
        for heat_id, *sub in substitutions:
            subs[heat_id].append(tuple(sub))
        self.panels = {h: heat_panel(rule, a, subs.get(h, ())) for h, a in by_heat.items()}
        # (entry, criterion) with a substitution (回避): their verdicts are per entry
        self._per_entry = {(s[0], s[1]) for ss in subs.values() for s in ss}
        self._cache: dict[tuple, tuple] = {}
        # heat id -> {criterion: marks expected} where the panel is short of the rule's
        # judges (two judges on a judges = 3 criterion): the standings' completeness
        self.short = {h: got for h, p in self.panels.items() if (got := p.short_expected())}
        self._subbed = {s[0] for ss in subs.values() for s in ss}

    def expected_marks(self, heats: dict) -> dict | None:
        """entry key -> {criterion: marks expected} (scoring.compute_standings
        ``expected``) for the entries of ``heats`` (entry key -> heat id) whose heat's panel
        is short; None when no heat's is (the rule's counts hold). From the same panels as
        the verdicts, so the same ``signature``."""
        short = self.short
        if not short:
            return None
        out = {}
        for key, heat_id in heats.items():
            got = short.get(heat_id)
            if got is not None:
                if self._subbed and int(key) in self._subbed:    # 回避: the entry's panel
                    got = self.panels[heat_id].short_expected(int(key))
                out[key] = got
        return out

    @classmethod
    def load(cls, rule, stage_id: int) -> "StageCheck":
        rows = db.session.execute(
            select(JudgeAssignment.heat_id, JudgeAssignment.user_id, JudgeAssignment.criteria)
            .join(Heat, Heat.id == JudgeAssignment.heat_id).where(Heat.stage_id == stage_id)
            .order_by(JudgeAssignment.id)).all()
        chiefs = frozenset(db.session.scalars(select(User.id).where(
            User.role != Role.JUDGE.value)))
        assignments = [(h, u, tuple(c) if c else None) for h, u, c in rows]
        subs = tuple(tuple(r) for r in db.session.connection().execute(
            _stage_substitutions(), {"stage_id": stage_id}))
        key = (id(rule), tuple(assignments), chiefs, subs)
        check = _checks.get(key)
        if check is None:       # the same panels as last time: reuse their verdicts
            if len(_checks) > 256:
                _checks.clear()
            check = _checks[key] = cls(rule, assignments, chiefs, subs)
        return check

    def verdict(self, heat_id, address: str, judge, entry=None) -> str:
        """COUNTS, SKIP (not on the criterion's panel) or FIRST_COME (counts if among the
        first expected authors: see first_come()). An official (chief judge, arbitration)
        counts as on every panel, first come like the judges. ``entry``: an entry with a
        substitution (回避) has its own panel for that criterion."""
        if self._per_entry and (entry, address.split("@")[0].split(".")[0]) in self._per_entry:
            panel = self.panels.get(heat_id)
            crit = panel.criterion_of(address, entry) if panel is not None else None
            if crit is None:
                return COUNTS
            slot = panel.slot(address)
            if judge not in crit.markers and judge not in self.officials:
                return SKIP
            return FIRST_COME if crit.first_come and not (slot and slot.shared) else COUNTS
        key = (heat_id, address)
        found = self._cache.get(key)
        if found is None:
            panel = self.panels.get(heat_id)
            crit = panel.criterion_of(address) if panel is not None else None
            slot = panel.slot(address) if panel is not None else None
            found = self._cache[key] = (
                None if crit is None else crit.markers,
                crit is not None and crit.first_come and not (slot and slot.shared))
        markers, first_come = found
        if markers is None:
            return COUNTS
        if judge not in markers and judge not in self.officials:
            return SKIP
        return FIRST_COME if first_come else COUNTS

    def first_come(self, crowded: dict[tuple, list]) -> list:
        """Of first-come marks several judges entered for one slot, grouped as
        {(entry, address, attempt, heat): [(MarkIn, verdict, group, mark id)]}, the ones
        that count: per group the first ``expected`` distinct judges' marks (by mark id)."""
        out = []
        for (_entry, address, _attempt, heat_id), group in crowded.items():
            expected = self.panels[heat_id].criterion_of(address).expected
            got: list = []
            for hit in sorted(group, key=lambda h: h[3]):
                m = hit[0]
                if m.judge in got or len(got) < expected:
                    if m.judge not in got:
                        got.append(m.judge)
                    out.append(m)
        return out
