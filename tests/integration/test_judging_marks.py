"""Judges' marks through POST /api/marks: stored once, validated with the reason, audited."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Mark, Trade
from tests.factories import build_event


@pytest.fixture
def event(app):
    return build_event(n_entries=3, n_judges=3)


@pytest.fixture
def judge_client(client, auth, event):
    auth.login(event["judges"][0].username)
    return client


def post(client, entry, criterion="work", value="45.5", client_id="cid-00000001", **extra):
    body = {"client_id": client_id, "entry_id": entry.id, "criterion": criterion,
            "value": value, **extra}
    return client.post("/api/marks", json=body)


def count_marks() -> int:
    return db.session.scalar(select(func.count(Mark.id)))


def audit_rows(action=None):
    stmt = select(AuditLog).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return db.session.scalars(stmt).all()


def test_a_mark_is_acknowledged_only_once_it_is_stored(judge_client, event):
    r = post(judge_client, event["entries"][0])
    assert r.status_code == 201
    assert r.json["status"] == "created"
    stored = db.session.get(Mark, r.json["mark"]["id"])
    assert (stored.value, stored.criterion, stored.judge_id) == ("45.5", "work",
                                                                event["judges"][0].id)


def test_a_retried_submission_is_stored_once(judge_client, event):
    for _ in range(3):
        r = post(judge_client, event["entries"][0], client_id="retry-abcdef01")
    assert r.status_code == 200 and r.json["status"] == "duplicate"
    assert count_marks() == 1
    assert len(audit_rows("mark.create")) == 1


def test_a_retry_is_acknowledged_even_after_the_heat_was_signed_off(judge_client, event):
    post(judge_client, event["entries"][0], client_id="late-ack-0001")
    heat = event["heat"]
    from competition.services.heats import lock_heat
    lock_heat(event["chief"], heat.id)
    r = post(judge_client, event["entries"][0], client_id="late-ack-0001")
    assert r.status_code == 200 and r.json["status"] == "duplicate"


def test_a_new_client_id_for_the_same_slot_updates_the_mark_keeping_the_old_value(
        judge_client, event):
    post(judge_client, event["entries"][0], value="40", client_id="first-000001")
    r = post(judge_client, event["entries"][0], value="42.5", client_id="second-00001")
    assert r.status_code == 200 and r.json["status"] == "updated"
    assert count_marks() == 1
    update = audit_rows("mark.update")[-1]
    assert update.old["value"] == "40" and update.new["value"] == "42.5"
    assert update.user_id == event["judges"][0].id and update.at is not None


def test_the_same_value_again_changes_nothing_and_adds_no_audit_row(judge_client, event):
    post(judge_client, event["entries"][0], value="40", client_id="same-0000001")
    r = post(judge_client, event["entries"][0], value="40.0", client_id="same-0000002")
    assert r.json["status"] == "unchanged"
    assert len(audit_rows()) == 1


def test_marks_bump_the_trades_standings_version(judge_client, event):
    before = event["trade"].standings_version
    post(judge_client, event["entries"][0])
    db.session.expire_all()
    assert db.session.get(Trade, event["trade"].id).standings_version > before


@pytest.mark.parametrize("criterion, value, attempt, field", [
    ("work", "61", 1, "value"),            # above max 60
    ("work", "-1", 1, "value"),            # below 0
    ("work", "40.3", 1, "value"),          # off the 0.5 step
    ("work", "abc", 1, "value"),
    ("work", "", 1, "value"),
    ("work", None, 1, "value"),
    ("work", True, 1, "value"),
    ("work", "1e999999", 1, "value"),
    ("nope", "1", 1, "criterion"),
    ("steps.nope", "1", 1, "criterion"),
    ("steps", "1", 1, "criterion"),        # a checklist is marked per item
    ("steps.prepare", "2", 1, "value"),    # items are 1 or 0
    ("safety", "no_ppe", 1, "criterion"),  # violations are counted per code on tablets
    ("safety.no_ppe", "1.5", 1, "value"),
    ("work", "40", 2, "attempt"),          # one attempt only
    ("work", "40", "x", "attempt"),
    (None, "40", 1, "criterion"),
    (17, "40", 1, "criterion"),
])
def test_invalid_marks_are_refused_with_the_field_and_change_nothing(
        judge_client, event, criterion, value, attempt, field):
    r = judge_client.post("/api/marks", json={
        "client_id": "bad-00000001", "entry_id": event["entries"][0].id,
        "criterion": criterion, "value": value, "attempt": attempt})
    assert r.status_code == 400, r.json
    assert r.json["field"] == field and r.json["error"]
    assert count_marks() == 0 and audit_rows() == []


@pytest.mark.parametrize("body, status, field", [
    ("not json", 400, None),
    ([1, 2], 400, None),
    ({"entry_id": "x", "criterion": "work", "value": "1", "client_id": "abcdefgh1"}, 400,
     "entry_id"),
    ({"entry_id": 99999, "criterion": "work", "value": "1", "client_id": "abcdefgh1"}, 404,
     "entry_id"),
    ({"entry_id": None, "criterion": "work", "value": "1", "client_id": "abcdefgh1"}, 400,
     "entry_id"),
    ({"criterion": "work", "value": "1", "client_id": "short"}, 400, "entry_id"),
])
def test_malformed_requests_get_a_json_error_never_a_500(judge_client, event, body, status,
                                                        field):
    if isinstance(body, str):
        r = judge_client.post("/api/marks", data=body, content_type="application/json")
    else:
        r = judge_client.post("/api/marks", json=body)
    assert r.status_code == status
    assert r.is_json and r.json["field"] == field


def test_a_malformed_client_id_is_refused(judge_client, event):
    r = post(judge_client, event["entries"][0], client_id="bad id!")
    assert r.status_code == 400 and r.json["field"] == "client_id"


def test_a_client_id_of_another_judge_is_refused(client, auth, event):
    auth.login(event["judges"][0].username)
    post(client, event["entries"][0], client_id="shared-id-0001")
    auth.logout()
    auth.login(event["judges"][1].username)
    r = post(client, event["entries"][0], client_id="shared-id-0001")
    assert r.status_code == 409 and r.json["field"] == "client_id"
    assert count_marks() == 1


def test_a_mark_queued_by_another_judge_on_the_tablet_is_not_taken_as_mine(judge_client,
                                                                           event):
    r = post(judge_client, event["entries"][0], judge_id=event["judges"][1].id)
    assert r.status_code == 409 and r.json["field"] == "judge_id"
    assert count_marks() == 0


def test_a_withdrawn_contestant_takes_no_marks(judge_client, event):
    event["entries"][0].status = "withdrawn"
    db.session.commit()
    r = post(judge_client, event["entries"][0])
    assert r.status_code == 409 and r.json["field"] == "entry_id"


def test_checklist_items_and_violation_counts_are_stored_per_address(judge_client, event):
    e = event["entries"][0]
    assert post(judge_client, e, "steps.prepare", "1", "check-000001").status_code == 201
    assert post(judge_client, e, "steps.clean", "0", "check-000002").status_code == 201
    assert post(judge_client, e, "safety.no_ppe", "2", "viol-0000001").status_code == 201
    assert count_marks() == 3


def test_times_are_accepted_as_minutes_and_seconds_and_stored_in_seconds(client, auth, app):
    ev = build_event(n_entries=1, n_judges=1, rule_file="../../scoring_rules/forklift.toml",
                     code="fork", blind=False)
    from competition.services.rules import rule_for
    rule = rule_for(ev["trade"])
    timed = next(s for s in rule.slots() if s.input == "time")
    auth.login(ev["judges"][0].username)
    r = post(client, ev["entries"][0], timed.address, "2:05", "time-0000001")
    assert r.status_code == 201, r.json
    assert r.json["mark"]["value"] == "125"
    if timed.attempts > 1:
        r = post(client, ev["entries"][0], timed.address, "130", "time-0000002", attempt=2)
        assert r.status_code == 201 and r.json["mark"]["attempt"] == 2


def test_a_declared_difficulty_is_entered_once_per_entry_not_per_judge(client, auth, app):
    ev = build_event(n_entries=1, n_judges=2, rule_file="../../scoring_rules/tea_master.toml",
                     code="tea", blind=False)
    from competition.services.rules import rule_for
    slot = next(s for s in rule_for(ev["trade"]).slots() if s.input == "difficulty")
    auth.login(ev["judges"][0].username)
    assert post(client, ev["entries"][0], slot.address, str(slot.min), "diff-000001") \
        .status_code == 201
    auth.logout()
    auth.login(ev["judges"][1].username)
    r = post(client, ev["entries"][0], slot.address, str(slot.max), "diff-000002")
    assert r.json["status"] == "updated"
    assert count_marks() == 1
    sheet = client.get(f"/api/heats/{ev['heat'].id}/sheet").json
    # stored in canonical short form ("1" for 1.0): compare the numbers
    assert Decimal(sheet["entries"][0]["marks"][f"{slot.address}#1"]) == slot.max


def test_two_copies_of_a_submission_arriving_at_once_store_one_mark(event, monkeypatch):
    """The tablet retried while the first copy was still being stored: the second copy
    found nothing yet, its insert then hits the unique constraints, and it answers with the
    stored mark instead of failing."""
    from competition.services import marks as mark_service
    judge, entry = event["judges"][0], event["entries"][0]
    first = mark_service.record_mark(judge, entry_id=entry.id, address="work", value="40",
                                     client_id="race-0000001")
    blind_once = {"client": True, "slot": True}

    def not_yet(real, key):
        def lookup(*args):
            if blind_once[key]:
                blind_once[key] = False
                return None
            return real(*args)
        return lookup
    monkeypatch.setattr(mark_service, "_by_client_id",
                        not_yet(mark_service._by_client_id, "client"))
    monkeypatch.setattr(mark_service, "_find", not_yet(mark_service._find, "slot"))
    second = mark_service.record_mark(judge, entry_id=entry.id, address="work", value="40",
                                      client_id="race-0000001")
    assert second.status == "duplicate" and second.mark.id == first.mark.id
    assert count_marks() == 1 and len(audit_rows()) == 1
