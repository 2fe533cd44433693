"""The attack on the default setup: a cookie signed with the key printed in the source.

`./run.sh start` and `flask serve` build the app with ``create_app()`` and whatever the
environment holds, listening on every interface. Before this fix that meant signing with
config.DEFAULT_SECRET_KEY, so anyone on the venue LAN could forge an organiser's session
or remember-me cookie. The app here is built the same way (no SECRET_KEY in the
environment), on a temporary instance folder and the backend under test.
"""
from __future__ import annotations

import os
import stat

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_login.utils import encode_cookie

from competition import create_app
from competition.config import DEFAULT_SECRET_KEY, Config, ConfigError
from competition.models import Role
from tests.conftest import create_user

SOURCE_KEY_LITERAL = "dev-only-change-me"   # the literal as it stood in config.py


def session_cookie(secret_key: str, payload: dict) -> str:
    """A Flask session cookie signed with ``secret_key``, as the attacker builds it."""
    forger = Flask("forger")
    forger.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(payload)


def remember_cookie(secret_key: str, user_id: str) -> str:
    """A remember-me cookie the way Flask-Login builds it ("<id>|<hmac-sha512>")."""
    forger = Flask("forger")
    forger.config["SECRET_KEY"] = secret_key
    with forger.app_context():
        return encode_cookie(user_id)


@pytest.fixture
def served_app(app, tmp_path, monkeypatch):
    """The app as `flask serve` creates it: create_app() from the environment alone, no
    SECRET_KEY, on the database of the ``app`` fixture (migrated, either backend)."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("COMPETITION_ENV", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    served = create_app()
    yield served
    dispose(served)


def dispose(application) -> None:
    """Close the connection pool of an app made here (PostgreSQL: no leaked sockets)."""
    from competition.extensions import db
    with application.app_context():
        db.engine.dispose()


def attack(served, user_id: str, key: str):
    client = served.test_client()
    client.set_cookie("session", session_cookie(key, {"_user_id": user_id, "_fresh": True}))
    client.set_cookie("remember_token", remember_cookie(key, user_id))
    return client.get("/admin/users/")


def refused(response) -> bool:
    return response.status_code in (401, 403) or (
        response.status_code == 302 and "/auth/login" in response.headers["Location"])


def test_the_key_in_the_source_is_the_one_the_attack_used():
    assert DEFAULT_SECRET_KEY == SOURCE_KEY_LITERAL


def test_a_session_and_remember_cookie_signed_with_the_source_key_are_refused(served_app):
    organiser = create_user("admin", Role.ORGANISER)
    for key in {DEFAULT_SECRET_KEY, SOURCE_KEY_LITERAL}:
        for user_id in (str(organiser.id), organiser.get_id()):
            response = attack(served_app, user_id, key)
            assert refused(response), (key, user_id, response.status_code)


def test_the_served_app_signs_with_a_key_of_its_own_kept_owner_only(served_app, tmp_path):
    key = served_app.config["SECRET_KEY"]
    assert key not in (DEFAULT_SECRET_KEY, SOURCE_KEY_LITERAL) and len(key) >= 32
    path = tmp_path / "instance" / "secret_key"
    assert path.read_text().strip() == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the next start reuses it (sessions survive a restart)
    again = create_app()
    assert again.config["SECRET_KEY"] == key
    dispose(again)


def test_only_a_cookie_signed_with_the_instance_key_and_the_current_token_opens(served_app):
    """The control: the refusal above is about the key, not a broken test. With the real
    key a bare id still fails (no session token); id and token succeed."""
    organiser = create_user("admin", Role.ORGANISER)
    key = served_app.config["SECRET_KEY"]
    assert refused(attack(served_app, str(organiser.id), key))
    assert attack(served_app, organiser.get_id(), key).status_code == 200


def test_an_explicit_secret_key_in_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    application = create_app()
    assert application.config["SECRET_KEY"] == "k" * 40
    dispose(application)
    assert not (tmp_path / "inst" / "secret_key").exists()


@pytest.mark.parametrize("env", [
    {"COMPETITION_ENV": "production"},
    {"COMPETITION_ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY},
    {"SECRET_KEY": DEFAULT_SECRET_KEY},                       # embedded mode too
])
def test_no_key_in_production_or_the_source_key_anywhere_refuses_to_start(env, tmp_path):
    env = {**env, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
           "INSTANCE_PATH": str(tmp_path / "inst")}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config(env))
