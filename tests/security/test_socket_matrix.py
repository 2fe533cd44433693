"""Every role x every Socket.IO event: who may and who may not, and what nobody is shown.

The routes' matrix is tests/integration/test_authorisation_matrix.py; this is the same for
the socket. Rooms: a trade's standings and a competition's (public, blind-safe: the
LED screens and phones join them without signing in) and the organiser's progress room
(organisers only). Whatever the role, a blind trade's snapshot shows no names or
employers before publication, and no payload ever carries an ID-card number.
"""
from __future__ import annotations

import json

import pytest
from flask import g

from competition.extensions import db, socketio
from competition.models import Role
from tests.conftest import FreshRequestClient, create_user
from tests.factories import build_event

ANON, PUBLIC, SCREEN = "anonymous", "public", "screen"
JUDGE, OTHER_JUDGE, CHIEF, ARB, ORG = ("judge of the trade", "judge of another trade",
                                       "chief", "arbitration", "organiser")
ROLES = [ANON, PUBLIC, SCREEN, JUDGE, OTHER_JUDGE, CHIEF, ARB, ORG]
EVERYONE = set(ROLES)

# event -> roles allowed
MATRIX = {
    "connect": EVERYONE,
    "connect as admin view": {ORG},
    "join trade": EVERYONE,
    "join competition": EVERYONE,
    "join admin": {ORG},
    "resync": EVERYONE,
    "leave": EVERYONE,
}


@pytest.fixture
def world(app):
    ev = build_event(n_entries=3, blind=True)
    other = build_event(n_entries=1, code="other", competition=ev["competition"], blind=False)
    users = {
        JUDGE: ev["judges"][0], OTHER_JUDGE: other["judges"][0], CHIEF: ev["chief"],
        ORG: ev["organiser"],
        ARB: create_user("arb", Role.ARBITRATION),
        SCREEN: create_user("screen1", Role.SCREEN),
    }
    return ev, users


def http_client(app, role, users):
    app.test_client_class = FreshRequestClient
    client = app.test_client()
    if role == PUBLIC:   # a phone that opened the public page (a session, not signed in)
        assert client.get("/?lang=zh_CN").status_code == 200
    elif role != ANON:
        response = client.post("/auth/login", data={"username": users[role].username,
                                                    "password": "pw-1234"})
        assert response.status_code == 302, role
    return client


def socket_for(app, client, auth=None):
    """A socket sharing ``client``'s cookies. The test holds one app context, whose ``g``
    would still hold the user the last HTTP request loaded: clear it, as the server
    starts every connection afresh."""
    g.pop("_login_user", None)
    return socketio.test_client(app, flask_test_client=client, auth=auth)


def connect(app, role, users, auth=None):
    return socket_for(app, http_client(app, role, users), auth)


def refused(ack) -> bool:
    return isinstance(ack, dict) and "error" in ack and not ack.get("ok")


def assert_nothing_secret(messages, ev):
    """No ID number anywhere; the blind trade's rows carry no names or employers."""
    text = json.dumps(messages, ensure_ascii=False)
    for entry in ev["entries"]:
        assert entry.contestant.id_number not in text
    for message in messages:
        for snap in message["args"]:
            if isinstance(snap, dict) and snap.get("trade", {}).get("id") == ev["trade"].id:
                for row in snap.get("rows", []):
                    assert row.get("name") is None and row.get("employer") is None, row


@pytest.mark.parametrize("role", ROLES)
def test_connect(app, world, role):
    ev, users = world
    sio = connect(app, role, users)
    assert sio.is_connected() is (role in MATRIX["connect"])
    sio.disconnect()


@pytest.mark.parametrize("role", ROLES)
def test_connect_as_the_organisers_view(app, world, role):
    ev, users = world
    sio = connect(app, role, users, auth={"view": "admin"})
    assert sio.is_connected() is (role in MATRIX["connect as admin view"]), role
    if sio.is_connected():
        sio.disconnect()


@pytest.mark.parametrize("role", ROLES)
def test_join_each_kind_of_room(app, world, role):
    ev, users = world
    sio = connect(app, role, users)
    ack = sio.emit("join", {"trade": ev["trade"].id}, callback=True)
    assert (ack.get("ok") is True) is (role in MATRIX["join trade"]), (role, ack)
    ack = sio.emit("join", {"competition": ev["competition"].id}, callback=True)
    assert (ack.get("ok") is True) is (role in MATRIX["join competition"]), (role, ack)
    before = len(sio.get_received())   # drain the snapshots received so far
    assert before >= 0
    ack = sio.emit("join", {"admin": ev["competition"].id}, callback=True)
    if role in MATRIX["join admin"]:
        assert ack.get("ok") is True, (role, ack)
        assert {m["name"] for m in sio.get_received()} <= {"progress"}
    else:
        assert refused(ack), (role, ack)
        assert sio.get_received() == []   # no progress of the organiser's room
    sio.disconnect()


@pytest.mark.parametrize("role", ROLES)
def test_resync_and_leave(app, world, role):
    ev, users = world
    sio = connect(app, role, users)
    ack = sio.emit("resync", {"trade": ev["trade"].id}, callback=True)
    assert (ack.get("ok") is True) is (role in MATRIX["resync"]), (role, ack)
    ack = sio.emit("leave", {"trade": ev["trade"].id}, callback=True)
    assert (ack.get("ok") is True) is (role in MATRIX["leave"]), (role, ack)
    sio.disconnect()


@pytest.mark.parametrize("role", ROLES)
def test_no_role_is_shown_a_blind_trades_names_or_any_id_number(app, world, role):
    ev, users = world
    sio = connect(app, role, users, auth={"view": "admin"} if role == ORG else None)
    sio.emit("join", {"trade": ev["trade"].id}, callback=True)
    sio.emit("join", {"competition": ev["competition"].id}, callback=True)
    sio.emit("resync", {"trade": ev["trade"].id}, callback=True)
    if role == ORG:
        sio.emit("join", {"admin": ev["competition"].id}, callback=True)
    messages = sio.get_received()
    assert any(m["name"] == "standings" for m in messages)
    assert_nothing_secret(messages, ev)
    sio.disconnect()


def test_an_organiser_whose_session_ended_loses_the_admin_view(app, world):
    """Sessions revoked (sign-out elsewhere, reset, deactivation) hold for the socket too:
    a new connection with the old cookie is not an organiser's."""
    ev, users = world
    client = http_client(app, ORG, users)
    users[ORG].end_sessions()
    db.session.commit()
    assert not socket_for(app, client, auth={"view": "admin"}).is_connected()


def test_the_matrix_covers_every_event_the_server_handles(app):
    handled = set(socketio.server.handlers.get("/", {}))
    covered = {name.split()[0] for name in MATRIX}
    assert handled - {"disconnect"} <= covered, handled - covered
