"""A contestant on the public front page finds the way to their heat (查询我的场次):
the lookup page was reachable only by typing its address."""
from tests.factories import build_event


def test_the_public_front_page_links_to_find_my_heat(app, client):
    build_event(n_entries=2)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/lookup"' in page and "查询我的场次" in page
    assert client.get("/lookup").status_code == 200
