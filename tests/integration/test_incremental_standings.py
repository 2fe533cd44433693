"""Incremental standings through the service (issue 19), on SQLite and PostgreSQL.

The live path (live_trade_standings) keeps a trade's standings per process and, after a
change, reads only the changed entries' marks; these tests compare it after every step of
random streams (judges' marks through the tablet service, corrections and deletions
written directly, disqualifications, withdrawals and returns) with a full recompute from
every mark of the stage, and check that the database stays the truth: a write from
"another process" (a separate connection, no publish), a changed panel or rule is seen.
"""
from __future__ import annotations

import random
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from competition.extensions import db
from competition.models import Entry, JudgeAssignment, Mark, Trade
from competition.scoring import MarkError, compute_standings, validate_mark
from competition.services import incremental_standings as cache
from competition.services import marks as mark_service
from competition.services import standings
from competition.services.errors import ServiceError
from competition.services.panels import StageCheck, entry_heats
from competition.services.rules import rule_for
from tests.factories import build_event


@pytest.fixture
def event(app):
    return build_event(n_entries=8, n_judges=3)


def full(event) -> dict:
    """The reference: compute_standings over every counted mark of the stage, rows complete
    against each heat's panel (services.panels.StageCheck.expected_marks)."""
    trade = db.session.get(Trade, event["trade"].id, populate_existing=True)
    stage = event["stage"]
    rule = rule_for(trade)
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)).all()
    keys = {str(e.id): e for e in entries if e.status != "withdrawn"}
    marks = [m for m in standings._panel_marks(rule, stage) if m.entry in keys]
    dq = [k for k, e in keys.items() if e.status == "disqualified"]
    expected = StageCheck.load(rule, stage.id).expected_marks(entry_heats(keys))
    return compute_standings(rule, marks, list(keys), disqualified=dq,
                             lot_seed=stage.draw_seed or None, expected=expected).to_dict()


def live(event) -> dict:
    trade = db.session.get(Trade, event["trade"].id, populate_existing=True)
    return standings.live_trade_standings(trade).standings.to_dict()


def values(rule) -> list[tuple[str, list]]:
    out = []
    for s in rule.slots():
        lo = s.min if s.min is not None else Decimal(0)
        hi = s.max if s.max is not None else lo + 3
        candidates = sorted({lo, hi, (lo + hi) / 2, lo + (hi - lo) / 4})
        ok = []
        for v in candidates:
            try:
                validate_mark(rule, s.address, v)
                ok.append(v)
            except MarkError:
                pass
        if ok:
            out.append((s.address, ok))
    out.append(("safety", ["no_ppe", "serious"]))       # a violation code as the value
    return out


def step(rng: random.Random, event, slots) -> None:
    entries, judges = event["entries"], event["judges"]
    entry = rng.choice(entries)
    kind = rng.choice(["tablet"] * 4 + ["correct", "delete", "status"])
    if kind == "tablet":
        address, vals = rng.choice(slots)
        try:
            mark_service.record_mark(rng.choice(judges), entry_id=entry.id, address=address,
                                     value=str(rng.choice(vals)))
        except ServiceError:
            db.session.rollback()       # refused (a one-mark criterion entered, a heat...)
        return
    marks = db.session.scalars(select(Mark).where(Mark.entry_id == entry.id)
                               .order_by(Mark.id)).all()
    if kind == "correct" and marks:
        m = rng.choice(marks)
        vals = dict(slots).get(m.criterion)
        if vals:
            m.value = str(rng.choice(vals))
    elif kind == "delete" and marks:
        db.session.delete(rng.choice(marks))
    elif kind == "status":
        e = db.session.get(Entry, entry.id)
        e.status = rng.choice(["disqualified", "active", "withdrawn", "active"])
    db.session.commit()
    standings.trade_changed(event["trade"].id)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_live_standings_equal_a_full_recompute_after_every_change(event, seed):
    rng = random.Random(seed)
    slots = values(rule_for(event["trade"]))
    assert live(event) == full(event)
    before = cache.stats()
    for _ in range(30):
        step(rng, event, slots)
        assert live(event) == full(event)
    after = cache.stats()
    # the cache did the work: no full read after the first (same rule, same panel)
    assert after["full"] == before["full"]
    assert after["incremental"] > before["incremental"]


def test_one_new_mark_reads_only_its_entrys_marks(event):
    e1, e2 = event["entries"][0], event["entries"][1]
    judge = event["judges"][0]
    for e in event["entries"]:
        mark_service.record_mark(judge, entry_id=e.id, address="work", value="40")
    live(event)                                         # warm: the cache holds the stage
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    before = cache.stats()
    sa_event.listen(db.engine, "before_cursor_execute", seen)
    try:
        mark_service.record_mark(judge, entry_id=e2.id, address="work", value="55")
        got = live(event)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", seen)
    after = cache.stats()
    assert after["entries_read"] - before["entries_read"] == 1
    assert after["full"] == before["full"]
    flat = [" ".join(s.lower().replace('"', "").split()) for s in statements]
    stage_reads = [s for s in flat if "mark.value" in s and "entry.stage_id =" in s]
    entry_reads = [s for s in flat if "mark.value" in s and "mark.entry_id in" in s]
    assert not stage_reads and len(entry_reads) == 1, flat
    assert got == full(event)
    assert [r["entry"] for r in got["rows"]][0] == str(e2.id)
    assert e1.id != e2.id


def test_a_write_from_another_process_is_seen_without_a_publish(event):
    judge = event["judges"][1]
    for e in event["entries"][:4]:
        mark_service.record_mark(judge, entry_id=e.id, address="work", value="30")
    assert live(event) == full(event)
    target = event["entries"][3]
    later = datetime.now(timezone.utc)
    with db.engine.begin() as conn:        # another server process: its own connection
        conn.execute(update(Mark).where(Mark.entry_id == target.id)
                     .values(value="59.5", updated_at=later))
    db.session.commit()                     # end this session's snapshot (SQLite)
    got = live(event)
    assert got == full(event)
    assert got["rows"][0]["entry"] == str(target.id)


def test_a_changed_panel_or_rule_recomputes_everything(event):
    judges = event["judges"]
    for e in event["entries"][:3]:
        for j in judges:
            mark_service.record_mark(j, entry_id=e.id, address="work", value="20")
    mark_service.record_mark(judges[2], entry_id=event["entries"][0].id, address="work",
                             value="50")
    assert live(event) == full(event)
    before = cache.stats()
    # judge 3 leaves the panel: their marks stop counting (for every entry)
    db.session.execute(JudgeAssignment.__table__.delete().where(
        JudgeAssignment.user_id == judges[2].id))
    db.session.commit()
    standings.trade_changed(event["trade"].id)
    assert live(event) == full(event)
    assert cache.stats()["full"] == before["full"] + 1
    # a rebound rule (a new rule text): a new Rule object, a full recompute
    trade = db.session.get(Trade, event["trade"].id)
    trade.rule_text = trade.rule_text.replace('count = 1, min_total = 60', 'count = 2, '
                                              'min_total = 10')
    db.session.commit()
    standings.trade_changed(trade.id)
    got = live(event)
    assert got == full(event)
    assert cache.stats()["full"] == before["full"] + 2
    assert [r["award"] for r in got["rows"][:2]] == ["一等奖", "一等奖"]


def test_trade_standings_hands_out_rows_of_the_callers_own(event):
    judge = event["judges"][0]
    for e in event["entries"][:3]:
        mark_service.record_mark(judge, entry_id=e.id, address="work", value="45")
    trade = db.session.get(Trade, event["trade"].id)
    mine = standings.trade_standings(trade).standings
    for row in mine.rows:                   # a caller may change its rows (awards...)
        row.award, row.rank = "x", 99
    assert live(event) == full(event)
    assert standings.trade_standings(trade).standings.to_dict() == full(event)


def test_readers_and_writers_at_once_leave_the_cache_equal_to_a_full_recompute(app, event):
    # two judges' tablets and two screens' recomputes in four threads (each its own app
    # context and session), released together, several rounds; the cache is shared
    import threading
    trade_id = event["trade"].id
    judges = [j.id for j in event["judges"][:2]]
    entries = [e.id for e in event["entries"]]

    def write(judge_id, entry_id, value):
        from competition.models import User
        mark_service.record_mark(db.session.get(User, judge_id), entry_id=entry_id,
                                 address="work", value=value)

    def read():
        trade = db.session.get(Trade, trade_id, populate_existing=True)
        return standings.live_trade_standings(trade).standings.to_dict()

    for rnd in range(6):
        calls = [lambda r=rnd: write(judges[0], entries[r % 8], str(20 + r * 5)),
                 lambda r=rnd: write(judges[1], entries[(r + 3) % 8], str(55 - r * 5)),
                 read, read]
        barrier = threading.Barrier(len(calls))
        errors: list = []

        def worker(call, barrier=barrier, errors=errors):
            with app.app_context():
                try:
                    barrier.wait(timeout=30)
                    call()
                except Exception as err:  # noqa: BLE001 - reported below
                    errors.append(err)
                finally:
                    db.session.remove()
        threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors and not any(t.is_alive() for t in threads), errors
        db.session.commit()
        assert live(event) == full(event)
