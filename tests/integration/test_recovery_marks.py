"""Recovery on the mark path: a mark post that meets a lost database connection is stored
and says so, or stores nothing and says to retry (503, never a 500), and the tablet's
retry with the same client id is safe. Real outages and real connection kills, no mocks."""
from __future__ import annotations

import random
import threading
import time
import uuid

import pytest

from competition.dbfaults import discard_session
from competition.extensions import db
from competition.models import Mark
from tests.conftest import PG_ADMIN_URL, FreshRequestClient
from tests.factories import build_event
from tests.integration.test_recovery_sockets import database_outage


def signed_in(app, judge):
    app.test_client_class = FreshRequestClient
    web = app.test_client()
    assert web.post("/auth/login", data={"username": judge.username,
                                         "password": "pw-1234"}).status_code in (200, 302)
    return web


def test_a_mark_posted_during_an_outage_is_refused_with_retry_and_stored_once_after(app):
    ev = build_event(n_entries=2, blind=False)
    web = signed_in(app, ev["judges"][0])
    body = {"entry_id": ev["entries"][0].id, "criterion": "exam", "value": "88",
            "client_id": uuid.uuid4().hex}
    with database_outage(app):
        res = web.post("/api/marks", json=body)
        assert res.status_code == 503
        assert res.headers["Retry-After"]
        answer = res.get_json()
        assert answer["retry"] is True and answer["stored"] is False
        assert "nothing was stored" in answer["error"] or "未保存" in answer["error"]
        page = web.get("/judge/")                     # a page: an error page, not a 500
        assert page.status_code == 503 and "503" in page.get_data(as_text=True)
    first = web.post("/api/marks", json=body)         # the tablet's retry, same client id
    again = web.post("/api/marks", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["status"] == "duplicate"
    assert db.session.scalars(db.select(Mark.value)).all() == ["88"]


class Killer(threading.Thread):
    """Terminates every backend of the test database (but its own) again and again, at
    random moments: connections drop before, inside and during the COMMIT of requests."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database, self.stop, self.killed = database, threading.Event(), 0

    def run(self):
        import psycopg
        rng = random.Random(15)
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                    "datname = %s AND pid <> pg_backend_pid() AND "
                    "backend_type = 'client backend'", (self.database,)).fetchall()
                self.killed += len(rows)
                time.sleep(rng.uniform(0.02, 0.25))


def test_marks_posted_while_connections_are_killed_are_stored_exactly_once(app, backend):
    """Every acknowledged mark is stored once; the others got a 503 and their retries
    (same client id, as the tablet sends them) store them; no 500 at all."""
    if backend != "postgresql":
        pytest.skip("connections are killed on the database server: PostgreSQL")
    ev = build_event(n_entries=6, blind=False)
    judges = [signed_in(app, j) for j in ev["judges"]]
    judge_ids = [j.id for j in ev["judges"]]
    posts = []     # (judge index, body): a first value, then a changed one, per slot
    for round_ in range(2):
        for i, entry in enumerate(ev["entries"]):
            for j in range(3):
                criterion = "work" if j or round_ else "exam"
                value = str(10 + i + j + round_ * 20)
                posts.append((j, {"entry_id": entry.id, "criterion": criterion,
                                  "value": value, "client_id": uuid.uuid4().hex}))
    killer = Killer(db.engine.url.database)
    statuses: dict[int, int] = {}
    killer.start()
    try:
        for j, body in posts:
            for _ in range(200):           # the tablet's queue: retried until answered
                res = judges[j].post("/api/marks", json=body)
                statuses[res.status_code] = statuses.get(res.status_code, 0) + 1
                assert res.status_code in (200, 201, 503), res.get_data(as_text=True)[:300]
                if res.status_code != 503:
                    assert res.get_json()["mark"]["value"] == body["value"]
                    break
                assert res.get_json()["retry"] is True
            else:
                pytest.fail("a mark was never stored")
    finally:
        killer.stop.set()
        killer.join(5)
    # the test's own session may hold a connection the killer ended after the last answer:
    # drop it (never raises) and the pool's other dead connections, then read afresh
    discard_session()
    db.engine.dispose()
    assert killer.killed > 0
    stored = db.session.execute(db.select(Mark.entry_id, Mark.criterion, Mark.judge_id,
                                          Mark.value)).all()
    expected = {}
    for j, body in posts:      # the last value per slot wins
        expected[(body["entry_id"], body["criterion"], judge_ids[j])] = body["value"]
    assert len(stored) == len(expected), "a mark was stored twice or lost"
    assert {(e, c, j): v for e, c, j, v in stored} == expected
    print(f"\nposts: {len(posts)}, answers: {statuses}, backends killed: {killer.killed}")
