"""Check-in (检录) in Chromium at 1366x768 and on a phone (issue 18): a judge of the heat
types a lot number and a ticket number; without BarcodeDetector the page says to type."""
from __future__ import annotations

import os

import pytest

from competition.services.tickets import ticket_number
from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS", "/tmp")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_judge_records_arrivals_by_typing(app, live_server, new_page, size):
    ev = build_event(n_entries=4, n_judges=1)
    a, b = ev["entries"][0], ev["entries"][2]
    number = ticket_number(ev["competition"], ev["trade"], b)
    page = new_page(*size)
    sign_in(page, live_server.url, ev["judges"][0].username)
    page.goto(f"{live_server.url}/checkin/heat/{ev['heat'].id}")
    scan = page.evaluate("'BarcodeDetector' in window")
    assert page.locator("#scan-button").is_visible() == bool(scan and page.evaluate("!!navigator.mediaDevices"))
    if not scan:
        assert page.locator("#scan-note").is_visible()
    for code in (a.lot_number, number):
        page.fill("input[name=code]", code)
        page.click("#checkin-form button[type=submit]")
        page.wait_for_load_state()
    assert "已到场" in page.inner_text("body")
    assert "已到 2 / 4 人" in page.inner_text("#arrived-count")
    assert page.locator("tr.arrived").count() == 2
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/checkin-{size[0]}.png", full_page=True)
