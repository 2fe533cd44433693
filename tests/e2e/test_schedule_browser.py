"""The schedule in Chromium: a conflict shown on a 1366 px laptop and on a phone."""
from __future__ import annotations

import os

import pytest

from tests.e2e.pages import sign_in
from tests.integration.test_schedule import two_trades_at_once

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_organiser_sees_a_judge_double_booked(app, live_server, new_page, size):
    a, _b = two_trades_at_once()
    page = new_page(*size)
    sign_in(page, live_server.url, a["organiser"].username)
    page.goto(f"{live_server.url}/admin/schedule/")
    conflicts = page.inner_text("#conflicts")
    assert f"裁判 {a['judges'][0].display_name} 同时在两个场次" in conflicts
    # the heats in conflict are marked in the calendar too
    assert page.locator("tr.conflict").count() >= 2
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/schedule-{size[0]}.png", full_page=True)
