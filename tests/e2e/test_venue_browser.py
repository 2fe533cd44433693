"""The venue page in Chromium at 1366x768 and on a phone (issue 18): today's heats at the
venue (one running), the screens' address, the judges working there; the screen address
opens the LED rotation of the running trade; the schedule links to the page."""
from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import quote

import pytest

from competition.extensions import db
from competition.models import utcnow
from tests.e2e.pages import sign_in
from tests.integration.test_venues import VENUE, _two_trades, earlier

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS", "/tmp")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_organiser_opens_a_venue_from_the_schedule(app, live_server, new_page, size):
    a, b, _far = _two_trades()
    page = new_page(*size)
    sign_in(page, live_server.url, a["organiser"].username)
    page.goto(f"{live_server.url}/admin/schedule/?view=venue")
    page.click(f"h2 >> text={VENUE}")
    page.wait_for_load_state()
    assert VENUE in page.inner_text("h1")
    heats = page.inner_text("#venue-heats")
    assert "进行中" in heats and "未开始" in heats
    assert a["judges"][0].username in page.inner_text("#venue-judges")
    url = page.inner_text("#screen-url")
    assert f"/screen/venue/{quote(VENUE)}" in url or f"/screen/venue/{VENUE}" in url
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/venue-{size[0]}.png", full_page=True)
    page.goto(f"{live_server.url}/screen/venue/{quote(VENUE)}")
    page.wait_for_function("document.getElementById('trade-name').textContent.length > 0")
    assert page.inner_text("#trade-name") == a["trade"].name
    codes = "JSON.parse(document.getElementById('led').getAttribute('data-settings')).venue.codes.join(',')"
    assert page.evaluate(codes) == "mini"
    if size[0] == 1366:
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_function("document.querySelectorAll('#rows li:not(.led-empty)').length === 2")
        page.screenshot(path=f"{SHOTS}/venue-screen-1920.png")
    # the first heat is signed off and the second starts: the screen follows by itself
    a["heat"].locked_at = utcnow()
    b["heat"].starts_at = utcnow() - earlier(utcnow(), timedelta(minutes=1))
    db.session.commit()
    with page.expect_navigation():
        page.evaluate("window.venueScreenCheck()")
    page.wait_for_function(f"{codes} === 'other'")
