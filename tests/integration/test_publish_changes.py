"""Changes other than marks that alter what screens show publish a new standings version
at once (before: the old name stayed on the LED until the next mark): a contestant's name
or employer edited, a withdrawal and a reinstatement, a seat and lot changed by hand,
registered contestants entered into the stage."""
from __future__ import annotations

from competition.extensions import db, socketio
from competition.models import Contestant, Trade
from competition.services import draws, registration, seating
from tests.factories import build_event, fake_id_number


def screen(app, client, ev):
    """A socket client in the trade's room, its first snapshot taken. Results published:
    screens show names (the test rule judges blind)."""
    if not ev["trade"].blind:
        ev["trade"].published = True
        db.session.commit()
    sio = socketio.test_client(app, flask_test_client=client)
    assert sio.emit("join", {"trade": ev["trade"].id}, callback=True)["ok"] is True
    (first,) = [m["args"][0] for m in sio.get_received() if m["name"] == "standings"]
    return sio, first


def latest(sio, trade_id: int) -> dict:
    """The newest standings message received for the trade (snapshot or diff)."""
    got = [m["args"][0] for m in sio.get_received()
           if m["name"] in ("standings", "standings_diff")]
    assert got, "nothing was published"
    msg = got[-1]
    assert msg.get("trade_id", msg.get("trade", {}).get("id")) == trade_id
    return msg


def row_of(msg: dict, key) -> dict | None:
    return next((r for r in msg["rows"] if r["key"] == str(key)), None)


def test_a_contestants_name_and_employer_edited_reach_the_screens_at_once(app, client):
    ev = build_event(n_entries=3, blind=False)
    sio, first = screen(app, client, ev)
    entry = ev["entries"][1]
    registration.update_contestant(entry.contestant, {"name": "改名选手",
                                                      "employer": "示例县第九机械厂"},
                                   ev["organiser"], reason="登记错误")
    msg = latest(sio, ev["trade"].id)
    assert msg["version"] > first["version"]
    row = row_of(msg, entry.id)
    assert (row["name"], row["employer"]) == ("改名选手", "示例县第九机械厂")


def test_an_edit_that_screens_do_not_show_publishes_nothing(app, client):
    ev = build_event(n_entries=2, blind=False)
    ev["entries"][1].contestant.name = "测试选手甲"     # a name the form accepts (no digits)
    db.session.commit()
    sio, _first = screen(app, client, ev)
    registration.update_contestant(ev["entries"][1].contestant, {"phone": "13900000001"},
                                   ev["organiser"])
    assert [m for m in sio.get_received() if m["name"].startswith("standings")] == []


def test_a_withdrawal_and_a_reinstatement_reach_the_screens_at_once(app, client):
    ev = build_event(n_entries=3, blind=False)
    sio, first = screen(app, client, ev)
    entry = ev["entries"][2]
    registration.withdraw_contestant(entry.contestant, ev["organiser"], "因病退赛")
    msg = latest(sio, ev["trade"].id)
    assert msg["version"] > first["version"] and row_of(msg, entry.id) is None
    registration.reinstate_contestant(db.session.get(Contestant, entry.contestant_id),
                                      ev["organiser"], "恢复参赛")
    msg = latest(sio, ev["trade"].id)
    assert row_of(msg, entry.id) is not None


def test_a_seat_and_lot_changed_by_hand_reach_a_blind_trades_screens_at_once(app, client):
    ev = build_event(n_entries=3, blind=True)        # blind: the lot is what screens show
    sio, first = screen(app, client, ev)
    entry = ev["entries"][0]
    assert row_of(first, entry.id)["lot"] == "001"
    seating.seat_entry(entry.id, ev["heat"].id, ev["organiser"], workstation=15,
                       lot_number="015", reason="调换工位，设备故障")
    msg = latest(sio, ev["trade"].id)
    assert msg["version"] > first["version"]
    assert (row_of(msg, entry.id)["lot"], row_of(msg, entry.id)["name"]) == ("015", None)


def test_contestants_entered_into_the_stage_appear_on_the_screens_at_once(app, client):
    ev = build_event(n_entries=2, blind=False)
    late = Contestant(competition_id=ev["competition"].id, trade_id=ev["trade"].id,
                      name="补报选手", gender="男", id_number=fake_id_number(77),
                      employer="示例县纺织厂")
    db.session.add(late)
    db.session.commit()
    sio, first = screen(app, client, ev)
    assert draws.enter_registered(ev["stage"], ev["organiser"]) == 1
    msg = latest(sio, ev["trade"].id)
    assert msg["version"] > first["version"]
    # entered but not seated: no blank row on the screens (issue 18), until seated
    assert "补报选手" not in [r["name"] for r in msg["rows"]]
    entry = next(e for e in ev["stage"].entries if e.contestant_id == late.id)
    seating.seat_entry(entry.id, ev["heat"].id, ev["organiser"], reason="补报，组委会同意")
    seated = latest(sio, ev["trade"].id)
    assert seated["version"] > msg["version"]
    assert "补报选手" in [r["name"] for r in seated["rows"]]
    assert db.session.get(Trade, ev["trade"].id).standings_version == seated["version"]
