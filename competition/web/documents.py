"""The organiser's documents: certificates (issue, void, re-issue, download one, a trade,
or everything as a background job), the results workbook, bulletins, score sheets; and the
public certificate verification page (/verify/<serial>)."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Certificate, Competition, Heat, Job, Role, Trade
from ..rules import RuleError
from ..services import document_jobs as jobs
from ..services import documents as svc
from ..timefmt import local_today
from .auth import roles_required
from .flashing import flash_refusal
from .limits import body_limit
from .lookup import competition_or_404 as _competition
from .lookup import trade_or_404 as _trade

bp = Blueprint("documents", __name__, url_prefix="/admin/documents")
verify_bp = Blueprint("verify", __name__)
PDF, XLSX = "application/pdf", \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _certificate(serial: str) -> Certificate:
    cert = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if cert is None:
        abort(404)
    return cert


def _send(render, filename: str, mimetype: str):
    buf = io.BytesIO()
    try:
        render(buf)
    except RuleError:
        flash(_("The trade's scoring rule is not valid; fix it on the scoring rules page."),
              "error")
        return redirect(url_for("documents.index"))
    except svc.DocumentError as err:
        flash(err.message, "error")
        return redirect(url_for("documents.index"))
    buf.seek(0)
    return send_file(buf, mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """Every trade with its certificates and heats; the competition-wide downloads."""
    comp = _competition()
    counts = dict(db.session.execute(
        select(Certificate.trade_id, func.count(Certificate.id))
        .where(Certificate.competition_id == comp.id, Certificate.voided_at.is_(None))
        .group_by(Certificate.trade_id)).all())
    recent = db.session.scalars(select(Job).where(Job.kind.in_(jobs.KINDS))
                                .order_by(Job.id.desc()).limit(5)).all()
    from ..models import Team
    from ..services import certificates as certs
    has_teams = db.session.scalar(select(func.count(Team.id)).where(
        Team.competition_id == comp.id)) > 0
    return render_template("documents/index.html", competition=comp, counts=counts,
                           jobs=recent, today=local_today(), has_teams=has_teams,
                           team_mode=certs.team_certificate_mode(comp))


@bp.post("/team-certificates")
@roles_required(Role.ORGANISER)
def team_certificates():
    """What a team with an award gets: a team certificate, one per member, or both."""
    from ..services import certificates as certs
    certs.set_team_certificate_mode(_competition(), current_user,
                                    request.form.get("mode", ""))
    flash(_("Saved: what teams get applies to the certificates issued from now on."))
    return redirect(url_for("documents.index"))


@bp.get("/<code>")
@roles_required(Role.ORGANISER)
def trade_page(code: str):
    """A trade's awarded entries, its certificates (current and void), its heats."""
    trade = _trade(code)
    try:
        awarded = svc.awarded(trade)
    except RuleError:
        awarded, rule_error = [], True
    else:
        rule_error = False
    certs = db.session.scalars(select(Certificate).where(Certificate.trade_id == trade.id)
                               .order_by(Certificate.serial)).all()
    heats = [h for s in trade.stages for h in s.heats]
    return render_template("documents/trade.html", trade=trade, awarded=awarded,
                           certificates=certs, heats=heats, rule_error=rule_error,
                           today=local_today())


@bp.post("/<code>/publish")
@roles_required(Role.ORGANISER)
def publish(code: str):
    """Publish a trade's results (公布成绩), or take the publication back: names appear on
    the public page and screens of a blind trade, the bulletin and certificates carry the
    date. Audited; the trade's screens are updated."""
    from ..models import AuditLog, utcnow
    from ..services.standings import trade_changed
    trade = _trade(code)
    want = request.form.get("published") == "1"
    if bool(trade.published) != want:
        old = {"published": bool(trade.published),
               "at": trade.results_published_at.isoformat() if trade.results_published_at
               else None}
        trade.published = want
        trade.results_published_at = utcnow() if want else None
        db.session.add(AuditLog(user_id=current_user.id,
                                action="results.publish" if want else "results.unpublish",
                                object_type="trade", object_id=trade.id,
                                competition_id=trade.competition_id, trade_id=trade.id,
                                old=old, new={"published": want},
                                reason=(request.form.get("reason") or "").strip()[:500] or None))
        db.session.commit()
        trade_changed(trade.id)
    flash(_("The results of %(trade)s are published.", trade=trade.name) if want
          else _("The publication of %(trade)s is taken back.", trade=trade.name))
    return redirect(url_for("documents.trade_page", code=code))


@bp.post("/<code>/issue")
@roles_required(Role.ORGANISER)
def issue(code: str):
    """Issue certificates to every awarded entry of the trade that has none."""
    trade = _trade(code)
    try:
        issued = svc.issue_certificates(trade, current_user)
    except RuleError:
        abort(409)
    except svc.DocumentError as err:
        flash(err.message, "error")
    else:
        flash(_("%(n)d certificate(s) issued.", n=len(issued)))
    return redirect(url_for("documents.trade_page", code=code))


@bp.get("/<code>/certificates.pdf")
@roles_required(Role.ORGANISER)
def trade_certificates(code: str):
    """Every current certificate of the trade, in rank order, as one PDF."""
    trade = _trade(code)
    certs = svc.current_certificates(trade=trade)
    return _send(lambda out: svc.write_certificates(certs, trade.competition, out),
                 f"{trade.name}-获奖证书.pdf", PDF)


@bp.get("/certificate/<serial>.pdf")
@roles_required(Role.ORGANISER)
def certificate_pdf(serial: str):
    """One certificate (a void one too: it is the organiser's record)."""
    cert = _certificate(serial)
    comp = db.session.get(Competition, cert.competition_id)
    return _send(lambda out: svc.write_certificates([cert], comp, out), f"{serial}.pdf", PDF)


@bp.post("/certificate/<serial>/void")
@roles_required(Role.ORGANISER)
def void(serial: str):
    """Void a certificate, with a reason."""
    cert = _certificate(serial)
    with flash_refusal(svc.DocumentError):
        svc.void_certificate(cert, current_user, request.form.get("reason", ""))
        flash(_("Certificate %(serial)s is void.", serial=serial))
    return redirect(url_for("documents.trade_page", code=cert_trade_code(cert)))


@bp.post("/certificate/<serial>/reissue")
@roles_required(Role.ORGANISER)
def reissue(serial: str):
    """Void a certificate and issue a new one from the current results."""
    cert = _certificate(serial)
    with flash_refusal(svc.DocumentError):
        new = svc.reissue_certificate(cert, current_user, request.form.get("reason", ""))
        flash(_("Certificate %(old)s is void; %(new)s replaces it.", old=serial,
                new=new.serial))
    return redirect(url_for("documents.trade_page", code=cert_trade_code(cert)))


def cert_trade_code(cert: Certificate) -> str:
    return db.session.get(Trade, cert.trade_id).code


@bp.post("/jobs")
@roles_required(Role.ORGANISER)
def start_job():
    """Start a certificate batch (a trade, or the whole competition) in the background."""
    comp = _competition()
    code = request.form.get("trade") or None
    trade = _trade(code) if code else None
    job = jobs.start_certificate_job(comp, trade, current_user)
    return redirect(url_for("documents.job_page", job_id=job.id))


@bp.post("/jobs/results")
@roles_required(Role.ORGANISER)
def start_results_job():
    """Write the results workbook of the whole competition in the background."""
    job = jobs.start_results_job(_competition(), current_user)
    return redirect(url_for("documents.job_page", job_id=job.id))


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind not in jobs.KINDS:
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@roles_required(Role.ORGANISER)
def job_page(job_id: int):
    """The job's progress; the page polls job_state until it is done."""
    job = _job(job_id)
    return render_template("documents/job.html", job=job, state=jobs.job_state(job))


@bp.get("/jobs/<int:job_id>.json")
@roles_required(Role.ORGANISER)
def job_state(job_id: int):
    job = _job(job_id)
    db.session.refresh(job)
    return jsonify(jobs.job_state(job))


@bp.get("/jobs/<int:job_id>/download")
@roles_required(Role.ORGANISER)
def job_download(job_id: int):
    job = _job(job_id)
    if job.status != "done":
        abort(409)
    if jobs.file_deleted(job):
        raise svc.DocumentError("The file of this job was deleted %(days)s days after the job "
                                "finished; start the job again.", 410,
                                days=f"{current_app.config['JOB_FILES_MAX_AGE_DAYS']:g}")
    if job.kind == jobs.RESULTS_KIND:
        return send_file(job.result_path, mimetype=XLSX, as_attachment=True,
                         download_name=f"成绩表-{job.id}.xlsx")
    if job.kind == jobs.TICKETS_KIND:
        return send_file(job.result_path, mimetype=PDF, as_attachment=True,
                         download_name=f"准考证-{job.id}.pdf")
    return send_file(job.result_path, mimetype=PDF, as_attachment=True,
                     download_name=f"获奖证书-{job.id}.pdf")


@bp.get("/results.xlsx")
@roles_required(Role.ORGANISER)
def results_workbook():
    """The results workbook of the whole competition."""
    comp = _competition()
    return _send(lambda out: svc.write_results_workbook(comp, out), f"{comp.name}-成绩表.xlsx",
                 XLSX)


@bp.get("/<code>/results.xlsx")
@roles_required(Role.ORGANISER)
def trade_results_workbook(code: str):
    """One trade's results workbook: its overall ranking and a sheet per stage (or its one
    results sheet), and its judges' marks."""
    trade = _trade(code)
    return _send(lambda out: svc.write_trade_workbook(trade, out), f"{trade.name}-成绩表.xlsx",
                 XLSX)


@bp.get("/<code>/bulletin.pdf")
@roles_required(Role.ORGANISER)
def bulletin(code: str):
    """The trade's results bulletin; the form on the trade page fills the dates."""
    trade = _trade(code)
    try:
        published = date.fromisoformat(request.args["published_on"]) \
            if request.args.get("published_on") else None
    except ValueError:
        abort(400)
    stage = None
    if request.args.get("stage"):   # a stage's bulletin (default: the results stage)
        stage = next((s for s in trade.stages
                      if str(s.id) == request.args["stage"]), None) or abort(404)
    kw = {"published_on": published,
          "appeal_deadline": request.args.get("appeal_deadline", "").strip() or None,
          "appeal_to": request.args.get("appeal_to", "").strip() or None, "stage": stage}
    name = f"{trade.name}{stage.name if stage else ''}-成绩公示.pdf"
    return _send(lambda out: svc.write_bulletin(trade, out, **kw), name, PDF)


@bp.get("/heats/<int:heat_id>/score-sheets.pdf")
@roles_required(Role.ORGANISER, Role.CHIEF_JUDGE)
def score_sheets(heat_id: int):
    """Blank score sheets of a heat (a chief judge: only for their own trade)."""
    heat = db.session.get(Heat, heat_id)
    if heat is None:
        abort(404)
    trade = heat.stage.trade
    if current_user.role == Role.CHIEF_JUDGE.value and current_user.trade_id != trade.id:
        abort(403)
    return _send(lambda out: svc.write_score_sheets(heat, out),
                 f"{trade.name}-{heat.name}-评分表.pdf", PDF)


def _layout_page(comp, values: dict, errors: dict | None = None, text: str | None = None,
                 json_error: str | None = None, status: int = 200):
    import json

    from exports.layout import DEFAULT_LAYOUT, PAGE_SIZES_MM

    from ..services import certificate_form as form
    overrides = (comp.settings or {}).get("certificate_layout") or {}
    if text is None:
        text = json.dumps(overrides, ensure_ascii=False, indent=2)
    extra = sorted(k for k in (overrides.get("fields") or {}) if k not in form.FIELD_KEYS)
    max_mb = f"{current_app.config['CERTIFICATE_BACKGROUND_MAX_BYTES'] / 1048576:g}"
    return render_template(
        "documents/layout.html", competition=comp, values=values, errors=errors or {},
        fields=form.TEXT_FIELDS, pages=list(PAGE_SIZES_MM), text=text, error=json_error,
        extra_fields=extra, max_mb=max_mb, overlaps=form.overlaps(overrides),
        default=json.dumps(DEFAULT_LAYOUT, ensure_ascii=False, indent=2)), status


def _typed_layout(comp):
    """The overrides for the posted form (an uploaded background is stored first).
    Raises LayoutFormError."""
    from ..services import certificate_form as form
    upload = request.files.get("background_file")
    name = form.store_background(upload.stream, upload.filename) \
        if upload and upload.filename else None
    try:
        return form.parse_form(request.form, (comp.settings or {}).get("certificate_layout"),
                               background=name)
    except form.LayoutFormError as err:
        err.background = name     # stored already: the form sent again keeps it
        raise


def _typed_values(comp, err) -> dict:
    """What the refused form showed, as typed (with an image uploaded with it)."""
    from ..services import certificate_form as form
    values = {**form.form_values((comp.settings or {}).get("certificate_layout")),
              **request.form.to_dict()}
    if getattr(err, "background", None):
        values["background"] = err.background
        values.pop("remove_background", None)
    return values


@bp.route("/layout", methods=["GET", "POST"])
@body_limit("CERTIFICATE_BACKGROUND_MAX_BYTES")
@roles_required(Role.ORGANISER)
def layout():
    """The certificate layout of the competition, as a form (page, background image,
    each field's position, size, alignment, shown or not); the advanced view posts the
    stored JSON overrides themselves (field "layout")."""
    import json

    from ..services import certificate_form as form
    comp = _competition()
    current = (comp.settings or {}).get("certificate_layout")
    if request.method == "GET":
        return _layout_page(comp, form.form_values(current))
    if "layout" in request.form:     # the advanced view: JSON
        text = request.form.get("layout", "").strip() or "{}"
        try:
            svc.save_certificate_layout(comp, current_user, json.loads(text))
        except json.JSONDecodeError as err:
            error = _("Not valid JSON: a mistake near line %(line)d, column %(col)d (check the "
                      "double quotes, commas and brackets there; no comma after the last item).",
                      line=err.lineno, col=err.colno)
        except svc.DocumentError as err:
            error = err.message
        else:
            flash(_("Certificate layout saved."))
            return redirect(url_for("documents.layout"))
        return _layout_page(comp, form.form_values(current), text=text, json_error=error,
                            status=400)
    try:
        overrides = _typed_layout(comp)
        svc.save_certificate_layout(comp, current_user, overrides)
    except form.LayoutFormError as err:
        return _layout_page(comp, _typed_values(comp, err), errors=err.errors, status=400)
    except svc.DocumentError as err:
        return _layout_page(comp, {**form.form_values(current), **request.form.to_dict()},
                            errors={"layout": err.message}, status=400)
    flash(_("Certificate layout saved."))
    return redirect(url_for("documents.layout"))


@bp.post("/layout/preview")
@body_limit("CERTIFICATE_BACKGROUND_MAX_BYTES")
@roles_required(Role.ORGANISER)
def layout_preview():
    """One certificate of the chosen trade, from its real data, in the layout as typed
    (not saved), with the background image even when it is not printed."""
    from ..services import certificate_form as form
    comp = _competition()
    trade = _trade(request.form.get("preview_trade") or "")
    try:
        overrides = _typed_layout(comp)
    except form.LayoutFormError as err:
        return _layout_page(comp, _typed_values(comp, err), errors=err.errors, status=400)
    from ..services.certificates import preview_certificate
    buf = io.BytesIO()
    preview_certificate(comp, trade, overrides, buf)
    buf.seek(0)
    return send_file(buf, mimetype=PDF, as_attachment=False,
                     download_name=f"{trade.name}-证书预览.pdf")


@bp.post("/layout/reset")
@roles_required(Role.ORGANISER)
def layout_reset():
    """Back to the default layout (audited; uploaded images stay on disk)."""
    svc.save_certificate_layout(_competition(), current_user, {})
    flash(_("The certificate layout is back to the default."))
    return redirect(url_for("documents.layout"))


@bp.get("/layout/sample.pdf")
@roles_required(Role.ORGANISER)
def layout_sample():
    """A fictional certificate in the saved layout (print it on the paper to check)."""
    comp = _competition()
    return _send(lambda out: svc.sample_certificate(comp, out), "证书样张.pdf", PDF)


@verify_bp.get("/verify/<serial>")
def verify(serial: str):
    """Public: is this certificate genuine and current, void, or unknown? Shows what was
    printed (name, employer, trade, award), never an ID number; nothing but "not yet
    published" while the trade's results are unpublished."""
    result = svc.verify(serial)
    status = {"genuine": 200, "void": 200, "unknown": 404, "unpublished": 200}[result.status]
    return render_template("documents/verify.html", serial=serial, result=result,
                           data=(result.certificate.data or {}) if result.certificate
                           else {}), status
