"""The screens page gives whole addresses to type on the LED computer: the server's venue
address, never the organiser PC's own 127.0.0.1, and never a bare path."""
from tests.factories import build_event


def test_the_screens_page_gives_addresses_another_computer_can_open(app, client):
    build_event(n_entries=1)
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"
    page = client.get("/screen/").get_data(as_text=True)
    assert ">http://192.168.1.10:5000/screen/trade/mini</a>" in page
    assert ">http://192.168.1.10:5000/results/mini</a>" in page
    assert ">http://192.168.1.10:5000/screen/rotate?trades=mini" in page


def test_opened_on_the_server_pc_itself_the_addresses_are_not_loopback(app, client,
                                                                      monkeypatch):
    from competition import netinfo
    monkeypatch.setattr(netinfo, "lan_addresses", lambda: ["192.168.1.10"])
    build_event(n_entries=1)
    page = client.get("/screen/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert ">http://192.168.1.10:5000/screen/trade/mini</a>" in page
