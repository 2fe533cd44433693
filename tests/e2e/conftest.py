"""Browser tests: a real server in a thread of the test process, and Chromium.

``live_server`` serves the ``app`` fixture (SQLite or PostgreSQL, see tests/conftest.py)
with Werkzeug's threaded server on a free port, websockets included, so a test can change
data through services in its own thread and the pages see the published events.
``browser`` is one Chromium (Debian's /usr/bin/chromium) per session; ``new_page(w, h)``
opens a page of that viewport and closes it after the test.
"""
from __future__ import annotations

import os
import threading
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    """The app served on http://127.0.0.1:<free port>; .url, .app."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    thread.join(5)


@pytest.fixture
def lan_live_server(app):
    """Like live_server, but on this machine's LAN address, as tablets reach the venue
    server: plain http there is NOT a secure context (no crypto.randomUUID, no service
    workers), unlike 127.0.0.1. Falls back to 127.0.0.1 (.insecure False) without one."""
    from competition.netinfo import lan_addresses
    host = (lan_addresses() or ["127.0.0.1"])[0]
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://{host}:{server.server_port}", app=app,
                          insecure=not host.startswith("127."))
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """new_page(width, height) -> a Playwright page of that viewport (closed afterwards)."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **kwargs):
        # Playwright's string predicates (wait_for_function) run through eval, which the
        # pages' Content-Security-Policy forbids; tests/e2e/test_headers_csp_browser.py
        # checks the pages under the policy itself (bypass_csp=False).
        kwargs.setdefault("bypass_csp", True)
        ctx = browser.new_context(viewport={"width": width, "height": height}, **kwargs)
        contexts.append(ctx)
        return ctx.new_page()
    yield make
    for ctx in contexts:
        ctx.close()


def pytest_collection_modifyitems(config, items):
    """A browser test runs on SQLite only, unless it is marked ``both_backends``: what a
    page shows does not depend on the database, and each browser test costs seconds (the
    suite's time is a target, issue 19). Tests about the database under a page (an outage,
    marks reaching the server exactly once) carry the mark and run on PostgreSQL too."""
    here = os.path.dirname(__file__)
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (str(item.fspath).startswith(here) and params.get("backend") == "postgresql"
                and item.get_closest_marker("both_backends") is None):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
