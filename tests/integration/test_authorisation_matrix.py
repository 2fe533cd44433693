"""Every role x every endpoint: who may and who may not.

Every route of the application must be classified in ACCESS below; a new route that is not
fails test_every_route_is_classified, so nobody adds a page without deciding who may use it.
For each route and each role the test sends a request (dummy ids: the role check comes
before any lookup) and checks: a role that may not gets 403 (401 or a redirect to the
sign-in page when anonymous); a role that may is not refused (any other status: 200, 302,
400 for a bad form, 404 for the dummy id...).
"""
from __future__ import annotations

import fnmatch

import pytest

from competition.models import Role
from tests.conftest import create_user

ANON = "anonymous"
ORG, CHIEF, JUDGE, ARB, SCREEN = (Role.ORGANISER.value, Role.CHIEF_JUDGE.value,
                                  Role.JUDGE.value, Role.ARBITRATION.value, Role.SCREEN.value)
EVERYONE = {ANON, ORG, CHIEF, JUDGE, ARB, SCREEN}
SIGNED_IN = EVERYONE - {ANON}

# endpoint pattern -> roles allowed. First match wins.
ACCESS: list[tuple[str, set[str]]] = [
    ("static", EVERYONE),
    ("vendor.*", EVERYONE),
    ("public.*", EVERYONE),
    ("results.*", EVERYONE),
    ("screen.*", EVERYONE),
    ("verify.*", EVERYONE),                       # certificate verification (QR code)
    ("auth.unlock", {ORG}),                       # lift a sign-in lockout
    ("auth.*", EVERYONE),
    ("judge_token.token_login", EVERYONE),        # one-time QR sign-in link
    ("api.trades", EVERYONE),
    ("live_api.*", EVERYONE),                     # published standings (blind-safe)
    ("judge_api.openapi", EVERYONE),
    ("judge_api.csrf_token", SIGNED_IN - {SCREEN}),
    ("judge_api.post_mark", {JUDGE}),             # chief judges correct through their pages
    ("judge_api.heat_sheet", {JUDGE}),
    ("judge_api.post_sheet", {JUDGE}),            # a whole score sheet as one write
    ("judge.chief_appeal", {ARB}),                # appeals are the arbitration panel's
    ("judge.chief_lock", {CHIEF}),                # sign-off is the chief judge's alone
    ("judge.chief_unlock", {CHIEF}),
    ("judge.chief_correct", {CHIEF, ARB}),
    ("judge.chief_assign", {CHIEF, ORG}),         # the organiser may set up judging too
    ("judge.chief_signin_codes", {CHIEF, ORG}),
    ("judge.chief_*", {CHIEF, ARB, ORG}),         # progress, audit: read-only views
    ("judge.service_worker", EVERYONE),           # the tablet's service worker (code)
    ("venue.*", EVERYONE),                       # the venue certificate (HTTPS at the venue)
    ("judge.*", {JUDGE}),
    ("brackets.view_json", EVERYONE),             # brackets are public, like results
    ("brackets.screen", EVERYONE),
    ("brackets.index", {ORG, JUDGE, CHIEF}),
    ("brackets.page", {ORG, JUDGE, CHIEF}),       # where match results are entered
    ("brackets.result", {ORG, JUDGE, CHIEF}),
    ("documents.score_sheets", {ORG, CHIEF}),     # the paper fallback, printed by either
    ("documents.trade_results_workbook", {ORG}),  # a trade's workbook: overall + per stage
    ("rules_admin.bound_text", {ORG, CHIEF}),
    ("rules_admin.scheme", {ORG, CHIEF}),
    ("admin.*", {ORG}),
    ("rules_admin.*", {ORG}),
    ("users_admin.*", {ORG}),
    ("registration.roster", {ORG}),               # 报名名单 xlsx: full ID numbers and phones
    ("registration.*", {ORG}),
    ("stages.seat", {ORG}),                       # seating by hand (late entrants)
    ("stages.heat_workstations", {ORG}),
    ("stages.delete_stage", {ORG}),               # a stage without marks (audited)
    ("stages.*", {ORG}),
    ("seating.*", {ORG}),                         # seating several late entrants at once
    ("live_admin.*", {ORG}),
    ("documents.layout_preview", {ORG}),          # certificate layout form: preview, reset
    ("documents.layout_reset", {ORG}),
    ("documents.team_certificates", {ORG}),       # team / member certificates choice
    ("documents.*", {ORG}),
    ("promotions.*", {ORG}),
    ("backup_admin.*", {ORG}),                    # backups hold every ID number
    ("schedule.*", {ORG}),                        # the event's schedule and its downloads
    ("venue_screen.*", EVERYONE),                 # a venue's LED screens (no sign-in, as screen.*)
    ("venues.*", {ORG}),                          # a venue's day, its judges' sign-in codes
    ("appeals.index", {ORG, ARB, CHIEF}),         # appeals (申诉): a chief reads his trade's
    ("appeals.page", {ORG, ARB, CHIEF}),
    ("appeals.file", {ORG, ARB}),                 # filed for a contestant or team
    ("appeals.*", {ARB}),                         # review, re-score, decide: arbitration
    ("checkin.*", {ORG, CHIEF, JUDGE}),           # check-in (检录); trade/heat checked in the view
    ("tickets.*", EVERYONE),                      # a ticket's page (signed token), the look-up
    ("analysis.index", {ORG}),                    # every trade, cross-trade and employer scale
    ("analysis.report_pdf", {ORG}),               # the event report (赛事总结)
    ("analysis.workbook", {ORG}),                 # the analysis workbook
    ("analysis.trade", {ORG, CHIEF, ARB}),        # a trade's judges: its chief sees them too
]

# Routes that are open to anyone by design but answer 4xx to a dummy argument, and routes
# whose access depends on more than the role (checked in their own tests).
NOT_ROLE_CHECKED = {"static", "auth.logout"}


def access_for(endpoint: str) -> set[str] | None:
    for pattern, roles in ACCESS:
        if fnmatch.fnmatchcase(endpoint, pattern):
            return roles
    return None


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_ROLE_CHECKED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            args = {}
            for name in rule.arguments:
                conv = type(rule._converters[name]).__name__
                args[name] = 999999 if "Integer" in conv else "zz-missing"
            yield rule, method, args


def test_every_route_is_classified(app):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()
                      if access_for(r.endpoint) is None})
    assert missing == [], f"classify these endpoints in ACCESS: {missing}"


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_reaches_exactly_the_routes_it_may(app, client, auth, role):
    if role != ANON:
        create_user("who", role)
        auth.login("who")
    wrong = []
    with app.test_request_context():
        from flask import url_for
        for rule, method, args in _routes(app):
            allowed = access_for(rule.endpoint) or set()
            url = url_for(rule.endpoint, **args)
            response = client.open(url, method=method, data={}, headers={"Accept": "text/html"})
            status = response.status_code
            response.close()
            refused = status in (401, 403) or (
                status == 302 and "/auth/login" in response.headers.get("Location", ""))
            if role in allowed and refused:
                wrong.append(f"{method} {url}: {role} was refused ({status})")
            if role not in allowed and not refused:
                wrong.append(f"{method} {url}: {role} was let in ({status})")
            if status >= 500:
                wrong.append(f"{method} {url}: {role} got a server error ({status})")
    assert wrong == [], "\n".join(wrong)
