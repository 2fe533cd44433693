"""Live standings over Socket.IO: rooms, versioned snapshots, diffs and publishing.

A client (LED screen, public page) joins the room of a trade ("trade:<id>") or of a whole
competition ("competition:<id>") and at once receives a "standings" snapshot:
    {trade: {...}, version, rows: [...], frozen, reveal: null | {count, total}, updated_at}
After every committed change, services call standings.trade_changed(); the publisher
(publish.py) bumps the version after the request and calls publish_trade(), coalescing a
burst of changes into one version: the room then gets a "standings_diff"
    {trade_id, base, version, rows: [changed rows], order: [row keys], updated_at}
when this process knows the base, else a new full snapshot. A client whose version is not
the diff's base (a gap), or that reconnects, emits "resync" and gets the current snapshot.
Organisers may join "admin:<competition id>" for "progress" events.

Every handler answers and never raises in a server thread: a missing or malformed
payload gets {"error": ...}; a client gone before its event was handled gets
{"error": "disconnected"}; a database that cannot be reached gets {"error":
"unavailable", "retry": true, "retry_ms"} (also sent as an "unavailable" event), and the
client (static/js/live.js) retries its join with backoff until it is served.

Snapshots are cached per (trade, version, view), built once per key even when 200 screens
ask at the same moment. With REDIS_URL every emit goes through Redis (several processes).
"""
from __future__ import annotations

import functools
import logging
import socket
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable

from flask import Flask, current_app
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room, leave_room

from .extensions import db, socketio
from .models import Role, Trade
from .rooms import admin_room, competition_room, trade_room  # noqa: F401 - live.trade_room
from .services.standings import live_trade_standings, public_rows, trade_progress

STANDINGS, DIFF, PROGRESS = "standings", "standings_diff", "progress"
UNAVAILABLE = "unavailable"     # the database could not be reached: retry after retry_ms
RETRY_MS = 2000
log = logging.getLogger(__name__)
_VOLATILE = ("moved", "changed")


class SnapshotCache:
    """A small LRU of snapshots with single-flight building: concurrent askers for the
    same key wait for the one computation instead of each recomputing."""

    def __init__(self, size: int = 256):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict = {}
        self.builds = 0

    def get(self, key, build: Callable[[], dict]) -> dict:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            value = build()
            with self._lock:
                self.builds += 1
                self._data[key] = value
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
                self._building.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class LiveState:
    """Per-application memory of this process: the snapshot cache, the last live rows
    built per trade (to flag moves) and the last snapshot published per trade (the base
    of the next diff; one publisher at a time: the publish worker and the organiser's
    freeze/reveal may publish the same trade at once)."""

    def __init__(self):
        self.cache = SnapshotCache()
        self.last_live: dict[int, tuple[int, dict]] = {}
        self.published: dict[int, dict] = {}
        self.publishing = threading.Lock()


def state() -> LiveState:
    return current_app.extensions["competition_live"]


def load_trade(trade_id: int) -> Trade | None:
    """The trade as committed now (not a stale copy from the session's identity map)."""
    return db.session.get(Trade, trade_id, populate_existing=True)


def names_visible(trade: Trade) -> bool:
    """Blind trades show lot numbers until results are published or the ceremony reveal;
    so does a trade with any criterion judged blind (services.trades)."""
    if trade.published or trade.reveal_count is not None:
        return True
    from .services.trades import names_hidden_publicly
    return not names_hidden_publicly(trade)


def snapshot(trade: Trade) -> dict:
    """The public snapshot of ``trade`` at its current version (cached)."""
    key = (trade.id, trade.standings_version, trade.frozen, trade.reveal_count,
           names_visible(trade))
    return state().cache.get(key, lambda: _build(trade))


def _build(trade: Trade) -> dict:
    snap = {"trade": {"id": trade.id, "code": trade.code, "name": trade.name,
                      "name_en": trade.name_en, "competition_id": trade.competition_id,
                      "blind": trade.blind},
            "version": trade.standings_version, "frozen": bool(trade.frozen),
            "reveal": None, "updated_at": _now()}
    payload = trade.frozen_payload or {}
    if trade.frozen and payload:
        rows = [_blinded(r, names_visible(trade)) for r in payload.get("rows", [])]
        snap["frozen_at"] = payload.get("at")
        if trade.reveal_count is not None:
            n = max(0, min(trade.reveal_count, len(rows)))
            snap["reveal"] = {"count": n, "total": len(rows)}
            rows = rows[len(rows) - n:] if n else []
        snap["rows"] = rows
        return snap
    rows = public_rows(live_trade_standings(trade), names_visible(trade))
    _mark_moves(trade.id, trade.standings_version, rows)
    snap["rows"] = rows
    return snap


def _blinded(row: dict, visible: bool) -> dict:
    row = {**row, "moved": None, "changed": False}
    if not visible:
        row["name"] = row["employer"] = None
    return row


def _mark_moves(trade_id: int, version: int, rows: list[dict]) -> None:
    """Flag rows whose rank or total changed since the last live snapshot built here."""
    last = state().last_live
    prev_version, prev = last.get(trade_id, (None, None))
    for r in rows:
        old = prev.get(r["key"]) if prev is not None and prev_version < version else None
        r["moved"], r["changed"] = None, False
        if prev is None or prev_version >= version:
            continue
        if old is None:
            r["moved"] = "new" if r["rank"] is not None else None
            continue
        if r["rank"] is not None and (old["rank"] is None or r["rank"] < old["rank"]):
            r["moved"] = "up"
        elif r["rank"] is not None and r["rank"] > old["rank"]:
            r["moved"] = "down"
        r["changed"] = r["total"] != old["total"]
    if prev_version is None or prev_version < version:
        last[trade_id] = (version, {r["key"]: r for r in rows})


def make_diff(prev: dict | None, snap: dict) -> dict | None:
    """A diff from ``prev`` to ``snap``, or None when a full snapshot is better (no base,
    a base that is not the version just before: another server process published the
    versions in between, and every screen would have to resync; a change of
    frozen/reveal state, or more than half the rows changed)."""
    if (prev is None or prev["version"] != snap["version"] - 1 or prev["frozen"]
            or snap["frozen"] or prev["reveal"] or snap["reveal"]
            or prev["trade"] != snap["trade"]):
        return None
    before = {r["key"]: _stable(r) for r in prev["rows"]}
    changed = [r for r in snap["rows"]
               if before.get(r["key"]) != _stable(r) or r["moved"] or r["changed"]]
    if len(changed) * 2 > max(len(snap["rows"]), 1):
        return None
    return {"trade_id": snap["trade"]["id"], "base": prev["version"],
            "version": snap["version"], "rows": changed,
            "order": [r["key"] for r in snap["rows"]], "updated_at": snap["updated_at"]}


def _stable(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in _VOLATILE}


def publish_trade(trade: Trade) -> None:
    """Send the trade's new standings to its rooms (after the commit, never before), and
    its progress to the organisers. A frozen trade's screens get nothing new until the
    organiser reveals or unfreezes (their version catches up on the next snapshot); a
    version older than the one this process published last is not sent."""
    with state().publishing:
        _publish(trade)
    room = admin_room(trade.competition_id)
    if _may_have_listeners(room):
        socketio.emit(PROGRESS, trade_progress(trade), to=room)


def _publish(trade: Trade) -> None:
    snap = snapshot(trade)
    prev = state().published.get(trade.id)
    if prev is not None and prev["version"] > snap["version"]:
        return
    rooms = [trade_room(trade.id), competition_room(trade.competition_id)]
    same_frozen = (prev is not None and snap["frozen"] and prev["frozen"]
                   and prev["reveal"] == snap["reveal"] and prev["rows"] == snap["rows"])
    if not same_frozen:
        diff = make_diff(prev, snap)
        if diff is not None:
            socketio.emit(DIFF, diff, to=rooms)
        else:
            socketio.emit(STANDINGS, snap, to=rooms)
        state().published[trade.id] = snap
        # Let the screens' writers send now. Under gevent an emit only queues the packets;
        # they leave when this greenlet yields, which would otherwise be after everything
        # it still does (progress, promotion flags, other trades): ~2-5 ms on every screen.
        socketio.sleep(0)


def _may_have_listeners(room: str) -> bool:
    """False only when we know nobody is in ``room``: one process (no message queue)
    and no local participant. Saves the progress queries while no organiser watches."""
    server = socketio.server
    if server is None or current_app.config.get("REDIS_URL"):
        return True
    return bool(server.manager.rooms.get("/", {}).get(room))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- Socket.IO handlers -------------------------------------------------------------

def _is_organiser() -> bool:
    return bool(current_user and current_user.is_authenticated
                and current_user.has_role(Role.ORGANISER))


def on_connect(auth=None, *_):
    """Screens and the public connect anonymously (read-only). A connection that asks
    for the organiser's view must come from a signed-in organiser."""
    if isinstance(auth, dict) and auth.get("view") == "admin":
        try:
            allowed = _is_organiser()
        except Exception as err:  # noqa: BLE001 - the user could not be loaded
            _failed("connect", err)
            raise ConnectionRefusedError("unavailable") from None
        if not allowed:
            raise ConnectionRefusedError("organisers only")


MAX_ID = 2**31 - 1     # ids are 32-bit integers on PostgreSQL


def _int(value) -> int | None:
    """A positive id from a client's payload, or None (bool, fraction, too big, text)."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        return None
    if isinstance(value, str) and not value.strip().isdigit():
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def _join(room: str) -> bool:
    """Join ``room``; False when the client has already gone (a screen closed right after
    asking to join: its event is handled after its disconnect)."""
    try:
        join_room(room)
    except (ValueError, KeyError):   # python-socketio: the sid is no longer connected
        return False
    return True


def _failed(event: str, err: Exception) -> dict:
    """The answer to an event that could not be handled. A database that cannot be
    reached gets "unavailable" (also as an event, for clients that sent no callback):
    the client retries with backoff and gets its snapshot once the database is back."""
    from .dbfaults import discard_session, unavailable
    discard_session()
    if unavailable(err):
        log.warning("socket %s: database unavailable: %s", event,
                    str(err).splitlines()[0] if str(err) else type(err).__name__)
        answer = {"error": "unavailable", "retry": True, "retry_ms": RETRY_MS}
        try:
            emit(UNAVAILABLE, answer, ignore_queue=True)
        except Exception:  # noqa: BLE001 - the client has gone as well
            pass
        return answer
    log.exception("socket %s failed", event)
    return {"error": "server error"}


def answering(handler):
    """Socket.IO handlers answer, they never raise in a server thread: a missing or
    malformed payload, a database outage or a client gone mid-way each get an answer."""
    @functools.wraps(handler)
    def guarded(data=None, *_):
        try:
            return handler(data)
        except Exception as err:  # noqa: BLE001 - see _failed
            return _failed(handler.__name__, err)
    return guarded


@answering
def on_join(data):
    """{"trade": id} | {"competition": id} | {"admin": competition id}: join the room and
    get the current snapshot(s) (or progress) at once."""
    if not isinstance(data, dict) or not {"trade", "competition", "admin"} & set(data):
        return {"error": "invalid request"}
    if "admin" in data:
        if not _is_organiser():
            return {"error": "forbidden"}
        cid = _int(data["admin"])
        trades = (db.session.scalars(db.select(Trade).where(Trade.competition_id == cid))
                  .all() if cid else [])
        if not trades:
            return {"error": "unknown competition"}
        progress = [trade_progress(t) for t in trades]    # before joining: may fail
        if not _join(admin_room(cid)):
            return {"error": "disconnected"}
        for p in progress:
            emit(PROGRESS, p, ignore_queue=True)
        return {"ok": True}
    if "competition" in data:
        cid = _int(data["competition"])
        trades = (db.session.scalars(db.select(Trade.id).where(Trade.competition_id == cid)
                                     .order_by(Trade.id)).all() if cid else [])
        if not trades:
            return {"error": "unknown competition"}
        snaps = [snapshot(load_trade(tid)) for tid in trades]
        if not _join(competition_room(cid)):
            return {"error": "disconnected"}
        for snap in snaps:
            emit(STANDINGS, snap, ignore_queue=True)
        return {"ok": True}
    tid = _int(data.get("trade"))
    trade = load_trade(tid) if tid else None
    if trade is None:
        return {"error": "unknown trade"}
    snap = snapshot(trade)     # before joining: a failure leaves the client outside
    if not _join(trade_room(trade.id)):
        return {"error": "disconnected"}
    emit(STANDINGS, snap, ignore_queue=True)
    return {"ok": True, "version": snap["version"]}


@answering
def on_leave(data):
    trade_id = _int(data.get("trade")) if isinstance(data, dict) else None
    if trade_id is None:
        return {"error": "invalid request"}
    leave_room(trade_room(trade_id))     # a client already gone: nothing to leave
    return {"ok": True}


@answering
def on_resync(data):
    """A client saw a gap (or reconnected): send it the current snapshot of the trade.
    With {"version": n} (a screen's periodic check after a quiet while, in case a message
    was lost, e.g. while the message queue was down): only when the trade is newer."""
    tid = _int(data.get("trade")) if isinstance(data, dict) else None
    trade = load_trade(tid) if tid else None
    if trade is None:
        return {"error": "unknown trade"}
    have = data.get("version")
    if (isinstance(have, int) and not isinstance(have, bool)
            and have >= trade.standings_version):
        return {"ok": True, "version": trade.standings_version, "current": True}
    snap = snapshot(trade)
    emit(STANDINGS, snap, ignore_queue=True)
    return {"ok": True, "version": snap["version"]}


# --- wiring -------------------------------------------------------------------------

class NoDelayMiddleware:
    """Set TCP_NODELAY on every accepted connection: neither Werkzeug nor gevent does,
    and back-to-back broadcasts then stall ~40 ms on Nagle + delayed ACKs."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
        if sock is None:  # gevent's pywsgi
            rfile = getattr(environ.get("wsgi.input"), "rfile", None)
            sock = getattr(getattr(rfile, "raw", None), "_sock", None)
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except (OSError, AttributeError):
                pass
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Register the Socket.IO handlers on the app's server (after socketio.init_app)."""
    app.extensions["competition_live"] = LiveState()
    for name, handler in (("connect", on_connect), ("join", on_join),
                          ("leave", on_leave), ("resync", on_resync)):
        socketio.on_event(name, handler)
    if app.config.get("SOCKETIO_TCP_NODELAY", True):
        app.wsgi_app = NoDelayMiddleware(app.wsgi_app)
