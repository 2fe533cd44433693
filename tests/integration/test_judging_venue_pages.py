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


def test_a_banded_measurement_shows_its_bands_not_a_zero_tolerance(app):
    """Welder's film grade: nominal 1 +0/-0 with bands. The tablet said 'accepted 1.0–1.0'
    beside a grade that scores 100, 80, 50 or 0; it now shows the bands."""
    from pathlib import Path

    from competition.rules.loader import load_rule
    from competition.services.scoresheets import criterion_info
    rule = load_rule(Path(app.root_path).parent / "scoring_rules" / "welder.toml")
    crits = {c.id: c for c in rule.criteria}
    rt = criterion_info(crits["rt_grade"])
    assert [b["range"] for b in rt["bands"]] == ["1 ≤ x < 2", "2 ≤ x < 3", "3 ≤ x < 4", "x ≥ 4"]
    assert [b["points"] for b in rt["bands"]] == ["100", "80", "50", "0"]
    assert "accept_min" not in rt
    cap = criterion_info(crits["cap_height"])      # a real tolerance stays beside the bands
    assert cap["accept_max"] == "1.0" and cap["bands"][-1]["range"] == "x < 0"
