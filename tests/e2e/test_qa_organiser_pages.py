"""Organiser pages in Chromium as a clerk sees them: the screens page of a real-sized event
(41 trades) fits the window, and pages ask the server for nothing it does not have."""
import pytest

from competition.extensions import db
from competition.models import Trade
from tests.e2e.pages import sign_in
from tests.factories import DATA, build_event

pytestmark = pytest.mark.e2e


def test_the_screens_page_of_41_trades_fits_an_organisers_window(live_server, new_page):
    ev = build_event(n_entries=2)
    text = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    for i in range(40):
        db.session.add(Trade(competition=ev["competition"], code=f"trade_number_{i:02d}",
                             name=f"测试工种{i}", rule_file="mini_rule.toml", rule_text=text))
    db.session.commit()
    page = new_page(1366, 768)
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/screen/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path="/tmp/qa-screens-index.png", full_page=True)
    # the rotation link lists all 41 codes: it wraps instead of widening the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert "trade_number_39" in page.inner_text("main")
    # no request the server answers with 404 (there was /favicon.ico on every page)
    assert missing == []


@pytest.mark.parametrize("blind, heading, not_heading", [(True, "抽签号", "姓名"),
                                                         (False, "姓名", "抽签号")])
def test_the_led_column_says_what_the_rows_show(live_server, new_page, blind, heading,
                                                 not_heading):
    from competition.services.marks import record_mark
    ev = build_event(n_entries=3, blind=blind)
    record_mark(ev["judges"][0], entry_id=ev["entries"][0].id, address="exam", value="60")
    page = new_page(1920, 480)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length > 0")
    first = page.inner_text("#rows .led-row .name")
    assert first.endswith("号") if blind else first == "测试选手1"
    heads = page.inner_text(".led-cols")
    assert heading in heads and not_heading not in heads


def test_the_overview_column_heads_stay_on_one_line_on_a_small_laptop(live_server, new_page):
    ev = build_event(n_entries=2)
    text = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    db.session.add(Trade(competition=ev["competition"], code="telecom_operator",
                         name="信息通信网络运行管理员", rule_file="telecom_operator.toml",
                         rule_text=text, blind=True))
    db.session.commit()
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/")
    heights = page.eval_on_selector_all(
        "table.grid thead th", "els => els.map(e => [e.textContent.trim(),"
        " e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)])")
    # the head row is one line high (选手报名 broke as 选手报 / 名 at 1024 px, doubling it)
    assert [t for t, h, line in heights if h > 2 * line] == []
