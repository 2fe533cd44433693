"""Issue 18 in Chromium: 冻结大屏 and 开始颁奖揭晓 ask first in a dialog (cancel leaves the
screens live); the LED footer says the screen's one state in the badge's words (成绩已冻结,
not ● 实时, while frozen). Screenshots go to $SCREENSHOTS when set."""
import os

import pytest

from competition import live
from competition.extensions import db
from competition.services import live_admin
from competition.services.marks import record_mark
from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS")


def _marked(n=3):
    ev = build_event(n_entries=n, blind=False)
    for i in range(n):
        record_mark(ev["judges"][0], entry_id=ev["entries"][i].id, address="exam",
                    value=str(50 + 10 * i))
    return ev


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_freeze_and_the_reveal_ask_first_in_a_dialog(live_server, new_page, size):
    ev = _marked()
    tid = ev["trade"].id
    page = new_page(*size)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/live/")
    page.click(f"#trade-{tid} button[data-action=freeze]")
    dialog = page.locator("#confirm-control")
    dialog.wait_for(state="visible")
    assert "测试工种" in dialog.inner_text() and "确认冻结大屏" in dialog.inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/live-confirm-{size[0]}.png")
    page.click("#confirm-control [data-cancel]")
    assert dialog.is_hidden() and live.load_trade(tid).frozen is False
    page.keyboard.press("Escape")
    page.click(f"#trade-{tid} button[data-action=freeze]")
    page.click("#confirm-control [data-ok]")
    page.wait_for_selector(f"#trade-{tid} [data-state]:has-text('成绩已冻结')")
    assert live.load_trade(tid).frozen is True
    page.click(f"#trade-{tid} button[data-action=reveal_begin]")
    assert "颁奖揭晓" in dialog.inner_text()
    page.click("#confirm-control [data-ok]")
    page.wait_for_selector(f"#trade-{tid} button[data-action=reveal_next]")
    assert live.load_trade(tid).reveal_count == 0
    assert dialogs == []          # never the browser's own confirm()
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/live-after-{size[0]}.png", full_page=True)


def test_the_led_footer_says_frozen_when_the_badge_does(live_server, new_page):
    ev = _marked()
    page = new_page(1920, 1080)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_selector("#conn:has-text('实时')")
    live_admin.freeze(live.load_trade(ev["trade"].id), ev["organiser"])
    page.wait_for_selector("#frozen-tag:visible")
    page.wait_for_selector("#conn:has-text('成绩已冻结')")
    assert "实时" not in page.inner_text(".led-foot")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/led-frozen-1920.png")
    live_admin.begin_reveal(live.load_trade(ev["trade"].id), ev["organiser"])
    page.wait_for_selector("#conn:has-text('颁奖揭晓 0/3')")
    live_admin.unfreeze(live.load_trade(ev["trade"].id), ev["organiser"])
    page.wait_for_selector("#conn:has-text('实时')")
    assert page.is_hidden("#frozen-tag")


@pytest.mark.parametrize("size", [(1920, 1080), (768, 384)])
def test_a_knockout_trade_in_a_rotation_shows_its_bracket(live_server, new_page, size):
    from competition.models import JudgeAssignment, Team
    from competition.services import brackets as bsvc
    from competition.services import draws
    from tests.integration._registration_setup import setup_event
    ev = setup_event()
    for name in ("自来水公司队", "供电公司队", "公安局队", "纺织厂队", "第一机械厂队"):
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=name, employer="示例县" + name[:-1]))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    heat = draws.create_heat(stage, "赛场A", 8, ev["organiser"])
    db.session.add(JudgeAssignment(heat_id=heat.id, user_id=ev["judge"].id))
    db.session.commit()
    draws.run_draw(stage, ev["organiser"], seed="rotation")
    bsvc.create_bracket(stage, "single_elimination", ev["organiser"])
    page = new_page(*size)
    page.goto(f"{live_server.url}/screen/rotate?trades=lathe,quiz&seconds=5")
    page.wait_for_function("window.ledScreen.state.index === 1", timeout=9000)
    page.wait_for_selector("#bracket .led-match")
    text = page.inner_text("#bracket")
    assert "供电公司队" in text and "决赛" in text
    assert page.is_hidden("#rows") and "待评分" not in page.inner_text("body")
    assert page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]") == list(size)
    assert page.evaluate("(() => { const b = document.getElementById('bracket');"
                         " return b.scrollHeight <= b.clientHeight + 1; })()")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/rotation-bracket-{size[0]}x{size[1]}.png")
    page.wait_for_function("window.ledScreen.state.index === 0", timeout=9000)
    assert page.is_visible("#rows") and page.is_hidden("#bracket")


def test_the_leaders_layout_shows_the_leaders_and_the_latest_finisher(live_server, new_page):
    """60 contestants on a 1920x1080 wall: ?layout=leaders shows the top rows and, once a
    result comes in, that contestant under 最新完成, highlighted, without paging."""
    ev = build_event(n_entries=60, blind=False)
    for i in range(50):
        record_mark(ev["judges"][0], entry_id=ev["entries"][i].id, address="exam",
                    value=str(40 + (i * 7) % 60))
    page = new_page(1920, 1080)
    page.goto(f"{live_server.url}/screen/trade/mini?layout=leaders&page=3")
    page.wait_for_selector("#rows .led-row")
    n = page.evaluate("window.ledScreen.state.perPage")
    assert page.locator("#rows .led-row").count() == n
    assert page.inner_text("#rows .led-row .rank") == "1"
    assert "页" not in page.inner_text("#where")
    # a screen just opened starts its 最新完成 list from the marks' times (the last marked)
    assert "测试选手50" in page.locator("#rows .led-section ~ .led-row").first.inner_text()
    record_mark(ev["judges"][0], entry_id=ev["entries"][55].id, address="exam", value="41")
    page.wait_for_selector("#rows .led-section")
    latest = page.locator("#rows .led-section ~ .led-row").first
    assert "测试选手56" in latest.inner_text()
    assert "flash" in latest.get_attribute("class")
    assert page.inner_text("#rows .led-row .rank") == "1"       # the leaders stay on top
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/led-leaders-1920.png")
    page.wait_for_timeout(3500)                                  # no page turn after ?page=3
    assert page.evaluate("window.ledScreen.state.page") == 0
    assert page.locator("#rows .led-section").count() == 1
    assert page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]") == [1920, 1080]


def test_the_screens_page_documents_the_leaders_layout(live_server, new_page):
    ev = build_event(n_entries=2, blind=False)
    page = new_page(1366, 768)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/screen/")
    assert "layout=leaders" in page.inner_text("#layout-leaders")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/screens-index-1366.png", full_page=True)


def test_a_row_whose_score_changes_in_place_is_highlighted(live_server, new_page):
    ev = _marked(3)     # 测试选手3 leads with 35.00
    page = new_page(1920, 1080)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_selector("#rows .led-row")
    assert "flash" not in page.get_attribute("#rows .led-row", "class")
    record_mark(ev["judges"][1], entry_id=ev["entries"][2].id, address="work", value="30")
    page.wait_for_function("document.querySelector('#rows .led-row .total').textContent"
                           " !== '35.00'")
    first = page.locator("#rows .led-row").first
    assert "测试选手3" in first.inner_text() and "flash" in first.get_attribute("class")
    assert "flash" not in page.locator("#rows .led-row").nth(1).get_attribute("class")


def test_the_public_page_does_not_say_live_while_frozen(live_server, new_page):
    ev = _marked()
    live_admin.freeze(live.load_trade(ev["trade"].id), ev["organiser"])
    page = new_page(390, 844)
    page.goto(f"{live_server.url}/results/mini")
    page.wait_for_selector("[data-frozen]:visible")
    page.wait_for_function("document.querySelector('[data-updated]').textContent !== ''")
    assert "实时" not in page.inner_text("#stage-live .meta")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/public-frozen-390.png", full_page=True)
    live_admin.unfreeze(live.load_trade(ev["trade"].id), ev["organiser"])
    page.wait_for_selector("#stage-live [data-status]:has-text('实时')")
