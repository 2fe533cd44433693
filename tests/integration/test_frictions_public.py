"""Issue 18, the organiser's frictions: a late registrant who is entered into a stage but
not yet seated in a heat is not a blank row on the public results page (nor on the LED
snapshot); once seated, they appear."""
import pytest
from sqlalchemy import select

from competition import live
from competition.extensions import db
from competition.models import Entry, Trade
from competition.services import draws, seating
from competition.services import registration as reg

from ._registration_setup import person_row, setup_event, workbook

FIELDS = ("name", "gender", "id_number", "employer", "phone", "trade", "grade")


@pytest.fixture
def ev(app):
    ev = setup_event()
    reg.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 6)]),
                     ev["organiser"])
    stage = draws.create_stage(ev["lathe"], "预赛", ev["organiser"])
    draws.create_heat(stage, "第1场", 8, ev["organiser"])
    draws.run_draw(stage, ev["organiser"], seed="late-public")
    late = reg.add_contestant(ev["competition"], {**dict(zip(FIELDS, person_row(40))),
                                                  "trade": "lathe"}, ev["organiser"])
    draws.enter_registered(stage, ev["organiser"])
    entry = db.session.scalar(select(Entry).where(Entry.contestant_id == late.id))
    return {**ev, "stage": stage, "late": entry}


def _keys(trade_id):
    return {r["key"] for r in live.snapshot(live.load_trade(trade_id))["rows"]}


def test_an_unseated_late_registrant_is_no_row_until_seated(client, ev):
    late, trade = ev["late"], ev["lathe"]
    assert late.heat_id is None
    assert str(late.id) not in _keys(trade.id)
    assert len(_keys(trade.id)) == 5
    page = client.get("/results/lathe").get_data(as_text=True)
    assert late.display_name not in page
    seating.seat_entry(late.id, ev["stage"].heats[0].id, ev["organiser"], reason="补报名")
    db.session.expire_all()
    assert str(late.id) in _keys(trade.id)
    page = client.get("/results/lathe").get_data(as_text=True)
    assert late.display_name in page


def test_a_blind_trade_shows_no_blank_row_for_the_unseated(client, ev):
    trade = db.session.get(Trade, ev["lathe"].id)
    trade.blind = True
    trade.standings_version = Trade.standings_version + 1
    db.session.commit()
    rows = live.snapshot(live.load_trade(trade.id))["rows"]
    assert rows and all(r["lot"] for r in rows)   # every row has at least its lot number
