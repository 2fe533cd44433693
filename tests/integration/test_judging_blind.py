"""Blind judging: no contestant name or employer ever reaches a judge's page or API answer
when what they judge is blind (per trade or per criterion)."""
import html
import re

import pytest

from competition.extensions import db
from competition.models import Contestant
from competition.services import heats as heat_service
from competition.services import marks as mark_service
from tests.factories import build_event


def secrets_of(event) -> list[str]:
    """Every contestant name and employer of the event: none may appear."""
    people = db.session.query(Contestant).all()
    return sorted({p.name for p in people} | {p.employer for p in people})


def judge_texts(client, event) -> dict[str, str]:
    heat = event["heat"].id
    pages = {
        "home": client.get("/judge/"),
        "heat page": client.get(f"/judge/heat/{heat}"),
        "sheet api": client.get(f"/api/heats/{heat}/sheet"),
        "mark api": client.post("/api/marks", json={
            "client_id": "blind-check-01", "entry_id": event["entries"][0].id,
            "criterion": "work", "value": "30"}),
        "refused mark": client.post("/api/marks", json={
            "client_id": "blind-check-02", "entry_id": event["entries"][0].id,
            "criterion": "work", "value": "300"}),
    }
    for name, response in pages.items():
        assert response.status_code < 500, name
    return {name: readable(r.get_data(as_text=True)) for name, r in pages.items()}


def readable(text: str) -> str:
    """The text as a person would read it: JSON \\uXXXX escapes (tojson, jsonify) and
    HTML entities decoded, so that a name hidden in an escape is still found."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text)


def assert_nothing_leaks(texts: dict[str, str], secrets: list[str]):
    leaks = [(page, s) for page, text in texts.items() for s in secrets if s in text]
    assert leaks == []


def test_blind_mode_never_leaks_a_name_or_employer_to_a_judge(app, client, auth):
    event = build_event(n_entries=6, blind=True)
    mark_service.record_mark(event["judges"][1], entry_id=event["entries"][1].id,
                             address="work", value="50", client_id="other-judge-1")
    auth.login(event["judges"][0].username)
    texts = judge_texts(client, event)
    assert "001" in texts["heat page"]          # lot numbers are shown
    assert_nothing_leaks(texts, secrets_of(event))


def test_without_blind_mode_the_judge_sees_names(app, client, auth):
    event = build_event(n_entries=3, blind=False)
    # the mini rule itself says blind = true; make the rule agree with the trade
    event["trade"].rule_text = event["trade"].rule_text.replace("blind = true", "blind = false")
    db.session.commit()
    auth.login(event["judges"][0].username)
    texts = judge_texts(client, event)
    assert "测试选手1" in texts["heat page"] and "测试选手1" in texts["sheet api"]


@pytest.fixture
def per_criterion_blind(app):
    """A trade judged openly except "work", which is judged blind."""
    event = build_event(n_entries=3, blind=False)
    text = event["trade"].rule_text.replace("blind = true", "blind = false")
    text = text.replace('name = "作品质量"\n', 'name = "作品质量"\nblind = true\n')
    event["trade"].rule_text = text
    db.session.commit()
    return event


def test_a_judge_of_a_blind_criterion_sees_lot_numbers_only(per_criterion_blind, client, auth):
    event = per_criterion_blind
    j1, j2 = event["judges"][:2]
    heat_service.assign_judges(event["chief"], event["heat"].id,
                               {j1.id: ["work"], j2.id: ["steps", "safety"]})
    auth.login(j1.username)
    assert_nothing_leaks(judge_texts(client, event), secrets_of(event))
    auth.logout()
    auth.login(j2.username)
    sheet = client.get(f"/api/heats/{event['heat'].id}/sheet").json
    assert sheet["blind"] is False and sheet["entries"][0]["name"] == "测试选手1"


def test_a_judge_of_every_criterion_including_a_blind_one_sees_no_names(per_criterion_blind,
                                                                        client, auth):
    auth.login(per_criterion_blind["judges"][0].username)
    assert_nothing_leaks(judge_texts(client, per_criterion_blind),
                         secrets_of(per_criterion_blind))
