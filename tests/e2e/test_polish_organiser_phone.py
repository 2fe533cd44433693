"""The organiser's home page on a phone (390 px): the trades table was 633 px wide and
ran off the screen; now each trade is a block of labelled lines (table.stack)."""
import pytest

from competition.extensions import db
from competition.models import Trade
from tests.e2e.pages import sign_in
from tests.factories import DATA, build_event

pytestmark = pytest.mark.e2e


def test_the_organiser_home_fits_a_phone(live_server, new_page):
    ev = build_event(n_entries=2)
    text = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    db.session.add(Trade(competition=ev["competition"], code="telecom_operator",
                         name="信息通信网络运行管理员", rule_file="telecom_operator.toml",
                         rule_text=text, blind=True))
    db.session.commit()
    page = new_page(390, 844)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/")
    page.screenshot(path="/tmp/qa-organiser-home-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    labels = page.eval_on_selector_all(
        "table.stack tbody tr:last-child td",
        "tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels[0] == '"工种："' and "信息通信网络运行管理员" in page.inner_text("table.stack")
