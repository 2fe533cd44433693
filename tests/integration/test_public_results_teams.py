"""The public results page of the safety contest: a team event gets a 团体排名 tab (the
team ranking: members' part plus team rounds); a knockout trade shows its bracket (and a
link to the live bracket screen) instead of a table of 待评分; a blind trade's column is
headed 抽签号; an award title wraps on a phone."""
import re

from competition.extensions import db
from competition.models import Team
from competition.services import brackets as bsvc
from competition.services import draws
from tests.factories import build_event

from ._registration_setup import setup_event
from .test_brackets_teams import setup_teams


def page(client, code):
    resp = client.get(f"/results/{code}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def teams_panel(html):
    start = html.index('id="stage-teams"')
    return html[start:html.index("</section>", start)]


def publish(trade):
    trade.blind = False
    trade.standings_version += 1
    db.session.commit()


def test_a_team_event_has_a_team_ranking_tab(app, client):
    ev = setup_teams()
    publish(ev["trade"])
    html = page(client, "team")
    tabs = html[html.index("data-stage-tabs"):]
    tabs = tabs[:tabs.index("</nav>")]
    assert re.findall(r'data-tab="([^"]+)"', tabs) == ["stage-live", "stage-teams"]
    assert "个人排名" in tabs and "团体排名" in tabs
    panel = teams_panel(html)
    # 二厂队 100.50 + 44.00 = 144.50 first, 一厂队 114.00 second
    assert panel.index("二厂队") < panel.index("一厂队")
    row = panel[panel.index("二厂队"):panel.index("一厂队")]
    assert re.findall(r'<td class="num (?:part|total)">([^<]+)<', row) == [
        "100.50", "44.00", "144.50"]
    assert "示例县第二机械厂" in row and "测试选手4" in row   # employer, members compactly
    for head in ("名次", "队名 / 单位", "队员成绩", "团体项目", "总分"):
        assert head in panel
    assert "随之更新" in panel     # the page says when the team ranking follows


def test_a_blind_team_event_hides_team_and_member_names(app, client):
    ev = setup_teams()
    assert ev["trade"].blind
    html = page(client, "team")
    panel = teams_panel(html)
    for hidden in ("二厂队", "一厂队", "示例县第", "测试选手"):
        assert hidden not in html
    assert "001号" in panel and "抽签号" in panel and "队名" not in panel


def test_a_trade_without_teams_has_no_team_tab(app, client):
    build_event(n_entries=3, blind=False)
    html = page(client, "mini")
    assert "stage-teams" not in html and "团体排名" not in html


def test_a_blind_trade_heads_the_column_with_the_lot_number(app, client):
    ev = build_event(n_entries=3, blind=True)
    html = page(client, "mini")
    thead = html[html.index("<thead>"):html.index("</thead>")]
    assert "抽签号" in thead and "姓名" not in thead and "单位" not in thead
    publish(ev["trade"])
    thead = page(client, "mini")
    thead = thead[thead.index("<thead>"):thead.index("</thead>")]
    assert "姓名 / 单位" in thead


def test_an_award_title_wraps_on_a_phone(app, client):
    build_event(n_entries=1, blind=False)
    css = page(client, "mini")
    rule = re.search(r"\.results \.title \{([^}]*)\}", css).group(1)
    assert "nowrap" not in rule and "ellipsis" not in rule


def quiz_bracket(play=True):
    ev = setup_event()
    for name in ("甲队", "乙队", "丙队", "丁队"):
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=name, employer="示例县" + name))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    draws.enter_registered(stage, ev["organiser"])
    bracket = bsvc.create_bracket(stage, "single_elimination", ev["organiser"])
    if play:
        first = next(m for m in bracket.matches if m.round == 1 and m.slot == 0)
        bsvc.record_result(first, 5, 2, ev["organiser"])
    return ev, bracket


def test_a_knockout_trade_shows_its_bracket_not_a_table_of_unscored(app, client):
    ev, bracket = quiz_bracket()
    html = page(client, "quiz")
    assert "待评分" not in html and "<table" not in html
    assert f'href="/screen/bracket/{bracket.id}"' in html
    assert "5 : 2" in html
    for name in ("甲队", "乙队", "丙队", "丁队"):
        assert name in html
    assert "决赛" in html          # the rounds are named
    # the linked screen is public (no sign-in)
    assert client.get(f"/screen/bracket/{bracket.id}").status_code == 200


def test_a_knockout_stage_without_a_bracket_yet_says_so(app, client):
    ev = setup_event()
    db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                        name="甲队", employer="示例县甲队"))
    db.session.commit()
    draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    html = page(client, "quiz")
    assert "对阵表尚未编排" in html and "待评分" not in html


def test_a_team_employer_that_only_repeats_the_name_is_not_shown_twice(app, client):
    ev = setup_teams()
    team = db.session.query(Team).filter_by(name="一厂队").one()
    team.name, team.employer = "汽车运输公司队", "示例县汽车运输公司"
    publish(ev["trade"])
    panel = teams_panel(page(client, "team"))
    assert "汽车运输公司队" in panel and "示例县汽车运输公司" not in panel
    assert "示例县第二机械厂" in panel          # a different employer still shows


def test_a_one_stage_team_event_heads_its_live_table_individual_ranking(app, client):
    ev = setup_teams()
    publish(ev["trade"])
    html = page(client, "team")
    live = html[html.index('id="stage-live"'):]
    live = live[:live.index("</section>")]
    assert "<h2>个人排名</h2>" in live and "<h1>" not in live


def test_the_led_page_of_a_knockout_trade_goes_to_its_bracket_screen(app, client):
    ev, bracket = quiz_bracket()
    resp = client.get("/screen/trade/quiz")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/screen/bracket/{bracket.id}")
    # a scored trade keeps its leaderboard
    assert client.get("/screen/trade/lathe").status_code == 200


def test_no_team_ranking_while_the_standings_are_frozen_or_revealed(app, client):
    from competition.services import live_admin
    ev = setup_teams()
    publish(ev["trade"])
    live_admin.freeze(ev["trade"], ev["organiser"])
    panel = teams_panel(page(client, "team"))
    assert "封榜" in panel and "144.50" not in panel and "二厂队" not in panel
    live_admin.begin_reveal(ev["trade"], ev["organiser"])
    panel = teams_panel(page(client, "team"))
    assert "144.50" not in panel and "二厂队" not in panel
