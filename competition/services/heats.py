"""Heats as judges and chief judges work them: who may judge what, assignments, sign-off.

Every write is one function, one transaction, one AuditLog row, then
standings.trade_changed(). Authorisation is checked here too, not only in the routes:
a judge outside a heat's assignment, or a chief judge of another trade, is refused.

Raises JudgingError (400) and its kinds Forbidden (403), NotFound (404), Conflict (409);
each carries the field at fault (or None) and a message for the user.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import AuditLog, Heat, JudgeAssignment, Role, Trade, User, utcnow
from . import standings
from .errors import Conflict, Forbidden, NotFound, ServiceError, _
from .rules import rule_for

REASON_MIN_LENGTH = 4


# JudgingError is the name the judging code and its routes use for every refusal.
JudgingError = ServiceError


# --- who may do what -------------------------------------------------------------------

def heat_trade(heat: Heat) -> Trade:
    return heat.stage.trade


def get_heat(heat_id: int) -> Heat:
    """The heat; NotFound if there is none."""
    heat = db.session.get(Heat, heat_id)
    if heat is None:
        raise NotFound(_("No such heat."), "heat_id")
    return heat


def assignment_of(user: User, heat: Heat) -> JudgeAssignment | None:
    return db.session.scalar(select(JudgeAssignment).where(
        JudgeAssignment.heat_id == heat.id, JudgeAssignment.user_id == user.id))


def require_assignment(user: User, heat: Heat) -> JudgeAssignment:
    """The judge's assignment to ``heat``; Forbidden if they are not assigned. A judge who
    only marks some entries as a substitute (回避, services.conflicts) gets an assignment
    that is not stored (no criteria of their own: the panel gives them those entries)."""
    assignment = assignment_of(user, heat) if user.has_role(Role.JUDGE) else None
    if assignment is None and user.has_role(Role.JUDGE) and _substitutes_in(user, heat.id):
        return JudgeAssignment(heat_id=heat.id, user_id=user.id, criteria=[])
    if assignment is None:
        raise Forbidden(_("You are not assigned to this heat."), "heat_id")
    return assignment


def _substitutes_in(user: User, heat_id: int) -> bool:
    from ..models import PanelSubstitution
    return db.session.scalar(select(PanelSubstitution.id).where(
        PanelSubstitution.heat_id == heat_id, PanelSubstitution.substitute_id == user.id).limit(1)) is not None


def chief_of(user: User, trade: Trade) -> bool:
    """A chief judge of this trade (a chief judge bound to no trade heads them all)."""
    return user.has_role(Role.CHIEF_JUDGE) and user.trade_id in (None, trade.id)


def may_view(user: User, trade: Trade) -> bool:
    """Progress, discrepancies and the audit log: chief judge, arbitration, organiser."""
    return (chief_of(user, trade) or user.has_role(Role.ORGANISER)
            or (user.has_role(Role.ARBITRATION) and user.trade_id in (None, trade.id)))


def require_view(user: User, trade: Trade) -> None:
    if not may_view(user, trade):
        raise Forbidden(_("You do not have permission to do this."))


def require_chief(user: User, trade: Trade, organiser_too: bool = False) -> None:
    """Forbidden unless ``user`` is this trade's chief judge (or, if allowed, an organiser)."""
    if chief_of(user, trade) or (organiser_too and user.has_role(Role.ORGANISER)):
        return
    raise Forbidden(_("Only the chief judge of this trade may do this."))


def require_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) < REASON_MIN_LENGTH:
        raise JudgingError(_("Please write the reason (at least %(n)d characters).",
                             n=REASON_MIN_LENGTH), "reason")
    return text


def judging_criteria(rule, assignment: JudgeAssignment | None) -> list[str]:
    """Criterion ids a judge marks on the tablet: the assigned ones (all if none named),
    never adjustments (the chief judge enters those, with a reason)."""
    wanted = set(assignment.criteria) if assignment and assignment.criteria else None
    return [c.id for c in rule.criteria
            if c.kind != "adjustment" and (wanted is None or c.id in wanted)]


def names_hidden(rule, criteria: Iterable[str], trade_blind: bool = False) -> bool:
    """Blind: hide names and employers if any criterion the judge marks is judged blind
    (the criterion's own ``blind``, else the trade's: the rule's or the trade record's)."""
    default = bool(rule.trade.blind or trade_blind)
    flags = [c.blind if c.blind is not None else default
             for c in (rule.criterion(cid) for cid in criteria)]
    return any(flags) if flags else default


def audit(actor: User | None, action: str, heat: Heat, *, object_type: str,
          object_id: int | None, old=None, new=None, reason: str | None = None) -> AuditLog:
    """Add (not commit) an audit row for a change in ``heat``."""
    trade = heat_trade(heat)
    row = AuditLog(user_id=actor.id if actor else None, action=action,
                   object_type=object_type, object_id=object_id,
                   competition_id=trade.competition_id, trade_id=trade.id, heat_id=heat.id,
                   old=old, new=new, reason=reason)
    db.session.add(row)
    return row


def _commit_and_publish(trade_id: int) -> None:
    db.session.commit()
    standings.trade_changed(trade_id)


# --- chief judge's actions ---------------------------------------------------------------

def assign_judges(actor: User, heat_id: int, wanted: dict[int, list[str] | None],
                  conflict_reason: str | None = None,
                  substitutes: dict[tuple[int, str], int | None] | None = None,
                  seen: str | None = None) -> Heat:
    """Make ``wanted`` (judge user id -> criterion ids, None for all) the heat's judges.
    A judge who works for a contestant's employer (回避) needs ``conflict_reason``, unless
    every criterion they would mark is given to another judge for those contestants:
    ``substitutes`` {(judge, criterion): substitute judge, or None to take one back}
    (services.conflicts; stored per entry, audited heat.reassign). A confirmation is
    audited (heat.assign_conflict) and not asked again for the same pairs.

    Takes the heat's lock (services.heat_lock): two saves never interleave, and with
    ``seen`` (conflicts.panel_state() of the page the chief judge saw) a save over a state
    another chief changed since is refused, so two chiefs saving at once never both win.

    Raises Forbidden (not the trade's chief judge or an organiser), JudgingError (a user
    who is not a judge, an unknown criterion, a wrong substitute), Conflict (the heat is
    signed off; the judges changed since ``seen``), conflicts.ConflictOfInterest (a
    conflict neither confirmed nor reassigned: it names the people)."""
    from .conflicts import (
        audit_new,
        check_conflicts,
        checked_substitutes,
        heat_conflicts,
        panel_state,
        save_substitutions,
        uncovered,
    )
    from .heat_lock import lock_heat_row
    from .panels import _substitutions
    try:
        heat = lock_heat_row(heat_id)
        trade = heat_trade(heat)
        require_chief(actor, trade, organiser_too=True)
        if heat.locked:
            raise Conflict(_("The heat is signed off; unlock it first."), "heat_id")
        if seen is not None and seen != panel_state(heat.id):
            raise Conflict(_("Someone else changed this heat's judges a moment ago: nothing was saved. "
                             "Look at the assignment again and save once more."), "judges")
        rule = rule_for(trade)
        known = {c.id for c in rule.criteria}
        for user_id, crits in wanted.items():
            user = db.session.get(User, user_id)
            if user is None or not user.has_role(Role.JUDGE):
                raise JudgingError(_("Only judges can be assigned."), "judges")
            unknown = sorted(set(crits or []) - known)
            if unknown:
                raise JudgingError(_("Unknown criterion: %(ids)s", ids=", ".join(unknown)),
                                   "criteria")
        from ..scoring.panels import heat_panel
        panel = heat_panel(rule, sorted(wanted.items()))
        conflicts = heat_conflicts(heat, wanted)
        substitutes = substitutes or {}
        subs = checked_substitutes(conflicts, panel, substitutes)
        removed = {k for k, v in substitutes.items() if v is None}
        kept = [sub for sub in _substitutions([heat.id]).get(heat.id, ()) if (sub[2], sub[1]) not in removed]
        # settled: what the new panel really applies (a stored substitute now on that
        # criterion's panel would leave the judge marking their colleagues again)
        settled = {(e, c, j) for e, c, j, s in [*kept, *subs]
                   if c in panel.criteria and s not in panel.criteria[c].markers}
        covered = {c.judge_id for c in conflicts} - {c.judge_id for c in uncovered(conflicts, panel, settled)}
        confirmed = check_conflicts(heat, [j for j in wanted if j not in covered], conflict_reason)
        _save_assignments(actor, heat, wanted)
        save_substitutions(actor, heat, set(wanted), subs, removed, audit)
        if confirmed:
            audit(actor, "heat.assign_conflict", heat, object_type="heat", object_id=heat.id,
                  new=audit_new(confirmed), reason=conflict_reason.strip())
        _commit_and_publish(trade.id)
    except BaseException:
        db.session.rollback()      # never keep the heat's lock after a refusal
        raise
    return heat


def _save_assignments(actor: User, heat: Heat, wanted: dict[int, list[str] | None]) -> None:
    current = {a.user_id: a for a in heat.assignments}
    old = {str(k): a.criteria for k, a in sorted(current.items())}
    for user_id, assignment in current.items():
        if user_id not in wanted:
            db.session.delete(assignment)
    for user_id, crits in wanted.items():
        crits = sorted(set(crits)) if crits else None
        if user_id in current:
            current[user_id].criteria = crits
        else:
            db.session.add(JudgeAssignment(heat_id=heat.id, user_id=user_id, criteria=crits))
    new = {str(k): (sorted(set(v)) if v else None) for k, v in sorted(wanted.items())}
    if old != new:
        audit(actor, "heat.assign", heat, object_type="heat", object_id=heat.id,
              old={"judges": old}, new={"judges": new})


def lock_heat(actor: User, heat_id: int) -> Heat:
    """Sign off a heat: no mark changes afterwards except recorded corrections.

    Takes the heat's row lock first (services.heat_lock): a mark in flight either commits
    before and is in the sign-off's snapshot (the audit row's "marks" and "digest"), or
    waits and is refused. Raises Forbidden (not the chief judge), Conflict (already
    signed off), NotFound."""
    from .heat_lock import lock_heat_row, marks_snapshot
    try:
        heat = lock_heat_row(heat_id)
        require_chief(actor, heat_trade(heat))
        if heat.locked:
            raise Conflict(_("The heat is already signed off."), "heat_id")
        _refuse_marks_too_far_apart(heat)
        heat.locked_at = utcnow()
        heat.locked_by_id = actor.id
        audit(actor, "heat.lock", heat, object_type="heat", object_id=heat.id,
              old={"locked": False}, new={"locked": True,
                                          "locked_at": heat.locked_at.isoformat(),
                                          **marks_snapshot(heat.id)})
        _commit_and_publish(heat_trade(heat).id)
    except BaseException:
        db.session.rollback()      # never keep the heat's lock after a refusal
        raise
    return heat


def _refuse_marks_too_far_apart(heat: Heat) -> None:
    """The rule's spread limit (a judged criterion's ``max_spread``, WorldSkills'
    judgement marks within one point) is a rule of marking, not a warning: a heat whose
    marks still lie too far apart is not signed off until the judges named re-mark (or
    the chief corrects a mark). Raises Conflict naming lot, criterion, marks and judges."""
    from .scoresheets import _user_names, spread_checks
    rule = rule_for(heat_trade(heat))
    if not any(getattr(c, "max_spread", None) is not None for c in rule.criteria):
        return
    from .panels import heat_counts
    found = spread_checks(rule, heat_counts(heat, rule))
    if not found:
        return
    lots = {e.id: e.lot_number or str(e.id) for e in heat.entries}
    names = {c.id: c.name for c in rule.criteria}
    who = _user_names({j for items in found.values() for i in items for j in i["outside"]})
    parts = []
    for entry_id, items in sorted(found.items(), key=lambda kv: lots.get(kv[0], "")):
        for i in items:
            parts.append(_("lot %(lot)s, %(criterion)s: marks %(marks)s lie %(spread)s apart "
                           "(at most %(limit)s); to re-mark: %(judges)s",
                           lot=lots.get(entry_id, entry_id),
                           criterion=names.get(i["address"], i["address"]),
                           marks=", ".join(str(v) for v in i["marks"].values()),
                           spread=i["spread"], limit=i["limit"],
                           judges=", ".join(who.get(j, str(j)) for j in i["outside"])))
    raise Conflict(_("The heat cannot be signed off while marks lie further apart than "
                     "the rule allows: %(list)s.", list="; ".join(parts)), "heat_id")


def unlock_heat(actor: User, heat_id: int, reason: str | None) -> Heat:
    """Reopen a signed-off heat; needs a written reason.

    Raises Forbidden (not the chief judge), JudgingError (no reason, field "reason"),
    Conflict (not signed off), NotFound."""
    from .heat_lock import lock_heat_row
    try:
        heat = lock_heat_row(heat_id)
        require_chief(actor, heat_trade(heat))
        text = require_reason(reason)
        if not heat.locked:
            raise Conflict(_("The heat is not signed off."), "heat_id")
        old = {"locked": True, "locked_at": heat.locked_at.isoformat(),
               "locked_by": heat.locked_by_id}
        heat.locked_at = None
        heat.locked_by_id = None
        audit(actor, "heat.unlock", heat, object_type="heat", object_id=heat.id,
              old=old, new={"locked": False}, reason=text)
        _commit_and_publish(heat_trade(heat).id)
    except BaseException:
        db.session.rollback()      # never keep the heat's lock after a refusal
        raise
    return heat


# --- read side ---------------------------------------------------------------------------

def judge_heats(user: User) -> list[tuple[Heat, JudgeAssignment]]:
    """The heats assigned to a judge, oldest stage and heat first; with the heats where they
    mark some entries as a substitute (回避; an assignment not stored, as require_assignment)."""
    from ..models import PanelSubstitution
    rows = [(h, a) for h, a in db.session.execute(
        select(Heat, JudgeAssignment).join(JudgeAssignment, JudgeAssignment.heat_id == Heat.id)
        .where(JudgeAssignment.user_id == user.id))]
    have = {h.id for h, _a in rows}
    for heat in db.session.scalars(select(Heat).join(PanelSubstitution, PanelSubstitution.heat_id == Heat.id)
                                   .where(PanelSubstitution.substitute_id == user.id).distinct()):
        if heat.id not in have:
            rows.append((heat, JudgeAssignment(heat_id=heat.id, user_id=user.id, criteria=[])))
    return sorted(rows, key=lambda r: (r[0].stage_id, r[0].seq, r[0].id))


def heats_for_chief(user: User) -> list[Heat]:
    """Heats of the trades this user may watch (chief judge, arbitration, organiser)."""
    from ..models import Stage
    heats = db.session.scalars(select(Heat).join(Stage, Stage.id == Heat.stage_id)
                               .order_by(Stage.trade_id, Stage.seq, Heat.seq)).all()
    return [h for h in heats if may_view(user, heat_trade(h))]


def heat_audit(heat: Heat) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.heat_id == heat.id)
                                   .order_by(AuditLog.at, AuditLog.id)))
