"""One publish point after the commit: "trade X changed" -> new version -> screens.

Services commit their change and call services.standings.trade_changed(trade_id), which
hands the trade to this process's Publisher and returns at once: the judge's answer never
waits for the standings. The publisher's worker (socketio.start_background_task: a thread
in threading mode, a greenlet under gevent) then, per round and for every trade changed
since the last round:

  1. bumps the trade's standings version in the database, in one durable commit (a
     version is named once per publish and never handed out twice, even after a crash;
     with several server processes the bump is atomic, so versions stay one sequence);
  2. publishes the new standings (live.publish_trade: a diff on the version just before,
     else the full snapshot; screens that see a gap resync);
  3. refreshes promotions' review flags of the trade's competition (a confirmed list made
     from older results is flagged).

A round starts at once when the worker is idle (a lone mark reaches the screens as fast as
before) and at most every PUBLISH_INTERVAL seconds (0.1) under a burst: 50 judges' marks
of one trade within that interval become one recompute, one version and one publish.
A database that cannot be reached keeps the trade pending (retried every RETRY_S) instead
of losing the change.

The coalescer is per process (gunicorn workers each run one); the version lives in the
database. PUBLISH_SYNC (the default under TESTING) publishes in the caller's thread
instead, as before; flush() publishes whatever is pending now (tests, CLI, exit).

Imports go one way: services -> services.standings (trade_changed, which finds the
publisher in app.extensions), and publish -> live -> services.standings. Nothing on the
path imports its caller (tests/unit/test_publish_imports.py).
"""
from __future__ import annotations

import atexit
import functools
import logging
import os
import threading
import time

from flask import Flask, current_app
from sqlalchemy import bindparam

from . import live
from .dbfaults import discard_session, unavailable
from .extensions import db, socketio
from .models import Competition, Trade
from .services.promotions import refresh_review_flags

EXTENSION = "competition_publish"
RETRY_S = 1.0
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Give the app its publisher (after socketio.init_app and live.init_app). Settings:
    PUBLISH_SYNC (default: TESTING) and PUBLISH_INTERVAL (seconds, 0.1), from the app's
    config or else the environment."""
    sync = app.config.get("PUBLISH_SYNC", os.environ.get("PUBLISH_SYNC"))
    sync = app.config.get("TESTING", False) if sync is None else \
        str(sync).lower() in ("1", "true", "on", "yes")
    interval = app.config.get("PUBLISH_INTERVAL", os.environ.get("PUBLISH_INTERVAL", "0.1"))
    backoff = app.config.get("PUBLISH_BACKOFF", os.environ.get("PUBLISH_BACKOFF", "0"))
    app.extensions[EXTENSION] = Publisher(app, sync=sync, interval=float(interval),
                                          backoff=float(backoff))


def publisher(app: Flask | None = None) -> Publisher:
    return (app or current_app).extensions[EXTENSION]


def flush(app: Flask | None = None) -> int:
    """Publish every pending change now, in the caller's thread; the number of trades."""
    return publisher(app).flush()


class Publisher:
    """This process's queue of changed trades and the worker that publishes them."""

    def __init__(self, app: Flask, *, sync: bool, interval: float, backoff: float = 0.0):
        self.app, self.sync, self.interval = app, sync, interval
        self._pending: dict[int, float] = {}      # trade id -> when first noticed
        self._guard = threading.Lock()            # the pending dict and the worker
        self._busy = threading.Lock()             # one round at a time (worker, flush)
        self._wake = None
        self._pid = None                          # the process the worker runs in
        self._retry_at = 0.0
        self.rounds = 0                           # rounds run (for tests and benches)
        self.versions = 0                         # versions bumped
        self.last_round = self.last_end = self.last_cost = 0.0
        # PUBLISH_BACKOFF b > 0: after a round that took t seconds (wall) the next waits at
        # least b x t. Off by default: under a saturated CPU a round's wall time is mostly
        # waiting, and b = 2 cut the versions per second from ~5 to 0.2-0.8 with no gain in
        # intake (bench/README.md, issue 19).
        self.backoff = backoff

    # --- the services' side ---------------------------------------------------------

    def changed(self, trade_id: int) -> None:
        """Record that ``trade_id`` changed (after the commit) and return."""
        if self.sync:
            self._publish_now(trade_id)
            return
        with self._guard:
            self._pending.setdefault(trade_id, time.monotonic())
            self._ensure_worker()
        self._wake.set()

    def pending(self) -> list[int]:
        with self._guard:
            return list(self._pending)

    def flush(self) -> int:
        """Publish what is pending now (waits for a round in progress); in an app context
        of its own, like the worker."""
        with self.app.app_context():
            return self._round_of_pending()

    # --- the worker -------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()         # a forked process starts its own worker
        self._wake = socketio.server.eio.create_event() if socketio.server else threading.Event()
        socketio.start_background_task(self._run)
        atexit.register(self._flush_at_exit)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            wait = max(self.last_round + self.interval, self._retry_at,
                       self.last_end + self.backoff * self.last_cost) - time.monotonic()
            if wait > 0:
                socketio.sleep(wait)        # a burst: gather it into this round
            try:
                with self.app.app_context():
                    self._round_of_pending()
            except Exception:  # noqa: BLE001 - the worker must outlive any one round
                log.exception("publishing round failed")

    def _flush_at_exit(self) -> None:
        """A CLI command (or a worker shutting down) publishes what it changed."""
        if self._pid == os.getpid() and self.pending():
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - exiting: the screens resync later
                log.exception("publishing at exit failed")

    def _round_of_pending(self) -> int:
        with self._busy:
            with self._guard:
                trades, self._pending = list(self._pending), {}
            if not trades:
                return 0
            self.last_round = time.monotonic()
            retry = self._round(trades, raise_errors=False)
            self.last_end = time.monotonic()
            self.last_cost = self.last_end - self.last_round
        if retry:
            with self._guard:
                for tid in retry:
                    self._pending.setdefault(tid, time.monotonic())
            self._retry_at = time.monotonic() + RETRY_S
            if self._wake is not None:
                self._wake.set()
        return len(trades)

    def _publish_now(self, trade_id: int) -> None:
        """PUBLISH_SYNC: in the caller's thread and session (tried once more on a fresh
        connection when the database was lost: the caller's change is stored, and its
        answer must say so)."""
        with self._busy:
            for attempt in (1, 2):
                if not self._round([trade_id], raise_errors=True):
                    return
                log.warning("publishing standings of trade %s: database unavailable (%s)",
                            trade_id, "retrying" if attempt == 1 else "screens catch up later")

    # --- one round ---------------------------------------------------------------------

    def _round(self, trade_ids: list[int], raise_errors: bool) -> list[int]:
        """Bump, publish and flag ``trade_ids``; returns those to try again (the database
        could not be reached)."""
        self.rounds += 1
        try:
            db.session.commit()     # never publish uncommitted data
            bump_versions(trade_ids)
        except Exception as err:  # noqa: BLE001 - see below
            discard_session()
            if unavailable(err):
                return trade_ids
            if raise_errors:
                raise
            log.exception("bumping the standings versions of %s failed", trade_ids)
            return []
        self.versions += len(trade_ids)
        competitions, retry = set(), []
        for tid in trade_ids:
            try:
                trade = db.session.get(Trade, tid, populate_existing=True)
                if trade is None:
                    continue
                competitions.add(trade.competition_id)
                live.publish_trade(trade)
            except Exception as err:  # noqa: BLE001 - the write is done; screens resync
                if unavailable(err):
                    discard_session()
                    retry.append(tid)
                else:
                    log.exception("publishing standings of trade %s failed", tid)
        for cid in competitions:
            try:
                comp = db.session.get(Competition, cid)
                if comp is not None:
                    refresh_review_flags(comp)
            except Exception as err:  # noqa: BLE001 - flagged on the next change
                discard_session()
                if not unavailable(err):
                    log.exception("refreshing review flags of competition %s failed", cid)
        return retry


def bump_versions(trade_ids: list[int]) -> None:
    """One new standings version for each trade, in one durable commit. Atomic (several
    server processes may bump the same trade at once), row by row in id order so that two
    processes' rounds cannot deadlock on each other's rows."""
    for tid in sorted(trade_ids):
        db.session.execute(_bump(), {"trade_id": tid})
    db.session.commit()


@functools.cache
def _bump():
    table = Trade.__table__
    return (table.update().where(table.c.id == bindparam("trade_id"))
            .values(standings_version=table.c.standings_version + 1))
