"""Who may do what on the registration, stage, draw and bracket pages: every endpoint of
these blueprints x every role. Organiser pages refuse everyone else (403; anonymous ->
sign-in); the bracket page admits judges; the screen and the JSON view are public."""
import pytest

from competition.models import Role
from competition.services import brackets as bsvc
from competition.services import draws
from competition.services import registration as reg
from tests.conftest import create_user

from ._registration_setup import person_row, setup_event, workbook

ROLES = [None, "judge", "chief_judge", "arbitration", "screen", "organiser"]


@pytest.fixture
def world(app):
    ev = setup_event()
    reg.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 5)]),
                     ev["organiser"])
    stage = draws.create_stage(ev["lathe"], "预赛", ev["organiser"], format="bracket")
    heat = draws.create_heat(stage, "第1场", 8, ev["organiser"])
    draws.run_draw(stage, ev["organiser"], seed="s")
    bracket = bsvc.create_bracket(stage, "single_elimination", ev["organiser"])
    create_user("arb", Role.ARBITRATION)
    create_user("scr", Role.SCREEN)
    match = next(m for m in bracket.matches if m.entry_a_id and m.entry_b_id)
    cid = ev["competition"].trades[0].contestants[0].id
    return {"stage": stage.id, "heat": heat.id, "bracket": bracket.id, "match": match.id,
            "cid": cid}


def organiser_only(w):
    s, c = w["stage"], w["cid"]
    return [("GET", "/admin/registration/"), ("GET", "/admin/registration/template.xlsx"),
            ("GET", "/admin/registration/import"), ("POST", "/admin/registration/import"),
            ("POST", "/admin/registration/import/" + "0" * 32),
            ("GET", "/admin/registration/new"), ("POST", "/admin/registration/new"),
            ("GET", f"/admin/registration/{c}/edit"), ("POST", f"/admin/registration/{c}/edit"),
            ("POST", f"/admin/registration/{c}/withdraw"),
            ("POST", f"/admin/registration/{c}/reinstate"),
            ("GET", "/admin/trades/lathe/stages"), ("POST", "/admin/trades/lathe/stages"),
            ("GET", "/admin/trades/lathe/teams"),
            ("POST", f"/admin/stages/{s}/heats"), ("POST", f"/admin/heats/{w['heat']}/delete"),
            ("GET", f"/admin/stages/{s}/draw"), ("POST", f"/admin/stages/{s}/draw"),
            ("GET", f"/admin/stages/{s}/draw.xlsx"), ("GET", f"/admin/stages/{s}/draw.pdf"),
            ("GET", f"/admin/stages/{s}/advancement"),
            ("POST", f"/admin/stages/{s}/advancement"), ("POST", f"/admin/stages/{s}/bracket"),
            ("POST", f"/admin/stages/{s}/seeds"), ("POST", f"/admin/stages/{s}/enter")]


LOGIN = {"judge": "judge", "chief_judge": "chief", "arbitration": "arb", "screen": "scr",
         "organiser": "org"}


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize("role", ROLES)
def test_organiser_pages_refuse_everyone_else(client, auth, world, role):
    if role:
        auth.login(LOGIN[role])
    for method, url in organiser_only(world):
        status = call(client, method, url).status_code
        if role == "organiser":
            assert status not in (401, 403), (method, url, status)
        elif role is None:
            assert status == 302, (method, url, status)
        else:
            assert status == 403, (role, method, url, status)


@pytest.mark.parametrize("role, page, result", [
    (None, 302, 302), ("screen", 403, 403), ("arbitration", 403, 403),
    ("judge", 200, 403),            # not assigned to a heat of this stage: may look, not enter
    ("chief_judge", 200, 403),      # the quiz's chief judge: not this (lathe) bracket's
    ("organiser", 200, 303),
])
def test_the_bracket_page_and_result_entry(client, auth, world, role, page, result):
    if role:
        auth.login(LOGIN[role])
    assert client.get(f"/brackets/{world['bracket']}").status_code == page
    resp = client.post(f"/brackets/matches/{world['match']}/result",
                       data={"score_a": "2", "score_b": "1"})
    assert resp.status_code == result


@pytest.mark.parametrize("role", ROLES)
def test_the_screen_and_the_json_view_are_public(client, auth, world, role):
    if role:
        auth.login(LOGIN[role])
    assert client.get(f"/screen/bracket/{world['bracket']}").status_code == 200
    assert client.get(f"/brackets/{world['bracket']}.json").status_code == 200
