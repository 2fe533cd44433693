"""The organiser's promotion pages as the browser uses them: with CSRF protection on,
every form carries its token; the page names the policy and the flags."""
import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Promotion
from competition.services import promotions as svc
from competition.services.standings import trade_changed


@pytest.fixture
def demo(app):
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app)   # the demo, built once per worker


def form_token(html: str, action: str) -> str:
    """The csrf_token of the form posting to ``action``."""
    m = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>\s*'
                  r'<input type="hidden" name="csrf_token" value="([^"]+)"', html)
    assert m, f"no form with a CSRF token for {action}"
    return m.group(1)


def test_forms_work_with_csrf_on_and_fail_without_the_token(app, demo, client, auth):
    auth.login("admin", "demo-admin")
    app.config["WTF_CSRF_ENABLED"] = True
    t = next(t for t in demo.trades if t.code in ("forklift", "lathe", "welder")
             and any(d.promoted for d in svc.trade_decisions(t)[0]))
    url = f"/admin/promotions/{t.code}"
    html = client.get(url).get_data(as_text=True)
    assert "一等奖：晋升1级" in html                              # the policy in words
    assert client.post(f"{url}/propose").status_code == 400      # no token: refused
    assert db.session.scalar(select(Promotion).limit(1)) is None
    token = form_token(html, f"{url}/propose")
    assert client.post(f"{url}/propose", data={"csrf_token": token}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "已根据当前成绩生成拟晋级名单。" in html
    rows = svc.trade_list(t).promoted
    assert rows
    action = f"/admin/promotions/row/{rows[0].id}/exclude"
    client.post(action, data={"csrf_token": form_token(html, action), "reason": "资格复查"})
    db.session.refresh(rows[0])
    assert rows[0].status == "excluded"
    html = client.get(url).get_data(as_text=True)
    assert "资格复查" in html


def test_the_index_shows_a_flag_when_confirmed_results_change(demo, client, auth):
    admin_user = auth.login("admin", "demo-admin")
    assert admin_user.status_code == 302
    from competition.models import User
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    t = next(t for t in demo.trades if svc.propose(t, admin).promoted)
    svc.confirm(t, admin)
    assert "需复核" not in client.get("/admin/promotions/").get_data(as_text=True)
    trade_changed(t.id)
    html = client.get("/admin/promotions/").get_data(as_text=True)
    assert "需复核：确认后成绩有变动" in html
    page = client.get(f"/admin/promotions/{t.code}").get_data(as_text=True)
    assert "本工种在名单确认后成绩有变动" in page
    resp = client.get(f"/admin/promotions/export/xlsx?trade={t.code}")
    assert resp.status_code == 302                                # refused, back to the page
    assert "请先复核以下工种" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_english_on_request(demo, client, auth):
    auth.login("admin", "demo-admin")
    html = client.get("/admin/promotions/?lang=en").get_data(as_text=True)
    assert "Promotions" in html and "Not proposed yet" in html


def test_propose_all_proposes_every_unconfirmed_trade(demo, client, auth):
    auth.login("admin", "demo-admin")
    resp = client.post("/admin/promotions/propose-all")
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "个工种的拟晋级名单" in html
    proposed = {p.trade_id for p in db.session.scalars(select(Promotion))}
    assert len(proposed) >= len(demo.trades) // 2


def test_the_organiser_chooses_or_writes_the_policy_on_the_page(demo, client, auth):
    auth.login("admin", "demo-admin")
    html = client.get("/admin/promotions/").get_data(as_text=True)
    assert "national_contest.toml" in html and "更换晋级办法" in html
    client.post("/admin/promotions/policy", data={"file": "national_contest.toml",
                                                  "ladder": "five"})
    html = client.get("/admin/promotions/").get_data(as_text=True)
    assert "晋级办法已设为：全国职业技能大赛晋级办法" in html
    assert "一等奖、二等奖、三等奖：认定为二级/技师" in html
    bad = 'version = 1\nname = "本届"\n[[rules]]\nkind = "rank"\ntop = 3\n'
    resp = client.post("/admin/promotions/policy", data={"text": bad, "ladder": "five"})
    assert resp.status_code == 400                  # refused on the page, typed text kept
    html = resp.get_data(as_text=True)
    assert ("第 3 行，rules[#1]：steps（晋升几级）和 grant（认定的等级，如 &#34;三级/高级工&#34;）"
            "须且只能填写其中一项") in html
    db.session.refresh(demo)
    assert demo.settings["promotion_policy_file"] == "national_contest.toml"   # unchanged
    good = bad + "steps = 1\n"
    client.post("/admin/promotions/policy", data={"text": good, "ladder": "eight"})
    db.session.refresh(demo)
    assert demo.settings["grade_ladder"] == "eight"
    assert svc.competition_policy(demo).name == "本届"


def test_the_trade_page_warns_when_the_policy_names_awards_the_trade_does_not_give(
        demo, client, auth):
    auth.login("admin", "demo-admin")
    client.post("/admin/promotions/policy", data={"file": "province_contest.toml"})
    html = client.get("/admin/promotions/forklift").get_data(as_text=True)
    assert "不会使任何人晋级" in html and "“金牌”不是本工种的奖项" in html
