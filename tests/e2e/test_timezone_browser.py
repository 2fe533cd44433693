"""One clock in the browser: an LED PC or a phone whose own clock is in another zone
shows the live pages' times (last update, last change) in the competition's zone."""
import pytest

from competition.extensions import db
from competition.models import Competition, Trade


@pytest.mark.parametrize("path", ["/results/lathe", "/screen/trade/lathe"])
def test_a_device_in_los_angeles_shows_beijing_time(app, live_server, new_page, path):
    comp = Competition(code="T", name="测试赛", year=2026)
    db.session.add_all([comp, Trade(competition=comp, code="lathe", name="车工",
                                    rule_file="lathe.toml", rule_text="")])
    db.session.commit()
    page = new_page(1366, 768, timezone_id="America/Los_Angeles")
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.dataset.timezone") == "Asia/Shanghai"
    # 16:10:05 UTC: 08:10:05 on the device's own clock, 00:10:05 in Beijing
    assert page.evaluate("new Date('2026-12-07T16:10:05+00:00').getHours()") == 8
    assert page.evaluate("Live.clock('2026-12-07T16:10:05+00:00')") == "00:10:05"
