"""Who may use which judging endpoint: every role x every endpoint, and the one-time QR
sign-in links."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import LoginToken, Role, utcnow
from competition.services.login_tokens import consume_token, issue_tokens
from tests.conftest import create_user
from tests.factories import build_event

ROLES = ["anonymous", "judge", "other_judge", "chief", "other_chief", "arbitration",
         "organiser", "screen"]


@pytest.fixture
def world(app):
    ev = build_event(n_entries=2, n_judges=1)
    other = build_event(n_entries=1, n_judges=1, code="other", competition=ev["competition"])
    users = {"judge": ev["judges"][0], "other_judge": other["judges"][0],
             "chief": ev["chief"], "other_chief": other["chief"],
             "arbitration": create_user("panel", Role.ARBITRATION),
             "organiser": ev["organiser"], "screen": create_user("led1", Role.SCREEN)}
    return ev, users


def endpoints(ev):
    """(name, method, url, body, roles allowed). State-changing ones last: lock, unlock."""
    h, e, t = ev["heat"].id, ev["entries"][0].id, ev["trade"].id
    watchers = {"chief", "arbitration", "organiser"}
    return [
        ("judge home", "GET", "/judge/", None, {"judge", "other_judge"}),
        ("heat page", "GET", f"/judge/heat/{h}", None, {"judge"}),
        ("sheet api", "GET", f"/api/heats/{h}/sheet", None, {"judge"}),
        ("post mark", "POST", "/api/marks", {"json": {
            "client_id": "matrix-000001", "entry_id": e, "criterion": "work",
            "value": "30"}}, {"judge"}),
        ("csrf token", "GET", "/api/csrf-token", None,
         {"judge", "other_judge", "chief", "other_chief", "arbitration", "organiser"}),
        ("openapi", "GET", "/api/openapi.json", None, set(ROLES)),
        ("chief home", "GET", "/judge/chief", None, watchers | {"other_chief"}),
        ("chief heat", "GET", f"/judge/chief/heat/{h}", None, watchers),
        ("chief entry", "GET", f"/judge/chief/heat/{h}/entry/{e}", None, watchers),
        ("audit", "GET", f"/judge/chief/heat/{h}/audit", None, watchers),
        ("audit csv", "GET", f"/judge/chief/heat/{h}/audit.csv", None, watchers),
        ("audit xlsx", "GET", f"/judge/chief/heat/{h}/audit.xlsx", None, watchers),
        ("assign", "POST", f"/judge/chief/heat/{h}/assign",
         {"data": {"judge": [str(ev["judges"][0].id)]}}, {"chief", "organiser"}),
        ("sign-in codes", "POST", f"/judge/chief/trade/{t}/signin-codes", None,
         {"chief", "organiser"}),
        ("correct", "POST", f"/judge/chief/heat/{h}/correct",
         {"data": {"entry_id": str(e), "criterion": "exam", "value": "80",
                   "reason": "补录理论成绩"}}, {"chief"}),
        ("appeal", "POST", f"/judge/chief/heat/{h}/appeal",
         {"data": {"entry_id": str(e), "decision": "rejected", "reason": "申诉不成立"}},
         {"arbitration"}),
        ("lock", "POST", f"/judge/chief/heat/{h}/lock", None, {"chief"}),
        ("unlock", "POST", f"/judge/chief/heat/{h}/unlock", {"data": {"reason": "重新开放"}},
         {"chief"}),
    ]


def refused(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or "/auth/login" in location


@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(world, client, auth, role):
    ev, users = world
    if role != "anonymous":
        assert auth.login(users[role].username).status_code == 302
    wrong = []
    for name, method, url, body, allowed in endpoints(ev):
        response = client.open(url, method=method, **(body or {}))
        assert response.status_code < 500, (name, response.status_code)
        if refused(response) == (role in allowed):
            wrong.append((name, response.status_code))
        if url.startswith("/api/") and response.status_code >= 400:
            assert response.is_json and "error" in response.json, name
    assert wrong == [], f"{role}: wrong answers for {wrong}"


def test_a_judge_cannot_read_or_write_outside_their_assignment(world, client, auth):
    ev, users = world
    auth.login(users["other_judge"].username)
    assert client.get(f"/api/heats/{ev['heat'].id}/sheet").status_code == 403
    assert client.get(f"/judge/heat/{ev['heat'].id}").status_code == 403
    r = client.post("/api/marks", json={"client_id": "outside-00001",
                                        "entry_id": ev["entries"][0].id,
                                        "criterion": "work", "value": "30"})
    assert r.status_code == 403 and r.json["field"] == "heat_id"
    assert f"/judge/heat/{ev['heat'].id}\"" not in client.get("/judge/").get_data(as_text=True)


def test_a_qr_sign_in_link_works_once(world, client):
    ev, users = world
    (judge, token), = issue_tokens(ev["chief"], ev["trade"].id)
    assert judge.id == users["judge"].id
    stored = db.session.scalars(select(LoginToken)).all()
    assert token not in {t.token_hash for t in stored}          # only a hash is stored
    r = client.get(f"/auth/token/{token}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/judge/")
    assert client.get("/judge/").status_code == 200
    client.post("/auth/logout")
    used = client.get(f"/auth/token/{token}")
    assert used.status_code == 410
    # the judge is offered the PIN sign-in right there
    assert 'href="/auth/login?next=/judge/"' in used.get_data(as_text=True)
    assert client.get("/judge/").status_code == 302


def test_an_expired_or_replaced_link_does_not_sign_in(world):
    ev, _users = world
    (_, old), = issue_tokens(ev["chief"], ev["trade"].id)
    (_, new), = issue_tokens(ev["chief"], ev["trade"].id)
    assert consume_token(old) is None                           # voided by the reprint
    row = db.session.scalars(select(LoginToken).order_by(LoginToken.id.desc())).first()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert consume_token(new) is None
    assert consume_token("not-a-token") is None and consume_token("") is None


def test_the_printed_codes_use_the_host_the_chief_judge_used(world, client, app):
    ev, _users = world
    client.post("/auth/login", data={"username": ev["chief"].username, "password": "pw-1234"},
                base_url="http://192.168.1.10:5000")
    r = client.post(f"/judge/chief/trade/{ev['trade'].id}/signin-codes",
                    base_url="http://192.168.1.10:5000")
    page = r.get_data(as_text=True)
    assert "<svg" in page and "http://192.168.1.10:5000/auth/token/" in page
    assert "仅可使用一次，有效期至" in page      # printed on each card
    app.config["PUBLIC_BASE_URL"] = "http://jineng.example.lan"
    page = client.post(f"/judge/chief/trade/{ev['trade'].id}/signin-codes",
                       base_url="http://192.168.1.10:5000").get_data(as_text=True)
    urls = re.findall(r"http://jineng\.example\.lan/auth/token/[\w-]+", page)
    assert len(urls) == 1


def test_the_openapi_document_describes_the_tablet_api(client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path in ("/api/marks", "/api/heats/{heat_id}/sheet", "/api/trades",
                 "/api/trades/{code}/standings"):
        assert path in doc["paths"], path
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "field"]


def test_every_openapi_reference_resolves_and_every_path_is_served(app, client):
    doc = client.get("/api/openapi.json").json
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(doc))
    assert refs and set(refs) <= set(doc["components"]["schemas"])
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules()}
    for path, operations in doc["paths"].items():
        assert path in served, path
        for method, operation in operations.items():
            assert operation["responses"], (path, method)


def test_codes_printed_on_the_server_pc_carry_its_lan_address_not_loopback(world, client,
                                                                           app, monkeypatch):
    """The chief judge prints the sheet on the server PC itself (http://127.0.0.1:5000):
    a tablet cannot open 127.0.0.1, so the codes carry the PC's LAN address, same port."""
    from competition import netinfo
    monkeypatch.setattr(netinfo, "lan_addresses", lambda: ["192.168.7.20"])
    ev, _users = world
    client.post("/auth/login", data={"username": ev["chief"].username, "password": "pw-1234"},
                base_url="http://127.0.0.1:5000")
    page = client.post(f"/judge/chief/trade/{ev['trade'].id}/signin-codes",
                       base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "http://192.168.7.20:5000/auth/token/" in page and "127.0.0.1" not in page
