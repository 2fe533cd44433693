"""Migrations build the same schema as the models, on an empty SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from competition.extensions import db
from tests.conftest import make_app


@pytest.fixture
def empty_database_url(backend, tmp_path, request):
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite")
        return
    url = request.getfixturevalue("pg_database_url")
    import psycopg
    name = url.rsplit("/", 1)[1] + "_mig"
    admin = url.rsplit("/", 1)[0].replace("+psycopg", "") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_have_a_single_head():
    app = make_app("sqlite://")
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1, script.get_heads()


def test_migrations_apply_to_an_empty_database_and_match_the_models(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(ctx, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
