"""Shared fixtures: the app on SQLite and on PostgreSQL, a client, a CLI runner, users.

Every app test runs twice, once per backend (params of the ``app`` fixture). Set
TEST_BACKENDS=sqlite to run only SQLite while iterating locally; CI runs both and fails
if PostgreSQL cannot be reached.
"""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade

from competition import create_app
from competition.extensions import db
from competition.models import Role, User

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _pg_available() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is not reachable in CI")
        pytest.skip("PostgreSQL is not reachable")
    import psycopg
    name = f"competition_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # No waiting for the disk at each commit: a test database never outlives a server
        # crash, and the suite commits tens of thousands of times (issue 19's suite time).
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from sqlalchemy import create_engine
    create_engine(url).dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_pg_schema_ready: set[str] = set()


def make_app(database_url: str, **overrides):
    cfg = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-0123456789",
        "REDIS_URL": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt would cost seconds per test
        "RATELIMIT_ENABLED": False,  # the suite signs in thousands of times (tests/security on)
    }
    cfg.update(overrides)
    return create_app(cfg)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file built once by the migrations; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("schema") / "template.sqlite"
    application = make_app("sqlite:///" + str(path))
    with application.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(backend, tmp_path, request):
    """The application with an empty schema (built by the migrations) on the backend
    under test."""
    if backend == "sqlite":
        target = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        application = make_app("sqlite:///" + str(target),
                               EXPORT_DIR=str(tmp_path / "exports"))
    else:
        url = request.getfixturevalue("pg_database_url")
        application = make_app(url, EXPORT_DIR=str(tmp_path / "exports"))
        with application.app_context():
            if url not in _pg_schema_ready:
                upgrade()
                _pg_schema_ready.add(url)
            else:
                _truncate_all()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def _truncate_all() -> None:
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


class FreshRequestClient(FlaskClient):
    """The tests hold one app context open (so they can use db.session directly), and
    Flask then reuses it, and its ``g``, for every request. Clear what extensions cache
    in ``g`` per request (the signed-in user, the locale) so that each request, and each
    of several clients, is seen as the server would see it."""

    def open(self, *args, **kwargs):
        for key in ("_login_user", "_flask_babel"):
            g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create_user(username: str, role: Role | str, password: str = "pw-1234",
                **fields) -> User:
    user = User(username=username, role=role.value if isinstance(role, Role) else role,
                display_name=fields.pop("display_name", username), **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


class AuthActions:
    """Sign a test client in and out, as flaskr's tests do."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = "pw-1234"):
        return self._client.post("/auth/login",
                                 data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The UI is tested in Chinese: make sure the catalogs are compiled."""
    from competition.i18n import compile_all
    compile_all()


def pytest_sessionfinish(session, exitstatus):
    from tests.demo_cache import drop_templates
    drop_templates()
