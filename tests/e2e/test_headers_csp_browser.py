"""The Content-Security-Policy breaks no page: Chromium reports no violation on the pages
of every role (inline scripts and handlers, the Socket.IO client, charts, the judge's
tablet), and the LED page still gets its rows over the socket. (Part of the security
suite of issue 14; here beside the browser fixtures.)"""
from __future__ import annotations

import pytest

from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def watched_page(new_page, console):
    page = new_page(1280, 800, bypass_csp=False)   # the policy as the server sends it
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text else None)
    return page


def test_no_page_violates_the_policy(live_server, new_page):
    ev = build_event(n_entries=4, blind=False)
    console: list[str] = []
    url = live_server.url
    anonymous = watched_page(new_page, console)
    for path in ("/", "/auth/login", "/results/mini", "/screen/", "/screen/trade/mini"):
        assert visit(anonymous, url + path) == [], path
    # the LED page got its rows over the socket (no eval-based waiting under the policy)
    for _ in range(50):
        if anonymous.evaluate("document.querySelectorAll('#rows .led-row').length") > 0:
            break
        anonymous.wait_for_timeout(100)
    assert anonymous.evaluate("document.querySelectorAll('#rows .led-row').length") == 4

    organiser = watched_page(new_page, console)
    sign_in(organiser, url, ev["organiser"].username)
    for path in ("/admin/", "/admin/users/", "/admin/live/", "/admin/registration/",
                 "/admin/documents/", "/admin/documents/layout", "/admin/rules/",
                 "/admin/analysis/", "/admin/promotions/"):
        assert visit(organiser, url + path) == [], path

    chief = watched_page(new_page, console)
    sign_in(chief, url, ev["chief"].username)
    heat_id = ev["heat"].id
    for path in ("/judge/chief", f"/judge/chief/heat/{heat_id}"):
        assert visit(chief, url + path) == [], path

    judge = watched_page(new_page, console)
    sign_in(judge, url, ev["judges"][0].username)
    for path in ("/judge/", f"/judge/heat/{heat_id}"):
        assert visit(judge, url + path) == [], path
    assert console == []
