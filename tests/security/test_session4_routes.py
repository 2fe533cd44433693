"""Session 4's new routes and write paths, probed as an attacker would (issue 14's rules on
the pages added since): no-shows marked at a heat's start and undone, late entrants seated
several at once, per-entry substitutes (回避), the venue pages with the judges' one-time
sign-in codes, the venue screens and ?layout=leaders, freeze/reveal with confirm=1.

- authorisation: a judge, a chief judge of another trade, an arbitrator and the public try
  each new write, and are refused with nothing changed;
- CSRF on every new POST (WTF_CSRF_ENABLED on, as in production);
- ids of another heat, stage or trade in forms (IDOR) change nothing;
- blind trades: the new screens show no names or employers, and a frozen screen's 最新完成
  list says nothing about marks given after the freeze;
- stored text (venue names, reasons) is escaped wherever it is shown; an unknown or very
  long venue name is a 404, never a 500.

SQLite only: nothing here depends on the database (huge numbers, which do, are in
test_session4_bounds.py on both backends)."""
from __future__ import annotations

import html as htmllib
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Contestant, Entry, LoginToken, Mark, PanelSubstitution, Role, utcnow
from competition.timefmt import to_local
from tests.conftest import create_user
from tests.factories import build_event

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

VENUE = "示例县职业技术学校"           # build_event's venue
HOME = "示例县第1机械厂"               # contestants 1 and 4 work here
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>\'"&'
REFUSED_ROLES = ["judge", "other_chief", "arbitrator", "anonymous"]


def earlier(now, wanted: timedelta) -> timedelta:
    """``wanted`` or less: still today in the competition's time zone (tests/integration/
    test_venues.py)."""
    local = to_local(now)
    return min(wanted, (local - local.replace(hour=0, minute=0, second=0, microsecond=0)) / 2)


@pytest.fixture
def ev(app):
    """Trade mini (blind, its heat running at VENUE since a while ago, a late entrant not
    seated) and trade other (not blind, a late entrant of its own) in one competition;
    judge 1 works for HOME, a spare judge, an arbitrator of mini."""
    a = build_event(n_entries=4, n_judges=2, code="mini", blind=True)
    b = build_event(n_entries=2, n_judges=1, code="other", competition=a["competition"], blind=False)
    now = utcnow()
    a["heat"].starts_at = now - earlier(now, timedelta(hours=1))
    a["judges"][0].employer = HOME
    a["spare"] = create_user("spare_mini", Role.JUDGE, display_name="裁判四", employer="示例县第9机械厂")
    a["arbitrator"] = create_user("arb_mini", Role.ARBITRATION, trade_id=a["trade"].id)
    for ev_, name in ((a, "迟到选手甲"), (b, "迟到选手乙")):
        c = Contestant(competition_id=a["competition"].id, trade_id=ev_["trade"].id, name=name,
                       gender="女", id_number="990101199001019999", employer="示例县第7机械厂")
        db.session.add(c)
        db.session.flush()
        ev_["late"] = Entry(stage_id=ev_["stage"].id, heat_id=None, contestant_id=c.id)
        db.session.add(ev_["late"])
    db.session.commit()
    a["other"] = b
    return a


def user_of(ev, role: str):
    return {"judge": ev["judges"][0], "chief": ev["chief"], "other_chief": ev["other"]["chief"],
            "arbitrator": ev["arbitrator"], "organiser": ev["organiser"]}.get(role)


def sign_in(client, ev, role: str) -> None:
    user = user_of(ev, role)
    if user is not None:
        r = client.post("/auth/login", data={"username": user.username, "password": "pw-1234"})
        assert r.status_code == 302, role


def refused(resp) -> bool:
    return resp.status_code in (401, 403) or (
        resp.status_code == 302 and "/auth/login" in resp.headers.get("Location", ""))


def status_of(entry) -> str:
    db.session.expire_all()
    return db.session.get(Entry, entry.id).status


# --- authorisation: each new write --------------------------------------------------------

@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_marking_no_shows_absent_is_refused_to_others(ev, client, role):
    sign_in(client, ev, role)
    heat = ev["heat"]
    ids = [str(e.id) for e in ev["entries"]]
    assert refused(client.post(f"/checkin/heat/{heat.id}/absent", data={"entry": ids}))
    assert refused(client.post(f"/checkin/heat/{heat.id}/absent", data={"entry": ids, "from": "chief"}))
    if role != "judge":     # a judge of the heat reads the check-in list, not the no-shows' plan
        assert refused(client.get(f"/checkin/heat/{heat.id}"))
    assert refused(client.get(f"/checkin/heat/{heat.id}/absent"))
    assert {status_of(e) for e in ev["entries"]} == {"active"}


@pytest.mark.parametrize("role", ["organiser", "chief"])
def test_the_organiser_and_the_trades_chief_mark_no_shows(ev, client, role):
    sign_in(client, ev, role)
    e = ev["entries"][0]
    assert client.post(f"/checkin/heat/{ev['heat'].id}/absent", data={"entry": [str(e.id)]}).status_code == 302
    assert status_of(e) == "absent"


def test_marking_absent_ignores_entries_of_another_heat(ev, client):
    """IDOR: the other trade's entry id sent with this heat's form stays as it was."""
    sign_in(client, ev, "chief")
    theirs = ev["other"]["entries"][0]
    client.post(f"/checkin/heat/{ev['heat'].id}/absent", data={"entry": [str(theirs.id)]})
    assert status_of(theirs) == "active"


@pytest.mark.parametrize("role", ["chief", *REFUSED_ROLES])
def test_undoing_a_no_show_is_the_organisers_alone(ev, client, role):
    e = ev["entries"][0]
    e.status = "absent"
    db.session.commit()
    sign_in(client, ev, role)
    resp = client.post(f"/checkin/entry/{e.id}/undo-absent", data={"reason": "裁判长准许迟到"})
    assert refused(resp), resp.status_code
    assert status_of(e) == "absent"
    assert not db.session.scalar(select(AuditLog.id).where(AuditLog.action == "entry.absent_undo"))


@pytest.mark.parametrize("role", ["chief", *REFUSED_ROLES])
def test_seating_late_entrants_is_the_organisers_alone(ev, client, role):
    sign_in(client, ev, role)
    url = f"/admin/stages/{ev['stage'].id}/seat-late"
    assert refused(client.get(url))
    resp = client.post(url, data={"entry_ids": [str(ev["late"].id)], "heat_id": str(ev["heat"].id),
                                  "reason": "补报名"})
    assert refused(resp)
    db.session.expire_all()
    assert db.session.get(Entry, ev["late"].id).heat_id is None


def test_seat_late_refuses_an_entrant_or_a_heat_of_another_stage(ev, client):
    """IDOR: the other trade's late entrant, or its heat, through this stage's form."""
    sign_in(client, ev, "organiser")
    url = f"/admin/stages/{ev['stage'].id}/seat-late"
    theirs = ev["other"]
    for data in ({"entry_ids": [str(theirs["late"].id)], "heat_id": str(ev["heat"].id)},
                 {"entry_ids": [str(ev["late"].id)], "heat_id": str(theirs["heat"].id)},
                 {"entry_ids": [str(ev["late"].id), str(theirs["late"].id)], "heat_id": str(ev["heat"].id)}):
        resp = client.post(url, data={**data, "reason": "补报名"})
        assert 400 <= resp.status_code < 500, (data, resp.status_code)
    db.session.expire_all()
    assert db.session.get(Entry, theirs["late"].id).heat_id is None
    assert db.session.get(Entry, ev["late"].id).heat_id is None     # all or nothing
    resp = client.post(url, data={"entry_ids": [str(ev["late"].id)], "heat_id": str(ev["heat"].id),
                                  "reason": "补报名"})
    assert resp.status_code == 302                                   # the control
    db.session.expire_all()
    assert db.session.get(Entry, ev["late"].id).heat_id == ev["heat"].id


def assign_form(ev, substitute) -> dict:
    form = {"judge": [str(j.id) for j in ev["judges"]]}
    for crit in ("exam", "safety", "steps", "work"):
        form[f"substitute_{ev['judges'][0].id}_{crit}"] = str(substitute)
    return form


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_substitutes_are_refused_to_others(ev, client, role):
    sign_in(client, ev, role)
    resp = client.post(f"/judge/chief/heat/{ev['heat'].id}/assign", data=assign_form(ev, ev["spare"].id))
    assert refused(resp), resp.status_code
    assert db.session.scalar(select(func.count(PanelSubstitution.id))) == 0


def test_a_substitute_must_be_an_active_judge_other_than_the_one_standing_aside(ev, client):
    """A chief judge, an organiser, a deactivated judge, the judge themself or an unknown id
    as the substitute: refused (4xx, or the page again with the message), nothing stored."""
    sign_in(client, ev, "chief")
    gone = create_user("gone_mini", Role.JUDGE, active=False)
    url = f"/judge/chief/heat/{ev['heat'].id}/assign"
    for who in (ev["chief"].id, ev["organiser"].id, ev["other"]["chief"].id, gone.id,
                ev["judges"][0].id, 999999):
        resp = client.post(url, data=assign_form(ev, who))
        assert resp.status_code < 500, (who, resp.status_code)
        assert db.session.scalar(select(func.count(PanelSubstitution.id))) == 0, who
    assert client.post(url, data=assign_form(ev, ev["spare"].id)).status_code in (302, 303)
    assert db.session.scalar(select(func.count(PanelSubstitution.id))) == 8     # the control


@pytest.mark.parametrize("role", ["chief", *REFUSED_ROLES])
def test_a_venues_sign_in_codes_are_the_organisers_alone(ev, client, role):
    sign_in(client, ev, role)
    assert refused(client.get(f"/admin/venues/{quote(VENUE)}"))
    assert refused(client.get("/admin/venues/"))
    assert refused(client.post(f"/admin/venues/{quote(VENUE)}/signin-codes"))
    assert db.session.scalar(select(func.count(LoginToken.id))) == 0


@pytest.mark.parametrize("role", ["chief", *REFUSED_ROLES])
def test_freezing_a_screen_is_the_organisers_alone(ev, client, role):
    sign_in(client, ev, role)
    for action in ("freeze", "reveal_begin"):
        assert refused(client.post(f"/admin/live/{ev['trade'].id}/{action}", data={"confirm": "1"}))
    db.session.expire_all()
    assert not db.session.get(type(ev["trade"]), ev["trade"].id).frozen


# --- CSRF on every new POST ---------------------------------------------------------------

def test_every_new_write_needs_the_csrf_token(app, ev, client):
    e = ev["entries"][1]
    e.status = "absent"
    db.session.commit()
    sign_in(client, ev, "organiser")
    chief = app.test_client()
    chief.post("/auth/login", data={"username": ev["chief"].username, "password": "pw-1234"})
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        writes = [
            (client, f"/checkin/heat/{ev['heat'].id}/absent", {"entry": [str(ev["entries"][0].id)]}),
            (client, f"/checkin/entry/{e.id}/undo-absent", {"reason": "裁判长准许迟到"}),
            (client, f"/admin/stages/{ev['stage'].id}/seat-late",
             {"entry_ids": [str(ev["late"].id)], "heat_id": str(ev["heat"].id), "reason": "补报名"}),
            (client, f"/admin/venues/{quote(VENUE)}/signin-codes", {}),
            (client, f"/admin/live/{ev['trade'].id}/freeze", {"confirm": "1"}),
            (client, f"/admin/live/{ev['trade'].id}/reveal_begin", {"confirm": "1"}),
            (chief, f"/judge/chief/heat/{ev['heat'].id}/assign", assign_form(ev, ev["spare"].id)),
            (chief, f"/checkin/heat/{ev['heat'].id}/absent", {"entry": [str(ev["entries"][0].id)],
                                                              "from": "chief"}),
        ]
        for who, url, data in writes:
            assert who.post(url, data=data).status_code == 400, url
            assert who.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert [status_of(x) for x in ev["entries"][:2]] == ["active", "absent"]
    assert db.session.get(Entry, ev["late"].id).heat_id is None
    assert db.session.scalar(select(func.count(LoginToken.id))) == 0
    assert db.session.scalar(select(func.count(PanelSubstitution.id))) == 0
    assert not db.session.get(type(ev["trade"]), ev["trade"].id).frozen


def test_the_new_forms_carry_their_token(app, ev, client):
    """The control: with CSRF on, the pages' own forms post (the token is in each)."""
    sign_in(client, ev, "organiser")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        url = f"/admin/stages/{ev['stage'].id}/seat-late"
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
        assert token
        resp = client.post(url, data={"entry_ids": [str(ev["late"].id)], "heat_id": str(ev["heat"].id),
                                      "reason": "补报名", "csrf_token": token.group(1)})
        assert resp.status_code == 302
        page = client.get(f"/checkin/heat/{ev['heat'].id}/absent").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        resp = client.post(f"/checkin/heat/{ev['heat'].id}/absent",
                           data={"entry": [str(ev["entries"][0].id)], "csrf_token": token})
        assert resp.status_code == 302 and status_of(ev["entries"][0]) == "absent"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- blind trades on the new screens ------------------------------------------------------

def settings_of(page: str) -> dict:
    m = re.search(r"data-settings='([^']*)'", page)
    assert m, "no data-settings"
    return json.loads(htmllib.unescape(m.group(1)))


def no_names(text: str) -> bool:
    return "测试选手" not in text and "机械厂" not in text and "迟到选手" not in text


def test_the_leaders_layout_and_the_venue_screens_of_a_blind_trade_show_no_names(ev, client):
    assert ev["trade"].blind
    db.session.add(Mark(entry_id=ev["entries"][1].id, judge_id=ev["judges"][1].id, criterion="work",
                        value="50"))
    db.session.commit()
    pages = [f"/screen/trade/{ev['trade'].code}?layout=leaders", f"/screen/venue/{quote(VENUE)}",
             f"/screen/venue/{quote(VENUE)}?layout=leaders", f"/screen/venue-state?venue={quote(VENUE)}",
             f"/screen/rotate?trades={ev['trade'].code},other&layout=leaders"]
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert no_names(resp.get_data(as_text=True)), url
    leaders = settings_of(client.get(pages[0]).get_data(as_text=True))
    assert leaders["latest"] == {str(ev["trade"].id): [str(ev["entries"][1].id)]}   # ids, no names


def test_a_frozen_leaders_screen_does_not_list_who_was_marked_after_the_freeze(ev, client):
    """While frozen, screens show the standings of the freeze: a screen (re)opened then must
    not list under 最新完成 the contestants whose marks came in after it."""
    trade = ev["trade"]
    trade.frozen = True
    trade.frozen_payload = {"at": "2026-12-07T08:00:00+00:00", "version": trade.standings_version, "rows": []}
    db.session.add(Mark(entry_id=ev["entries"][2].id, judge_id=ev["judges"][1].id, criterion="work",
                        value="50"))
    db.session.commit()
    for url in (f"/screen/trade/{trade.code}?layout=leaders", f"/screen/venue/{quote(VENUE)}?layout=leaders"):
        latest = settings_of(client.get(url).get_data(as_text=True))["latest"]
        assert str(ev["entries"][2].id) not in latest.get(str(trade.id), []), url


# --- stored text: escaped; unknown and long venue names -----------------------------------

def test_a_hostile_venue_name_is_text_on_every_venue_page(ev, client):
    ev["heat"].venue = EVIL
    ev["other"]["heat"].venue = EVIL
    ev["other"]["heat"].starts_at = utcnow() + timedelta(days=3)     # another day there
    db.session.commit()
    sign_in(client, ev, "organiser")
    where = quote(EVIL, safe="")
    pages = {"index": client.get("/admin/venues/"), "venue": client.get(f"/admin/venues/{where}"),
             "codes": client.post(f"/admin/venues/{where}/signin-codes"),
             "screen": client.get(f"/screen/venue/{where}"),
             "schedule": client.get("/admin/schedule/")}
    for what, resp in pages.items():
        assert resp.status_code == 200, (what, resp.status_code)
        text = resp.get_data(as_text=True)
        assert "<script>alert" not in text and "<img src=x" not in text, what
    state = client.get(f"/screen/venue-state?venue={where}")
    assert state.mimetype == "application/json" and state.get_json()["venue"] == EVIL
    assert state.headers["X-Content-Type-Options"] == "nosniff"
    # the screen's settings carry the name as JSON inside an attribute, and it reads back whole
    assert settings_of(pages["screen"].get_data(as_text=True))["venue"]["name"] == EVIL
    ev["heat"].starts_at = utcnow() + timedelta(days=2)                  # nothing today: the idle page
    db.session.commit()
    idle = client.get(f"/screen/venue/{where}")
    assert idle.status_code == 200 and "<script>alert" not in idle.get_data(as_text=True)
    assert settings_of(idle.get_data(as_text=True))["venue"]["name"] == EVIL


def test_a_hostile_reason_or_appeal_ground_is_text_on_the_pages(ev, client):
    e = ev["entries"][0]
    e.status = "absent"
    db.session.commit()
    sign_in(client, ev, "organiser")
    assert client.post(f"/checkin/entry/{e.id}/undo-absent", data={"reason": EVIL}).status_code == 302
    client.post(f"/admin/stages/{ev['stage'].id}/seat-late",
                data={"entry_ids": [str(ev["late"].id)], "heat_id": str(ev["heat"].id), "reason": EVIL})
    from competition.services.appeals import file_appeal
    appeal = file_appeal(ev["organiser"], entry_id=ev["entries"][1].id, grounds=EVIL)
    for url in (f"/judge/chief/heat/{ev['heat'].id}/audit", f"/checkin/heat/{ev['heat'].id}",
                f"/admin/stages/{ev['stage'].id}/draw", "/admin/appeals/", f"/admin/appeals/{appeal.id}"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "<script>alert" not in resp.get_data(as_text=True), url
    assert "&lt;script&gt;alert" in client.get(f"/admin/appeals/{appeal.id}").get_data(as_text=True)


@pytest.mark.parametrize("name", ["没有这个场地", "x" * 5000, "场" * 3000, "../admin", "%00", " "])
def test_an_unknown_or_very_long_venue_is_not_found(ev, client, name):
    sign_in(client, ev, "organiser")
    where = quote(name, safe="")
    assert client.get(f"/admin/venues/{where}").status_code == 404
    assert client.post(f"/admin/venues/{where}/signin-codes").status_code == 404
    assert client.get(f"/screen/venue/{where}").status_code == 404
    state = client.get(f"/screen/venue-state?venue={where}")
    assert state.status_code == 200 and state.get_json()["trades"] == []
    assert len(state.get_json()["venue"]) <= 200
    assert db.session.scalar(select(func.count(LoginToken.id))) == 0


def test_a_venues_codes_go_to_its_judges_of_today_only(ev, client):
    """The codes page names the venue's judges of today and nobody else (not the other
    trade's judge of a heat elsewhere, nor the organiser or chief)."""
    other = ev["other"]
    other["heat"].venue = "示例县第一机械厂实训车间"
    other["heat"].starts_at = ev["heat"].starts_at
    db.session.commit()
    sign_in(client, ev, "organiser")
    assert client.post(f"/admin/venues/{quote(VENUE)}/signin-codes").status_code == 200
    holders = set(db.session.scalars(select(LoginToken.user_id)))
    assert holders == {j.id for j in ev["judges"]}


# --- the check-in page of a blind trade, as a judge of the heat reads it ------------------

def test_a_judge_checking_in_a_blind_heat_sees_lot_numbers_only(ev, client):
    """A judge of the heat records arrivals (检录) but marks by lot number: the check-in list
    must not give them the whole lot -> name (employer, ticket number) table, nor the
    arrival message the name of the lot they typed. The organiser and the trade's chief
    judge still see names; a trade not judged blind shows them to its judges too."""
    from competition.services.tickets import ticket_number
    sign_in(client, ev, "judge")
    url = f"/checkin/heat/{ev['heat'].id}"
    page = client.get(url).get_data(as_text=True)
    assert no_names(page), "names on a blind heat's check-in list"
    assert ev["entries"][0].lot_number in page
    number = ticket_number(ev["competition"], ev["trade"], ev["entries"][0])
    assert number not in page
    resp = client.post(url, data={"code": ev["entries"][1].lot_number}, follow_redirects=True)
    assert resp.status_code == 200 and "已到场" in resp.get_data(as_text=True)
    assert no_names(resp.get_data(as_text=True))
    resp = client.post(url, data={"code": ev["entries"][1].lot_number}, follow_redirects=True)
    assert "已于" in resp.get_data(as_text=True) and no_names(resp.get_data(as_text=True))
    client.post("/auth/logout")
    for role in ("organiser", "chief"):
        sign_in(client, ev, role)
        assert "测试选手1" in client.get(url).get_data(as_text=True), role
        client.post("/auth/logout")
    other = ev["other"]                                   # not blind: its judge sees names
    client.post("/auth/login", data={"username": other["judges"][0].username, "password": "pw-1234"})
    assert "测试选手1" in client.get(f"/checkin/heat/{other['heat'].id}").get_data(as_text=True)


def test_a_substitute_for_a_blind_criterion_gets_lot_numbers_only(app, client):
    """回避: a judge who marks a criterion judged blind only as someone's substitute (not on
    the heat's panel) reads that heat's sheet by lot number, as its own judges do."""
    from competition.services.heats import assign_judges
    from tests.security.test_blind_public import rule_text
    ev = build_event(n_entries=6, n_judges=3, blind=False)
    ev["trade"].rule_text = rule_text(trade_blind=False, work_blind=True)
    ev["judges"][0].employer = HOME
    spare = create_user("spare_blind", Role.JUDGE, employer="示例县第9机械厂")
    db.session.commit()
    assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]},
                  substitutes={(ev["judges"][0].id, "work"): spare.id},
                  conflict_reason="理论考试由系统阅卷，不受影响")
    client.post("/auth/login", data={"username": spare.username, "password": "pw-1234"})
    sheet = client.get(f"/api/heats/{ev['heat'].id}/sheet").get_json()
    assert sheet["blind"] is True
    assert [e["lot_number"] for e in sheet["entries"]] == ["001", "004"]
    assert no_names(json.dumps(sheet, ensure_ascii=False))
    assert no_names(client.get(f"/judge/heat/{ev['heat'].id}").get_data(as_text=True))
