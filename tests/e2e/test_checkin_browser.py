"""Check-in (检录) in Chromium at 1366x768 and on a phone (issue 18): a judge of the heat
types a lot number and a ticket number; without BarcodeDetector the page says to type."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from competition.extensions import db
from competition.models import utcnow
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


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_chief_starts_the_heat_and_the_no_shows_are_marked(app, live_server, new_page, size):
    """A ticket number typed into the fallback field (headless Chromium has no
    BarcodeDetector), then 开始比赛: the list of who is not checked in, confirmed; the
    check-in page greys them as 缺考, the judge's tablet no longer lists them, and the
    public results say 缺考 (not 待评分)."""
    ev = build_event(n_entries=3, n_judges=1, blind=False)
    a, b, c = ev["entries"]
    ev["heat"].starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = new_page(*size)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/checkin/heat/{ev['heat'].id}")
    page.fill("input[name=code]", ticket_number(ev["competition"], ev["trade"], a))
    page.click("#checkin-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("tr.arrived").count() == 1
    assert "已过" in page.inner_text(".heat-start")
    page.click("#start-heat")
    page.wait_for_load_state()
    listed = page.inner_text("#absent-list")
    assert b.display_name in listed and c.display_name in listed and a.display_name not in listed
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/noshow-confirm-{size[0]}.png", full_page=True)
    page.click("#confirm-absent")
    page.wait_for_load_state()
    assert "已标记缺考" in page.inner_text("body")
    assert page.locator("tr.absent").count() == 2 and page.locator("tr.absent .badge").first.inner_text() == "缺考"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    # the organiser sees an undo form beside each no-show: every name stays on one line
    # (on a phone the form squeezed the name column to one character a line)
    page.context.clear_cookies()
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/checkin/heat/{ev['heat'].id}")
    assert page.locator("form.undo").count() == 2
    lines = page.evaluate("""() => [...document.querySelectorAll('table.checkin-list td.name')].map(td => {
        const r = document.createRange(); r.selectNodeContents(td);
        return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })""")
    assert lines and set(lines) == {1}, lines
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/checkin-noshow-undo-{size[0]}.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/checkin-noshow-{size[0]}.png", full_page=True)
    page.context.clear_cookies()

    sign_in(page, live_server.url, ev["judges"][0].username)
    page.goto(f"{live_server.url}/judge/heat/{ev['heat'].id}")
    tiles = page.inner_text(".entry-list")
    assert a.lot_number in tiles and b.lot_number not in tiles and c.lot_number not in tiles
    page.goto(f"{live_server.url}/results/{ev['trade'].code}")
    page.wait_for_function("document.querySelectorAll('#stage-live tbody tr').length === 3")
    totals = page.locator("#stage-live tbody td.total").all_inner_texts()
    assert totals.count("缺考") == 2 and totals.count("待评分") == 1, totals
