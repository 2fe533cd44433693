"""The judge's tablet queue in Chromium at tablet size, served on plain http at a LAN
address (an insecure context, as at the venue).

- 保存评分 sends a lot's marks as ONE sheet, and a screen watching the trade sees exactly
  one new standings version for it.
- A submission the server refuses (4xx) or cannot take (500, three times) is set aside with
  the server's reason; the marks queued behind it are sent; the judge edits and saves it
  again, sends it again, or discards it.
"""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entry, Mark, Trade
from tests.e2e.test_judge_tablet import SCREENSHOTS, enter_marks, sign_in, slot, unsent, wait_all_sent
from tests.factories import build_event

pytestmark = pytest.mark.e2e

PLAN = [("85", "45.5", "1", "0", "1"), ("72.5", "50", "1", "1", "0"), ("90", "38", "0", "1", "2")]


@pytest.fixture
def lan_server(app, lan_live_server):
    """The shared LAN server (tests/e2e/conftest.py) with CSRF on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return lan_live_server


def open_heat(page, server, ev):
    sign_in(page, server.url, ev["judges"][0].username)
    if server.insecure:
        assert page.evaluate("window.isSecureContext") is False
    page.goto(f"{server.url}/judge/heat/{ev['heat'].id}")
    page.wait_for_selector("#judge-app")


def stored(entry=None):
    db.session.expire_all()
    query = select(Mark)
    if entry is not None:
        query = query.where(Mark.entry_id == entry.id)
    return {(m.entry_id, m.criterion, m.value) for m in db.session.scalars(query)}


def set_aside(page) -> int:
    return int(page.text_content("#rejected-count"))


def wait_set_aside(page, n: int, timeout=20000):
    page.wait_for_function(f"() => document.getElementById('rejected-count').textContent === '{n}'",
                           timeout=timeout)


def test_a_whole_sheet_is_one_request_and_one_new_standings_version_on_a_screen(lan_server, new_page):
    ev = build_event(n_entries=3, n_judges=1, blind=False)
    screen = new_page(1920, 480)
    screen.goto(f"{lan_server.url}/screen/trade/mini")
    screen.wait_for_function("() => document.querySelectorAll('#rows .led-row').length === 3")
    screen.evaluate("""() => {
        window.__versions = [];
        const s = window.ledScreen.live.socket;
        s.on('standings', snap => window.__versions.push(snap.version));
        s.on('standings_diff', diff => window.__versions.push(diff.version));
    }""")
    db.session.expire_all()
    before = db.session.get(Trade, ev["trade"].id).standings_version

    page = new_page(1024, 768)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/api/" in r.url else None)
    open_heat(page, lan_server, ev)
    enter_marks(page, ev["entries"][0], PLAN[0])          # five marks, one 保存评分
    wait_all_sent(page)
    screen.wait_for_function("() => window.__versions.length > 0")
    time.sleep(1.5)                                       # anything else would arrive now

    assert [p.rsplit("/", 1)[1] for p in posts] == ["sheets"]
    assert screen.evaluate("window.__versions") == [before + 1]
    db.session.expire_all()
    assert db.session.get(Trade, ev["trade"].id).standings_version == before + 1
    assert len(stored(ev["entries"][0])) == 5
    assert "测试选手1" in screen.inner_text("#rows .led-row:first-child")

    # a correction of one mark is a single-mark request (and one more version)
    page.fill(f"{slot('work#1')} .slot-value", "46")
    page.click("#save-marks")
    wait_all_sent(page)
    screen.wait_for_function(f"() => window.__versions.includes({before + 2})")
    assert [p.rsplit("/", 1)[1] for p in posts] == ["sheets", "marks"]


def test_a_refused_sheet_is_set_aside_with_the_reason_and_the_rest_is_sent(lan_server, new_page):
    """Lot 001 withdraws while the tablet is offline: its sheet is refused (409) when the
    network is back; lot 002, queued behind it, is stored all the same."""
    ev = build_event(n_entries=3, n_judges=1)
    first, second = ev["entries"][0], ev["entries"][1]
    page = new_page(1024, 768)
    open_heat(page, lan_server, ev)
    page.context.set_offline(True)
    enter_marks(page, first, PLAN[0])
    enter_marks(page, second, PLAN[1])
    assert unsent(page) == 9
    db.session.get(Entry, first.id).status = "withdrawn"
    db.session.commit()
    page.context.set_offline(False)
    wait_all_sent(page)
    wait_set_aside(page, 1)
    assert stored(second) and not stored(first)

    page.click("#rejected-toggle")
    item = page.locator("#rejected-list li.refused")
    assert item.count() == 1
    text = item.inner_text()
    assert "001" in text and "退赛" in text or "withdrawn" in text, text
    assert page.is_visible(f'.entry-tile.has-refused[data-entry="{first.id}"]')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "tablet-set-aside-1024x768.png"))
    page.set_viewport_size({"width": 768, "height": 1024})
    page.screenshot(path=str(SCREENSHOTS / "tablet-set-aside-768x1024.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    small = page.evaluate("""() => [...document.querySelectorAll('#sync-panel button')]
        .filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect())
        .filter(r => r.height < 44 || r.width < 44).length""")
    assert small == 0

    # the contestant is back; the judge, now on the start page, edits the set-aside
    # sheet: its heat opens with the values in the form again (unsaved); the judge
    # changes one and saves: stored
    db.session.get(Entry, first.id).status = "active"
    db.session.commit()
    page.goto(f"{lan_server.url}/judge/")
    page.click("#rejected-toggle")
    page.click("#rejected-list li.refused .js-edit")
    page.wait_for_url(f"**/judge/heat/{ev['heat'].id}")
    page.wait_for_selector("#score-form:not([hidden])")
    assert page.is_hidden("#sync-panel")
    assert set_aside(page) == 0
    assert page.get_attribute(f'.entry-tile[data-entry="{first.id}"]', "aria-pressed") == "true"
    assert page.input_value(f"{slot('exam#1')} .slot-value") == "85"
    assert page.input_value(f"{slot('work#1')} .slot-value") == "45.5"
    page.fill(f"{slot('work#1')} .slot-value", "44")
    page.click("#save-marks")
    wait_all_sent(page)
    assert (first.id, "work", "44") in stored(first) and len(stored(first)) == 5


def test_a_sheet_the_server_cannot_take_is_set_aside_after_retries_and_sent_again(lan_server, new_page):
    """Today's bug: a 500 stayed at the head of the queue and blocked every later mark."""
    ev = build_event(n_entries=3, n_judges=1)
    first, second, third = ev["entries"]
    page = new_page(768, 1024)
    open_heat(page, lan_server, ev)
    failing = {"entry": first.id, "n": 0}

    def server_error_for_lot_001(route):
        if json.loads(route.request.post_data)["entry_id"] == failing["entry"]:
            failing["n"] += 1
            route.fulfill(status=500, content_type="text/html", body="<h1>Internal Server Error</h1>")
        else:
            route.continue_()
    page.route("**/api/sheets", server_error_for_lot_001)
    enter_marks(page, first, PLAN[0])
    enter_marks(page, second, PLAN[1])
    wait_set_aside(page, 1)                  # after three 500s, with backoff (2 s, 4 s)
    wait_all_sent(page)
    assert failing["n"] == 3
    assert len(stored(second)) == 4 and not stored(first)
    page.click("#rejected-toggle")
    assert "HTTP 500" in page.inner_text("#rejected-list li.refused")

    # the server is fixed: 重新发送 sends the same submission again
    page.unroute("**/api/sheets")
    page.click("#rejected-list li.refused .js-resend")
    wait_all_sent(page)
    assert set_aside(page) == 0
    assert len(stored(first)) == 5
    page.click("#sync-panel-close")

    # a refused single mark can be discarded: it never reaches the server
    page.route("**/api/marks", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body=json.dumps({"error": "测试：服务器拒绝", "field": "value"})))
    page.click(f'.entry-tile[data-entry="{third.id}"]')
    page.fill(f"{slot('exam#1')} .slot-value", "70")
    page.click("#save-marks")
    wait_set_aside(page, 1)
    assert "测试：服务器拒绝" in page.inner_text(f"{slot('exam#1')} .slot-error")
    assert page.input_value(f"{slot('exam#1')} .slot-value") == ""   # what the server has
    page.click("#rejected-toggle")
    page.once("dialog", lambda d: d.accept())
    page.click("#rejected-list li.refused .js-discard")
    assert set_aside(page) == 0 and unsent(page) == 0
    assert not stored(third)


def test_seq_numbers_only_grow_across_reloads_and_client_ids_need_no_random_uuid(lan_server, new_page):
    ev = build_event(n_entries=2, n_judges=1)
    page = new_page(1024, 768)
    open_heat(page, lan_server, ev)
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.method == "POST" and "/api/" in r.url else None)
    user = ev["judges"][0].id
    # the tablet's clock was ahead once: the stored last number is far in the future
    future = page.evaluate("Date.now() * 1000 + 5e9")
    page.evaluate(f"localStorage.setItem('judge.seq.v1.{user}', '{int(future)}')")
    page.reload()
    page.wait_for_selector("#judge-app")
    enter_marks(page, ev["entries"][0], PLAN[0])
    wait_all_sent(page)
    page.click(f'.entry-tile[data-entry="{ev["entries"][0].id}"]')
    page.fill(f"{slot('work#1')} .slot-value", "46")
    page.click("#save-marks")
    wait_all_sent(page)
    seqs = [b["seq"] for b in bodies]
    assert len(seqs) == 2 and future < seqs[0] < seqs[1]
    assert all(len(b["client_id"]) == 32 for b in bodies)


def test_a_stale_security_token_is_renewed_and_the_sheet_sent(lan_server, new_page):
    """The judge signed in again in another tab (a new session): the open page's CSRF token
    is refused once; the tablet fetches a new one and sends the sheet."""
    ev = build_event(n_entries=1, n_judges=1)
    page = new_page(1024, 768)
    open_heat(page, lan_server, ev)
    other = page.context.new_page()
    page.context.clear_cookies()
    sign_in(other, lan_server.url, ev["judges"][0].username)
    answers = []
    page.on("response", lambda r: answers.append(r.status) if "/api/sheets" in r.url else None)
    enter_marks(page, ev["entries"][0], PLAN[0])
    wait_all_sent(page)
    assert answers == [400, 201]
    assert set_aside(page) == 0 and len(stored()) == 5
