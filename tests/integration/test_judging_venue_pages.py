"""Pages the venue's public reaches from a phone: the front page leads to each trade's
live results; an unknown certificate serial says what to do next."""
from tests.factories import build_event


def test_the_front_page_links_every_trade_to_its_live_results(app, client):
    build_event(n_entries=2, n_judges=1)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/results/mini"' in page
    assert client.get("/results/mini").status_code == 200


def test_an_unknown_serial_says_what_to_check(client):
    r = client.get("/verify/ZZ-0000-NOPE")
    page = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "请核对上面的编号" in page and 'href="/"' in page
