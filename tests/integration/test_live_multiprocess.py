"""Scale-out: two real server processes (gunicorn) on one database and the real Redis as
the Socket.IO message queue. A screen connected to process B sees a mark that a judge
stored through process A's HTTP API."""
from __future__ import annotations

import http.cookiejar
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.factories import build_event

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_ok() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture
def redis_url():
    if not _redis_ok():
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is not reachable in CI")
        pytest.skip("Redis is not reachable")
    return REDIS_URL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gevent_worker() -> str:
    """engine.io insists on gevent-websocket's worker when that package is installed."""
    try:
        import geventwebsocket  # noqa: F401
        return "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
    except ImportError:
        return "gevent"


def _start_server(db_url: str, redis_url: str, tmp_path, name: str, mode: str):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url,
           "SECRET_KEY": "multiprocess-test-secret-key", "SOCKETIO_ASYNC_MODE": mode,
           # both processes of this test share one channel, no other run does
           "SOCKETIO_CHANNEL": f"competition-test-{tmp_path.name}",
           "RULES_DIR": os.environ.get("RULES_DIR", "scoring_rules")}
    worker = (["-k", _gevent_worker()] if mode == "gevent" else ["--threads", "20"])
    with open(tmp_path / f"{name}.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", *worker,
             "-b", f"127.0.0.1:{port}", "competition:create_app()"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _wait_ready(proc, url: str, tmp_path, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp_path / f"{name}.log").read_text())
        try:
            with urllib.request.urlopen(url + "/api/trades/mini/standings", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"server {name} did not start: "
                       + (tmp_path / f"{name}.log").read_text())


@pytest.fixture(params=["threading", "gevent"])
def two_servers(app, redis_url, tmp_path, request):
    ev = build_event(n_entries=4, blind=False)
    db_url = app.config["SQLALCHEMY_DATABASE_URI"]
    procs = []
    try:
        a, url_a = _start_server(db_url, redis_url, tmp_path, "a", request.param)
        procs.append(a)
        b, url_b = _start_server(db_url, redis_url, tmp_path, "b", request.param)
        procs.append(b)
        _wait_ready(a, url_a, tmp_path, "a")
        _wait_ready(b, url_b, tmp_path, "b")
        yield ev, url_a, url_b
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)      # gunicorn's quick shutdown
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


class Browser:
    """A tiny cookie-keeping HTTP client (the standard library's)."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.headers: dict[str, str] = {}

    def request(self, path: str, form: dict | None = None, json_body=None):
        data, headers = None, dict(self.headers)
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()


def _signed_in_judge(url: str, username: str) -> Browser:
    web = Browser(url)
    page = web.request("/auth/login")[1]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    status, body = web.request("/auth/login", form={
        "username": username, "password": "pw-1234", "csrf_token": token})
    assert status == 200, body[:300]
    web.headers["X-CSRFToken"] = json.loads(web.request("/api/csrf-token")[1])["csrf_token"]
    return web


def test_a_mark_stored_through_process_a_reaches_a_screen_on_process_b(two_servers):
    import socketio
    ev, url_a, url_b = two_servers
    trade_id, entry = ev["trade"].id, ev["entries"][2]
    events: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("standings", lambda d: events.put(("standings", d)))
    sio.on("standings_diff", lambda d: events.put(("diff", d)))
    sio.connect(url_b, transports=["websocket"], wait_timeout=10)
    try:
        assert sio.call("join", {"trade": trade_id}, timeout=10)["ok"] is True
        kind, first = events.get(timeout=10)
        assert (kind, first["version"]) == ("standings", 0)

        judge = _signed_in_judge(url_a, ev["judges"][0].username)
        status, body = judge.request("/api/marks", json_body={
            "entry_id": entry.id, "criterion": "exam", "value": "90",
            "client_id": uuid.uuid4().hex})
        assert status == 201, body

        deadline = time.monotonic() + 10
        while True:
            kind, msg = events.get(timeout=max(0.1, deadline - time.monotonic()))
            if msg.get("trade_id", msg.get("trade", {}).get("id")) == trade_id:
                break
        assert msg["version"] == 1
        # 90 x 30% + safety 20 (nothing deducted) x 70% = 41.00
        row = next(r for r in msg["rows"] if r["key"] == str(entry.id))
        assert (row["rank"], row["name"], row["total"]) == (1, "测试选手3", "41.00")
    finally:
        sio.disconnect()
