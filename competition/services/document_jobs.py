"""Long documents as background jobs: a Job row the organiser's page polls.

start_certificate_job() / start_results_job() record the job and start a thread with its
own app context. A certificate job issues the missing certificates of the chosen trades
(phase "issue": progress counts trades) and renders every current certificate into one PDF
(phase "render": progress counts pages); a results job computes each trade's standings
(phase "standings": progress counts trades) and writes the workbook. Files go to
EXPORT_DIR/jobs/; clean_job_files() deletes those of jobs finished more than
JOB_FILES_MAX_AGE_DAYS ago (each new job runs it first), never a running job's.
"""
from __future__ import annotations

import logging
import re
import threading
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import Competition, Job, Trade, User, utcnow
from . import documents as docs

log = logging.getLogger(__name__)
KIND = "certificates"
RESULTS_KIND = "results"
TICKETS_KIND = "tickets"
KINDS = (KIND, RESULTS_KIND, TICKETS_KIND)
PROGRESS_EVERY = 50


def start_certificate_job(comp: Competition, trade: Trade | None, user: User | None,
                          *, run_in_thread: bool = True) -> Job:
    """Record a certificate batch for ``trade`` (or every trade of ``comp``) and start it.
    The verification address is fixed now (the thread has no request)."""
    job = Job(kind=KIND, status="queued", created_by_id=user.id if user else None,
              params={"competition_id": comp.id, "trade_id": trade.id if trade else None,
                      "base_url": docs.base_url(), "user_id": user.id if user else None})
    return _start(job, run_in_thread)


def start_results_job(comp: Competition, user: User | None, *,
                      run_in_thread: bool = True) -> Job:
    """Record a results-workbook job for ``comp`` and start it."""
    job = Job(kind=RESULTS_KIND, status="queued", created_by_id=user.id if user else None,
              params={"competition_id": comp.id})
    return _start(job, run_in_thread)


def start_tickets_job(comp: Competition, trade: Trade | None, user: User | None, *,
                      run_in_thread: bool = True) -> Job:
    """Record an admission-ticket batch (准考证) for ``trade`` or every trade and start it.
    The check-in address in the QR codes is fixed now (the thread has no request)."""
    job = Job(kind=TICKETS_KIND, status="queued", created_by_id=user.id if user else None,
              params={"competition_id": comp.id, "trade_id": trade.id if trade else None,
                      "base_url": docs.base_url()})
    return _start(job, run_in_thread)


def _start(job: Job, run_in_thread: bool) -> Job:
    try:
        clean_job_files()
    except OSError:  # a file that cannot be deleted now is tried again next time
        log.exception("cleaning old job files failed")
        db.session.rollback()
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    if run_in_thread:
        threading.Thread(target=run_job, args=(app, job.id), daemon=True,
                         name=f"job-{job.id}").start()
    else:
        run_job(app, job.id)
    return job


def run_job(app: Flask, job_id: int) -> None:
    """Run a job in a fresh app context; never raises (failures go to the job's error)."""
    with app.app_context():
        try:
            kind = db.session.get(Job, job_id).kind
            {RESULTS_KIND: _run_results, TICKETS_KIND: _run_tickets}.get(kind, _run)(job_id)
        except Exception:  # noqa: BLE001 - record any failure on the job, then stop
            log.exception("job %s failed", job_id)
            db.session.rollback()
            _set(job_id, status="failed", error=traceback.format_exc(limit=3)[-2000:],
                 finished_at=utcnow())
        finally:
            db.session.remove()


def _run(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    params = job.params or {}
    comp = db.session.get(Competition, params["competition_id"])
    trade = db.session.get(Trade, params["trade_id"]) if params.get("trade_id") else None
    user = db.session.get(User, params["user_id"]) if params.get("user_id") else None
    from ..rules import RuleError
    todo = [trade] if trade else list(comp.trades)
    _set(job_id, status="running", params={**params, "phase": "issue"}, total=len(todo))
    for i, t in enumerate(todo):
        _set(job_id, progress=i)
        try:
            docs.issue_certificates(t, user)
        except RuleError as err:
            log.warning("certificates: trade %s skipped: %s", t.code, err)
    base = params.get("base_url")
    # plain data first: progress commits would otherwise expire and reload every row
    pages = [docs.certificate_data(c, base)
             for c in docs.current_certificates(trade=trade, comp=comp)]
    layout = docs.certificate_layout(comp)
    _set(job_id, total=len(pages), progress=0, params={**params, "phase": "render"})
    out = docs.export_dir() / "jobs"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"certificates-{job_id}.pdf"
    from exports.certificates import render_certificates
    render_certificates(pages, path, layout, font_path=current_app.config.get("CJK_FONT_PATH"),
                        progress=lambda n: _set(job_id, progress=n),
                        progress_every=PROGRESS_EVERY)
    _set(job_id, status="done", progress=len(pages), result_path=str(path),
         finished_at=utcnow())


def _run_results(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    params = job.params or {}
    comp = db.session.get(Competition, params["competition_id"])
    trades = list(comp.trades)
    _set(job_id, status="running", total=len(trades), params={**params, "phase": "standings"})
    path = docs.export_dir() / "jobs" / f"results-{job_id}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = docs.results_data(comp, progress=lambda n: _set(job_id, progress=n))
    docs.write_results_workbook(comp, path, data=data)
    _set(job_id, status="done", progress=len(trades), result_path=str(path),
         finished_at=utcnow())


def _run_tickets(job_id: int) -> None:
    from exports.tickets import render_tickets

    from .tickets import tickets_data
    job = db.session.get(Job, job_id)
    params = job.params or {}
    comp = db.session.get(Competition, params["competition_id"])
    trade = db.session.get(Trade, params["trade_id"]) if params.get("trade_id") else None
    tickets = tickets_data(comp, trade, params.get("base_url"))
    _set(job_id, status="running", total=len(tickets), progress=0, params={**params, "phase": "render"})
    path = docs.export_dir() / "jobs" / f"tickets-{job_id}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    render_tickets(tickets, path, font_path=current_app.config.get("CJK_FONT_PATH"),
                   progress=lambda n: _set(job_id, progress=n), progress_every=PROGRESS_EVERY * 4)
    _set(job_id, status="done", progress=len(tickets), result_path=str(path), finished_at=utcnow())


def _set(job_id: int, **values) -> None:
    """Write job fields at once (a short transaction of its own)."""
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def job_state(job: Job) -> dict:
    """What the organiser's page polls."""
    percent = round(100 * job.progress / job.total) if job.total else (
        100 if job.status == "done" else 0)
    return {"id": job.id, "status": job.status, "progress": job.progress, "total": job.total,
            "phase": (job.params or {}).get("phase", ""),
            "percent": percent, "error": (job.error or "").splitlines()[-1:] or None,
            "done": job.status in ("done", "failed"), "file_deleted": file_deleted(job)}


JOB_FILE = re.compile(r"^(?:certificates|results)-(\d+)\.(?:pdf|xlsx)$")
FINISHED = ("done", "failed")


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive UTC datetimes back."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def clean_job_files(max_age: timedelta | None = None, now: datetime | None = None
                    ) -> list[Path]:
    """Delete the files in EXPORT_DIR/jobs of jobs that finished more than ``max_age``
    ago (default JOB_FILES_MAX_AGE_DAYS) and whose file is that old too; a file whose job
    row is gone goes once the file is that old. A queued or running job's file, a
    recently finished one's, and files this module did not name are never touched.
    The jobs keep their row (the page says the file was deleted). Returns what was
    deleted."""
    if max_age is None:
        max_age = timedelta(days=current_app.config.get("JOB_FILES_MAX_AGE_DAYS", 7))
    now = now or utcnow()
    folder = docs.export_dir() / "jobs"
    if not folder.is_dir():
        return []
    candidates = {}
    for path in folder.iterdir():
        match = JOB_FILE.match(path.name)
        if match and path.is_file():
            candidates[path] = int(match.group(1))
    if not candidates:
        return []
    rows = {j.id: j for j in db.session.scalars(
        select(Job).where(Job.id.in_(set(candidates.values()))))}
    deleted = []
    for path, job_id in sorted(candidates.items()):
        job = rows.get(job_id)
        if job is not None:
            finished = _aware(job.finished_at)
            if job.status not in FINISHED or finished is None or now - finished < max_age:
                continue
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        except FileNotFoundError:
            continue
        if now - modified < max_age:
            continue
        path.unlink(missing_ok=True)
        deleted.append(path)
        if job is not None and job.result_path and Path(job.result_path) == path:
            job.result_path = None
            job.params = {**(job.params or {}), "file_deleted_at": now.isoformat()}
    if deleted:
        db.session.commit()
        log.info("deleted %d old job file(s) from %s", len(deleted), folder)
    return deleted


def file_deleted(job: Job) -> bool:
    """The job finished, but its file was cleaned up (or is gone)."""
    if job.status != "done":
        return False
    return not job.result_path or not Path(job.result_path).is_file()
