"""The organiser's stage pages: stages and heats of a trade, the draw (seed shown,
re-run to verify), the draw sheet as xlsx and PDF, advancement, creating a bracket."""
from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Bracket, Entry, Heat, Role, Stage
from ..registration.drawsheet import DrawRow, DrawSheet, to_pdf, to_xlsx
from ..services import brackets as bracket_svc
from ..services import draws as svc
from ..services import seating
from ..services.registration import ServiceError
from ..timefmt import zone
from .auth import roles_required
from .flashing import flash_refusal
from .lookup import trade_or_404 as _trade

bp = Blueprint("stages", __name__, url_prefix="/admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stage(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        abort(404)
    return stage


@bp.get("/trades/<code>/stages")
@roles_required(Role.ORGANISER)
def stages(code: str):
    """A trade's stages with their heats; forms to add both."""
    trade = _trade(code)
    brackets = {b.stage_id: b for b in db.session.scalars(
        select(Bracket).where(Bracket.stage_id.in_([s.id for s in trade.stages])))}
    return render_template("registration/stages.html", trade=trade, brackets=brackets,
                           team_event=svc.team_event(trade),
                           undeletable={s.id: svc.stage_deletable(s) for s in trade.stages})


@bp.get("/trades/<code>/teams")
@roles_required(Role.ORGANISER)
def teams(code: str):
    """Team standings beside the individual ones (team events)."""
    trade = _trade(code)
    stage = db.session.get(Stage, request.args.get("stage", type=int) or 0)
    if stage is not None and stage.trade_id != trade.id:
        abort(404)
    rule = svc.team_rule(trade)
    return render_template("registration/teams.html", trade=trade, stage=stage, rule=rule,
                           rows=svc.team_table(trade, stage))


@bp.post("/trades/<code>/stages")
@roles_required(Role.ORGANISER)
def add_stage(code: str):
    trade = _trade(code)
    with flash_refusal():
        svc.create_stage(trade, request.form.get("name", ""), current_user,
                         format=request.form.get("format", "ranked"))
    return redirect(url_for(".stages", code=code))


@bp.post("/stages/<int:stage_id>/delete")
@roles_required(Role.ORGANISER)
def delete_stage(stage_id: int):
    """Delete a stage without marks (e.g. a stage added twice), with its heats and draw."""
    stage = _stage(stage_id)
    code, name = stage.trade.code, stage.name
    with flash_refusal():
        svc.delete_stage(stage, current_user)
        flash(_("Stage %(name)s deleted.", name=name))
    return redirect(url_for(".stages", code=code))


@bp.post("/stages/<int:stage_id>/heats")
@roles_required(Role.ORGANISER)
def add_heat(stage_id: int):
    stage = _stage(stage_id)
    starts = None
    text = (request.form.get("starts_at") or "").strip()
    try:
        if text:  # typed in the venue's local time; stored in UTC
            starts = datetime.fromisoformat(text).replace(tzinfo=zone()).astimezone(timezone.utc)
        svc.create_heat(stage, request.form.get("name", ""),
                        request.form.get("workstations", type=int) or 0, current_user,
                        venue=request.form.get("venue", ""), starts_at=starts)
    except ValueError:
        flash(_("The start time is not a date and time."), "error")
    except ServiceError as err:
        flash(err.message, "error")
    return redirect(url_for(".stages", code=stage.trade.code))


@bp.post("/heats/<int:heat_id>/workstations")
@roles_required(Role.ORGANISER)
def heat_workstations(heat_id: int):
    """Change a heat's number of workstations (e.g. a spare bench for a late entrant)."""
    heat = db.session.get(Heat, heat_id) or abort(404)
    with flash_refusal():
        svc.set_workstations(heat, request.form.get("workstations", ""), current_user)
        flash(_("%(heat)s now has %(n)d workstations.", heat=heat.name, n=heat.workstations))
    return redirect(_next() or url_for(".stages", code=heat.stage.trade.code))


def _next() -> str | None:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else None


@bp.post("/heats/<int:heat_id>/delete")
@roles_required(Role.ORGANISER)
def delete_heat(heat_id: int):
    heat = db.session.get(Heat, heat_id) or abort(404)
    code = heat.stage.trade.code
    with flash_refusal():
        svc.delete_heat(heat, current_user)
    return redirect(url_for(".stages", code=code))


def _drawn_entries(stage: Stage) -> list[Entry]:
    heat_seq = {h.id: h.seq for h in stage.heats}
    entries = list(db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)))
    return sorted(entries, key=lambda e: (e.heat_id is None, heat_seq.get(e.heat_id, 0),
                                          e.workstation or 0, e.id))


@bp.get("/stages/<int:stage_id>/draw")
@roles_required(Role.ORGANISER)
def draw_page(stage_id: int):
    """The stage's draw: the seed, each heat's workstations, the re-run check."""
    stage = _stage(stage_id)
    mismatches = verify_error = None
    if request.args.get("verify") and stage.draw_seed:
        try:
            mismatches = svc.verify_draw(stage)
        except ServiceError as err:  # entries or heats changed so much that no re-run fits
            verify_error = err.message
    return render_template("registration/draw.html", stage=stage, entries=_drawn_entries(stage),
                           options=svc.last_draw_options(stage) or {}, mismatches=mismatches,
                           verify_error=verify_error, marked=seating.marked_entries(stage.id),
                           by_hand=svc.hand_seated(stage) if stage.draw_seed else {},
                           draw_closed=svc.draw_closed(stage),
                           not_entered=svc.not_entered(stage))


@bp.post("/stages/<int:stage_id>/draw")
@roles_required(Role.ORGANISER)
def run_draw(stage_id: int):
    """Draw (or re-draw with a given seed): lots, heats, workstations."""
    stage = _stage(stage_id)
    heats = {h.id for h in stage.heats}
    prefs = {int(k[5:]): int(v) for k, v in request.form.items()
             if k.startswith("pref_") and k[5:].isdecimal() and v.isdecimal() and int(v) in heats}
    with flash_refusal():
        svc.run_draw(stage, current_user, seed=request.form.get("seed"),
                     spread_employers=request.form.get("spread_employers") == "1",
                     fill=request.form.get("fill", "balanced"), preferences=prefs)
        flash(_("Drawn with seed %(seed)s.", seed=stage.draw_seed))
    return redirect(url_for(".draw_page", stage_id=stage.id))


@bp.route("/entries/<int:entry_id>/seat", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def seat(entry_id: int):
    """Seat an entry the draw left out (a late entrant) in a heat, or move an entry without
    marks to another heat or workstation: the next free workstation unless one is typed."""
    try:
        entry = seating.get_entry(entry_id)
    except ServiceError:
        abort(404)
    form = {k: (request.form.get(k) or "").strip()
            for k in ("heat_id", "workstation", "lot_number", "reason")}
    error = field = None
    status = 200
    if request.method == "POST":
        try:
            seating.seat_entry(entry.id, form["heat_id"], current_user,
                               workstation=form["workstation"], lot_number=form["lot_number"],
                               reason=form["reason"])
        except ServiceError as err:
            db.session.rollback()
            error, field, status = err.message, err.field, err.status
        else:
            flash(_("%(name)s: %(heat)s, workstation %(w)d, lot %(lot)s.",
                    name=entry.display_name, heat=entry.heat.name, w=entry.workstation,
                    lot=entry.lot_number))
            return redirect(url_for(".draw_page", stage_id=entry.stage_id))
    return render_template("registration/seat.html", entry=entry, stage=entry.stage,
                           choices=seating.heat_choices(entry),
                           default_lot=seating.default_lot(entry),
                           marks=seating.mark_count(entry), form=form, error=error,
                           field=field), status


@bp.app_template_filter("local_time")
def local_time(value) -> str:
    """A stored (UTC) time in the venue's time zone: 2026-12-01 08:30."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


@bp.post("/stages/<int:stage_id>/enter")
@roles_required(Role.ORGANISER)
def enter(stage_id: int):
    """Enter the registered contestants (or teams) into the first stage before drawing
    (e.g. to give some a preferred heat)."""
    stage = _stage(stage_id)
    with flash_refusal():
        n = svc.enter_registered(stage, current_user)
        flash(_("%(n)d entrants added to the stage.", n=n))
    return redirect(url_for(".draw_page", stage_id=stage.id))


def _draw_sheet(stage: Stage) -> DrawSheet:
    if not stage.draw_seed:
        abort(404)
    trade = stage.trade
    rows = []
    for e in _drawn_entries(stage):
        if e.heat is None:
            continue
        starts = local_time(e.heat.starts_at)
        rows.append(DrawRow(e.lot_number or "", e.heat.name, e.heat.venue, starts,
                            e.workstation, e.display_name, e.employer))
    drawn = local_time(stage.drawn_at)
    return DrawSheet(f"{trade.competition.name} {trade.name} {stage.name} 抽签表",
                     stage.draw_seed, drawn, rows)


@bp.get("/stages/<int:stage_id>/draw.xlsx")
@roles_required(Role.ORGANISER)
def draw_xlsx(stage_id: int):
    stage = _stage(stage_id)
    return send_file(BytesIO(to_xlsx(_draw_sheet(stage))), mimetype=XLSX, as_attachment=True,
                     download_name=f"抽签表-{stage.trade.name}-{stage.name}.xlsx")


@bp.get("/stages/<int:stage_id>/draw.pdf")
@roles_required(Role.ORGANISER)
def draw_pdf(stage_id: int):
    from exports.fonts import cjk_font
    stage = _stage(stage_id)
    return send_file(BytesIO(to_pdf(_draw_sheet(stage), cjk_font())),
                     mimetype="application/pdf", as_attachment=True,
                     download_name=f"抽签表-{stage.trade.name}-{stage.name}.pdf")


def _rule_from(args) -> dict:
    rule: dict = {"ties": args.get("ties", "include")}
    if args.get("top_percent"):
        rule["top_percent"] = args.get("top_percent")
    else:
        rule["top_n"] = args.get("top_n", type=int) if args.get("top_n") else None
    return rule


@bp.get("/stages/<int:stage_id>/advancement")
@roles_required(Role.ORGANISER)
def advancement(stage_id: int):
    """Who would advance (top N / top X%, the tie rule): shown for the organiser to confirm."""
    stage = _stage(stage_id)
    preview = error = None
    if request.args.get("top_n") or request.args.get("top_percent"):
        try:
            preview = svc.preview_advancement(stage, _rule_from(request.args))
        except ServiceError as err:
            error = err.message
    return render_template("registration/advancement.html", stage=stage, preview=preview,
                           error=error, args=request.args)


@bp.post("/stages/<int:stage_id>/advancement")
@roles_required(Role.ORGANISER)
def confirm_advancement(stage_id: int):
    stage = _stage(stage_id)
    expected = [int(x) for x in request.form.getlist("entry") if x.isdecimal()]
    with flash_refusal():
        created = svc.confirm_advancement(
            stage, _rule_from(request.form), current_user, expected=expected,
            accept_unfinal=request.form.get("accept_unfinal") == "1")
        flash(_("%(n)d entrants advance to the next stage.", n=len(created)))
    return redirect(url_for(".stages", code=stage.trade.code))


@bp.post("/stages/<int:stage_id>/seeds")
@roles_required(Role.ORGANISER)
def seeds(stage_id: int):
    """Seed numbers for the bracket: typed in (seed_<entry id>), or from the ranking of
    the stage before (from_previous=1)."""
    stage = _stage(stage_id)
    with flash_refusal():
        if request.form.get("from_previous") == "1":
            n = bracket_svc.seeds_from_previous_stage(stage, current_user)
            flash(_("%(n)d entrants seeded by their ranking in the stage before.", n=n))
        else:
            values = {}
            for key, text in request.form.items():
                if key.startswith("seed_") and key[5:].isdecimal():   # not isdigit(): "²"
                    text = text.strip()
                    if text and not text.isdecimal():
                        raise ServiceError(_("Seeds are different whole numbers from 1 up."),
                                           "seed")
                    values[int(key[5:])] = int(text) if text else None
            bracket_svc.set_seeds(stage, values, current_user)
            flash(_("Seeds saved."))
    return redirect(url_for(".draw_page", stage_id=stage.id))


@bp.post("/stages/<int:stage_id>/bracket")
@roles_required(Role.ORGANISER)
def create_bracket(stage_id: int):
    """Make the stage's bracket from its entries (first stage: registered entrants)."""
    stage = _stage(stage_id)
    try:
        if svc.is_first_stage(stage):
            svc.enter_registered(stage, current_user)
        b = bracket_svc.create_bracket(
            stage, request.form.get("format", "single_elimination"), current_user,
            third_place=request.form.get("third_place") == "1",
            group_count=request.form.get("group_count", type=int) or 1,
            advance=request.form.get("advance", type=int) or 2,
            points={k: request.form[k] for k in ("win", "draw", "loss") if request.form.get(k)})
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for(".stages", code=stage.trade.code))
    return redirect(url_for("brackets.page", bracket_id=b.id))
