"""The publish point's real asynchronous path (issue 19): the publisher's worker thread,
not PUBLISH_SYNC. Judges' marks return before any standings work; a burst of one trade's
changes becomes one new version; screens that apply diffs as live.js does end on exactly
the standings a fresh snapshot shows; real threads on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time

import pytest

from competition import live
from competition.extensions import db, socketio
from competition.models import Trade, User
from competition.publish import EXTENSION, Publisher
from competition.services import marks as mark_service
from tests.factories import build_event


@pytest.fixture
def publisher(app):
    """The app's publisher in its production mode: a worker, coalescing rounds."""
    pub = Publisher(app, sync=False, interval=0.05)
    app.extensions[EXTENSION] = pub
    return pub


def wait_idle(pub: Publisher, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pub.pending() and pub._busy.acquire(blocking=False):
            pub._busy.release()
            if not pub.pending():
                db.session.expire_all()
                return
        time.sleep(0.02)
    raise AssertionError(f"the publisher did not finish: {pub.pending()}")


def version(trade_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Trade, trade_id).standings_version


class Screen:
    """live.js's protocol: keep a snapshot; a diff applies only on its base; otherwise
    ask for a resync."""

    def __init__(self, app, client, trade_id: int):
        self.sio = socketio.test_client(app, flask_test_client=client)
        self.trade_id, self.snap, self.versions, self.resyncs = trade_id, None, [], 0
        assert self.sio.emit("join", {"trade": trade_id}, callback=True)["ok"] is True
        self.take()

    def take(self) -> None:
        for m in self.sio.get_received():
            msg = m["args"][0]
            if m["name"] == "standings" and msg["trade"]["id"] == self.trade_id:
                if self.snap is None or msg["version"] >= self.snap["version"]:
                    self.snap = msg
                    self.versions.append(msg["version"])
            elif m["name"] == "standings_diff" and msg["trade_id"] == self.trade_id:
                if self.snap is not None and msg["base"] == self.snap["version"]:
                    rows = {r["key"]: r for r in self.snap["rows"]}
                    rows.update({r["key"]: r for r in msg["rows"]})
                    self.snap = {**self.snap, "version": msg["version"],
                                 "rows": [rows[k] for k in msg["order"]]}
                    self.versions.append(msg["version"])
                else:
                    self.resyncs += 1
                    self.sio.emit("resync", {"trade": self.trade_id}, callback=True)
                    self.take()

    def shown(self) -> list[tuple]:
        return [(r["key"], r["rank"], r["total"]) for r in self.snap["rows"]]


def fresh(trade_id: int) -> list[tuple]:
    live.state().cache.clear()
    snap = live.snapshot(live.load_trade(trade_id))
    return [(r["key"], r["rank"], r["total"]) for r in snap["rows"]]


def test_the_judges_answer_does_not_wait_for_the_standings(app, client, auth, publisher):
    ev = build_event(n_entries=3, blind=False)
    trade_id = ev["trade"].id
    screen = Screen(app, client, trade_id)
    auth.login(ev["judges"][0].username)
    with publisher._busy:          # the worker is held: no round can run meanwhile
        r = client.post("/api/marks", json={"entry_id": ev["entries"][0].id,
                                            "criterion": "exam", "value": "80",
                                            "client_id": "async-0001"})
        assert r.status_code == 201, r.json
        assert version(trade_id) == 0 and publisher.pending() == [trade_id]
        screen.take()
        assert screen.versions == [0]
    wait_idle(publisher)
    assert version(trade_id) == 1
    screen.take()
    assert screen.versions == [0, 1] and screen.shown() == fresh(trade_id)


def test_a_burst_of_one_trades_marks_is_one_version_and_one_publish(app, client, publisher):
    ev = build_event(n_entries=6, blind=False)
    trade_id = ev["trade"].id
    screen = Screen(app, client, trade_id)
    with publisher._busy:          # the burst arrives while a round is in progress
        for i, entry in enumerate(ev["entries"]):
            for judge in ev["judges"]:
                mark_service.record_mark(judge, entry_id=entry.id, address="work",
                                         value=str(30 + i), client_id=f"burst-{entry.id:04d}-{judge.id:04d}")
        assert publisher.pending() == [trade_id]
    rounds = publisher.rounds
    wait_idle(publisher)
    assert version(trade_id) == 1 and publisher.rounds == rounds + 1
    screen.take()
    assert screen.versions == [0, 1] and screen.shown() == fresh(trade_id)


def test_judges_in_threads_end_with_every_screen_on_the_fresh_standings(app, client, publisher):
    """Real threads, each a judge writing through the service while the worker publishes;
    the versions a screen sees only grow, and applying them as live.js does ends on the
    standings a fresh computation gives (no change lost between the commit and the
    publish)."""
    ev = build_event(n_entries=6, blind=False)
    trade_id = ev["trade"].id
    screen = Screen(app, client, trade_id)
    judge_ids = [j.id for j in ev["judges"]]
    entry_ids = [e.id for e in ev["entries"]]
    errors: list = []

    def judge(k: int, judge_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, judge_id)
                for rnd in range(4):
                    for n, entry_id in enumerate(entry_ids):
                        value = str(20 + (k * 7 + n * 3 + rnd * 5) % 40)
                        mark_service.record_mark(user, entry_id=entry_id, address="work",
                                                 value=value, seq=rnd + 1,
                                                 client_id=f"thread-{judge_id}-{entry_id}-{rnd}")
                        if judge_id == judge_ids[0]:
                            mark_service.record_mark(user, entry_id=entry_id, address="exam",
                                                     value=str(50 + rnd * 10 + n), seq=rnd + 1,
                                                     client_id=f"exam-{entry_id:04d}-{rnd}")
            except Exception as err:  # noqa: BLE001 - reported below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=judge, args=(k, j)) for k, j in enumerate(judge_ids)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        screen.take()               # the screen reads while the judges write
        time.sleep(0.01)
    for t in threads:
        t.join()
    assert errors == []
    wait_idle(publisher)
    screen.take()
    final = version(trade_id)
    assert screen.versions == sorted(set(screen.versions))      # only ever newer
    assert screen.snap["version"] == final
    assert final <= publisher.versions                           # one version per round
    assert screen.shown() == fresh(trade_id)


def test_a_database_that_cannot_be_reached_keeps_the_trade_pending(app, client, publisher,
                                                                  monkeypatch):
    from sqlalchemy.exc import OperationalError

    from competition import publish
    ev = build_event(n_entries=2, blind=False)
    trade_id = ev["trade"].id
    screen = Screen(app, client, trade_id)
    monkeypatch.setattr(publish, "RETRY_S", 0.05)
    real, failures = publish.bump_versions, []

    def down_twice(ids):
        if len(failures) < 2:
            failures.append(ids)
            raise OperationalError("UPDATE trade", {}, Exception("connection refused"))
        real(ids)
    monkeypatch.setattr(publish, "bump_versions", down_twice)
    mark_service.record_mark(ev["judges"][0], entry_id=ev["entries"][0].id,
                             address="exam", value="70", client_id="down-0001")
    deadline = time.monotonic() + 30
    while version(trade_id) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    wait_idle(publisher)
    assert failures == [[trade_id], [trade_id]] and version(trade_id) == 1
    screen.take()
    assert screen.versions == [0, 1] and screen.shown() == fresh(trade_id)
