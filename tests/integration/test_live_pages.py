"""The live pages over HTTP: the standings API, LED and public pages, the organiser's live
page and its controls, and the locally served Socket.IO client."""
from competition import live
from competition.extensions import db
from competition.models import AuditLog, Mark
from competition.services.standings import trade_changed
from tests.conftest import create_user
from tests.factories import build_event


def test_the_standings_api_gives_trade_version_and_rows(app, client):
    ev = build_event(n_entries=2, blind=False)
    db.session.add(Mark(entry_id=ev["entries"][1].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    trade_changed(ev["trade"].id)
    body = client.get("/api/trades/mini/standings").get_json()
    assert body["trade"]["code"] == "mini" and body["version"] == 1
    assert [(r["rank"], r["name"], r["total"]) for r in body["rows"]] == [
        (1, "测试选手2", "38.00"), (None, "测试选手1", None)]
    assert ev["entries"][0].contestant.id_number not in client.get(
        "/api/trades/mini/standings").get_data(as_text=True)


def test_an_unknown_trade_is_a_json_404(app, client):
    build_event(n_entries=1)
    r = client.get("/api/trades/nope/standings")
    assert r.status_code == 404 and r.get_json()["field"] == "code"


def test_led_rotation_and_public_pages_render_for_anyone(app, client):
    build_event(n_entries=2, blind=False)
    for url in ("/screen/", "/screen/trade/mini", "/screen/rotate?trades=mini,nope&seconds=9",
                "/results/mini"):
        r = client.get(url)
        assert r.status_code == 200, url
    assert "测试选手1" in client.get("/results/mini").get_data(as_text=True)
    assert client.get("/screen/trade/nope").status_code == 404
    assert client.get("/screen/rotate?trades=").status_code == 404


def test_the_browser_socket_io_client_is_served_locally(app, client):
    r = client.get("/vendor/socket.io.min.js")
    assert r.status_code == 200 and r.mimetype == "application/javascript"
    assert b"io" in r.data[:2000]
    r.close()


def test_a_missing_socket_io_client_says_which_command_installs_it(app, client, tmp_path):
    app.config["VENDOR_ROOT"] = str(tmp_path)
    r = client.get("/vendor/socket.io.min.js")
    assert r.status_code == 503 and "run.sh start" in r.get_data(as_text=True)


def test_only_organisers_see_the_live_page_and_its_controls(app, client, auth):
    ev = build_event(n_entries=2)
    assert client.get("/admin/live/").status_code in (302, 401)
    create_user("screen1", "screen")
    auth.login("screen1")
    assert client.get("/admin/live/").status_code == 403
    assert client.post(f"/admin/live/{ev['trade'].id}/freeze").status_code == 403
    auth.logout()
    auth.login(ev["organiser"].username)
    page = client.get("/admin/live/").get_data(as_text=True)
    assert "0 / 12" in page and 'data-action="freeze"' in page


def test_the_organiser_freezes_reveals_and_unfreezes_from_the_live_page(app, client, auth):
    ev = build_event(n_entries=2)
    for entry, value in zip(ev["entries"], ("70", "80")):
        db.session.add(Mark(entry_id=entry.id, judge_id=ev["judges"][0].id,
                            criterion="exam", value=value))
    db.session.commit()
    auth.login(ev["organiser"].username)
    tid = ev["trade"].id
    for action in ("freeze", "reveal_begin", "reveal_next", "reveal_all", "unfreeze"):
        resp = client.post(f"/admin/live/{tid}/{action}", data={"confirm": "1"})
        assert resp.status_code == 302, action
    r = client.post(f"/admin/live/{tid}/reveal_next", follow_redirects=True)
    assert "请先开始颁奖揭晓" in r.get_data(as_text=True)
    assert client.post(f"/admin/live/{tid}/explode").status_code == 404
    actions = db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["live.freeze", "live.reveal_begin", "live.reveal_next",
                       "live.reveal_all", "live.unfreeze"]
    assert live.load_trade(tid).frozen is False


def test_the_live_page_says_how_far_the_ceremony_reveal_has_come(app, client, auth):
    ev = build_event(n_entries=3)
    for entry, value in zip(ev["entries"], ("70", "80", "90")):
        db.session.add(Mark(entry_id=entry.id, judge_id=ev["judges"][0].id,
                            criterion="exam", value=value))
    db.session.commit()
    auth.login(ev["organiser"].username)
    tid = ev["trade"].id
    for action in ("freeze", "reveal_begin", "reveal_next"):
        client.post(f"/admin/live/{tid}/{action}", data={"confirm": "1"})
    page = client.get("/admin/live/").get_data(as_text=True)
    assert "颁奖揭晓中 1/3" in page
