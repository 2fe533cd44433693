"""Issue 18 in Chromium: the chief judge's entry page reads a completion time as 8:20 and
checklist items as ✓/✗, on a laptop and on a phone. Screenshots to $SCREENSHOTS."""
import os

import pytest

from competition.config import PROJECT_ROOT
from competition.extensions import db
from competition.models import Mark, Trade
from competition.services.standings import trade_changed
from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_chief_reads_a_time_and_ticks(live_server, new_page, size):
    ev = build_event(n_entries=2, blind=False)
    trade = db.session.get(Trade, ev["trade"].id)
    trade.rule_file = "bus_driver.toml"
    trade.rule_text = (PROJECT_ROOT / "scoring_rules" / "bus_driver.toml").read_text("utf-8")
    entry, judge = ev["entries"][0], ev["judges"][0]
    for criterion, value in (("course_time", "500"), ("precheck.tyres", "1"),
                             ("precheck.lights", "0")):
        db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=criterion,
                            value=value))
    db.session.commit()
    trade_changed(trade.id)
    page = new_page(*size)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}/entry/{entry.id}")
    cells = page.locator("td.num").all_inner_texts()
    assert any(c.startswith("8:20") for c in cells)
    assert any(c.startswith("✓") for c in cells) and any(c.startswith("✗") for c in cells)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/chief-entry-{size[0]}.png", full_page=True)
