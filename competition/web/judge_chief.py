"""The chief judge's pages (and the arbitration panel's): progress, discrepancies,
assignments, sign-off, corrections, appeals, the audit log and the sign-in QR codes.
Routes live on the judge blueprint under /judge/chief; each calls one service function."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Entry, Mark, Role, Trade, User
from ..services import heats as heat_service
from ..services import marks as mark_service
from ..services.conflicts import ConflictOfInterest
from ..services.errors import Conflict, Forbidden
from ..services.login_tokens import TOKEN_HOURS, issue_tokens, trade_judges
from ..services.rules import rule_for
from ..services.scoresheets import (
    entry_mark_verdicts,
    heat_discrepancies,
    heat_entries,
    heat_result_flags,
    heat_summary,
)
from ..timefmt import local_now
from .auth import roles_required
from .conflicts_view import conflict_context, remember_refused, substitutes_from
from .judge import bp
from .judge_qr import qr_svg

WATCHERS = (Role.CHIEF_JUDGE, Role.ARBITRATION, Role.ORGANISER)


def _heat_for_viewer(heat_id: int):
    heat = heat_service.get_heat(heat_id)
    heat_service.require_view(current_user, heat.stage.trade)
    return heat


def _back(heat_id: int, entry_id: int | None = None):
    if entry_id:
        return redirect(url_for(".chief_entry", heat_id=heat_id, entry_id=entry_id), code=303)
    return redirect(url_for(".chief_heat", heat_id=heat_id), code=303)


@bp.get("/chief")
@roles_required(*WATCHERS)
def chief_home():
    """Every heat the user may watch, with progress, discrepancies and sign-off state."""
    rows = []
    for heat in heat_service.heats_for_chief(current_user):
        summary = heat_summary(heat)
        rows.append({"heat": heat, "trade": heat.stage.trade, "expected": summary["expected"],
                     "entered": summary["entered"], "judges": len(summary["judges"]),
                     "discrepancies": len(heat_discrepancies(heat))})
    heading = (_("Arbitration panel") if current_user.has_role(Role.ARBITRATION)
               else _("Chief judge"))
    return render_template("judge/chief_home.html", rows=rows, heading=heading)


@bp.get("/chief/heat/<int:heat_id>")
@roles_required(*WATCHERS)
def chief_heat(heat_id: int):
    """One heat: progress by judge, discrepancies, assignments, sign-off."""
    heat = _heat_for_viewer(heat_id)
    trade = heat.stage.trade
    judges = db.session.scalars(select(User).where(User.role == Role.JUDGE.value,
                                                   User.active.is_(True))
                                .order_by(User.username)).all()
    assigned = {a.user_id: a for a in heat.assignments}
    # The trade's own judges (bound to the trade, or judging any of its heats) come first
    # with their criteria; every other judge of the event only by name, folded away: a
    # county event has 150+ judges and the chief judge picks from a handful.
    own = {j.id for j in trade_judges(trade)} | set(assigned)
    own_judges = [j for j in judges if j.id in own or j.trade_id == trade.id]
    other_judges = [j for j in judges if j not in own_judges]
    locked_by = db.session.get(User, heat.locked_by_id) if heat.locked_by_id else None
    summary = heat_summary(heat)
    return render_template(
        "judge/chief_heat.html", heat=heat, trade=trade, progress=summary["judges"],
        summary=summary, user_names=_names(summary["panel"].judges),
        discrepancies=heat_discrepancies(heat), entries=heat_entries(heat),
        flags=heat_result_flags(heat),      # capped parts, ranks drawn by lot (issue 16)
        judges=own_judges, other_judges=other_judges,
        assigned=assigned, criteria=rule_for(trade).criteria, locked_by=locked_by,
        **conflict_context(heat),        # 回避: conflicts, substitutes, the form's state
        is_chief=heat_service.chief_of(current_user, trade),
        may_assign=heat_service.chief_of(current_user, trade)
        or current_user.has_role(Role.ORGANISER))


def _names(user_ids) -> dict[int, str]:
    ids = list(user_ids)
    return {u.id: u.display_name or u.username
            for u in db.session.scalars(select(User).where(User.id.in_(ids or [0])))}


@bp.get("/chief/heat/<int:heat_id>/entry/<int:entry_id>")
@roles_required(*WATCHERS)
def chief_entry(heat_id: int, entry_id: int):
    """All marks of one entry, with corrections and appeal decisions."""
    heat = _heat_for_viewer(heat_id)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.heat_id != heat.id:
        abort(404)
    rule = rule_for(heat.stage.trade)
    labels = {s.address: s.label for s in rule.slots()}
    marks = db.session.scalars(select(Mark).where(Mark.entry_id == entry.id)
                               .order_by(Mark.criterion, Mark.attempt, Mark.judge_id)).all()
    return render_template("judge/chief_entry.html", heat=heat, entry=entry, marks=marks,
                           labels=labels, slots=rule.slots(),
                           verdicts=entry_mark_verdicts(heat, marks),
                           judges=[a.user for a in heat.assignments] + _substitutes_of(heat),
                           is_chief=heat_service.chief_of(current_user, heat.stage.trade),
                           is_arbitration=current_user.has_role(Role.ARBITRATION))


def _substitutes_of(heat) -> list:
    """Judges who mark some entries of the heat only as substitutes (回避)."""
    from ..models import PanelSubstitution
    assigned = {a.user_id for a in heat.assignments}
    ids = set(db.session.scalars(select(PanelSubstitution.substitute_id)
                                 .where(PanelSubstitution.heat_id == heat.id))) - assigned
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username))) if ids else []


@bp.post("/chief/heat/<int:heat_id>/assign")
@roles_required(Role.CHIEF_JUDGE, Role.ORGANISER)
def chief_assign(heat_id: int):
    wanted = {}
    for raw in request.form.getlist("judge"):
        if raw.isdecimal():    # not isdigit(): "²" is a digit that int() refuses
            crits = [c for c in request.form.getlist(f"criteria_{raw}") if c]
            wanted[int(raw)] = crits or None
    substitutes = substitutes_from(request.form)
    try:
        heat_service.assign_judges(current_user, heat_id, wanted,
                                   conflict_reason=request.form.get("conflict_reason"),
                                   substitutes=substitutes, seen=request.form.get("seen"))
    except ConflictOfInterest as err:   # 回避: named, nothing saved; reassign or give a reason
        flash(err.message, "error")
        remember_refused(heat_id, wanted, substitutes)
        return redirect(url_for(".chief_heat", heat_id=heat_id, _anchor="conflicts"), code=303)
    flash(_("Judges assigned."))
    return _back(heat_id)


@bp.post("/chief/heat/<int:heat_id>/lock")
@roles_required(Role.CHIEF_JUDGE)
def chief_lock(heat_id: int):
    heat_service.lock_heat(current_user, heat_id)
    flash(_("The heat is signed off."))
    return _back(heat_id)


@bp.post("/chief/heat/<int:heat_id>/unlock")
@roles_required(Role.CHIEF_JUDGE)
def chief_unlock(heat_id: int):
    heat_service.unlock_heat(current_user, heat_id, request.form.get("reason"))
    flash(_("The heat is open again."))
    return _back(heat_id)


@bp.post("/chief/heat/<int:heat_id>/correct")
@roles_required(Role.CHIEF_JUDGE, Role.ARBITRATION)
def chief_correct(heat_id: int):
    """A correction (chief judge), with a reason. An appeal re-scoring is made on the
    appeal's own page (web/appeals.py: a case, under review), never here."""
    form = request.form
    entry_id = _int(form.get("entry_id"))
    if form.get("kind") == "appeal":
        return _to_appeals(entry_id)
    try:
        mark_service.correct_mark(
            current_user, heat_id=heat_id, reason=form.get("reason"),
            value=form.get("value"), kind=form.get("kind", "correction"),
            mark_id=_int(form.get("mark_id")), entry_id=entry_id,
            address=form.get("criterion"), attempt=_int(form.get("attempt")) or 1,
            judge_id=_int(form.get("judge_id")),
            # the value the page showed ("" = no mark yet); a form without it is not checked
            expected=(form.get("expected") or None) if "expected" in form
            else mark_service.UNSET)
    except (Forbidden, Conflict) as err:
        if err.field != "criterion" or not entry_id:
            raise
        flash(err.message, "error")      # beyond the panel: who marks it, back to the form
        return _back(heat_id, entry_id)
    flash(_("The appeal re-score is recorded.") if form.get("kind") == "appeal"
          else _("The correction is recorded."))
    return _back(heat_id, entry_id)


@bp.post("/chief/heat/<int:heat_id>/appeal")
@roles_required(Role.ARBITRATION)
def chief_appeal(heat_id: int):
    """The old appeal decision without a case: nothing is recorded here any more; appeals
    are filed, reviewed and decided as cases (services.appeals)."""
    return _to_appeals(_int(request.form.get("entry_id")))


def _to_appeals(entry_id):
    """Refuse an appeal action without a case: to the entry's appeal under review, else
    to the appeals page, saying so."""
    from ..models import Appeal
    flash(_("Appeals are decided as cases: file the appeal, review it and re-score or decide "
            "on the appeal's page. Nothing was recorded here."), "error")
    appeal = db.session.scalar(select(Appeal).where(Appeal.entry_id == entry_id,
                                                    Appeal.status == "under_review")) if entry_id else None
    target = (url_for("appeals.page", appeal_id=appeal.id) if appeal is not None
              else url_for("appeals.index"))
    return redirect(target, code=303)


AUDIT_COLUMNS = ("at", "user", "action", "lot", "criterion", "attempt", "judge", "old",
                 "new", "reason")


def _audit_headers() -> list[str]:
    return [_("When"), _("Who"), _("Action"), _("Lot"), _("Criterion"), _("Attempt"),
            _("Judge"), _("Old"), _("New"), _("Reason")]


def _action_labels() -> dict[str, str]:
    return {"mark.create": _("Mark entered"), "mark.update": _("Mark changed by its judge"),
            "mark.correct": _("Correction"), "mark.appeal": _("Appeal re-score"),
            "appeal.decision": _("Appeal decision"), "heat.assign": _("Judges assigned"),
            "heat.lock": _("Signed off"), "heat.unlock": _("Unlocked"),
            "entry.seat": _("Contestant seated by the organiser"),
            "entry.check_in": _("Contestant checked in (检录)"), "entry.absent": _("Marked absent (缺考)"),
            "entry.absent_undo": _("No-show undone: let in late"),
            "entry.move": _("Contestant moved by the organiser"),
            "heat.workstations": _("Number of workstations changed"),
            "heat.assign_conflict": _("Conflict of interest confirmed with a reason (回避)"),
            "heat.reassign": _("Criteria given to another judge for some contestants (回避)")}


def _audit_rows(heat) -> list[dict]:
    """The heat's audit trail in the chief judge's words: actions, criteria and judges by
    name (the codes stay in the database)."""
    users = {u.id: u.display_name or u.username for u in db.session.scalars(select(User))}
    labels = {s.address: s.label for s in rule_for(heat.stage.trade).slots()}
    actions = _action_labels()
    out = []
    for row in heat_service.heat_audit(heat):
        ref = row.new or row.old or {}
        criterion = ref.get("criterion") or ""
        out.append({
            "at": format_datetime(row.at, "yyyy-MM-dd HH:mm:ss") if row.at else "",
            "user": users.get(row.user_id, ""), "action": actions.get(row.action, row.action),
            "lot": ref.get("lot") or "", "criterion": labels.get(criterion, criterion),
            "attempt": ref.get("attempt") or "",
            "judge": users.get(ref.get("judge"), "") if ref.get("judge") else "",
            "old": _brief(row.old, users), "new": _brief(row.new, users),
            "reason": row.reason or ""})
    return out


def _brief(value, users: dict | None = None) -> str:
    if not value:
        return ""
    from ..services.conflicts import audit_words
    words = audit_words(value)      # 回避: a confirmation, or substitutes per lot
    if words is not None:
        return words
    if "value" in value:
        return "" if value["value"] is None else str(value["value"])
    if "judges" in value:   # heat.assign: {user id: criteria or None (all)}
        users = users or {}
        return "; ".join(
            f"{users.get(int(k), k)}: {', '.join(v) if v else _('all criteria')}"
            for k, v in (value["judges"] or {}).items()) or _("nobody")
    if "decision" in value:
        return {"upheld": _("Upheld"), "rejected": _("Rejected")}.get(value["decision"],
                                                                     value["decision"])
    if "locked" in value:
        return _("Signed off") if value["locked"] else _("Not signed off")
    if "workstation" in value:   # entry.seat / entry.move: where the contestant sits
        if value.get("heat") is None:
            return _("not seated")
        return _("%(heat)s, workstation %(w)s, lot %(lot)s", heat=value.get("heat_name") or "",
                 w=value.get("workstation") or "-", lot=value.get("lot") or "-")
    if "workstations" in value:
        return _("%(n)s workstations", n=value["workstations"])
    return ", ".join(f"{k}={v}" for k, v in value.items())


@bp.get("/chief/heat/<int:heat_id>/audit")
@roles_required(*WATCHERS)
def chief_audit(heat_id: int):
    heat = _heat_for_viewer(heat_id)
    return render_template("judge/audit.html", heat=heat, rows=_audit_rows(heat),
                           columns=AUDIT_COLUMNS)


@bp.get("/chief/heat/<int:heat_id>/audit.<fmt>")
@roles_required(*WATCHERS)
def chief_audit_export(heat_id: int, fmt: str):
    """The heat's audit log as CSV (UTF-8 with BOM, opens in Excel) or xlsx."""
    heat = _heat_for_viewer(heat_id)
    rows = _audit_rows(heat)
    stamp = local_now().strftime("%Y%m%d-%H%M")
    name = f"audit-heat{heat.id}-{stamp}.{fmt}"
    from ..formatting.cells import csv_safe, safe_row
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(_audit_headers())
        writer.writerows([[csv_safe(r[c]) for c in AUDIT_COLUMNS] for r in rows])
        return Response("\ufeff" + buf.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})
    if fmt == "xlsx":
        from openpyxl import Workbook
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Audit log"))
        sheet.append(_audit_headers())
        for r in rows:   # reasons and values stay text, never formulas
            sheet.append(safe_row(sheet, [r[c] for c in AUDIT_COLUMNS]))
        out = io.BytesIO()
        book.save(out)
        return Response(out.getvalue(), headers={"Content-Disposition":
                                                 f"attachment; filename={name}"},
                        mimetype="application/vnd.openxmlformats-officedocument"
                                 ".spreadsheetml.sheet")
    abort(404)


@bp.post("/chief/trade/<int:trade_id>/signin-codes")
@roles_required(Role.CHIEF_JUDGE, Role.ORGANISER)
def chief_signin_codes(trade_id: int):
    """A printable page of one-time QR sign-in codes for the trade's judges."""
    trade = db.session.get(Trade, trade_id)
    if trade is None:
        abort(404)
    # never the server PC's own 127.0.0.1: a tablet cannot open it (same rule as the
    # certificates' QR codes: PUBLIC_BASE_URL, else the LAN address, same port)
    from ..services.certificates import base_url
    base = base_url()
    cards = [{"judge": judge, "url": f"{base}{url_for('judge_token.token_login', token=token)}"}
             for judge, token in issue_tokens(current_user, trade_id)]
    for card in cards:
        card["svg"] = qr_svg(card["url"])
    from datetime import timedelta

    from ..models import utcnow
    # printed on every card: the header with the hours is not printed
    valid_until = format_datetime(utcnow() + timedelta(hours=TOKEN_HOURS), "MM-dd HH:mm")
    return render_template("judge/signin_codes.html", trade=trade, cards=cards,
                           hours=TOKEN_HOURS, valid_until=valid_until)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
