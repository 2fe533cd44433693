"""The public results page of a two-stage trade: the current stage first (live), the
earlier stage behind a tab with its own ranking and who went on; blind stays blind."""
import re

from competition.extensions import db
from tests.factories import build_event

from ._stages_setup import build_two_stage


def page(client, code="mini"):
    resp = client.get(f"/results/{code}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def panel(html, stage_id):
    """The HTML of one earlier stage's panel."""
    start = html.index(f'id="stage-{stage_id}"')
    return html[start:html.index("</section>", start)]


def test_the_final_shows_first_and_the_preliminary_behind_its_tab(app, client):
    ev = build_two_stage()
    html = page(client)
    start = html.index("data-stage-tabs")
    tabs = html[start:html.index("</nav>", start)]
    assert re.findall(r'data-tab="([^"]+)"[^>]*>([^<]+)<', tabs) == [
        ("stage-live", "决赛 "), (f"stage-{ev['stage'].id}", "初赛")]
    assert "决赛成绩" in html and html.index("决赛成绩") < html.index("初赛成绩")
    prelim = panel(html, ev["stage"].id)
    assert "3人晋级决赛" in prelim
    ranks = re.findall(r'<td class="num rank">([^<]+)</td>', prelim)
    assert ranks == ["1", "2", "3", "4", "5", "—"]
    assert prelim.count("went-on-badge") == 3
    assert "一等奖" not in prelim           # a preliminary gives no awards
    assert "缺考" in prelim                  # 测试选手6 had no marks


def test_a_blind_trade_shows_lots_in_every_stage_until_published(app, client):
    ev = build_two_stage(blind=True)
    html = page(client)
    assert "测试选手" not in html and "示例县第" not in html
    assert "001号" in panel(html, ev["stage"].id)
    ev["trade"].published = True
    ev["trade"].standings_version += 1
    db.session.commit()
    html = page(client)
    assert "测试选手1" in panel(html, ev["stage"].id) and "示例县第" in html


def test_before_the_final_is_scored_the_preliminary_is_live_with_who_goes_on(app, client):
    build_two_stage(final_marks=False)
    html = page(client)
    assert "初赛成绩" in html and 'class="on">初赛 <small>' in html
    went_on = html[html.index('class="went-on-list"'):]
    went_on = went_on[:went_on.index("</div>")]
    assert "晋级决赛名单（3人）" in went_on
    assert [n for n in ("测试选手1", "测试选手2", "测试选手3", "测试选手4") if n in went_on] \
        == ["测试选手1", "测试选手2", "测试选手3"]
    # a stage followed by another gives no awards: the live table hides its award column
    assert 'class="card results no-awards"' in html


def test_a_one_stage_trade_has_no_stage_tabs(app, client):
    build_event(n_entries=3, blind=False)
    html = page(client)
    assert "<nav class=\"stage-tabs\"" not in html and "<h1>测试工种</h1>" in html


def test_the_employer_is_not_small_print_on_a_phone(app, client):
    build_event(n_entries=1, blind=False)
    css = page(client)
    rule = re.search(r"\.results \.employer \{([^}]*)\}", css).group(1)
    size = float(re.search(r"font-size:\s*([\d.]+)rem", rule).group(1))
    assert size >= 0.9 and "nowrap" not in rule


def test_who_goes_on_is_not_listed_during_a_ceremony_reveal(app, client):
    ev = build_two_stage(final_marks=False)
    from competition.services import live_admin
    live_admin.begin_reveal(ev["trade"], ev["organiser"])
    html = page(client)
    assert 'class="went-on-list"' not in html
