"""Which stage's results a trade shows: the preliminary until the final is being scored."""
from competition.extensions import db
from competition.models import Entry, Heat, Mark, Stage
from competition.services.standings import default_stage, trade_standings
from tests.factories import build_event


def test_a_drawn_but_unscored_final_leaves_the_preliminary_on_show(app):
    ev = build_event(n_entries=3)
    prelim = ev["stage"]
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    final = Stage(trade_id=ev["trade"].id, seq=2, name="决赛")
    heat = Heat(stage=final, seq=1, name="决赛第1场", workstations=10)
    db.session.add_all([final, heat])
    db.session.flush()
    finalist = Entry(stage_id=final.id, heat_id=heat.id,
                     contestant_id=ev["entries"][0].contestant_id, lot_number="001",
                     workstation=1)
    db.session.add(finalist)
    db.session.commit()
    assert default_stage(ev["trade"]).id == prelim.id
    assert len(trade_standings(ev["trade"]).standings.rows) == 3

    db.session.add(Mark(entry_id=finalist.id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="90"))
    db.session.commit()
    assert default_stage(ev["trade"]).id == final.id
    assert len(trade_standings(ev["trade"]).standings.rows) == 1
