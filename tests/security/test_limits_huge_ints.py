"""Huge integers in paths and query strings: on PostgreSQL an id beyond the column's range
raised DataError, a 500. Every <int:...> is bounded (a 404 for anything beyond), and a
DataError that gets through is a 400/404, never a 500. Both backends."""
import pytest

from competition.models import Role
from tests.conftest import create_user
from tests.factories import build_event

HUGE = ["99999999999999999999", str(2 ** 63), str(2 ** 31)]

ANONYMOUS = ["/brackets/{n}.json", "/screen/bracket/{n}", "/brackets/{n}"]
ORGANISER = ["/admin/registration/{n}/edit", "/admin/stages/{n}/draw.xlsx",
             "/admin/documents/jobs/{n}", "/judge/chief/heat/{n}",
             "/judge/chief/heat/1/entry/{n}", "/admin/users/{n}/edit"]
JUDGE = ["/api/heats/{n}/sheet", "/judge/heat/{n}"]


@pytest.mark.parametrize("n", HUGE)
@pytest.mark.parametrize("path", ANONYMOUS)
def test_a_huge_id_in_a_public_path_is_not_found(app, client, path, n):
    assert client.get(path.format(n=n)).status_code == 404


@pytest.mark.parametrize("path", ORGANISER)
def test_a_huge_id_in_an_organiser_path_is_not_found(app, client, path):
    create_user("org", Role.ORGANISER)
    client.post("/auth/login", data={"username": "org", "password": "pw-1234"})
    for n in HUGE:
        assert client.get(path.format(n=n)).status_code == 404, (path, n)


@pytest.mark.parametrize("path", JUDGE)
def test_a_huge_id_in_a_judges_path_is_not_found(app, client, path):
    ev = build_event()
    client.post("/auth/login", data={"username": ev["judges"][0].username,
                                     "password": "pw-1234"})
    for n in HUGE:
        assert client.get(path.format(n=n)).status_code == 404, (path, n)


def test_huge_numbers_in_forms_and_query_strings_are_not_a_server_error(app, client):
    ev = build_event()
    create_user("org", Role.ORGANISER)
    client.post("/auth/login", data={"username": "org", "password": "pw-1234"})
    assert client.post(f"/brackets/matches/{HUGE[0]}/result",
                       data={"winner": HUGE[0]}).status_code == 404
    assert client.get(f"/admin/registration/?page={HUGE[0]}").status_code < 500
    assert client.get(f"/admin/registration/?page={2 ** 62}").status_code < 500
    assert client.get(f"/screen/trade/{ev['trade'].code}?page={HUGE[0]}").status_code < 500


def test_ordinary_ids_still_route(app, client):
    ev = build_event()
    client.post("/auth/login", data={"username": ev["organiser"].username,
                                     "password": "pw-1234"})
    assert client.get(f"/judge/chief/heat/{ev['heat'].id}").status_code == 200
    cid = ev["entries"][0].contestant_id
    assert client.get(f"/admin/registration/{cid}/edit").status_code == 200
