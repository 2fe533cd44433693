"""Every response carries the protective headers: no framing (clickjacking a chief's
sign-off button), a Content-Security-Policy that allows this site only, no MIME sniffing,
and no full Referer to anywhere else. Pages, JSON, files, redirects and errors alike."""
from __future__ import annotations

import pytest

from competition.security import CONTENT_SECURITY_POLICY
from tests.factories import build_event

PUBLIC = ["/", "/auth/login", "/results/mini", "/screen/trade/mini", "/api/trades",
          "/api/trades/mini/standings", "/static/css/app.css", "/no/such/page",
          "/admin/users/"]   # the last: a redirect to sign in


def assert_protected(response, path):
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), path
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives.get("frame-ancestors") == "'none'", path
    assert directives.get("default-src") == "'self'", path
    assert directives.get("object-src") == "'none'", path
    assert directives.get("base-uri") == "'self'", path
    assert directives.get("form-action") == "'self'", path
    # nothing is loaded from another host: no http(s) source, no wildcard
    for name, sources in directives.items():
        for source in sources.split():
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:"), (
                name, source)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_responses_carry_the_headers(app, client, path):
    build_event(n_entries=2, blind=False)
    response = client.get(path)
    assert response.status_code in (200, 302, 404), (path, response.status_code)
    assert_protected(response, path)
    response.close()   # a static file's handle


@pytest.mark.parametrize("role_key,path", [
    ("organiser", "/admin/"), ("organiser", "/admin/users/"), ("chief", "/judge/chief"),
    ("judges", "/judge/"), ("judges", "/api/csrf-token"),
])
def test_signed_in_pages_carry_the_headers(app, client, auth, role_key, path):
    ev = build_event(n_entries=2)
    user = ev[role_key][0] if role_key == "judges" else ev[role_key]
    auth.login(user.username)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert_protected(response, path)


def test_a_failed_sign_in_and_a_sign_out_carry_them_too(app, client, auth):
    ev = build_event(n_entries=1)
    assert_protected(auth.login(ev["organiser"].username, "wrong"), "401")
    auth.login(ev["organiser"].username)
    assert_protected(auth.logout(), "logout")


def test_the_policy_is_one_string_shared_by_every_response():
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY
