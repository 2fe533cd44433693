"""The public results page of a team event on a phone (390 x 844) and a desktop: the
团体排名 tab shows the team ranking, nothing scrolls sideways, an award title wraps
rather than being cut; screenshots go to /tmp/h7/ when that folder exists."""
import os

import pytest

from competition.extensions import db
from tests.integration.test_brackets_teams import setup_teams

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", [(390, 844), (1280, 800)])
def test_the_team_ranking_tab_on_a_phone_and_a_desktop(live_server, new_page, size):
    ev = setup_teams()
    ev["trade"].blind = False
    ev["trade"].standings_version += 1
    db.session.commit()
    page = new_page(*size)
    page.goto(f"{live_server.url}/results/team")
    page.wait_for_selector("[data-status]:has-text('实时')")
    assert page.is_visible("#stage-live") and not page.is_visible("#stage-teams")
    # an award title (安全生产标兵) wraps under the award instead of being cut
    wraps = page.evaluate("""() => {
        const td = document.querySelector('#stage-live td.award');
        const d = document.createElement('div'); d.className = 'title';
        d.textContent = '安全生产标兵 县技术能手'; td.appendChild(d);
        return [getComputedStyle(d).whiteSpace, d.clientWidth > 0,
                d.scrollWidth <= d.clientWidth + 1];
    }""")
    assert wraps == ["normal", True, True]
    page.click("[data-tab='stage-teams']")
    assert page.is_visible("#stage-teams") and not page.is_visible("#stage-live")
    first = page.inner_text("#stage-teams tbody tr:first-child")
    assert "二厂队" in first and "144.50" in first and "44.00" in first
    assert page.evaluate("document.documentElement.scrollWidth") == size[0]
    if os.path.isdir("/tmp/h7"):
        page.screenshot(path=f"/tmp/h7/e2e_team_tab_{size[0]}x{size[1]}.png")


def test_the_team_ranking_follows_a_stored_mark_without_a_reload(live_server, new_page):
    from competition.services.marks import record_mark
    ev = setup_teams()
    ev["trade"].blind = False
    ev["trade"].standings_version += 1
    db.session.commit()
    page = new_page(390, 844)
    page.goto(f"{live_server.url}/results/team#stage-teams")   # the live tab is hidden
    page.wait_for_function("document.querySelector('[data-status]').textContent === '实时'")
    page.evaluate("window.__noReload = true")
    assert "144.50" in page.inner_text("#stage-teams tbody tr:first-child")
    # 测试选手6 of 二厂队: exam 50 -> 100, total 29 -> 44: 二厂队 39.5 + 32 + 44 + 44 = 159.50
    record_mark(ev["judges"][0], entry_id=ev["entries"][5].id, address="exam", value="100")
    page.wait_for_function("document.querySelector('#stage-teams tbody tr').innerText"
                           ".indexOf('159.50') >= 0", timeout=15000)
    assert page.evaluate("window.__noReload") is True
    assert page.is_visible("#stage-teams")


def test_a_knockout_result_reaches_the_public_page_without_a_reload(live_server, new_page):
    from competition.services import brackets as bsvc
    from tests.integration.test_public_results_teams import quiz_bracket
    ev, bracket = quiz_bracket(play=False)
    page = new_page(390, 844)
    page.goto(f"{live_server.url}/results/quiz")
    page.wait_for_selector("[data-bracket-results] a.screen-link")
    page.evaluate("window.__noReload = true")
    page.wait_for_timeout(1000)        # joined the trade's room
    first = next(m for m in bracket.matches if m.round == 1 and m.slot == 0)
    bsvc.record_result(first, 5, 2, ev["organiser"])
    page.wait_for_function("document.querySelector('[data-bracket-results]').innerText"
                           ".indexOf('5 : 2') >= 0", timeout=15000)
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert "待评分" not in page.inner_text("body")
