"""After signing in, ``next`` leads to a page of this site only: never to another host
however the address is disguised (browsers drop tabs and newlines and read a backslash
as a slash)."""
from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

import pytest

from competition.web.auth import local_target
from tests.factories import build_event

HOSTILE = [
    "/%09/evil.example/x",          # the reported one: a tab between the slashes
    "/\t/evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/%5Cevil.example/x",
    "https:evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "evil.example/x",
    "%2F%2Fevil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_next_leads_home_not_away(app, client, target):
    ev = build_event(n_entries=1)
    response = client.post("/auth/login?next=" + quote(target, safe="%/:\\"),
                           data={"username": ev["organiser"].username, "password": "pw-1234"})
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert "evil" not in location and "\\" not in location and "javascript" not in location
    assert location.endswith("/admin/") or parts.path == "/admin/", location


@pytest.mark.parametrize("target", ["/admin/users/", "/judge/heat/3?x=1", "/public/"])
def test_a_local_next_is_followed(app, client, target):
    ev = build_event(n_entries=1)
    response = client.post("/auth/login?next=" + quote(target, safe="/?="),
                           data={"username": ev["organiser"].username, "password": "pw-1234"})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", HOSTILE + ["", None])
def test_local_target_refuses_every_hostile_form_once_decoded(target):
    assert local_target(unquote(target) if target else target) is None
