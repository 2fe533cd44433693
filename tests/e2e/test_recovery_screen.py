"""An LED screen opened while the database is unreachable (issue 15), in Chromium: it says
it is not live, retries its join with backoff (the server answers "unavailable"), and
shows the standings as soon as the database is back, without a reload."""
import urllib.request

import pytest

from tests.factories import build_event
from tests.integration.test_recovery_sockets import database_outage

pytestmark = [pytest.mark.e2e, pytest.mark.both_backends]   # about the database under the page


def test_a_screen_opened_during_an_outage_shows_the_standings_once_the_database_is_back(
        app, live_server, new_page):
    build_event(n_entries=3, blind=False)
    url = f"{live_server.url}/screen/trade/mini"
    with urllib.request.urlopen(url, timeout=10) as resp:     # the page as it was served
        html = resp.read()
    page = new_page(1920, 480)
    joins = []      # the page's join emits, by websocket or (fallback) long-polling POST
    page.on("websocket", lambda ws: ws.on(
        "framesent", lambda payload: joins.append(payload) if '"join"' in str(payload)
        else None))
    page.on("request", lambda r: joins.append(r.post_data)
            if r.method == "POST" and '"join"' in (r.post_data or "") else None)
    # The page itself was rendered before the outage (a screen left open, or reloaded
    # from the browser's cache); its socket joins while the database is unreachable.
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
    with database_outage(app):
        page.goto(url)
        page.wait_for_function("document.querySelector('#conn').textContent.length > 0")
        page.wait_for_timeout(3500)
        assert len(joins) >= 2, joins                  # answered "unavailable", retried
        assert page.eval_on_selector_all("#rows .led-row", "els => els.length") == 0
        assert page.is_visible("#lost")                # not shown as live
    page.evaluate("window.__noReload = true")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length === 3",
                           timeout=20000)
    assert page.evaluate("window.__noReload") is True
    assert page.is_hidden("#lost")


def test_the_organisers_live_page_reconnects_after_a_refusal_during_an_outage(
        app, live_server, new_page, caplog):
    """Its connection asks for the organiser's view, which the server cannot check while
    the database is unreachable: refused ("unavailable"), and socket.io does not retry a
    refusal on its own; the page does, with backoff."""
    from tests.e2e.pages import sign_in
    ev = build_event(n_entries=2, blind=False)
    page = new_page(1280, 800)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/live/")
    t = page.evaluate("JSON.parse(document.querySelector('[data-live-progress]')"
                      ".getAttribute('data-i18n'))")
    status = "document.querySelector('[data-status]').textContent"
    page.wait_for_function(f"{status} === {t['live']!r}")
    connects = []
    page.on("request", lambda r: connects.append(r.url) if "socket.io" in r.url else None)
    page.on("websocket", lambda ws: connects.append(ws.url))
    with database_outage(app):
        page.evaluate("Live.progressSocket.io.engine.close()")      # the network drops
        page.wait_for_function(f"{status} === {t['offline']!r}")
        page.wait_for_timeout(2500)
        assert page.evaluate(status) == t["offline"]
        tried = len(connects)
        assert tried >= 2, connects                       # reconnected, was refused
        assert any("socket connect: database unavailable" in r.getMessage()
                   for r in caplog.records)
    page.wait_for_function(f"{status} === {t['live']!r}", timeout=20000)
    assert len(connects) > tried                          # and tried again: served
