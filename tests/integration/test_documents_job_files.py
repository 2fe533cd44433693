"""Background jobs' files in EXPORT_DIR/jobs are cleaned up: those of jobs finished longer
ago than JOB_FILES_MAX_AGE_DAYS go when a new job starts or by `export clean-jobs`, never
a running or recently finished job's. DocumentError is a ServiceError: a refusal a route
does not catch renders its message with its status, never a 500."""
import os
from datetime import timedelta

import pytest

from competition.extensions import db
from competition.models import Job, Role, utcnow
from competition.services import document_jobs as jobs
from competition.services.certificates import DocumentError, export_dir
from competition.services.errors import ServiceError
from tests.conftest import create_user

DAY = 86400


def _job(status, finished_days_ago=None, kind=jobs.KIND):
    now = utcnow()
    job = Job(kind=kind, status=status, params={},
              created_at=now - timedelta(days=30),
              finished_at=now - timedelta(days=finished_days_ago)
              if finished_days_ago is not None else None)
    db.session.add(job)
    db.session.commit()
    return job


def _file(name, age_days, job=None):
    folder = export_dir() / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.4 test")
    when = utcnow().timestamp() - age_days * DAY
    os.utime(path, (when, when))
    if job is not None:
        job.result_path = str(path)
        db.session.commit()
    return path


@pytest.fixture
def files(app):
    old_done = _job("done", 10)
    old_failed = _job("failed", 9)
    recent = _job("done", 1)
    running = _job("running")
    queued = _job("queued")
    made = {
        "old_done": _file(f"certificates-{old_done.id}.pdf", 10, old_done),
        "old_failed": _file(f"results-{old_failed.id}.xlsx", 9),
        "recent": _file(f"certificates-{recent.id}.pdf", 8, recent),  # old file, new finish
        "running": _file(f"certificates-{running.id}.pdf", 20),
        "queued": _file(f"results-{queued.id}.xlsx", 20),
        "orphan_old": _file("certificates-99999.pdf", 8),
        "orphan_new": _file("certificates-99998.pdf", 2),
        "not_ours": _file("readme.txt", 50),
    }
    made["jobs"] = {"old_done": old_done, "recent": recent}
    return made


GONE = {"old_done", "old_failed", "orphan_old"}


def _left(files):
    return {k for k, p in files.items() if k != "jobs" and p.exists()}


def test_old_finished_jobs_files_go_running_and_recent_ones_stay(files):
    deleted = jobs.clean_job_files()                       # default: 7 days
    assert {p.name for p in deleted} == {files[k].name for k in GONE}
    assert _left(files) == set(files) - GONE - {"jobs"}
    job = db.session.get(Job, files["jobs"]["old_done"].id)
    assert job.result_path is None and job.params["file_deleted_at"]
    assert jobs.job_state(job)["file_deleted"] is True
    assert jobs.clean_job_files() == []                    # nothing twice


def test_the_age_is_configurable(app, files):
    app.config["JOB_FILES_MAX_AGE_DAYS"] = 30
    assert jobs.clean_job_files() == []
    assert len(_left(files)) == len(files) - 1
    app.config["JOB_FILES_MAX_AGE_DAYS"] = 0.5
    jobs.clean_job_files()
    # the job finished a day ago now goes; running and queued jobs' files never
    assert _left(files) == {"running", "queued", "not_ours"}


def test_starting_a_job_cleans_up_first(files, monkeypatch):
    ran = []
    monkeypatch.setattr(jobs, "run_job", lambda app, job_id: ran.append(job_id))
    from competition.models import Competition
    comp = Competition(code="c1", name="测试大赛", year=2026)
    db.session.add(comp)
    db.session.commit()
    job = jobs.start_results_job(comp, None, run_in_thread=False)
    assert ran == [job.id]
    assert _left(files) == set(files) - GONE - {"jobs"}


def test_the_cli_command_takes_an_age_in_days(files, runner):
    result = runner.invoke(args=["export", "clean-jobs", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "3 old job file(s) deleted" in result.output
    assert _left(files) == set(files) - GONE - {"jobs"}
    result = runner.invoke(args=["export", "clean-jobs", "--days", "0.5"])
    assert "2 old job file(s) deleted" in result.output     # finished a day ago; 2-day orphan
    assert _left(files) == {"running", "queued", "not_ours"}


def test_a_deleted_file_is_explained_with_status_410_not_a_500(files, client, auth):
    create_user("org", Role.ORGANISER)
    auth.login("org")
    jobs.clean_job_files()
    job_id = files["jobs"]["old_done"].id
    resp = client.get(f"/admin/documents/jobs/{job_id}/download")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 410 and "已删除" in html and "重新" in html
    page = client.get(f"/admin/documents/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-deleted"' in page and "下载" not in page.split('id="job"')[1]
    with client.get(f"/admin/documents/jobs/{files['jobs']['recent'].id}/download") as ok:
        assert ok.status_code == 200


def test_document_error_is_a_service_error_with_its_status_and_message(app):
    err = DocumentError("Certificate %(serial)s is void already.", serial="2026-X-0001")
    assert isinstance(err, ServiceError) and err.status == 409
    assert str(err) == err.message == "Certificate 2026-X-0001 is void already."
    assert err.to_dict() == {"error": err.message, "field": None}
    assert DocumentError("Give a reason.", 400).status == 400
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert err.message == "证书 2026-X-0001 已经作废。"       # translated in a request
