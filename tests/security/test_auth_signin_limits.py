"""PIN guessing: sign-in is limited per client address and per account (Flask-Limiter)
before any password is hashed; an account is locked out with a growing backoff after
repeated failures (stored on the user, so every server process sees it), the chief judge
and the organiser are told, and unknown usernames cost a hash check like real ones.

The suite itself runs with the limiter off (TestConfig / make_app); these tests turn it on.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.extensions import db, limiter
from competition.models import AuditLog, User, utcnow
from competition.services import users as user_service
from tests.conftest import FreshRequestClient, make_app
from tests.factories import build_event

LOCKED_ZH = "该账号因多次登录失败已被暂时锁定"
TOO_MANY_ZH = "登录尝试过于频繁"


@pytest.fixture
def limited(app):
    """An app with the limiter on, on the ``app`` fixture's (migrated) database."""
    made = []

    def build(**overrides):
        settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                    "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
                    "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
                    "LOGIN_LIMIT_TOTAL": "1000 per minute",
                    "LOGIN_LOCKOUT_THRESHOLD": 5, "LOGIN_LOCKOUT_SECONDS": 60}
        settings.update(overrides)
        limited_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **settings)
        limited_app.test_client_class = FreshRequestClient
        made.append(limited_app)
        return limited_app
    yield build
    limiter.enabled = False
    for each in made:   # close its own connection pool (PostgreSQL: no leaked connections)
        with each.app_context():
            db.engine.dispose()


class HashCounter:
    """Counts password hash checks, wherever they are made."""

    def __init__(self, monkeypatch):
        self.calls = 0
        import competition.models as models
        for module in (models, user_service):
            original = module.check_password_hash
            monkeypatch.setattr(module, "check_password_hash", self._wrap(original))

    def _wrap(self, original):
        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)
        return counted


def attempt(client, username, password="wrong-pin", addr="10.0.0.1"):
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_the_sixth_attempt_from_one_address_is_refused_with_429_before_hashing(
        app, limited, monkeypatch):
    build_event(n_entries=1)
    client = limited(LOGIN_LIMIT_PER_ADDRESS="5 per minute").test_client()
    for k in range(5):   # different usernames: no account lockout involved
        assert attempt(client, f"nobody{k}").status_code == 401
    hashes = HashCounter(monkeypatch)
    response = attempt(client, "nobody9")
    assert response.status_code == 429
    assert TOO_MANY_ZH in response.get_data(as_text=True)
    assert response.headers.get("Retry-After")
    assert hashes.calls == 0                      # refused before any hashing
    # another address is not affected
    assert attempt(client, "nobody9", addr="10.0.0.2").status_code == 401


def test_one_account_is_limited_whatever_the_address(app, limited):
    ev = build_event(n_entries=1)
    client = limited(LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
                     LOGIN_LOCKOUT_THRESHOLD=100).test_client()
    judge = ev["judges"][0].username
    for k in range(3):
        assert attempt(client, judge, addr=f"10.0.1.{k}").status_code == 401
    response = attempt(client, judge, addr="10.0.1.99")
    assert response.status_code == 429 and TOO_MANY_ZH in response.get_data(as_text=True)
    assert attempt(client, ev["judges"][1].username, addr="10.0.1.99").status_code == 401


def test_all_sign_ins_together_are_capped_so_a_flood_cannot_starve_the_marks(
        app, limited, monkeypatch):
    """From many addresses and usernames (each under its own limits), the total still
    bounds the number of password hashes; a signed-in judge's marks are not limited."""
    ev = build_event(n_entries=1)
    lim = limited(LOGIN_LIMIT_TOTAL="4 per minute")
    judge = lim.test_client()
    assert attempt(judge, ev["judges"][0].username, "pw-1234", addr="10.7.1.1").status_code == 302
    flood = lim.test_client()
    for k in range(3):
        assert attempt(flood, f"nobody{k}", addr=f"10.7.0.{k}").status_code == 401
    hashes = HashCounter(monkeypatch)
    assert attempt(flood, "nobody-else", addr="10.7.0.99").status_code == 429
    assert hashes.calls == 0
    for _ in range(10):   # the flood goes on; marks still go through
        response = judge.post("/api/marks", json={
            "client_id": uuid.uuid4().hex[:16], "entry_id": ev["entries"][0].id,
            "criterion": "work", "value": "45.5"}, environ_base={"REMOTE_ADDR": "10.7.1.1"})
        assert response.status_code != 429 and response.status_code < 500, response.status_code


def test_an_account_is_locked_after_n_failures_and_lifts_after_the_backoff(app, limited):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    client = limited().test_client()
    for k in range(5):
        assert attempt(client, judge.username, addr=f"10.0.2.{k}").status_code == 401
    # the 6th, even with the right PIN, is refused: locked, in Chinese, with a wait
    response = attempt(client, judge.username, "pw-1234", addr="10.0.2.50")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and LOCKED_ZH in page
    assert 0 < int(response.headers["Retry-After"]) <= 60
    db.session.expire_all()
    row = db.session.get(User, judge.id)
    assert row.failed_logins == 5 and row.locked_until is not None
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "user.locked")).all()
    assert len(audit) == 1 and audit[0].object_id == judge.id
    assert audit[0].new["failures"] == 5 and audit[0].new["address"] == "10.0.2.4"
    # the backoff passes
    row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert attempt(client, judge.username, "pw-1234").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, judge.id).failed_logins == 0


def test_each_further_round_of_failures_locks_twice_as_long(app, limited):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    client = limited().test_client()
    for round_, seconds in ((1, 60), (2, 120), (3, 240)):
        for _ in range(5):
            attempt(client, judge.username)
        db.session.expire_all()
        row = db.session.get(User, judge.id)
        until = user_service._aware(row.locked_until)
        assert abs((until - utcnow()).total_seconds() - seconds) < 5, (round_, until)
        row.locked_until = utcnow() - timedelta(seconds=1)   # wait it out
        db.session.commit()


def test_a_locked_account_is_refused_without_hashing(app, limited, monkeypatch):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    judge.locked_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    client = limited().test_client()
    hashes = HashCounter(monkeypatch)
    assert attempt(client, judge.username, "pw-1234").status_code == 429
    assert hashes.calls == 0


def test_unknown_users_cost_a_hash_check_like_real_ones(app, limited, monkeypatch):
    """Not a timing assert: the unknown-user path does the same work (one hash check)."""
    ev = build_event(n_entries=1)
    client = limited().test_client()
    hashes = HashCounter(monkeypatch)
    assert attempt(client, "no-such-user").status_code == 401
    assert hashes.calls == 1
    assert attempt(client, ev["judges"][0].username).status_code == 401
    assert hashes.calls == 2
    deactivated = ev["judges"][1]
    deactivated.active = False
    db.session.commit()
    assert attempt(client, deactivated.username, "pw-1234").status_code == 401
    assert hashes.calls == 3


def test_the_organiser_sees_locked_accounts_and_unlocks_them(app, limited):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    lim = limited()
    client = lim.test_client()
    for _ in range(5):
        attempt(client, judge.username)
    organiser = lim.test_client()
    assert attempt(organiser, ev["organiser"].username, "pw-1234",
                   addr="10.9.9.9").status_code == 302
    page = organiser.get("/admin/users/").get_data(as_text=True)
    assert "以下账号因多次登录失败已被暂时锁定" in page and judge.username in page
    assert f"/auth/unlock/{judge.id}" in page
    response = organiser.post(f"/auth/unlock/{judge.id}", data={"next": "/admin/users/"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users/"
    assert attempt(client, judge.username, "pw-1234").status_code == 302
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "user.unlock"))


def test_the_chief_judge_is_told_but_cannot_unlock(app, limited):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    lim = limited()
    client = lim.test_client()
    for _ in range(5):
        attempt(client, judge.username)
    chief = lim.test_client()
    assert attempt(chief, ev["chief"].username, "pw-1234", addr="10.9.9.8").status_code == 302
    page = chief.get("/judge/chief").get_data(as_text=True)
    assert "以下账号因多次登录失败已被暂时锁定" in page and judge.username in page
    assert "/auth/unlock/" not in page
    assert chief.post(f"/auth/unlock/{judge.id}").status_code == 403


def test_a_pin_reset_lifts_the_lockout(app, limited):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    client = limited().test_client()
    for _ in range(5):
        attempt(client, judge.username)
    user_service.reset_password(ev["organiser"], db.session.get(User, judge.id))
    db.session.expire_all()
    row = db.session.get(User, judge.id)
    assert row.locked_until is None and row.failed_logins == 0


def test_redis_keeps_the_count_across_processes(app, limited):
    """With REDIS_URL the limits live in Redis: a second server process (here: a second
    app, whose limiter storage is new) sees the attempts the first one counted."""
    redis_url = "redis://127.0.0.1:6379/0"
    try:
        import redis
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception:
        pytest.skip("Redis is not reachable")
    from competition.config import Config
    assert Config({"REDIS_URL": redis_url}).RATELIMIT_STORAGE_URI == redis_url
    build_event(n_entries=1)
    user = f"nobody-{uuid.uuid4().hex[:8]}"   # a key no earlier run used
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"}
    first = limited(**settings).test_client()
    for k in range(3):
        assert attempt(first, user, addr=f"10.3.0.{k}").status_code == 401
    second = limited(**settings).test_client()
    assert attempt(second, user, addr="10.3.0.9").status_code == 429


def test_the_suite_runs_without_limits_by_default(app):
    """make_app / TestConfig keep the limiter off (the suite signs in thousands of times);
    a real start has it on."""
    from competition.config import Config, TestConfig
    assert app.config["RATELIMIT_ENABLED"] is False or app.config["TESTING"]
    assert TestConfig({}).RATELIMIT_ENABLED is False
    assert Config({}).RATELIMIT_ENABLED is True
    assert Config({}).RATELIMIT_STORAGE_URI == "memory://"
