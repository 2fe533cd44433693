"""Conflicts of interest (回避): a judge assigned to a heat where a contestant works for the
judge's own employer. The chief judge is told by name before the assignment is saved, and
either changes it, confirms with a reason (audited as heat.assign_conflict), or gives the
criteria that judge would mark to another judge for those entries only: per-entry
substitutes of the panel (PanelSubstitution, audited as heat.reassign; scoring.panels
applies them: the judge neither sees nor marks those entries' criterion, the substitute
does)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditLog, Entry, Heat, JudgeAssignment, PanelSubstitution, Role, User
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
             "aside: %(people)s. Change the assignment, give their criteria for these contestants to "
             "another judge, or confirm it with a reason.", people=people)


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


# --- reassigning the criterion for the conflicting entries (per-entry substitutes) --------

def panel_state(heat_id: int) -> str:
    """A digest of the heat's judges and substitutes: the assignment form carries the one
    it was drawn with, and a save over a state another chief judge changed since is
    refused (two chiefs saving at once: one wins, the other is told)."""
    import hashlib
    rows = db.session.execute(select(JudgeAssignment.user_id, JudgeAssignment.criteria)
                              .where(JudgeAssignment.heat_id == heat_id)
                              .order_by(JudgeAssignment.user_id)).all()
    subs = db.session.execute(select(PanelSubstitution.entry_id, PanelSubstitution.criterion,
                                     PanelSubstitution.judge_id, PanelSubstitution.substitute_id)
                              .where(PanelSubstitution.heat_id == heat_id)
                              .order_by(PanelSubstitution.entry_id, PanelSubstitution.criterion,
                                        PanelSubstitution.judge_id)).all()
    text = repr([(u, sorted(c) if c else None) for u, c in rows]) + repr([tuple(s) for s in subs])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def heat_substitutions(heat_id: int) -> dict[tuple[int, str], int]:
    """(judge, criterion) -> substitute of the heat's stored substitutions."""
    return {(j, c): s for j, c, s in db.session.execute(
        select(PanelSubstitution.judge_id, PanelSubstitution.criterion, PanelSubstitution.substitute_id)
        .where(PanelSubstitution.heat_id == heat_id))}


def substitution_choices(conflicts: list[EmployerConflict], panel, rule) -> list[dict]:
    """For the assignment page: per conflicting judge, the criteria they would mark with the
    judges who could mark them instead for those entries (active judges not on that
    criterion's panel and not of the same employer)."""
    if not conflicts:
        return []
    judges = db.session.scalars(select(User).where(User.role == Role.JUDGE.value, User.active.is_(True))
                                .order_by(User.username)).all()
    out = []
    for c in conflicts:
        crits = []
        for cid in panel.criteria_of(c.judge_id):
            markers = panel.criteria[cid].markers
            options = [(u.id, u.display_name or u.username) for u in judges
                       if u.id not in markers and _norm(u.employer) != c.employer]
            crits.append({"id": cid, "name": rule.criterion(cid).name, "options": options})
        out.append({"conflict": c, "criteria": crits})
    return out


def checked_substitutes(conflicts: list[EmployerConflict], panel, substitutes: dict) -> list[tuple]:
    """The wanted substitutes [(entry, criterion, judge, substitute)] for ``substitutes``
    {(judge, criterion): substitute id or None}; JudgingError (field "substitute") naming
    what is wrong: no conflict for that judge, a criterion the judge does not mark, a
    substitute who is not an active judge, already marks it, or works for the same employer."""
    from .errors import ServiceError
    by_judge = {c.judge_id: c for c in conflicts}
    out = []
    for (judge_id, cid), sub_id in sorted(substitutes.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if sub_id is None:
            continue
        conflict = by_judge.get(judge_id)
        crit = panel.criteria.get(cid)
        if conflict is None or crit is None or judge_id not in crit.markers:
            raise ServiceError(_("Only a criterion a judge marks for contestants of their own employer "
                                 "can be given to another judge."), "substitute")
        sub = db.session.get(User, sub_id)
        if sub is None or not sub.active or not sub.has_role(Role.JUDGE) or sub_id == judge_id:
            raise ServiceError(_("The substitute must be another active judge."), "substitute")
        if sub_id in crit.markers:
            raise ServiceError(_("%(judge)s already marks this criterion in this heat; choose a judge "
                                 "who does not.", judge=sub.display_name or sub.username), "substitute")
        if _norm(sub.employer) == conflict.employer:
            raise ServiceError(_("%(judge)s works for the same employer (%(employer)s) and must stand "
                                 "aside too.", judge=sub.display_name or sub.username,
                                 employer=conflict.employer), "substitute")
        out += [(entry_id, cid, judge_id, sub_id) for entry_id, _label in conflict.entries]
    return out


def uncovered(conflicts: list[EmployerConflict], panel, subs: set[tuple]) -> list[EmployerConflict]:
    """The conflicts not settled by substitutes: a judge who still marks some criterion of
    one of those entries. ``subs``: {(entry, criterion, judge)} stored or wanted."""
    return [c for c in conflicts
            if any((entry_id, cid, c.judge_id) not in subs
                   for entry_id, _label in c.entries for cid in panel.criteria_of(c.judge_id))]


def save_substitutions(actor: User, heat: Heat, wanted_judges, subs: list[tuple],
                       removed: set[tuple], audit) -> None:
    """Store the wanted substitutes (replacing any for the same entry, criterion and judge),
    drop those of judges no longer on the heat and those ``removed`` {(judge, criterion)};
    one audit row heat.reassign for what changed. The caller holds the heat's lock."""
    current = {(s.entry_id, s.criterion, s.judge_id): s for s in db.session.scalars(
        select(PanelSubstitution).where(PanelSubstitution.heat_id == heat.id))}
    old = {k: s.substitute_id for k, s in current.items()}
    wanted = {(e, c, j): s for e, c, j, s in subs}
    for key, row in current.items():
        if key[2] not in wanted_judges or (key[2], key[1]) in removed:
            db.session.delete(row)
    for key, sub_id in wanted.items():
        row = current.get(key)
        if row is None:
            db.session.add(PanelSubstitution(heat_id=heat.id, entry_id=key[0], criterion=key[1], judge_id=key[2],
                                             substitute_id=sub_id, created_by_id=actor.id))
        else:
            row.substitute_id, row.created_by_id = sub_id, actor.id
    new = {k: v for k, v in old.items() if k[2] in wanted_judges and (k[2], k[1]) not in removed}
    new.update(wanted)
    if new != old:
        from .rules import rule_for
        names = _names({*(k[2] for k in new), *new.values(), *(k[2] for k in old), *old.values()})
        where = {"lots": {e.id: e.lot_number or "" for e in heat.entries},
                 "criteria": {c.id: c.name for c in rule_for(heat.stage.trade).criteria}}
        audit(actor, "heat.reassign", heat, object_type="heat", object_id=heat.id,
              old={"substitutions": _listed(old, names, where)},
              new={"substitutions": _listed(new, names, where)})


def _names(ids) -> dict[int, str]:
    ids = set(ids)
    return {u.id: u.display_name or u.username
            for u in db.session.scalars(select(User).where(User.id.in_(ids or [0])))}


def _listed(subs: dict, names: dict, where: dict) -> list[dict]:
    return [{"entry": e, "lot": where["lots"].get(e, ""), "criterion": c,
             "criterion_name": where["criteria"].get(c, c), "judge": names.get(j, j), "judge_id": j,
             "substitute": names.get(s, s), "substitute_id": s}
            for (e, c, j), s in sorted(subs.items())]


def audit_words(value: dict) -> str | None:
    """A 回避 audit row's old/new in words (the chief's audit trail), None for other rows:
    heat.assign_conflict lists who stood where and for whom; heat.reassign each lot's
    criterion with its substitute."""
    if "pairs" in value:
        return "; ".join(f"{j['judge']} ({j['employer']}): {'、'.join(j['entries'])}"
                         for j in value.get("judges") or [])
    if "substitutions" in value:
        return "; ".join(_("%(lot)s %(criterion)s: %(substitute)s (%(judge)s stands aside)",
                           lot=s.get("lot", ""), criterion=s.get("criterion_name", s["criterion"]),
                           substitute=s["substitute"], judge=s["judge"])
                         for s in value["substitutions"]) or _("nobody")
    return None


def substitution_groups(heat: Heat) -> list[dict]:
    """The heat's stored substitutes grouped by criterion, judge and substitute:
    [{"criterion", "lots" (001、004), "judge", "substitute", "substitute_id"}] in lot order
    (the chief's page and the paper score sheets)."""
    rows = db.session.execute(
        select(PanelSubstitution.criterion, PanelSubstitution.judge_id, PanelSubstitution.substitute_id,
               Entry.lot_number).join(Entry, Entry.id == PanelSubstitution.entry_id)
        .where(PanelSubstitution.heat_id == heat.id).order_by(Entry.lot_number, PanelSubstitution.id)).all()
    if not rows:
        return []
    names = _names({r[1] for r in rows} | {r[2] for r in rows})
    groups: dict[tuple, list] = {}
    for crit, judge, sub, lot in rows:
        groups.setdefault((crit, judge, sub), []).append(lot or "")
    return [{"criterion": crit, "lots": "、".join(lots), "judge": names.get(judge, judge),
             "substitute": names.get(sub, sub), "substitute_id": sub}
            for (crit, judge, sub), lots in groups.items()]
