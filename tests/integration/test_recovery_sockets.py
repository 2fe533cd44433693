"""Recovery on the live path: a screen that joins while the database cannot be reached
gets an answer and gets its standings once it is back; every Socket.IO handler answers a
missing or malformed payload, and a client that has already gone, without raising.

The outage is real: on PostgreSQL the test database stops accepting connections and
every backend of it is terminated; on SQLite the database file's folder is moved away
and the pooled connections closed (a file that cannot be opened)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from flask import g, request

from competition import live
from competition.extensions import db, socketio
from tests.conftest import PG_ADMIN_URL
from tests.factories import build_event


@contextlib.contextmanager
def database_outage(app):
    """The application's database cannot be reached inside the block."""
    url = db.engine.url
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database).parent
        away = folder.with_name(folder.name + ".away")
        db.engine.dispose()
        os.rename(folder, away)
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()
            os.rename(away, folder)
        return
    import psycopg
    name = url.database
    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            db.session.remove()


def received(sio, name=None):
    return [m for m in sio.get_received() if name is None or m["name"] == name]


def test_a_screen_joining_during_an_outage_is_told_to_retry_and_then_gets_the_standings(
        app, client):
    ev = build_event(n_entries=3, blind=False)
    trade_id = ev["trade"].id
    sio = socketio.test_client(app, flask_test_client=client)
    with database_outage(app):
        ack = sio.emit("join", {"trade": trade_id}, callback=True)
        assert ack["error"] == "unavailable" and ack["retry"] is True and ack["retry_ms"] > 0
        (told,) = received(sio)
        assert told["name"] == "unavailable" and told["args"][0]["retry"] is True
        # not in the room while it has no snapshot: a diff would have no base
        assert sio.emit("resync", {"trade": trade_id}, callback=True)["error"] == \
            "unavailable"
        sio.get_received()
    ack = sio.emit("join", {"trade": trade_id}, callback=True)      # the client's retry
    assert ack == {"ok": True, "version": 0}
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert [r["name"] for r in snap["rows"]] == ["测试选手1", "测试选手2", "测试选手3"]


def test_a_competition_room_and_the_organisers_progress_are_answered_during_an_outage(
        app, client, auth):
    ev = build_event(n_entries=2, blind=False)
    cid = ev["competition"].id
    auth.login(ev["organiser"].username)
    organiser = socketio.test_client(app, flask_test_client=client, auth={"view": "admin"})
    assert organiser.is_connected()
    public = socketio.test_client(app, flask_test_client=client)
    with database_outage(app):
        assert public.emit("join", {"competition": cid}, callback=True)["error"] == \
            "unavailable"
        assert organiser.emit("join", {"admin": cid}, callback=True)["error"] == \
            "unavailable"
        # a new organiser connection cannot be checked now: refused, not raised (the
        # test's one app context caches the user in g, as FreshRequestClient explains)
        g.pop("_login_user", None)
        late = socketio.test_client(app, flask_test_client=client, auth={"view": "admin"})
        assert not late.is_connected()
    public.get_received()
    organiser.get_received()
    assert public.emit("join", {"competition": cid}, callback=True) == {"ok": True}
    assert len(received(public, "standings")) == 1
    assert organiser.emit("join", {"admin": cid}, callback=True) == {"ok": True}
    assert len(received(organiser, "progress")) == 1


BAD_PAYLOADS = [
    (), (None,), ([1, 2],), ("trade",), (2**70,), ({"trade": 2**70},), ({"trade": -3},),
    ({"trade": 1.5},), ({"trade": True},), ({"trade": "1e9"},), ({"trade": {"$gt": 0}},),
    ({"competition": 2**70},), ({"competition": "x"},), ({},), ({"other": 1},),
]


@pytest.mark.parametrize("event", ["join", "leave", "resync"])
def test_every_handler_answers_a_malformed_payload_with_an_error(app, client, event):
    """No payload, not an object, a huge number, text, a fraction...: an error answer,
    never an exception in a server thread (the test client would raise it here)."""
    build_event(n_entries=1, blind=False)
    sio = socketio.test_client(app, flask_test_client=client)
    for args in BAD_PAYLOADS:
        ack = sio.emit(event, *args, callback=True)
        assert set(ack) == {"error"}, (args, ack)
    assert received(sio, "standings") == []
    # an extra argument next to a valid payload is ignored
    assert "error" not in sio.emit(event, {"trade": 1}, {"extra": 1}, callback=True)


def test_an_organisers_join_with_a_bad_competition_is_an_error(app, client, auth):
    ev = build_event(n_entries=1)
    auth.login(ev["organiser"].username)
    sio = socketio.test_client(app, flask_test_client=client, auth={"view": "admin"})
    for bad in (2**70, "x", None, -1, 999):
        assert sio.emit("join", {"admin": bad}, callback=True) == \
            {"error": "unknown competition"}
    assert received(sio, "progress") == []


def _as_gone_client(app, sid: str):
    """A request context for an event of ``sid`` handled after that client left."""
    ctx = app.test_request_context("/socket.io")
    ctx.push()
    request.sid, request.namespace = sid, "/"
    return ctx


@pytest.mark.parametrize("payload", [
    pytest.param(("join", {"trade": None}), id="join a trade"),
    pytest.param(("join", {"competition": None}), id="join a competition"),
    pytest.param(("leave", {"trade": None}), id="leave"),
    pytest.param(("resync", {"trade": None}), id="resync"),
])
def test_an_event_handled_after_its_client_has_gone_is_answered(app, client, payload):
    """The screen closed right after sending: its event is handled after its disconnect,
    while other screens are still connected (python-socketio then raises KeyError, not
    the ValueError of an empty namespace)."""
    ev = build_event(n_entries=2, blind=False)
    event, data = payload
    data = {k: (ev["trade"].id if k == "trade" else ev["competition"].id) for k in data}
    other = socketio.test_client(app, flask_test_client=client)
    gone = socketio.test_client(app, flask_test_client=client)
    sid = socketio.server.manager.sid_from_eio_sid(gone.eio_sid, "/")
    gone.disconnect()
    handler = {"join": live.on_join, "leave": live.on_leave, "resync": live.on_resync}[event]
    ctx = _as_gone_client(app, sid)
    try:
        answer = handler(data)
    finally:
        ctx.pop()
    if event == "join":
        assert answer == {"error": "disconnected"}
    else:
        assert answer.get("ok") is True
    assert other.is_connected()
    assert not socketio.server.manager.rooms["/"].get(live.trade_room(ev["trade"].id))


def test_a_screens_periodic_check_gets_a_snapshot_only_when_something_is_newer(app, client):
    """A message lost on the way (the message queue was down) must not leave a quiet
    screen behind for good: live.js asks now and then with its version."""
    from competition.services.standings import bump_version, trade_changed
    ev = build_event(n_entries=2, blind=False)
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.emit("join", {"trade": ev["trade"].id}, callback=True)["version"] == 0
    sio.get_received()
    assert sio.emit("resync", {"trade": ev["trade"].id, "version": 0}, callback=True) == \
        {"ok": True, "version": 0, "current": True}
    assert received(sio) == []
    bump_version(ev["trade"].id)        # a change whose message this screen never got
    ack = sio.emit("resync", {"trade": ev["trade"].id, "version": 0}, callback=True)
    assert ack == {"ok": True, "version": 1}
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["version"] == 1
    trade_changed(ev["trade"].id)
    assert [m["args"][0]["version"] for m in received(sio)] == [2]


def test_versions_published_by_another_process_make_the_next_publish_a_snapshot(
        app, client):
    """With several server processes each knows only its own last publish: a diff from
    it would name a base the screens no longer hold, and all of them would resync."""
    from competition.services.standings import bump_version, trade_changed
    ev = build_event(n_entries=2, blind=False)
    sio = socketio.test_client(app, flask_test_client=client)
    sio.emit("join", {"trade": ev["trade"].id}, callback=True)
    trade_changed(ev["trade"].id)                       # version 1, published here
    sio.get_received()
    bump_version(ev["trade"].id)                        # version 2: another process's
    trade_changed(ev["trade"].id)                       # version 3, published here
    (msg,) = received(sio)
    assert (msg["name"], msg["args"][0]["version"]) == ("standings", 3)
