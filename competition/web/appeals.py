"""Appeals (申诉) as cases: the list per competition (organiser, arbitration; a trade's chief
judge reads his trade's), filing (organiser, arbitration), an appeal's page with review,
re-scoring and decision (arbitration)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Mark, Role, Trade
from ..services import appeals as svc
from ..services.errors import ServiceError
from ..services.rules import rule_for
from .auth import roles_required
from .flashing import flash_refusal
from .lookup import competition_or_404

bp = Blueprint("appeals", __name__, url_prefix="/admin/appeals")
READERS = (Role.ORGANISER, Role.ARBITRATION, Role.CHIEF_JUDGE)
FILERS = (Role.ORGANISER, Role.ARBITRATION)


def _readable_trades(comp) -> list[Trade]:
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    return [t for t in in_order(comp.trades, comp) if svc.may_read(current_user, t)]


@bp.get("/")
@roles_required(*READERS)
def index():
    """Every appeal of the competition (a chief judge: his trade's), newest first."""
    comp = competition_or_404()
    trades = _readable_trades(comp)
    ids = {t.id for t in trades}
    appeals = [a for a in svc.appeals_of(comp.id) if a.trade_id in ids]
    return render_template("appeals/index.html", comp=comp, appeals=appeals,
                           file_trades=[t for t in trades if svc.may_file(current_user, t)],
                           status_label=svc.status_label, deadline=svc.appeal_deadline,
                           hours=svc.appeal_hours, form=request.args)


@bp.post("/file")
@roles_required(*FILERS)
def file():
    comp = competition_or_404()
    form = request.form
    trade = next((t for t in comp.trades if t.code == form.get("trade")), None)
    try:
        if trade is None:
            raise ServiceError(_("Choose the trade."), "trade")
        entry = svc.find_entry(trade, form.get("entry", ""))
        appeal = svc.file_appeal(current_user, entry_id=entry.id, grounds=form.get("grounds", ""),
                                 appellant=form.get("appellant", ""), late_reason=form.get("late_reason"))
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        kept = {k: form.get(k, "") for k in ("trade", "entry", "appellant", "grounds", "late_reason")}
        return redirect(url_for("appeals.index", competition=request.args.get("competition"), **kept) + "#file")
    flash(_("Appeal #%(id)d is filed.", id=appeal.id))
    return redirect(url_for("appeals.page", appeal_id=appeal.id))


def _appeal_for(user, appeal_id: int):
    try:
        appeal = svc.get_appeal(appeal_id)
    except ServiceError:
        abort(404)
    if not svc.may_read(user, appeal.trade):
        abort(403)
    return appeal


@bp.get("/<int:appeal_id>")
@roles_required(*READERS)
def page(appeal_id: int):
    appeal = _appeal_for(current_user, appeal_id)
    marks = db.session.scalars(select(Mark).where(Mark.entry_id == appeal.entry_id)
                               .order_by(Mark.criterion, Mark.attempt, Mark.judge_id)).all()
    try:
        labels = {s.address: s.label for s in rule_for(appeal.trade).slots()}
    except Exception:  # noqa: BLE001 - a rule that no longer loads: show the addresses
        labels = {}
    return render_template("appeals/page.html", a=appeal, marks=marks, labels=labels,
                           rescorings=svc.rescorings(appeal), history=svc.history(appeal),
                           status_label=svc.status_label, may_decide=svc.may_decide(current_user, appeal.trade))


@bp.post("/<int:appeal_id>/review")
@roles_required(Role.ARBITRATION)
def review(appeal_id: int):
    return _act(appeal_id, lambda: svc.start_review(current_user, appeal_id),
                _("The appeal is under review."))


@bp.post("/<int:appeal_id>/decide")
@roles_required(Role.ARBITRATION)
def decide(appeal_id: int):
    form = request.form
    return _act(appeal_id, lambda: svc.decide(current_user, appeal_id, form.get("decision", ""),
                                              form.get("reason")),
                _("The decision is recorded."))


@bp.post("/<int:appeal_id>/rescore")
@roles_required(Role.ARBITRATION)
def rescore(appeal_id: int):
    form = request.form
    mark_id = form.get("mark_id", "")
    return _act(appeal_id, lambda: svc.rescore(
        current_user, appeal_id, mark_id=int(mark_id) if mark_id.isdecimal() else None,
        value=form.get("value"), reason=form.get("reason"),
        expected=form.get("expected") or None),
        _("The re-score is recorded and linked to this appeal."))


def _act(appeal_id: int, action, done: str):
    _appeal_for(current_user, appeal_id)
    with flash_refusal():
        action()
        flash(done)
    return redirect(url_for("appeals.page", appeal_id=appeal_id))
