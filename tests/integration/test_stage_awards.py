"""Awards and titles go with the trade's final placing: while the final is drawn but not
yet scored, the screens show the preliminary's ranking without awards, and certificates
and promotions get nothing to award from it; once the final has marks, its awards appear."""
from competition.extensions import db
from competition.models import Trade
from competition.services.standings import trade_standings

from ._stages_setup import build_two_stage


def test_a_preliminary_followed_by_a_final_awards_nothing(app, client):
    ev = build_two_stage(final_marks=False)
    trade = db.session.get(Trade, ev["trade"].id)
    ts = trade_standings(trade)
    assert ts.stage.name == "初赛"                     # the stage on the screens
    assert [r.rank for r in ts.standings.rows if r.rank][:3] == [1, 2, 3]
    assert all(r.award is None and r.titles == () for r in ts.standings.rows)
    rows = client.get("/api/trades/mini/standings").get_json()["rows"]
    assert rows[0]["rank"] == 1 and rows[0]["award"] is None and rows[0]["titles"] == []


def test_the_final_awards_once_it_has_marks(app, client):
    ev = build_two_stage(final_marks=True)
    ts = trade_standings(db.session.get(Trade, ev["trade"].id))
    assert ts.stage.name == "决赛"
    awarded = [r.award for r in ts.standings.rows if r.rank]
    assert awarded[0] is not None
    prelim = trade_standings(ts.trade, ev["stage"])
    assert all(r.award is None for r in prelim.standings.rows)
