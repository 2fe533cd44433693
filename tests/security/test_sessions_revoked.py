"""Sessions end: a PIN reset, signing out and deactivation end every session and
remember-me cookie of the user, copies taken before included; remember-me lasts the
event day, not a year."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import pytest

from competition.extensions import db
from tests.conftest import FreshRequestClient
from tests.factories import build_event


def new_client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


def sign_in(app, username: str, password: str = "pw-1234"):
    client = new_client(app)
    response = client.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def copy_of(app, client, *, session: bool = True, remember: bool = True):
    """Another browser holding the cookies copied from ``client`` (a stolen tablet's)."""
    other = new_client(app)
    for name, wanted in (("session", session), ("remember_token", remember)):
        cookie = client.get_cookie(name)
        if wanted and cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def signed_in(client) -> bool:
    response = client.get("/judge/")
    return response.status_code == 200


@pytest.fixture
def event(app):
    return build_event(n_entries=1)


def test_copied_session_and_remember_cookies_work_until_the_judge_signs_out(app, event):
    judge = event["judges"][0]
    tablet = sign_in(app, judge.username)
    session_copy = copy_of(app, tablet, remember=False)
    remember_copy = copy_of(app, tablet, session=False)
    assert signed_in(session_copy) and signed_in(remember_copy)   # the control
    tablet.post("/auth/logout")
    assert not signed_in(tablet)
    assert not signed_in(session_copy)
    assert not signed_in(remember_copy)


def test_signing_out_on_one_tablet_ends_the_session_on_the_other(app, event):
    judge = event["judges"][0]
    first, second = sign_in(app, judge.username), sign_in(app, judge.username)
    first.post("/auth/logout")
    assert not signed_in(second)
    assert signed_in(sign_in(app, judge.username))  # signing in again works


def test_a_pin_reset_ends_every_session_of_the_judge(app, event):
    judge = event["judges"][0]
    tablet = sign_in(app, judge.username)
    stolen = copy_of(app, tablet, session=False)
    organiser = sign_in(app, event["organiser"].username)
    assert organiser.post(f"/admin/users/{judge.id}/reset").status_code == 200
    assert not signed_in(tablet)
    assert not signed_in(stolen)


def test_deactivating_an_account_ends_its_sessions_and_reactivating_does_not_revive_them(
        app, event):
    judge = event["judges"][0]
    tablet = sign_in(app, judge.username)
    stolen = copy_of(app, tablet, session=False)
    organiser = sign_in(app, event["organiser"].username)
    organiser.post(f"/admin/users/{judge.id}/active", data={"active": "0"})
    organiser.post(f"/admin/users/{judge.id}/active", data={"active": "1"})
    assert not signed_in(tablet) and not signed_in(stolen)


def test_other_users_sessions_are_untouched(app, event):
    one, two = event["judges"][:2]
    tablet_one, tablet_two = sign_in(app, one.username), sign_in(app, two.username)
    tablet_one.post("/auth/logout")
    assert signed_in(tablet_two)


def test_remember_me_lasts_the_event_day_not_a_year(app, event):
    tablet = sign_in(app, event["judges"][0].username)
    cookie = tablet.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    expires = cookie.expires
    if isinstance(expires, str):
        expires = parsedate_to_datetime(expires)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    hours = (expires - datetime.now(timezone.utc)).total_seconds() / 3600
    assert 15 <= hours <= 16.1, hours
    assert app.config["REMEMBER_COOKIE_DURATION"].total_seconds() == 16 * 3600


def test_a_bare_user_id_in_the_session_signs_nobody_in(app, event):
    """What every cookie held before: only "<id>". With the app's own key, it still fails
    without the user's current session token."""
    from flask.sessions import SecureCookieSessionInterface
    judge = event["judges"][0]
    client = new_client(app)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    client.set_cookie("session", serializer.dumps({"_user_id": str(judge.id),
                                                   "_fresh": True}))
    assert not signed_in(client)
    client.set_cookie("session", serializer.dumps({"_user_id": judge.get_id(),
                                                   "_fresh": True}))
    assert signed_in(client)
    db.session.refresh(judge)
