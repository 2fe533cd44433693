"""The LED page in Chromium at 1920x480: a mark stored on the server moves a row on the
screen without a reload, and the page fits the strip without scrollbars."""
import re

import pytest

from competition.services.marks import record_mark
from tests.factories import build_event

pytestmark = pytest.mark.e2e


def store_mark(ev, entry_no, criterion, value, judge_no=0):
    """The judging service, as the tablets' API calls it (commit, then publish)."""
    record_mark(ev["judges"][judge_no], entry_id=ev["entries"][entry_no].id,
                address=criterion, value=value)


def rows_on_screen(page):
    return page.eval_on_selector_all(
        "#rows .led-row", "els => els.map(e => [e.querySelector('.rank').textContent,"
        " e.querySelector('.name').textContent.replace(/[▲▼]/g, ''),"
        " e.querySelector('.total').textContent])")


def test_a_stored_mark_moves_the_row_on_the_led_strip_without_a_reload(live_server, new_page):
    ev = build_event(n_entries=12, blind=False)
    for i, value in enumerate(["50", "60", "70"]):
        store_mark(ev, i, "exam", value)
    page = new_page(1920, 480)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length > 0")
    page.evaluate("window.__noReload = true")
    assert rows_on_screen(page)[0] == ["1", "测试选手3", "35.00"]
    assert page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]") == [1920, 480]

    store_mark(ev, 5, "exam", "100")          # 100 x 30% + safety 20 x 70% = 44.00

    page.wait_for_function(
        "document.querySelector('#rows .led-row .name').textContent.startsWith('测试选手6')")
    assert page.evaluate("window.__noReload") is True
    assert rows_on_screen(page)[0] == ["1", "测试选手6", "44.00"]
    assert "flash" in page.get_attribute("#rows .led-row", "class")
    assert page.is_hidden("#lost")


def test_the_led_page_says_so_when_the_connection_is_lost(live_server, new_page):
    build_event(n_entries=3, blind=False)
    page = new_page(768, 384)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length > 0")
    page.evaluate("window.ledScreen.live.socket.io.engine.close()")
    page.wait_for_selector("#lost", state="visible")
    page.wait_for_selector("#lost", state="hidden", timeout=15000)   # and reconnects


def test_the_public_results_page_updates_live_on_a_phone(live_server, new_page):
    ev = build_event(n_entries=4, blind=False)
    page = new_page(390, 844)
    page.goto(f"{live_server.url}/results/mini")
    page.wait_for_selector("[data-status]:has-text('实时')")
    store_mark(ev, 3, "exam", "90")           # 90 x 30% + 14 = 41.00
    page.wait_for_function(
        "document.querySelector('.results tbody tr .name').textContent === '测试选手4'")
    first = page.eval_on_selector(".results tbody tr", "tr => tr.innerText")
    assert "41.00" in first
    assert page.evaluate("document.documentElement.scrollWidth") == 390


def test_the_ceremony_reveal_shows_rows_from_the_bottom_up_on_the_led(live_server, new_page):
    from competition import live
    from competition.services import live_admin
    ev = build_event(n_entries=3, blind=True)
    for i, value in enumerate(["60", "90", "70"]):
        store_mark(ev, i, "exam", value)
    page = new_page(1920, 1080)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length === 3")
    trade = live_admin.begin_reveal(live.load_trade(ev["trade"].id), ev["organiser"])
    page.wait_for_function("document.querySelectorAll('#rows .hidden-row').length === 3")
    assert page.is_visible("#reveal-tag")
    live_admin.reveal_next(trade, ev["organiser"])
    page.wait_for_function("document.querySelectorAll('#rows .hidden-row').length === 2")
    last = page.eval_on_selector("#rows .led-row:last-child", "li => li.innerText")
    assert "测试选手1" in last and "revealed" in page.get_attribute(
        "#rows .led-row:last-child", "class")


def test_a_rotation_moves_on_to_the_next_trade(live_server, new_page):
    ev = build_event(n_entries=2, blind=False)
    build_event(n_entries=2, code="mini2", competition=ev["competition"])
    page = new_page(768, 384)
    page.goto(f"{live_server.url}/screen/rotate?trades=mini,mini2&seconds=5&page=3")
    page.wait_for_selector("#where:has-text('1/2')")
    page.wait_for_selector("#where:has-text('2/2')", timeout=15000)


def test_the_organisers_live_page_counts_marks_as_they_come_in(live_server, new_page):
    ev = build_event(n_entries=2, blind=False)
    page = new_page(1280, 800)
    page.goto(f"{live_server.url}/auth/login")
    page.fill("input[name=username]", ev["organiser"].username)
    page.fill("input[name=password]", "pw-1234")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/admin/live/")
    row = f"#trade-{ev['trade'].id}"
    page.wait_for_selector("[data-live-progress] [data-status]:has-text('实时')")
    assert page.inner_text(f"{row} [data-marks]") == "0 / 12"
    assert "flash" not in (page.get_attribute(row, "class") or "")
    store_mark(ev, 0, "exam", "80")
    page.wait_for_function(
        f"document.querySelector('{row} [data-marks]').textContent === '1 / 12'")
    assert page.get_attribute(row, "data-version") == "1"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", page.inner_text(f"{row} [data-last-change]"))


def test_a_long_list_does_not_hold_a_rotation_past_its_seconds(live_server, new_page):
    """A big trade (many pages) is shown for ?seconds=, then the next trade, not after
    all its pages (75 pages at 8 s would hold an LED wall for ten minutes)."""
    ev = build_event(n_entries=30, blind=False)
    build_event(n_entries=2, code="mini2", competition=ev["competition"])
    page = new_page(1920, 480)          # 4 rows a page: 30 entries are 8 pages
    page.goto(f"{live_server.url}/screen/rotate?trades=mini,mini2&seconds=5&page=3")
    page.wait_for_selector("#where:has-text('1/2')")
    page.wait_for_function("window.ledScreen.state.index === 1", timeout=9000)
    assert page.evaluate("window.ledScreen.state.page") == 0
