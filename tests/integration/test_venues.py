"""The venue page (issue 18): today's heats at one venue, its LED screens (a rotation of the
trades running there, changing as heats start and are signed off) and the one-time sign-in
codes of the judges working there today; linked from the schedule and the organiser's menu."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from competition.extensions import db
from competition.models import Heat, JudgeAssignment, LoginToken, utcnow
from competition.services import venues as svc
from competition.timefmt import to_local
from tests.conftest import create_user
from tests.factories import build_event

VENUE = "示例县职业技术学校"


def earlier(now, wanted: timedelta) -> timedelta:
    """``wanted`` or less: a time before ``now`` on the same day in the competition's zone
    (the page's "today"), whatever the hour the tests run at."""
    local = to_local(now)
    return min(wanted, (local - local.replace(hour=0, minute=0, second=0, microsecond=0)) / 2)


def later(now, wanted: timedelta) -> timedelta:
    local = to_local(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return min(wanted, (midnight - local) / 2)


def _two_trades():
    """Two trades at the same venue today: one heat running (started an hour ago), one
    later today; a third heat elsewhere."""
    a = build_event(n_entries=2, n_judges=1, code="mini")
    b = build_event(n_entries=2, n_judges=1, code="other", competition=a["competition"])
    now = utcnow()
    a["heat"].starts_at = now - earlier(now, timedelta(hours=1))
    b["heat"].starts_at = now + later(now, timedelta(hours=2))
    far = Heat(stage_id=b["stage"].id, seq=2, name="第2场", venue="示例县第一机械厂实训车间", workstations=10,
               starts_at=now)
    db.session.add(far)
    db.session.commit()
    return a, b, far


def test_a_venues_day_its_states_screens_and_judges(app):
    a, b, far = _two_trades()
    comp = a["competition"]
    vd = svc.venue_day(comp, VENUE)
    assert [h.state for h in vd.heats] == ["running", "upcoming"]
    assert [t.code for t in vd.screen_trades] == ["mini"]                 # only what is running
    assert {j.username for j in vd.judges} == {a["judges"][0].username, b["judges"][0].username}
    assert svc.screen_state(comp, VENUE)["trades"] == ["mini"]
    # the running heat is signed off: nothing running, the screens show the day's trades
    a["heat"].locked_at = utcnow()
    db.session.commit()
    vd = svc.venue_day(comp, VENUE)
    assert [h.state for h in vd.heats] == ["finished", "upcoming"]
    assert [t.code for t in vd.screen_trades] == ["mini", "other"]
    # the later heat starts: it alone is running
    b["heat"].starts_at = utcnow() - earlier(utcnow(), timedelta(minutes=1))
    db.session.commit()
    assert svc.screen_state(comp, VENUE)["trades"] == ["other"]
    listing = {v.name: v for v in svc.venues(comp)}
    assert listing[VENUE].today == 2 and listing[far.venue].today == 1


def test_pages_menu_schedule_link_screen_and_codes(app, client, auth):
    a, b, far = _two_trades()
    organiser = a["organiser"]
    auth.login(organiser.username)
    url = f"/admin/venues/{quote(VENUE)}"
    assert url in client.get("/admin/schedule/?view=venue").get_data(as_text=True)
    page = client.get("/admin/venues/")
    assert page.status_code == 200 and url in page.get_data(as_text=True)
    assert "/admin/venues/" in client.get("/admin/schedule/").get_data(as_text=True)    # the menu
    text = client.get(url).get_data(as_text=True)
    assert "第1场" in text and a["judges"][0].username in text
    assert f"/screen/venue/{quote(VENUE)}" in text
    assert client.get("/admin/venues/nowhere").status_code == 404
    # the judges' codes: one per judge working there today, old unused ones voided
    r = client.post(f"{url}/signin-codes")
    assert r.status_code == 200 and r.get_data(as_text=True).count("<svg") == 2
    assert len(db.session.scalars(select(LoginToken)).all()) == 2
    client.post(f"{url}/signin-codes")
    live = [t for t in db.session.scalars(select(LoginToken))
            if t.expires_at.replace(tzinfo=None) > utcnow().replace(tzinfo=None)]
    assert len(live) == 2
    auth.logout()
    # the screen: the LED page over the running trade, open to screens without sign-in
    screen = client.get(f"/screen/venue/{quote(VENUE)}")
    assert screen.status_code == 200
    html = screen.get_data(as_text=True)
    assert "venue_screen.js" in html and '"code": "mini"' in html and '"code": "other"' not in html
    state = client.get(f"/screen/venue-state?venue={quote(VENUE)}").get_json()
    assert state["trades"] == ["mini"]
    assert client.get("/screen/venue/nowhere").status_code == 404
    # a judge or chief may not open the organiser's venue page
    judge = create_user("judge_venue", "judge")
    db.session.add(JudgeAssignment(heat_id=far.id, user_id=judge.id))
    db.session.commit()
    auth.login(judge.username)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}/signin-codes").status_code == 403
