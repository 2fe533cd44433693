"""The organiser creates judges' accounts with PINs; bad input is refused with the field."""
import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, User
from tests.factories import build_event


def test_organiser_creates_judges_for_a_trade_and_they_can_sign_in(app, client, auth):
    ev = build_event(n_entries=1)
    auth.login(ev["organiser"].username)
    page = client.post("/admin/users/judges", data={"trade": "mini", "count": "2"}).get_data(as_text=True)
    # build_event already made mini judges 1-3 (as judgeN_mini); these are mini_j1, mini_j2
    pins = dict(re.findall(r"<code>(mini_j\d)</code></td><td><code class=\"pin\">(\d{6})</code>", page))
    assert set(pins) == {"mini_j1", "mini_j2"}
    auth.logout()
    response = auth.login("mini_j1", pins["mini_j1"])
    assert response.status_code == 302 and "/judge/" in response.headers["Location"]
    assert db.session.scalar(select(db.func.count(AuditLog.id))
                             .where(AuditLog.action == "user.create")) == 2


def test_a_taken_username_is_refused_and_nothing_is_saved(app, client, auth):
    ev = build_event(n_entries=1)
    auth.login(ev["organiser"].username)
    before = db.session.scalar(select(db.func.count(User.id)))
    response = client.post("/admin/users/", data={"username": ev["judges"][0].username,
                                                  "display_name": "张示例", "role": "judge"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="张示例"' in page  # what was typed stays
    # in the organiser's language, shown as an error (not a green "done" banner)
    assert f"用户名 {ev['judges'][0].username} 已被占用" in page and "is taken" not in page
    assert 'class="flash error"' in page
    assert db.session.scalar(select(db.func.count(User.id))) == before
    page = client.post("/admin/users/judges", data={"trade": "mini", "count": "80"},
                       follow_redirects=True).get_data(as_text=True)
    assert "裁判人数应为1到50" in page


def test_a_deactivated_judge_cannot_sign_in(app, client, auth):
    ev = build_event(n_entries=1)
    judge = ev["judges"][0]
    auth.login(ev["organiser"].username)
    client.post(f"/admin/users/{judge.id}/active", data={"active": "0"})
    auth.logout()
    assert auth.login(judge.username).status_code == 401


def test_only_organisers_manage_accounts(app, client, auth):
    ev = build_event(n_entries=1)
    auth.login(ev["chief"].username)
    assert client.get("/admin/users/").status_code == 403
    assert client.post("/admin/users/judges", data={"trade": "mini", "count": "2"}).status_code == 403
