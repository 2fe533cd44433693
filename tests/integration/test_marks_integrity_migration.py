"""The migration that makes one declared value per entry and attempt a database rule
(issue 13) upgrades a database where races had already stored several: the newest row
stays, the others go to the audit log, and the unique index then holds."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from competition.extensions import db
from competition.models import AuditLog, Mark
from tests.conftest import make_app
from tests.factories import build_event

BEFORE = "a14e5c0de001"


@pytest.fixture
def fresh_database_url(backend, tmp_path, request):
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path / "dedupe.sqlite")
        return
    url = request.getfixturevalue("pg_database_url")
    import psycopg
    name = url.rsplit("/", 1)[1] + "_dedupe"
    admin = url.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_duplicate_declared_values_are_reduced_to_the_newest_and_kept_in_the_audit_log(
        fresh_database_url):
    app = make_app(fresh_database_url)
    with app.app_context():
        upgrade()
        ev = build_event(n_entries=1, n_judges=3,
                         rule_file="../../scoring_rules/tea_master.toml", code="tea")
        entry_id, judges = ev["entries"][0].id, [j.id for j in ev["judges"]]
        heat_id = ev["heat"].id
        db.session.commit()
        db.session.close()
        _foreign_keys_off_on_sqlite()      # batch mode rebuilds tables on the way down
        downgrade(revision=BEFORE)
        with db.engine.begin() as conn:     # what the races used to store
            for k, (judge, value) in enumerate(zip(judges, ["0.8", "0.9", "1"])):
                conn.execute(text(
                    "INSERT INTO mark (entry_id, judge_id, criterion, attempt, value, "
                    "client_id, created_at, updated_at) VALUES (:e, :j, 'creative@difficulty',"
                    " 1, :v, :c, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"e": entry_id, "j": judge, "v": value, "c": f"legacy-{k:04d}"})
        upgrade()
        rows = db.session.scalars(select(Mark)).all()
        assert [(r.judge_id, r.value) for r in rows] == [(judges[2], "1")]
        removed = db.session.scalars(select(AuditLog).where(AuditLog.action == "mark.dedupe")
                                     .order_by(AuditLog.object_id)).all()
        assert [r.old["value"] for r in removed] == ["0.8", "0.9"]
        assert all(r.heat_id == heat_id and r.reason for r in removed)
        assert db.session.scalar(select(func.count(Mark.id))) == 1
        db.session.close()
        db.engine.dispose()


def _foreign_keys_off_on_sqlite() -> None:
    """Alembic's batch mode copies and drops SQLite tables; with foreign keys enforced
    (the app's connections) a downgrade of a table others refer to fails, as Alembic's
    documentation warns. Later migrations' downgrades run on the way to BEFORE."""
    if db.engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(db.engine, "connect")
    def _off(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")
    db.engine.dispose()
