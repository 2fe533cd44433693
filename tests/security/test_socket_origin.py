"""Socket.IO accepts browsers only from the site itself: a page on another host, opened
in an organiser's browser (whose cookies go along), cannot open a socket to the venue
server. The venue's LAN address is not known in advance, so "the site itself" is the
Origin that names the Host the request was sent to; SOCKETIO_CORS_ORIGINS adds others.

These are real handshakes through the server (the Flask-SocketIO test client skips
engineio's origin check): HTTP long-polling and websocket."""
from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
import socketio as socketio_client
from werkzeug.serving import make_server

from competition.security import same_site_origin
from tests.factories import build_event


@pytest.fixture
def server(app):
    """The app on http://127.0.0.1:<free port>, websockets included."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


def organiser_cookie(app, ev) -> str:
    """The organiser's signed-in session cookie, as their browser holds it."""
    client = app.test_client()
    client.post("/auth/login", data={"username": ev["organiser"].username,
                                     "password": "pw-1234"})
    return "session=" + client.get_cookie("session").value


def polling_handshake(url: str, origin: str | None, cookie: str = "") -> int:
    headers = {"Cookie": cookie} if cookie else {}
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(url + "/socket.io/?EIO=4&transport=polling",
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def websocket_connects(url: str, origin: str, cookie: str, auth=None) -> bool:
    # websocket-client sends an Origin of its own unless told which one to send
    sio = socketio_client.Client(reconnection=False,
                                 websocket_extra_options={"origin": origin})
    try:
        sio.connect(url, headers={"Cookie": cookie}, auth=auth,
                    transports=["websocket"], wait_timeout=5)
    except socketio_client.exceptions.ConnectionError:
        return False
    try:
        return sio.connected
    finally:
        sio.disconnect()


@pytest.mark.parametrize("origin", [
    "http://evil.example", "http://evil.example:80", "https://127.0.0.1.evil.example",
    "http://localhost", "null",
])
def test_a_foreign_origin_is_refused_even_with_the_organisers_cookies(app, server, origin):
    ev = build_event(n_entries=1)
    cookie = organiser_cookie(app, ev)
    assert polling_handshake(server, origin, cookie) == 400
    assert not websocket_connects(server, origin, cookie, auth={"view": "admin"})


def test_the_sites_own_origin_is_accepted(app, server):
    ev = build_event(n_entries=1)
    cookie = organiser_cookie(app, ev)
    assert polling_handshake(server, server, cookie) == 200
    assert websocket_connects(server, server, cookie, auth={"view": "admin"})


def test_a_client_without_origin_is_no_browser_and_connects(app, server):
    """Screens' own scripts run in the site's pages (same origin); tools and the bench
    send no Origin at all: nothing a browser on another site could do."""
    build_event(n_entries=1)
    assert polling_handshake(server, None) == 200


@pytest.mark.parametrize("origin,host,forwarded,extra,ok", [
    ("http://192.168.1.10:5000", "192.168.1.10:5000", None, [], True),
    ("http://192.168.1.10:5000", "192.168.1.11:5000", None, [], False),
    ("http://192.168.1.10:8080", "192.168.1.10", None, [], True),   # nginx drops the port
    ("http://[::1]:5000", "[::1]:5000", None, [], True),
    ("http://192.168.1.100:5000", "192.168.1.10:5000", None, [], False),
    ("http://192.168.1.10.evil.example", "192.168.1.10:5000", None, [], False),
    ("https://scores.example", "127.0.0.1:8001", "scores.example", [], True),  # nginx
    ("https://Scores.Example", "scores.example", None, [], True),
    ("http://screens.example", "192.168.1.10:5000", None, ["http://screens.example"], True),
    ("http://evil.example", "192.168.1.10:5000", None, ["http://screens.example"], False),
    ("file://", "192.168.1.10:5000", None, [], False),
    ("null", "192.168.1.10:5000", None, [], False),
])
def test_same_site_origin_rules(origin, host, forwarded, extra, ok):
    environ = {"HTTP_HOST": host, "wsgi.url_scheme": "http"}
    if forwarded:
        environ["HTTP_X_FORWARDED_HOST"] = forwarded
    assert same_site_origin(extra)(origin, environ) is ok


def test_the_configured_origins_come_from_the_environment():
    from competition.config import Config
    cfg = Config({"SOCKETIO_CORS_ORIGINS": "http://a.example, http://b.example"})
    assert cfg.SOCKETIO_CORS_ORIGINS == ["http://a.example", "http://b.example"]
    assert Config({}).SOCKETIO_CORS_ORIGINS == []
