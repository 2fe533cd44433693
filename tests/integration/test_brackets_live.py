"""The LED bracket screen is told over Socket.IO (the trade's room) when a result is in."""

from competition.extensions import db, socketio
from competition.services import brackets as svc
from competition.services import draws

from ._registration_setup import setup_event


def test_a_result_reaches_the_screens_of_the_trade(app, client):
    ev = setup_event()
    from competition.models import Team
    for name in ("甲队", "乙队", "丙队", "丁队"):
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=name, employer="示例县" + name))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    draws.enter_registered(stage, ev["organiser"])
    bracket = svc.create_bracket(stage, "single_elimination", ev["organiser"])
    screen = socketio.test_client(app, flask_test_client=client)
    screen.emit("join", {"trade": ev["quiz"].id})
    screen.get_received()
    first = next(m for m in bracket.matches if m.round == 1 and m.slot == 0)
    svc.record_result(first, 5, 2, ev["organiser"])
    events = [e for e in screen.get_received() if e["name"] == "bracket"]
    assert events == [{"name": "bracket", "args": [{"bracket": bracket.id, "version": 2}],
                       "namespace": "/"}]
    # the screen then fetches the new view: the winner is in the final
    view = client.get(f"/brackets/{bracket.id}.json").get_json()
    assert view["version"] == 2 and view["rounds"][1]["matches"][0]["a"]["name"]
    screen.disconnect()
