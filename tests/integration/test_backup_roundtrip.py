"""Backup and restore move a whole competition between SQLite and PostgreSQL, both ways:
the demo event with marks, a correction, an appeal, a signed-off heat, issued and
re-issued certificates, a confirmed promotion list and an uploaded background, backed up
on one backend and restored into an empty database of the other, gives the same
standings, audit trail, certificate verification pages, results workbook and, dumped
again, byte-identical tables."""
import io
import json
import os
import re
import uuid
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition.demo import DemoSize, load_demo
from competition.extensions import db
from competition.models import AuditLog, Certificate, Competition, Heat, Mark, Trade, User
from competition.services import documents as docs
from competition.services.backup import read_manifest, write_backup
from competition.services.backup_restore import restore_backup
from competition.services.standings import trade_standings
from tests.conftest import PG_ADMIN_URL, FreshRequestClient, make_app


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _trade(code):
    return db.session.scalar(select(Trade).where(Trade.code == code))


def build_event():
    """The demo (small) plus every kind of row a real event makes."""
    from competition.services import promotions
    from competition.services.certificate_form import background_dir
    from competition.services.heats import lock_heat
    from competition.services.marks import correct_mark, record_appeal_decision
    comp, _ = load_demo(DemoSize(big=40, small=8))
    admin, lathe = _user("admin"), _trade("lathe")
    mark = db.session.scalar(select(Mark).join(Mark.entry).join(Heat)
                             .where(Heat.stage_id == lathe.stages[0].id).order_by(Mark.id))
    heat_id = mark.entry.heat_id
    correct_mark(_user("chief_lathe"), heat_id=heat_id, mark_id=mark.id,
                 value=mark.value, reason="复核：笔误")
    entry_id = mark.entry_id
    record_appeal_decision(_user("arbitration"), heat_id=heat_id, entry_id=entry_id,
                           decision="upheld", reason="申诉成立，复测")
    correct_mark(_user("arbitration"), heat_id=heat_id, mark_id=mark.id, kind="appeal",
                 value=mark.value, reason="申诉复测")
    lock_heat(_user("chief_lathe"), heat_id)
    issued = docs.issue_certificates(lathe, admin)
    docs.reissue_certificate(issued[0], admin, "姓名错字")
    promotions.propose(lathe, admin)
    promotions.confirm(lathe, admin, results_not_final={"test": True})
    (background_dir() / "bg-test.png").write_bytes(b"\x89PNG fake scan \x00\xff")
    comp = db.session.get(Competition, comp.id)
    comp.settings = {**(comp.settings or {}), "note": None, "timezone": "Asia/Shanghai"}
    db.session.commit()
    return comp


def observed(client) -> dict:
    """What people see: standings of every stage, the audit trail, verification pages,
    the results workbook's cells."""
    out = {"standings": {}, "verify": {}}
    for trade in db.session.scalars(select(Trade).order_by(Trade.code)):
        for stage in trade.stages:
            ts = trade_standings(trade, stage)
            out["standings"][(trade.code, stage.seq)] = [r.to_dict() for r in ts.standings.rows]
    out["audit"] = [(a.id, a.at.replace(tzinfo=None), a.user_id, a.action, a.object_type,
                     a.object_id, a.old, a.new, a.reason)
                    for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    for cert in db.session.scalars(select(Certificate).order_by(Certificate.id)):
        page = client.get(f"/verify/{cert.serial}")
        html = re.sub(r'name="csrf-token" content="[^"]*"', "", page.get_data(as_text=True))
        out["verify"][cert.serial] = (page.status_code, html)
    comp = db.session.scalar(select(Competition))
    data = docs.results_data(comp)
    data.generated_at = "fixed"
    buf = io.BytesIO()
    docs.write_results_workbook(comp, buf, data)
    wb = load_workbook(io.BytesIO(buf.getvalue()), read_only=True)
    out["workbook"] = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                       for ws in wb.worksheets}
    db.session.rollback()
    return out


@pytest.fixture
def other_backend(backend, tmp_path):
    """An empty database (no schema) on the other backend than the source's."""
    if backend == "postgresql":
        yield "sqlite:///" + str(tmp_path / "restored.sqlite")
        return
    import psycopg
    admin = PG_ADMIN_URL.replace("+psycopg", "")
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception:
        if os.environ.get("CI"):
            raise
        pytest.skip("PostgreSQL is not reachable")
    name = f"competition_restore_{uuid.uuid4().hex[:10]}"
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tables_of(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        return {t["name"]: (t["rows"], t["sha256"]) for t in manifest["tables"]}


def test_a_backup_restored_on_the_other_backend_shows_the_same_event(
        app, client, backend, other_backend, tmp_path):
    build_event()
    before = observed(client)
    first = write_backup(tmp_path / "event.zip")
    assert read_manifest(first.path)["backend"] == ("sqlite" if backend == "sqlite"
                                                    else "postgresql")
    target = make_app(other_backend, EXPORT_DIR=str(tmp_path / "target-exports"))
    target.test_client_class = FreshRequestClient
    with target.app_context():
        try:
            summary = restore_backup(first.path)
            assert summary.rows == first.rows and summary.files == 1
            after = observed(target.test_client())
            second = write_backup(tmp_path / "again.zip")
            # new rows get fresh ids after the restored ones (PostgreSQL sequences reset)
            extra = AuditLog(action="test.after_restore", object_type="x")
            db.session.add(extra)
            db.session.commit()
            assert extra.id == max(a[0] for a in after["audit"]) + 1
        finally:
            db.session.remove()
            db.engine.dispose()
    assert (tmp_path / "target-exports" / "backgrounds" / "bg-test.png").read_bytes() == \
        b"\x89PNG fake scan \x00\xff"
    assert after["standings"] == before["standings"]
    assert after["audit"] == before["audit"]
    assert after["verify"] == before["verify"]
    assert after["workbook"] == before["workbook"]
    # every value of every table round-trips exactly (datetimes, decimals, JSON, NULLs)
    assert tables_of(second.path) == tables_of(first.path)
    kinds = {a[3] for a in before["audit"]}
    assert {"mark.correct", "appeal.decision", "heat.lock", "mark.appeal", "certificate.issue",
            "certificate.void", "promotion.confirm"} <= kinds, kinds
