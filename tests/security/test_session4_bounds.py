"""Numbers from outside on session 4's new routes (issue 14's bounded ids): a huge id in a
path is a 404; a huge number or a digit that is not a decimal digit ("²", which str.isdigit()
accepts and int() refuses) in a form is a 4xx or the form again, never a 500. Both backends:
PostgreSQL refuses an id beyond its integer range where SQLite does not."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contestant, Entry, PanelSubstitution, Role
from tests.conftest import create_user
from tests.factories import build_event

HUGE = ["99999999999999999999", str(2 ** 63), str(2 ** 31)]
ODD = ["²", "①", "-1", "1.5", "1e3", "0x1", ""]    # isdigit() but not int(), or not digits


@pytest.fixture
def ev(app):
    ev = build_event(n_entries=4, n_judges=2)
    ev["judges"][0].employer = "示例县第1机械厂"
    ev["spare"] = create_user("spare_mini", Role.JUDGE, employer="示例县第9机械厂")
    c = Contestant(competition_id=ev["competition"].id, trade_id=ev["trade"].id, name="迟到选手",
                   gender="女", id_number="990101199001019999", employer="示例县第7机械厂")
    db.session.add(c)
    db.session.flush()
    ev["late"] = Entry(stage_id=ev["stage"].id, heat_id=None, contestant_id=c.id)
    db.session.add(ev["late"])
    db.session.commit()
    return ev


def sign_in(client, user):
    assert client.post("/auth/login", data={"username": user.username, "password": "pw-1234"}).status_code == 302


def test_a_huge_id_in_a_new_path_is_not_found(ev, client):
    sign_in(client, ev["organiser"])
    for n in HUGE:
        for method, path in (("GET", "/admin/stages/{n}/seat-late"), ("POST", "/admin/stages/{n}/seat-late"),
                             ("GET", "/checkin/heat/{n}/absent"), ("POST", "/checkin/heat/{n}/absent"),
                             ("POST", "/checkin/entry/{n}/undo-absent"), ("POST", "/admin/live/{n}/freeze")):
            resp = client.open(path.format(n=n), method=method, data={"reason": "补报名", "confirm": "1"})
            assert resp.status_code in (404, 405), (method, path, n)   # no route for it


def test_odd_and_huge_numbers_in_the_new_forms_are_not_a_server_error(ev, client):
    sign_in(client, ev["organiser"])
    seat = f"/admin/stages/{ev['stage'].id}/seat-late"
    absent = f"/checkin/heat/{ev['heat'].id}/absent"
    assign = f"/judge/chief/heat/{ev['heat'].id}/assign"
    j1, j2 = (str(j.id) for j in ev["judges"])
    for n in [*HUGE, *ODD]:
        forms = [
            (seat, {"entry_ids": [n], "heat_id": str(ev["heat"].id), "reason": "补报名"}),
            (seat, {"entry_ids": [str(ev["late"].id)], "heat_id": n, "reason": "补报名"}),
            (absent, {"entry": [n]}),
            (assign, {"judge": [j1, j2], f"substitute_{j1}_work": n}),
            (assign, {"judge": [j1, j2, n]}),
            (assign, {"judge": [j1, j2], f"substitute_{n}_work": str(ev["spare"].id)}),
        ]
        for url, data in forms:
            resp = client.post(url, data=data)
            assert resp.status_code < 500, (url, data, resp.status_code)
            db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Entry, ev["late"].id).heat_id is None
    assert {e.status for e in db.session.scalars(select(Entry))} == {"active"}
    assert db.session.scalar(select(func.count(PanelSubstitution.id))) == 0


def test_a_digit_int_refuses_in_the_older_staff_forms_is_not_a_server_error(ev, client):
    """The same "²" in the organiser's draw (heat preferences), advancement and bracket
    seeds, and in the arbitration panel's re-score (the mark's id)."""
    from competition.services import appeals
    sign_in(client, ev["organiser"])
    stage = ev["stage"].id
    e = str(ev["entries"][0].id)
    for url, data in ((f"/admin/stages/{stage}/draw", {f"pref_{e}": "²"}),
                      (f"/admin/stages/{stage}/draw", {"pref_²": str(ev["heat"].id)}),
                      (f"/admin/stages/{stage}/advancement", {"entry": ["²"]}),
                      (f"/admin/stages/{stage}/seeds", {f"seed_{e}": "²"}),
                      (f"/admin/stages/{stage}/seeds", {"seed_²": "1"})):
        resp = client.post(url, data=data)
        assert resp.status_code < 500, (url, data, resp.status_code)
        db.session.rollback()
    appeal = appeals.file_appeal(ev["organiser"], entry_id=ev["entries"][0].id, grounds="实操评分有误，请求复核")
    client.post("/auth/logout")
    arb = create_user("arb_bounds", Role.ARBITRATION)
    sign_in(client, arb)
    for mark_id in ("²", HUGE[0]):
        resp = client.post(f"/admin/appeals/{appeal.id}/rescore",
                           data={"mark_id": mark_id, "value": "50", "reason": "复核"})
        assert resp.status_code < 500, (mark_id, resp.status_code)
        db.session.rollback()
