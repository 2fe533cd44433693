"""Every rule file in scoring_rules/ gives a judge a score form that renders, a sheet with
every slot, and accepts a valid mark for each kind of input."""
from pathlib import Path

from competition.extensions import db
from competition.models import Role
from competition.services.rules import rule_for
from tests.conftest import create_user
from tests.factories import build_event

RULES = sorted(p.name for p in (Path(__file__).parents[2] / "scoring_rules").glob("*.toml"))


def a_valid_value(slot) -> str:
    low = slot.min if slot.min is not None else 0
    if slot.input == "time":
        return "5:00"
    return format(low, "f")


def test_every_rule_gives_a_working_score_form(app, client):
    judge = create_user("allrules", Role.JUDGE)
    client.post("/auth/login", data={"username": "allrules", "password": "pw-1234"})
    problems, competition = [], None
    for i, name in enumerate(RULES):
        ev = build_event(n_entries=1, n_judges=0, rule_file=f"../../scoring_rules/{name}",
                         code=f"r{i}", competition=competition)
        competition = ev["competition"]
        from competition.models import JudgeAssignment
        db.session.add(JudgeAssignment(heat_id=ev["heat"].id, user_id=judge.id))
        db.session.commit()
        page = client.get(f"/judge/heat/{ev['heat'].id}")
        sheet = client.get(f"/api/heats/{ev['heat'].id}/sheet")
        if page.status_code != 200 or sheet.status_code != 200:
            problems.append((name, page.status_code, sheet.status_code))
            continue
        html = page.get_data(as_text=True)
        rule = rule_for(ev["trade"])
        for slot in rule.slots():
            if slot.input == "adjustment":
                continue
            if f'data-key="{slot.address}#1"' not in html:
                problems.append((name, slot.address, "not on the form"))
            r = client.post("/api/marks", json={
                "client_id": f"all-{i}-{slot.address}".replace(".", "_").replace("@", "_"),
                "entry_id": ev["entries"][0].id, "criterion": slot.address,
                "value": a_valid_value(slot)})
            if r.status_code not in (200, 201):
                problems.append((name, slot.address, r.status_code, r.json))
    assert problems == []
    assert len(RULES) >= 6
