"""The LED page in Chromium at 1920x480: a mark stored on the server moves a row on the
screen without a reload, and the page fits the strip without scrollbars."""
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
