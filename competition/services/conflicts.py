"""Conflicts of interest (回避): a judge assigned to a heat where a contestant works for the
judge's own employer. The chief judge is told by name before the assignment is saved, and
either changes it or confirms with a reason (audited as heat.assign_conflict)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditLog, Entry, Heat, User
from .errors import Conflict, _


@dataclass(frozen=True)
class EmployerConflict:
    judge_id: int
    judge: str                      # display name
    employer: str
    entries: tuple[tuple[int, str], ...]   # (entry id, "lot 姓名")

    def pairs(self) -> set[tuple[int, int]]:
        return {(self.judge_id, entry_id) for entry_id, _label in self.entries}


class ConflictOfInterest(Conflict):
    """Raised by assign_judges when a judge would mark their own employer's workers and
    no reason was given; ``conflicts`` lists them."""

    def __init__(self, conflicts: list[EmployerConflict]):
        super().__init__(conflict_message(conflicts), "judges")
        self.conflicts = conflicts


def _norm(text: str | None) -> str:
    return (text or "").strip()


def heat_conflicts(heat: Heat, judge_ids) -> list[EmployerConflict]:
    """The judges among ``judge_ids`` whose employer is a contestant's employer in ``heat``."""
    judges = db.session.scalars(select(User).where(User.id.in_(list(judge_ids)))).all() if judge_ids else []
    judges = [j for j in judges if _norm(j.employer)]
    if not judges:
        return []
    entries = db.session.scalars(select(Entry).where(Entry.heat_id == heat.id, Entry.status != "withdrawn")
                                 .options(selectinload(Entry.contestant), selectinload(Entry.team))).all()
    out = []
    for judge in sorted(judges, key=lambda j: j.id):
        hits = tuple((e.id, f"{e.lot_number or ''} {e.display_name}".strip())
                     for e in sorted(entries, key=lambda e: (e.lot_number or "", e.id))
                     if _norm(e.employer) == _norm(judge.employer))
        if hits:
            out.append(EmployerConflict(judge.id, judge.display_name or judge.username,
                                        _norm(judge.employer), hits))
    return out


def conflict_message(conflicts: list[EmployerConflict]) -> str:
    people = "；".join(_("%(judge)s (%(employer)s): %(entries)s", judge=c.judge, employer=c.employer,
                         entries="、".join(label for _id, label in c.entries)) for c in conflicts)
    return _("These judges work for the same employer as contestants of this heat and should stand "
             "aside: %(people)s. Change the assignment, or confirm it with a reason.", people=people)


def confirmed_pairs(heat: Heat) -> set[tuple[int, int]]:
    """(judge, entry) pairs the chief judge already confirmed for this heat."""
    rows = db.session.scalars(select(AuditLog.new).where(AuditLog.heat_id == heat.id,
                                                         AuditLog.action == "heat.assign_conflict"))
    return {(p[0], p[1]) for new in rows for p in (new or {}).get("pairs", [])}


def check_conflicts(heat: Heat, judge_ids, reason: str | None) -> list[EmployerConflict]:
    """The conflicts of the wanted judges that still need a decision; raises
    ConflictOfInterest when there are any and no reason was given."""
    conflicts = heat_conflicts(heat, judge_ids)
    known = confirmed_pairs(heat)
    new = [c for c in conflicts if not c.pairs() <= known]
    if new and len(_norm(reason)) < 4:
        raise ConflictOfInterest(new)
    return new


def audit_new(conflicts: list[EmployerConflict]) -> dict:
    return {"pairs": sorted(p for c in conflicts for p in c.pairs()),
            "judges": [{"judge": c.judge, "employer": c.employer,
                        "entries": [label for _id, label in c.entries]} for c in conflicts]}
