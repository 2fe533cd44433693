"""The organiser's registration pages: the sign-up template, uploading a sheet (validation
report, then confirm), the contestants list with search, add, edit, withdraw, reinstate."""
from __future__ import annotations

import re
import secrets
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Contestant, Role, Trade
from ..registration import SheetError, template_workbook
from ..registration.grades import label as grade_label
from ..services import registration as svc
from .auth import roles_required
from .flashing import flash_refusal
from .limits import body_limit
from .lookup import competition_or_404 as _competition

bp = Blueprint("registration", __name__, url_prefix="/admin/registration")
PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _trades(comp):
    from ..trade_order import in_order  # the event's order, else pinyin (issue 18)
    return in_order(db.session.scalars(select(Trade).where(Trade.competition_id == comp.id)
                                       .order_by(Trade.id)).all(), comp)


@bp.app_template_filter("grade_label")
def _grade_label(code):
    try:
        return grade_label(code)
    except ValueError:
        return code or ""


@bp.get("/")
@roles_required(Role.ORGANISER)
def contestants():
    """Registered contestants: search by name, ID number, employer or phone; by trade."""
    comp = _competition()
    q = (request.args.get("q") or "").strip()
    trade_code = request.args.get("trade") or ""
    page = min(max(request.args.get("page", type=int) or 1, 1), 10 ** 6)  # no huge OFFSET
    stmt = select(Contestant).where(Contestant.competition_id == comp.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Contestant.name.like(like), Contestant.id_number.like(like),
                              Contestant.employer.like(like), Contestant.phone.like(like)))
    trades = _trades(comp)
    by_code = {t.code: t for t in trades}
    if trade_code in by_code:
        stmt = stmt.where(Contestant.trade_id == by_code[trade_code].id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(Contestant.trade_id, Contestant.id)
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return render_template("registration/contestants.html", competition=comp, trades=trades,
                           rows=rows, total=total, q=q, trade_code=trade_code, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)))


@bp.get("/template.xlsx")
@roles_required(Role.ORGANISER)
def template():
    """The sign-up sheet template (?team=1 adds the 队名 column)."""
    comp = _competition()
    team = request.args.get("team") == "1"
    data = template_workbook([t.name for t in _trades(comp)], team=team,
                             title=f"{comp.name}报名表",
                             ladder=(comp.settings or {}).get("grade_ladder"))
    name = "报名表模板（团体）.xlsx" if team else "报名表模板.xlsx"
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/contestants.xlsx")
@roles_required(Role.ORGANISER)
def roster():
    """The contestants list (报名名单) as Excel: ?trade=<code> for one trade (else all, with
    a sheet per trade), ?masked=1 for the copy with ID numbers and phones masked."""
    from datetime import datetime, timezone

    from flask_babel import format_datetime

    from ..services.roster import roster_workbook
    comp = _competition()
    code = (request.args.get("trade") or "").strip()
    trade = None
    if code:
        trade = next((t for t in _trades(comp) if t.code == code), None)
        if trade is None:
            flash(_("There is no trade with the code %(code)s.", code=code), "error")
            return redirect(url_for(".contestants"))
    masked = request.args.get("masked") == "1"
    data = roster_workbook(comp, trade, masked=masked, generated_at=format_datetime(
        datetime.now(timezone.utc), "yyyy-MM-dd HH:mm"))
    name = "报名名单" + (f"-{trade.name}" if trade else "") + ("-脱敏" if masked else "")
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"{name}.xlsx")


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_uploads(max_age_s: int = 24 * 3600) -> None:
    """Uploaded sheets wait for the organiser's confirmation; drop those left for a day."""
    import time
    for old in _upload_dir().glob("*.xlsx"):
        if time.time() - old.stat().st_mtime > max_age_s:
            old.unlink(missing_ok=True)


def _options():
    return {"team": request.form.get("team") == "1",
            "default_trade": request.form.get("default_trade") or None}


@bp.route("/import", methods=["GET", "POST"])
@body_limit("REGISTRATION_IMPORT_MAX_BYTES")
@roles_required(Role.ORGANISER)
def upload():
    """Upload a filled-in sheet: it is validated, nothing is written yet."""
    comp = _competition()
    if request.method == "GET":
        return render_template("registration/import.html", competition=comp,
                               trades=_trades(comp))
    file = request.files.get("sheet")
    limit = int(current_app.config["REGISTRATION_IMPORT_MAX_BYTES"])
    data = file.read(limit + 1) if file else b""
    error = None
    if not data:
        error = _("Choose the sheet to upload.")
    elif len(data) > limit:
        error = _("The file is larger than %(size)s.", size=f"{limit // 1024 // 1024} MB")
    if error is None:
        opts = _options()
        try:
            report = svc.check_sheet(comp, data, **opts)
        except SheetError as err:   # nothing is saved; the message names the file
            error = _("%(file)s: %(problem)s", file=file.filename or _("the file"),
                      problem=sheet_error_message(err))
    if error:
        return render_template("registration/import.html", competition=comp,
                               trades=_trades(comp), error=error), 400
    _forget_old_uploads()
    token = secrets.token_hex(16)
    (_upload_dir() / f"{token}.xlsx").write_bytes(data)
    return render_template("registration/report.html", competition=comp, report=report,
                           token=token, filename=file.filename or "", options=opts,
                           message=svc.row_error_message)


@bp.post("/import/<token>")
@roles_required(Role.ORGANISER)
def confirm(token: str):
    """Import the uploaded sheet: every row, or (good_only=1) the good rows only. The file
    is validated again (the database may have changed meanwhile)."""
    comp = _competition()
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        abort(404)
    path = _upload_dir() / f"{token}.xlsx"
    if not path.is_file():
        # the Back button and a second click, or an upload left for a day: not a bare 404
        flash(_("This sheet has already been imported, or the check has expired (after a "
                "day). See the contestants below, or upload the file again."), "error")
        return redirect(url_for(".contestants"))
    good_only = request.form.get("good_only") == "1"
    try:
        result = svc.import_sheet(comp, path.read_bytes(), current_user, good_only=good_only,
                                  filename=request.form.get("filename", "")[:200],
                                  **_options())
    except svc.ImportRefused as err:
        return render_template("registration/report.html", competition=comp,
                               report=err.report, token=token, options=_options(),
                               filename=request.form.get("filename", ""), error=err.message,
                               message=svc.row_error_message), 409
    except (SheetError, svc.Conflict) as err:
        flash(sheet_error_message(err) if isinstance(err, SheetError) else err.message, "error")
        return redirect(url_for(".upload"))
    path.unlink(missing_ok=True)
    flash(_("%(n)d contestants imported; %(bad)d rows skipped.", n=result.imported,
            bad=len(result.skipped_rows)))
    return redirect(url_for(".contestants"))


def sheet_error_message(err: SheetError) -> str:
    p = err.params
    return {
        "not_xlsx": _("This is not an Excel .xlsx workbook."),
        "no_header": _("No header row with 姓名 and 身份证号 was found in the first 10 rows."),
        "missing_columns": _("Columns missing from the sheet: %(c)s",
                             c=err.params.get("columns", "")),
        "duplicate_columns": _("A column appears twice: %(c)s", c=err.params.get("columns", "")),
        "corrupt": _("The workbook is damaged and cannot be read; save it again in Excel."),
        "too_large": _("The workbook would take %(size)s when unpacked (at most %(limit)s): "
                       "split it into smaller sheets.", size=p.get("size", ""),
                       limit=p.get("limit", "")),
        "member_too_large": _("A part of the workbook (%(member)s) would take %(size)s when "
                              "unpacked (at most %(limit)s).", member=p.get("member", ""),
                              size=p.get("size", ""), limit=p.get("limit", "")),
        "compression_ratio": _("A part of the workbook (%(member)s) unpacks to %(ratio)s times "
                               "its size: this is not a normal Excel file.",
                               member=p.get("member", ""), ratio=p.get("ratio", "")),
        "too_many_members": _("The file holds %(count)s parts, more than a workbook has "
                              "(at most %(limit)s).", count=p.get("count", ""),
                              limit=p.get("limit", "")),
        "too_many_rows": _("The sheet has %(rows)s rows; at most %(limit)s rows can be imported "
                           "at once: split it.", rows=p.get("rows", ""),
                           limit=p.get("limit", "")),
        "too_many_columns": _("The sheet has %(columns)s columns; a sign-up sheet has at most "
                              "%(limit)s.", columns=p.get("columns", ""),
                              limit=p.get("limit", "")),
    }.get(err.code, str(err))


FIELDS = ("name", "gender", "id_number", "employer", "phone", "trade", "grade", "team")


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new():
    """Register one contestant by hand."""
    comp = _competition()
    values = {k: request.form.get(k, "") for k in FIELDS}
    error = field = None
    errors: dict = {}
    if request.method == "POST":
        try:
            c = svc.add_contestant(comp, values, current_user)
        except svc.ServiceError as err:
            db.session.rollback()
            error, field, errors = err.message, err.field, _field_errors(err)
        else:
            flash(_("%(name)s registered.", name=c.name))
            return redirect(url_for(".contestants"))
    return render_template("registration/contestant_form.html", competition=comp,
                           trades=_trades(comp), values=values, error=error, field=field,
                           errors=errors, contestant=None,
                           **_grade_form(comp, values.get("grade"))), 400 if error else 200


@bp.route("/<int:cid>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def edit(cid: int):
    """Change a contestant's details; the audit log keeps the old values."""
    c = _get(cid)
    comp = _competition()
    values = svc.sheet_fields(c)
    error = field = None
    errors: dict = {}
    if request.method == "POST":
        values.update({k: request.form.get(k, "") for k in FIELDS if k != "trade"})
        try:
            svc.update_contestant(c, values, current_user, reason=request.form.get("reason"))
        except svc.ServiceError as err:
            db.session.rollback()
            error, field, errors = err.message, err.field, _field_errors(err)
        else:
            flash(_("Saved."))
            return redirect(url_for(".contestants", q=c.id_number))
    return render_template("registration/contestant_form.html", competition=comp,
                           trades=_trades(comp), values=values, error=error, field=field,
                           errors=errors, contestant=c, history=_history_rows(svc.history(c)),
                           **_grade_form(comp, values.get("grade"))), 400 if error else 200


def _field_errors(err) -> dict:
    """field -> its messages (FieldErrors carries every field's; others just one)."""
    out: dict = {}
    for f, message in getattr(err, "errors", None) or [(err.field, err.message)]:
        out.setdefault(f or "", []).append(message)
    return out


def _grade_form(comp, current) -> dict:
    """The grade drop-down: the competition's ladder (code, label), the code chosen, and
    what was stored or typed when it is not on the ladder (kept, shown as it is)."""
    from ..promotion.ladder import GradeError, get_ladder
    try:
        ladder = get_ladder((comp.settings or {}).get("grade_ladder"))
    except GradeError:
        ladder = get_ladder(None)
    try:
        chosen = ladder.parse(current) if (current or "").strip() else None
        other = None
    except GradeError:
        chosen, other = None, current
    return {"grade_choices": [(g.code, g.label) for g in ladder.grades],
            "grade_chosen": chosen, "grade_other": other}


def _history_rows(history) -> list[tuple]:
    """Each audit row with its old and new values in the organiser's words: field labels
    instead of the stored keys, grade labels instead of codes (L4), team names instead of
    ids, 是/否 instead of True/False, local times instead of ISO strings."""
    from datetime import datetime

    from flask_babel import format_datetime

    from ..models import Team
    labels = {"name": _("Name"), "gender": _("Gender"), "id_number": _("ID number"),
              "employer": _("Employer"), "phone": _("Mobile"), "grade": _("Grade"),
              "team_id": _("Team"), "withdrawn": _("Withdrawn"),
              "withdrawn_at": _("Withdrawn at"), "reason": _("Reason")}

    def value(key, v):
        if v is None or v == "":
            return "—"
        if isinstance(v, bool):
            return _("Yes") if v else _("No")
        if key == "grade":
            return _grade_label(v)
        if key == "team_id":
            team = db.session.get(Team, v)
            return team.name if team else str(v)
        if key == "withdrawn_at":
            try:
                return format_datetime(datetime.fromisoformat(v), "yyyy-MM-dd HH:mm")
            except (TypeError, ValueError):
                return str(v)
        return str(v)

    def items(d):
        return [(labels.get(k, k), value(k, v)) for k, v in (d or {}).items() if k != "entries"]
    return [(h, items(h.old), items(h.new)) for h in history]


def _next() -> str | None:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else None


def _get(cid: int) -> Contestant:
    try:
        return svc.get_contestant(cid)
    except svc.NotFound:
        abort(404)


@bp.post("/<int:cid>/withdraw")
@roles_required(Role.ORGANISER)
def withdraw(cid: int):
    """Withdraw a contestant (the record and its history stay)."""
    c = _get(cid)
    with flash_refusal():
        svc.withdraw_contestant(c, current_user, request.form.get("reason", ""))
        flash(_("%(name)s has withdrawn.", name=c.name))
    return redirect(_next() or url_for(".contestants"))


@bp.post("/<int:cid>/reinstate")
@roles_required(Role.ORGANISER)
def reinstate(cid: int):
    """Undo a withdrawal."""
    c = _get(cid)
    with flash_refusal():
        svc.reinstate_contestant(c, current_user, request.form.get("reason", ""))
        flash(_("%(name)s is registered again.", name=c.name))
    return redirect(_next() or url_for(".contestants"))
