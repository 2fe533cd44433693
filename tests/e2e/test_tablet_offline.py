"""The offline tablet, in Chromium as it runs at the venue: never on localhost (a secure
context there, unlike the venue's LAN address). Chromium resolves venue.lan to this
machine (--host-resolver-rules), so the page is http://venue.lan:PORT (insecure, as
http://192.168.1.10:5000) or https://venue.lan:PORT with a certificate made by the venue
authority (venue_tls.create, as `flask venue-https create` does). Chromium trusts that
server key through --ignore-certificate-errors-spki-list (which it honours for service
workers); that the authority vouches for the certificate is checked with OpenSSL below.

HTTPS: the judge reloads the heat with no network: the page comes from the service worker's
copy, with the marks stored since (kept in localStorage) and the queued ones; the judge
enters another lot; back online, the server has every mark once.
Plain http: no service worker; the page kept open works offline, a reload asks first, and
the marks survive the browser's error page and are sent on the next load.
"""
from __future__ import annotations

import socket
import ssl
import threading
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from competition.extensions import db
from competition.models import Mark
from competition.venue_tls import create
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_judge_tablet import SCREENSHOTS, enter_marks, slot, unsent, wait_all_sent
from tests.factories import build_event

pytestmark = pytest.mark.e2e

PLAN = [("85", "45.5", "1", "0", "1"), ("72.5", "50", "1", "1", "0"), ("90", "38", "0", "1", "2")]
CACHE_READY = """async () => {
    const c = await caches.open('judge-tablet-v1');
    const kept = await Promise.all([location.href, '/judge/', '/static/js/judge.js']
        .map(u => c.match(new URL(u, location.href).href, {ignoreVary: true})));
    return kept.every(Boolean);
}"""


@pytest.fixture(scope="module")
def venue_tls(tmp_path_factory):
    return create(tmp_path_factory.mktemp("venue-tls"), ["venue.lan", "127.0.0.1"])


@pytest.fixture(scope="module")
def venue_browser(browser, venue_tls):
    """A Chromium that resolves venue.lan to 127.0.0.1 and accepts the venue server key."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS + ["--host-resolver-rules=MAP venue.lan 127.0.0.1",
                              "--ignore-certificate-errors-spki-list="
                              + venue_tls.server_spki_sha256()])
    yield chromium
    chromium.close()


def serve(app, ssl_context=None):
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


class VenueServer:
    """The app on https://venue.lan:<port> and http://venue.lan:<port>. The HTTPS server
    can be stopped and started again on its port: the venue server out of reach, which
    Chromium's offline emulation alone does not guarantee for a service worker's page."""

    def __init__(self, app, tls):
        self.app, self.tls = app, tls
        self.servers = {"https": serve(app, self._context()), "http": serve(app)}
        self.https_port = self.servers["https"][0].server_port
        self.https = f"https://venue.lan:{self.https_port}"
        self.http = f"http://venue.lan:{self.servers['http'][0].server_port}"

    def _context(self):
        return (str(self.tls.server_cert), str(self.tls.server_key))

    def stop_https(self):
        server, thread = self.servers.pop("https")
        server.shutdown()
        server.server_close()
        thread.join(5)

    def start_https(self):
        server = make_server("127.0.0.1", self.https_port, self.app, threaded=True,
                             ssl_context=self._context())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.servers["https"] = (server, thread)

    def close(self):
        for server, thread in self.servers.values():
            server.shutdown()
            server.server_close()
            thread.join(5)


@pytest.fixture
def venue_server(app, venue_tls):
    """The venue server, CSRF on, /venue/ configured."""
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["VENUE_TLS_DIR"] = str(venue_tls.folder)
    server = VenueServer(app, venue_tls)
    app.config["VENUE_HTTPS_PORT"] = server.https_port
    yield server
    server.close()


@pytest.fixture
def tablet(venue_browser):
    contexts = []

    def make(width=1024, height=768):
        ctx = venue_browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        return ctx.new_page()
    yield make
    for ctx in contexts:
        ctx.close()


def sign_in(page, url, username):
    page.goto(f"{url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-1234")
    page.click("button[type=submit]")
    page.wait_for_url("**/judge/")


def stored():
    db.session.expire_all()
    return sorted((m.entry_id, m.criterion, m.value) for m in db.session.scalars(select(Mark)))


def expected(entries, plan):
    rows = []
    for entry, (exam, work, prepare, clean, no_ppe) in zip(entries, plan):
        rows += [(entry.id, "exam", exam), (entry.id, "work", work),
                 (entry.id, "steps.prepare", prepare), (entry.id, "steps.clean", clean)]
        if no_ppe != "0":
            rows.append((entry.id, "safety.no_ppe", no_ppe))
    return sorted(rows)


def test_the_venue_authority_vouches_for_the_server_certificate(venue_server, venue_tls):
    """What a tablet that installed ca.pem checks: chain, name (DNS and IP), purpose."""
    ctx = ssl.create_default_context(cafile=str(venue_tls.ca_cert))
    port = venue_server.https_port
    for name in ("venue.lan", "127.0.0.1"):
        with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                             server_hostname=name) as s:
            assert s.version().startswith("TLS")
    with pytest.raises(ssl.SSLCertVerificationError):
        ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                        server_hostname="bank.example")
    # without the authority installed, the certificate is not trusted
    with pytest.raises(urllib.request.URLError):
        urllib.request.urlopen(f"https://127.0.0.1:{port}/venue/", timeout=5)


@pytest.mark.parametrize("size", [(1024, 768), (768, 1024)], ids=["1024x768", "768x1024"])
def test_over_https_a_reload_without_network_shows_the_heat_and_the_queued_marks(
        venue_server, tablet, size):
    ev = build_event(n_entries=3, n_judges=1)
    entries = ev["entries"]
    page = tablet(*size)
    sign_in(page, venue_server.https, ev["judges"][0].username)
    assert page.evaluate("window.isSecureContext") is True
    page.goto(f"{venue_server.https}/judge/heat/{ev['heat'].id}")
    page.wait_for_selector("#judge-app")
    page.wait_for_function(CACHE_READY, timeout=15000)

    enter_marks(page, entries[0], PLAN[0])            # online: stored at once
    wait_all_sent(page)
    page.context.set_offline(True)                    # the Wi-Fi is gone ...
    venue_server.stop_https()                         # ... and the server out of reach
    enter_marks(page, entries[1], PLAN[1])            # offline: queued
    assert unsent(page) == 4

    page.reload()                                     # no network: the tablet's copy
    page.wait_for_selector("#judge-app")
    assert page.is_visible("#offline-copy-banner")
    assert unsent(page) == 4
    assert page.is_visible(f'.entry-tile.complete[data-entry="{entries[0].id}"]')
    assert page.is_visible(f'.entry-tile.has-pending[data-entry="{entries[1].id}"]')
    page.click(f'.entry-tile[data-entry="{entries[1].id}"]')
    assert page.input_value(f"{slot('exam#1')} .slot-value") == "72.5"
    name = f"{size[0]}x{size[1]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tablet-offline-https-{name}.png"))

    enter_marks(page, entries[2], PLAN[2])            # goes on entering
    assert unsent(page) == 9
    page.click("#unsent-toggle")
    assert "平板" in page.inner_text("#offline-note")
    page.screenshot(path=str(SCREENSHOTS / f"tablet-offline-https-queue-{name}.png"))
    page.click("#sync-panel-close")
    assert stored() == expected(entries[:1], PLAN[:1])

    # the start page too comes from the copy
    page.goto(f"{venue_server.https}/judge/")
    assert page.is_visible(f'a[href$="/judge/heat/{ev["heat"].id}"]')
    page.goto(f"{venue_server.https}/judge/heat/{ev['heat'].id}")
    assert unsent(page) == 9

    venue_server.start_https()
    page.context.set_offline(False)                   # back: everything is sent, once
    wait_all_sent(page)
    assert stored() == expected(entries, PLAN)


def test_over_plain_http_the_open_page_works_offline_and_a_reload_loses_no_mark(
        venue_server, tablet):
    ev = build_event(n_entries=2, n_judges=1)
    entries = ev["entries"]
    page = tablet(1024, 768)
    sign_in(page, venue_server.http, ev["judges"][0].username)
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("'serviceWorker' in navigator") is False
    page.goto(f"{venue_server.http}/judge/heat/{ev['heat'].id}")
    page.wait_for_selector("#judge-app")
    enter_marks(page, entries[0], PLAN[0])
    wait_all_sent(page)

    page.context.set_offline(True)
    enter_marks(page, entries[1], PLAN[1])
    assert unsent(page) == 4
    assert "不要刷新" in page.inner_text("#sync-note")
    page.click("#unsent-toggle")
    assert "http" in page.inner_text("#offline-note")
    # this server offers HTTPS too: the note links to the certificate page
    assert page.get_attribute("#venue-link", "href") == "/venue/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "tablet-offline-http-1024x768.png"))
    page.click("#sync-panel-close")

    # a reload without network: the browser asks first (beforeunload) ...
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.evaluate("location.reload()")
    page.wait_for_timeout(1000)
    assert dialogs == ["beforeunload"]
    # ... and then shows its own error page: nothing of ours can run there on http
    page.wait_for_function("() => !document.getElementById('judge-app')")

    # the network is back: Chromium reloads its error page by itself, and the page sends
    # the queue
    page.context.set_offline(False)
    page.wait_for_selector("#judge-app", timeout=20000)
    wait_all_sent(page)
    assert stored() == expected(entries, PLAN[:2])


def test_the_venue_page_on_a_tablet_offers_the_certificate(venue_server, tablet, venue_tls):
    page = tablet(768, 1024)
    page.goto(f"{venue_server.http}/venue/")
    assert page.locator(".qr-card svg").count() == 2
    assert venue_tls.ca_fingerprint() in page.inner_text("#ca-fingerprint")
    assert page.get_attribute("#https-link", "href") == f"{venue_server.https}/judge/"
    with page.expect_download() as download:
        page.click("#ca-download")
    assert download.value.suggested_filename == "venue-ca.crt"
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "venue-certificate-768x1024.png"), full_page=True)
    page.goto(f"{venue_server.https}/venue/")          # over https: trusted already
    assert page.is_visible(".venue-ok")


def test_the_next_judge_on_a_tablet_never_sees_the_previous_judges_kept_pages(venue_server, tablet):
    """Judge 1 leaves without signing out; judge 2 signs in on the same tablet (a QR code):
    the copies of judge 1's pages are dropped at judge 2's first page."""
    ev = build_event(n_entries=2, n_judges=2)
    heat_url = f"{venue_server.https}/judge/heat/{ev['heat'].id}"
    page = tablet(1024, 768)
    sign_in(page, venue_server.https, ev["judges"][0].username)
    page.goto(heat_url)
    page.wait_for_function(CACHE_READY, timeout=15000)
    page.context.clear_cookies()                      # judge 1 gone, not signed out
    sign_in(page, venue_server.https, ev["judges"][1].username)
    page.wait_for_function("""async () => {
        const c = await caches.open('judge-tablet-v1');
        const home = await c.match(location.href, {ignoreVary: true});
        const heat = await c.match(location.href + 'heat/%d', {ignoreVary: true});
        return !!home && !heat;
    }""" % ev["heat"].id, timeout=15000)
    page.context.set_offline(True)
    venue_server.stop_https()
    page.goto(heat_url)
    assert "没有网络" in page.inner_text("body")
    assert page.locator("#judge-app").count() == 0
    venue_server.start_https()
