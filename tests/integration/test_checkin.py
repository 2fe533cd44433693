"""Check-in (检录, issue 18): arrivals recorded from the ticket's page and from the heat's
check-in page (scanned URL, ticket number, lot number), by the organiser, the trade's chief
or a judge of the heat; audited; two scanners at once record one arrival."""
from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Role, User
from competition.services import checkin as svc
from competition.services.errors import Forbidden, NotFound
from competition.services.tickets import ticket_number, ticket_token
from tests.conftest import create_user
from tests.factories import build_event
from tests.integration.test_marks_concurrency import run_together


def test_arrivals_by_lot_ticket_number_and_scanned_url(app):
    ev = build_event(n_entries=3, n_judges=1)
    heat, trade = ev["heat"], ev["trade"]
    a, b, c = ev["entries"]
    assert svc.find_in_heat(heat, a.lot_number).id == a.id
    assert svc.find_in_heat(heat, ticket_number(ev["competition"], trade, b)).id == b.id
    assert svc.find_in_heat(heat, f"http://10.0.0.2:5000/ticket/{ticket_token(c.id)}").id == c.id
    try:
        svc.find_in_heat(heat, "999")
        raise AssertionError("refused expected")
    except NotFound:
        pass
    entry, newly = svc.record_arrival(ev["judges"][0], a.id)
    assert newly and entry.checked_in_at and entry.checked_in_by_id == ev["judges"][0].id
    first = entry.checked_in_at
    entry, newly = svc.record_arrival(ev["chief"], a.id)       # a second scan: unchanged
    assert not newly and entry.checked_in_at == first
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "entry.check_in")).all()
    assert [(r.object_id, r.user_id) for r in rows] == [(a.id, ev["judges"][0].id)]
    stranger = create_user("judge_elsewhere", Role.JUDGE)
    try:
        svc.record_arrival(stranger, b.id)
        raise AssertionError("refused expected")
    except Forbidden:
        pass


def test_two_scanners_at_once_record_one_arrival(app):
    ev = build_event(n_entries=10, n_judges=2)
    ids = [ev["judges"][0].id, ev["organiser"].id]
    db.session.commit()
    for entry in ev["entries"]:
        def scan(uid, entry_id=entry.id):
            return lambda: svc.record_arrival(db.session.get(User, uid), entry_id)[1]
        results = run_together(app, [scan(ids[0]), scan(ids[1])])
        assert sorted(results) == [False, True], results
        assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "entry.check_in",
                                                             AuditLog.object_id == entry.id)).all()) == 1


def test_pages_ticket_button_and_heat_list(app, client, auth):
    ev = build_event(n_entries=2, n_judges=1)
    a, b = ev["entries"]
    auth.login(ev["judges"][0].username)
    token = ticket_token(a.id)
    page = client.get(f"/ticket/{token}").get_data(as_text=True)
    assert f"/checkin/ticket/{token}" in page
    r = client.post(f"/checkin/ticket/{token}", follow_redirects=True)
    assert "已到" in r.get_data(as_text=True) or "arrived" in r.get_data(as_text=True)
    r = client.post(f"/checkin/heat/{ev['heat'].id}", data={"code": b.lot_number}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and text.count('class="arrived"') == 2
    db.session.expire_all()
    assert all(e.checked_in_at for e in db.session.scalars(select(Entry)))
    auth.logout()
    assert client.get(f"/ticket/{token}").status_code == 200       # anonymous: no button
    assert f"/checkin/ticket/{token}" not in client.get(f"/ticket/{token}").get_data(as_text=True)
    other = create_user("judge_other", Role.JUDGE)
    auth.login(other.username)
    assert client.get(f"/checkin/heat/{ev['heat'].id}").status_code == 403
