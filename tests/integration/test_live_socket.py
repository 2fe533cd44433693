"""Live standings over Socket.IO: snapshots on join, versions, diffs, gaps and resync,
blind names, freeze and the ceremony reveal, publishing only after a commit."""
import json

import pytest
from sqlalchemy.exc import IntegrityError

from competition import live
from competition.extensions import db, socketio
from competition.models import AuditLog, Mark, Trade
from competition.services import live_admin
from competition.services.standings import trade_changed
from tests.factories import build_event


def store_mark(ev, entry_no: int, criterion: str, value: str, judge_no: int = 0):
    """What the judging service does: write a mark, commit, then trade_changed()."""
    db.session.add(Mark(entry_id=ev["entries"][entry_no].id, criterion=criterion,
                        judge_id=ev["judges"][judge_no].id, value=value))
    db.session.commit()
    trade_changed(ev["trade"].id)


def received(sio, name=None):
    return [m for m in sio.get_received() if name is None or m["name"] == name]


def join(app, client, ev):
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.is_connected()
    ack = sio.emit("join", {"trade": ev["trade"].id}, callback=True)
    assert ack["ok"] is True
    return sio


class ScreenModel:
    """The protocol as a screen implements it (static/js/live.js): keep the snapshot,
    apply a diff only on its base version, otherwise ask for a resync."""

    def __init__(self, sio, trade_id):
        self.sio, self.trade_id, self.snap, self.resyncs = sio, trade_id, None, 0

    def pump(self):
        for m in self.sio.get_received():
            data = m["args"][0]
            if m["name"] == "standings":
                if self.snap is None or data["version"] > self.snap["version"]:
                    self.snap = data
            elif m["name"] == "standings_diff":
                if self.snap is None or data["base"] != self.snap["version"]:
                    self.resyncs += 1
                    self.sio.emit("resync", {"trade": self.trade_id})
                    self.pump()
                    continue
                rows = {r["key"]: r for r in self.snap["rows"]}
                rows.update({r["key"]: r for r in data["rows"]})
                self.snap = {**self.snap, "version": data["version"],
                             "rows": [rows[k] for k in data["order"]]}


def test_a_client_joining_a_trade_gets_the_current_snapshot_at_once(app, client):
    ev = build_event(n_entries=3, blind=False)
    sio = join(app, client, ev)
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["trade"]["code"] == "mini"
    assert snap["version"] == 0 and snap["frozen"] is False and snap["reveal"] is None
    assert [r["name"] for r in snap["rows"]] == ["测试选手1", "测试选手2", "测试选手3"]
    assert all(r["status"] == "absent" and r["rank"] is None for r in snap["rows"])


def test_screens_never_receive_id_numbers_or_phones(app, client):
    ev = build_event(n_entries=3, blind=False)
    for c in (e.contestant for e in ev["entries"]):
        c.phone = "13900000000"
    db.session.commit()
    sio = join(app, client, ev)
    store_mark(ev, 0, "exam", "90")
    text = json.dumps(sio.get_received(), ensure_ascii=False)
    for e in ev["entries"]:
        assert e.contestant.id_number not in text
    assert "13900000000" not in text


def test_every_committed_change_reaches_the_room_with_a_higher_version(app, client):
    ev = build_event(n_entries=3, blind=False)
    sio = join(app, client, ev)
    screen = ScreenModel(sio, ev["trade"].id)
    screen.pump()
    store_mark(ev, 1, "exam", "90")
    store_mark(ev, 0, "exam", "80")
    store_mark(ev, 0, "work", "60", judge_no=1)
    screen.pump()
    assert screen.resyncs == 0
    assert screen.snap["version"] == 3
    top = screen.snap["rows"][0]
    # entry 1: theory 80 of 100 x 30 = 24; practical: work (one mark, mean 60) + safety
    # 20 (no violation, nothing deducted) = 80 of 100 x 70 = 56; total 80.00
    assert (top["name"], top["rank"], top["total"]) == ("测试选手1", 1, "80.00")
    current = client.get("/api/trades/mini/standings").get_json()
    strip = [{k: v for k, v in r.items() if k not in ("moved", "changed")}
             for r in screen.snap["rows"]]
    assert strip == [{k: v for k, v in r.items() if k not in ("moved", "changed")}
                     for r in current["rows"]]


def test_a_change_is_sent_as_a_diff_naming_its_base_version(app, client):
    ev = build_event(n_entries=6, blind=False)
    store_mark(ev, 0, "exam", "50")
    sio = join(app, client, ev)
    sio.get_received()
    store_mark(ev, 1, "exam", "90")
    (diff,) = [m["args"][0] for m in received(sio, "standings_diff")]
    assert (diff["base"], diff["version"]) == (1, 2)
    moved = {r["key"]: r["moved"] for r in diff["rows"]}
    assert moved[str(ev["entries"][1].id)] == "up"      # from unranked to first
    assert moved[str(ev["entries"][0].id)] == "down"
    assert diff["order"][:2] == [str(ev["entries"][1].id), str(ev["entries"][0].id)]


def test_a_client_that_missed_a_version_resyncs_and_catches_up(app, client):
    ev = build_event(n_entries=6, blind=False)
    store_mark(ev, 0, "exam", "50")
    sio = join(app, client, ev)
    screen = ScreenModel(sio, ev["trade"].id)
    screen.pump()
    store_mark(ev, 1, "exam", "60")
    sio.get_received()                     # this version is lost on the way
    store_mark(ev, 2, "exam", "70")
    screen.pump()
    assert screen.resyncs == 1
    assert screen.snap["version"] == 3
    # exam x 30% + safety 20 (nothing deducted) x 70% = exam x 0.3 + 14
    assert [r["total"] for r in screen.snap["rows"][:3]] == ["35.00", "32.00", "29.00"]


def test_resync_answers_the_current_snapshot(app, client):
    ev = build_event(n_entries=2, blind=False)
    sio = join(app, client, ev)
    store_mark(ev, 0, "exam", "50")
    sio.get_received()
    ack = sio.emit("resync", {"trade": ev["trade"].id}, callback=True)
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert ack == {"ok": True, "version": 1} and snap["version"] == 1


def test_unknown_trades_are_refused_politely(app, client):
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.emit("join", {"trade": 999}, callback=True) == {"error": "unknown trade"}
    assert sio.emit("join", {"trade": "x"}, callback=True) == {"error": "unknown trade"}
    assert sio.emit("resync", None, callback=True) == {"error": "unknown trade"}


def test_a_competition_room_gets_a_snapshot_of_every_trade(app, client):
    ev = build_event(n_entries=2, blind=False)
    build_event(n_entries=2, code="mini2", competition=ev["competition"])
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.emit("join", {"competition": ev["competition"].id}, callback=True)["ok"]
    assert len(received(sio, "standings")) == 2
    store_mark(ev, 0, "exam", "50")
    assert len(sio.get_received()) == 1


def test_blind_trades_show_lot_numbers_until_results_are_published(app, client):
    ev = build_event(n_entries=2, blind=True)
    sio = join(app, client, ev)
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert [(r["name"], r["lot"], r["employer"]) for r in snap["rows"]] == [
        (None, "001", None), (None, "002", None)]
    ev["trade"].published = True
    db.session.commit()
    trade_changed(ev["trade"].id)
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["rows"][0]["name"] == "测试选手1"


def test_two_hundred_screens_joining_compute_the_standings_once(app, client):
    ev = build_event(n_entries=6, blind=False)
    store_mark(ev, 0, "exam", "50")
    before = live.state().cache.builds
    clients = [join(app, client, ev) for _ in range(200)]
    assert live.state().cache.builds - before <= 1
    assert all(len(received(c, "standings")) == 1 for c in clients)


def test_a_failed_transaction_publishes_nothing(app, client):
    ev = build_event(n_entries=2, blind=False)
    sio = join(app, client, ev)
    sio.get_received()
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="50", client_id="dup"))
    db.session.add(Mark(entry_id=ev["entries"][1].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="60", client_id="dup"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert sio.get_received() == []
    assert db.session.get(Trade, ev["trade"].id).standings_version == 0


def test_a_failed_screen_control_publishes_nothing_and_changes_nothing(app, client,
                                                                        monkeypatch):
    ev = build_event(n_entries=2, blind=False)
    sio = join(app, client, ev)
    sio.get_received()

    def broken_commit():
        raise RuntimeError("database went away")
    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        live_admin.freeze(ev["trade"], ev["organiser"])
    monkeypatch.undo()
    assert sio.get_received() == []
    trade = live.load_trade(ev["trade"].id)
    assert (trade.frozen, trade.standings_version) == (False, 0)
    assert db.session.scalars(db.select(AuditLog)).all() == []


def test_a_frozen_trade_keeps_its_screens_on_the_frozen_standings(app, client):
    ev = build_event(n_entries=3, blind=False)
    store_mark(ev, 0, "exam", "50")
    sio = join(app, client, ev)
    sio.get_received()
    live_admin.freeze(ev["trade"], ev["organiser"])
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["frozen"] is True and snap["rows"][0]["total"] == "29.00"
    store_mark(ev, 1, "exam", "100")          # marks still come in ...
    assert received(sio, "standings") == [] and received(sio, "standings_diff") == []
    api = client.get("/api/trades/mini/standings").get_json()
    assert api["frozen"] is True and api["rows"][0]["total"] == "29.00"   # ... unseen
    live_admin.unfreeze(live.load_trade(ev["trade"].id), ev["organiser"])
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["frozen"] is False and snap["rows"][0]["total"] == "44.00"
    actions = db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["live.freeze", "live.unfreeze"]


def test_the_ceremony_reveals_the_final_standings_from_the_bottom_up(app, client):
    ev = build_event(n_entries=4, blind=True)
    for i, value in enumerate(["60", "90", "70", "80"]):
        store_mark(ev, i, "exam", value)
    sio = join(app, client, ev)
    sio.get_received()
    trade = live_admin.begin_reveal(ev["trade"], ev["organiser"])
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert snap["rows"] == [] and snap["reveal"] == {"count": 0, "total": 4}
    shown = []
    for _ in range(2):
        trade = live_admin.reveal_next(trade, ev["organiser"])
        (snap,) = [m["args"][0] for m in received(sio, "standings")]
        shown.append([(r["rank"], r["name"]) for r in snap["rows"]])
    assert shown == [[(4, "测试选手1")], [(3, "测试选手3"), (4, "测试选手1")]]
    trade = live_admin.reveal_all(trade, ev["organiser"])
    (snap,) = [m["args"][0] for m in received(sio, "standings")]
    assert [r["rank"] for r in snap["rows"]] == [1, 2, 3, 4]
    assert snap["rows"][0]["name"] == "测试选手2"     # names shown at the ceremony
    with pytest.raises(live_admin.LiveAdminError):
        live_admin.reveal_next(trade, ev["organiser"])


def test_reveal_needs_a_begun_reveal_and_unfreeze_a_frozen_trade(app):
    ev = build_event(n_entries=2)
    with pytest.raises(live_admin.LiveAdminError):
        live_admin.reveal_next(ev["trade"], ev["organiser"])
    with pytest.raises(live_admin.LiveAdminError):
        live_admin.unfreeze(ev["trade"], ev["organiser"])


def test_only_organisers_may_watch_progress(app, client, auth):
    ev = build_event(n_entries=2)
    anonymous = socketio.test_client(app, flask_test_client=client)
    assert anonymous.emit("join", {"admin": ev["competition"].id},
                          callback=True) == {"error": "forbidden"}
    refused = socketio.test_client(app, flask_test_client=client, auth={"view": "admin"})
    assert not refused.is_connected()
    auth.login(ev["organiser"].username)
    sio = socketio.test_client(app, flask_test_client=client, auth={"view": "admin"})
    assert sio.is_connected()
    assert sio.emit("join", {"admin": ev["competition"].id}, callback=True) == {"ok": True}
    (progress,) = [m["args"][0] for m in received(sio, "progress")]
    # mini rule: exam 1 + work 3 judges + 2 checklist items = 6 marks per entry
    assert (progress["entries"], progress["expected"], progress["marks"]) == (2, 12, 0)
    store_mark(ev, 0, "exam", "50")
    (progress,) = [m["args"][0] for m in received(sio, "progress")]
    assert progress["marks"] == 1 and progress["version"] == 1


def test_a_version_is_named_once_and_a_change_lost_in_a_crash_comes_with_the_next(
        app, client, monkeypatch):
    """The publisher names each version in a durable commit of its own before any screen
    gets it, so a number is never handed out twice. If the server dies right after a
    mark's commit (before the publisher's round), the mark is stored, no version names
    it and nothing is sent; the trade's next change publishes a version that includes it."""
    from competition.services import marks as mark_service
    ev = build_event(n_entries=2, blind=False)
    sio = join(app, client, ev)
    sio.get_received()
    judge, entry = ev["judges"][0], ev["entries"][0]
    mark_service.record_mark(judge, entry_id=entry.id, address="exam", value="50")
    (update,) = [m["args"][0] for m in received(sio)]
    assert update["version"] == 1
    first = {r["key"]: r["total"] for r in update["rows"]}

    def crash(*args, **kwargs):
        raise RuntimeError("the process died after the commit")
    publisher = app.extensions["competition_publish"]
    monkeypatch.setattr(publisher, "changed", crash)
    with pytest.raises(RuntimeError):
        mark_service.record_mark(judge, entry_id=entry.id, address="exam", value="60")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Trade, ev["trade"].id).standings_version == 1
    assert db.session.scalar(db.select(Mark.value).where(Mark.entry_id == entry.id)) == "60"
    assert received(sio) == []
    monkeypatch.undo()
    mark_service.record_mark(judge, entry_id=ev["entries"][1].id, address="exam", value="40")
    (update,) = [m["args"][0] for m in received(sio)]
    assert update["version"] == 2
    totals = {r["key"]: r["total"] for r in update["rows"]}
    assert totals[str(entry.id)] != first[str(entry.id)]     # the lost 60 is in it


def test_a_judges_mark_that_fails_to_store_bumps_no_version(app, client, monkeypatch):
    from competition.services import marks as mark_service
    ev = build_event(n_entries=2, blind=False)
    sio = join(app, client, ev)
    sio.get_received()
    real_commit = db.session.commit
    calls = []

    def failing_commit():
        calls.append(1)
        db.session.rollback()
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        mark_service.record_mark(ev["judges"][0], entry_id=ev["entries"][0].id,
                                 address="exam", value="50")
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert calls
    db.session.expire_all()
    assert db.session.get(Trade, ev["trade"].id).standings_version == 0
    assert db.session.scalar(db.select(db.func.count(Mark.id))) == 0
    assert received(sio) == []


def test_a_join_handled_after_the_screen_has_gone_is_answered_not_raised(app, monkeypatch):
    """A screen closed right after asking to join: the event is handled after the
    disconnect, and joining the room then fails inside python-socketio."""
    from competition import live as live_module
    ev = build_event(n_entries=2, blind=False)

    def gone(room, *args, **kwargs):
        raise ValueError("sid is not connected to requested namespace")
    monkeypatch.setattr(live_module, "join_room", gone)
    with app.test_request_context():
        assert live_module.on_join({"trade": ev["trade"].id}) == {"error": "disconnected"}
        assert live_module.on_join({"competition": ev["competition"].id}) == \
            {"error": "disconnected"}
