"""The organiser's schedule: every heat of every trade by day, by venue or as a list, the
conflicts first; downloads as a workbook and a printable PDF (日程表)."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from exports.schedule import ScheduleLine, schedule_pdf, schedule_workbook

from ..models import Role
from ..services import document_jobs as jobs
from ..services.schedule import competition_schedule
from .auth import roles_required
from .lookup import competition_or_404, trade_or_404

bp = Blueprint("schedule", __name__, url_prefix="/admin/schedule")
VIEWS = ("day", "venue", "list")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """The calendar: heats by day (default), by venue, or one list; conflicts named."""
    view = request.args.get("view", "day")
    view = view if view in VIEWS else "day"
    return render_template("schedule/index.html", s=competition_schedule(competition_or_404()), view=view,
                           day_label=day_label, time_label=time_label)


@bp.get("/schedule.xlsx")
@roles_required(Role.ORGANISER)
def workbook():
    """A sheet per day, then a sheet per venue."""
    s = competition_schedule(competition_or_404())
    data = schedule_workbook(s.competition.name, _groups(s, "day") + _groups(s, "venue"))
    return _download(data, XLSX, f"{s.competition.name}-日程表.xlsx")


@bp.get("/schedule.pdf")
@roles_required(Role.ORGANISER)
def pdf():
    """A section per day (?by=venue: per venue), landscape A4."""
    s = competition_schedule(competition_or_404())
    by = "venue" if request.args.get("by") == "venue" else "day"
    return _download(schedule_pdf(s.competition.name, _groups(s, by)), "application/pdf",
                     f"{s.competition.name}-日程表.pdf")


@bp.post("/tickets")
@roles_required(Role.ORGANISER)
def tickets():
    """Admission tickets (准考证) of one trade or of every trade, as a background job."""
    comp = competition_or_404()
    code = request.form.get("trade") or None
    trade = trade_or_404(code) if code else None
    job = jobs.start_tickets_job(comp, trade, current_user)
    return redirect(url_for("documents.job_page", job_id=job.id))


def _download(data: bytes, mimetype: str, name: str) -> Response:
    from urllib.parse import quote
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def day_label(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "未排时间"


def time_label(row) -> str:
    return f"{row.start:%H:%M}–{row.end:%H:%M}" if row.start else "—"


def _line(row) -> ScheduleLine:
    return ScheduleLine(day_label(row.start.date() if row.start else None), time_label(row), row.heat.venue or "",
                        row.trade.name, row.stage.name, row.heat.name,
                        f"{row.seated}/{row.heat.workstations}", "、".join(row.judges) or "（无）",
                        "、".join(row.chiefs), "；".join(row.conflicts))


def _groups(s, by: str) -> list:
    if by == "venue":
        return [(venue or "未定赛场", venue or "未定赛场", [_line(r) for r in rows]) for venue, rows in s.by_venue()]
    return [(day_label(day), day_label(day), [_line(r) for r in rows]) for day, rows in s.by_day()]
