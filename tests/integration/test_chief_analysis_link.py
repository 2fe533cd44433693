"""The chief judge's home page links to their trade's analysis page (issue 17): judge
consistency during the event, for the trades the chief may watch and no other."""
from __future__ import annotations

from tests.factories import build_event


def test_the_chief_judge_home_links_to_their_trades_analysis(app, client, auth):
    ev = build_event(n_entries=2, n_judges=1)
    other = build_event(n_entries=1, n_judges=1, code="other", competition=ev["competition"])
    auth.login(ev["chief"].username)
    html = client.get("/judge/chief").get_data(as_text=True)
    assert 'href="/admin/analysis/mini"' in html and "裁判一致性与培训需求：测试工种" in html
    assert "/admin/analysis/other" not in html          # another trade's chief's page
    assert client.get("/admin/analysis/mini").status_code == 200
    auth.logout()
    auth.login(other["chief"].username)
    html = client.get("/judge/chief").get_data(as_text=True)
    assert 'href="/admin/analysis/other"' in html and "/admin/analysis/mini" not in html


def test_a_judge_home_has_no_analysis_link(app, client, auth):
    ev = build_event(n_entries=1, n_judges=1)
    auth.login(ev["judges"][0].username)
    assert "/admin/analysis/" not in client.get("/judge/").get_data(as_text=True)


def test_arbitration_watching_many_trades_gets_one_folded_list(app, client, auth):
    from competition.models import Role
    from tests.conftest import create_user
    ev = build_event(n_entries=1, n_judges=1)
    for i in range(4):
        build_event(n_entries=1, n_judges=1, code=f"t{i}", competition=ev["competition"])
    create_user("arb", Role.ARBITRATION)
    from competition.extensions import db
    db.session.commit()
    auth.login("arb")
    html = client.get("/judge/chief").get_data(as_text=True)
    assert '<details class="analysis-links card">' in html and "（5个工种）" in html
    assert html.count('href="/admin/analysis/') == 5
    assert "裁判一致性与培训需求：" not in html        # no button per trade
