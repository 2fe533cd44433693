"""Marks that cannot be lost, duplicated, overwritten with older data or made huge
(issue 13): bounded values, client ids that name one value, submission numbers, one
declared value per entry, corrections that carry the value they correct, and a whole
score sheet stored as one write."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Mark, Trade
from competition.services import marks as mark_service
from competition.services.errors import Conflict, ServiceError
from tests.factories import build_event


@pytest.fixture
def event(app):
    return build_event(n_entries=3, n_judges=3)


@pytest.fixture
def judge_client(client, auth, event):
    auth.login(event["judges"][0].username)
    return client


def post(client, entry_id, criterion="work", value="45.5", client_id="cid-00000001",
         **extra):
    body = {"client_id": client_id, "entry_id": entry_id, "criterion": criterion,
            "value": value, **extra}
    return client.post("/api/marks", json=body)


def count_marks() -> int:
    return db.session.scalar(select(func.count(Mark.id)))


def version(event) -> int:
    return db.session.scalar(select(Trade.standings_version)
                             .where(Trade.id == event["trade"].id))


# --- 1. values with bounds -------------------------------------------------------------

@pytest.mark.parametrize("value", ["1e50000000", "1e999999999", "1e60", "-1e60", "NaN",
                                   "nan", "Infinity", "-Infinity", "sNaN", {"v": 1}, [1],
                                   [], {}, True, "9" * 41, 10 ** 20, 1e60,
                                   "0.000000000001"])
def test_a_value_out_of_bounds_is_refused_naming_the_value_field(judge_client, event, value):
    r = post(judge_client, event["entries"][0].id, value=value)
    assert r.status_code == 400, (value, r.status_code, r.get_data(as_text=True)[:200])
    assert r.json["field"] == "value"
    assert count_marks() == 0


@pytest.mark.parametrize("sent, stored", [("45.50", "45.5"), ("45.0", "45"), (45, "45"),
                                          (45.5, "45.5"), ("4.5e1", "45"), (" 30 ", "30"),
                                          ("0.0", "0"), ("-0", "0")])
def test_a_value_is_stored_in_a_canonical_short_form(judge_client, event, sent, stored):
    r = post(judge_client, event["entries"][0].id, value=sent)
    assert r.status_code == 201, r.json
    assert r.json["mark"]["value"] == stored
    assert db.session.get(Mark, r.json["mark"]["id"]).value == stored


@pytest.mark.parametrize("note", [{"a": 1}, ["x"], 5, "x" * 501])
def test_a_note_that_is_not_short_text_is_refused_naming_the_note(judge_client, event, note):
    r = post(judge_client, event["entries"][0].id, note=note)
    assert r.status_code == 400 and r.json["field"] == "note"
    assert count_marks() == 0


@pytest.mark.parametrize("entry_id", [2 ** 63, 2 ** 31, -1, -(2 ** 63), 0, "99999999999999"])
def test_an_entry_id_out_of_range_is_a_4xx_never_a_500(judge_client, entry_id):
    r = post(judge_client, entry_id)
    assert r.status_code in (400, 404), r.status_code
    assert r.json["field"] == "entry_id"


@pytest.mark.parametrize("field, value", [("attempt", 2 ** 63), ("seq", 2 ** 63),
                                          ("seq", -1), ("seq", "12"), ("seq", 1.5)])
def test_an_attempt_or_seq_out_of_range_is_a_400(judge_client, event, field, value):
    r = post(judge_client, event["entries"][0].id, **{field: value})
    assert r.status_code == 400 and r.json["field"] == field


# --- 2. client ids ---------------------------------------------------------------------

@pytest.mark.parametrize("client_id", ["abcdefgh\n", "abcdefgh\r\n", "short", "a" * 65,
                                       "abc def gh", "ab/cdefgh"])
def test_a_malformed_client_id_is_refused(judge_client, event, client_id):
    r = post(judge_client, event["entries"][0].id, client_id=client_id)
    assert r.status_code == 400 and r.json["field"] == "client_id"
    assert count_marks() == 0


def test_a_client_id_names_one_value_forever(judge_client, event):
    e = event["entries"][0].id
    assert post(judge_client, e, value="40", client_id="once-0000001").status_code == 201
    again = post(judge_client, e, value="40.0", client_id="once-0000001")
    assert again.status_code == 200 and again.json["status"] == "duplicate"
    other = post(judge_client, e, value="41", client_id="once-0000001")
    assert other.status_code == 409 and other.json["field"] == "client_id"
    assert "40" in other.json["error"]
    assert db.session.scalar(select(Mark.value)) == "40"


# --- 3. submission order ---------------------------------------------------------------

def test_an_older_submission_replayed_late_does_not_overwrite_a_newer_one(judge_client,
                                                                          event):
    e = event["entries"][0].id
    assert post(judge_client, e, value="40", client_id="order-000001", seq=1000).status_code \
        == 201
    assert post(judge_client, e, value="42.5", client_id="order-000002", seq=2000).json[
        "status"] == "updated"
    late = post(judge_client, e, value="40", client_id="order-000001", seq=1000)
    assert late.status_code == 200 and late.json["status"] == "superseded"
    assert late.json["mark"]["value"] == "42.5"
    assert db.session.scalar(select(Mark.value)) == "42.5"
    older_new_id = post(judge_client, e, value="39", client_id="order-000003", seq=1500)
    assert older_new_id.json["status"] == "superseded"
    assert db.session.scalar(select(Mark.value)) == "42.5"
    newer = post(judge_client, e, value="41", client_id="order-000004", seq=3000)
    assert newer.json["status"] == "updated" and newer.json["mark"]["seq"] == 3000


def test_a_submission_without_seq_still_updates_as_before(judge_client, event):
    e = event["entries"][0].id
    post(judge_client, e, value="40", client_id="old-tab-0001", seq=5000)
    r = post(judge_client, e, value="44", client_id="old-tab-0002")
    assert r.json["status"] == "updated" and r.json["mark"]["value"] == "44"


def test_a_retry_after_a_chief_correction_does_not_undo_it(judge_client, event):
    e = event["entries"][0]
    first = post(judge_client, e.id, value="40", client_id="corr-retry-1", seq=10)
    mark_service.correct_mark(event["chief"], heat_id=event["heat"].id,
                              mark_id=first.json["mark"]["id"], value="38",
                              reason="复核更正分数", expected="40")
    retry = post(judge_client, e.id, value="40", client_id="corr-retry-1", seq=10)
    assert retry.json["status"] == "superseded" and retry.json["mark"]["value"] == "38"


def test_a_retry_after_the_chief_deleted_the_mark_does_not_bring_it_back(judge_client, event):
    e = event["entries"][0]
    first = post(judge_client, e.id, value="40", client_id="del-retry-01", seq=10)
    mark_service.correct_mark(event["chief"], heat_id=event["heat"].id,
                              mark_id=first.json["mark"]["id"], value="",
                              reason="录错选手，删除", expected="40")
    for extra in ({"seq": 10}, {}):          # a numbered retry, and an old tablet's
        retry = post(judge_client, e.id, value="40", client_id="del-retry-01", **extra)
        assert retry.status_code == 200, retry.json
        assert retry.json["status"] == "superseded" and retry.json["mark"] is None
    assert count_marks() == 0
    newer = post(judge_client, e.id, value="41", client_id="del-retry-02", seq=20)
    assert newer.status_code == 201


# --- 4. one declared value per entry ----------------------------------------------------

@pytest.fixture
def tea(app):
    ev = build_event(n_entries=1, n_judges=3, rule_file="../../scoring_rules/tea_master.toml",
                     code="tea", blind=False)
    from competition.services.rules import rule_for
    ev["slot"] = next(s for s in rule_for(ev["trade"]).slots() if s.input == "difficulty")
    return ev


def test_the_database_refuses_a_second_declared_value_row(tea):
    from sqlalchemy.exc import IntegrityError
    entry, slot = tea["entries"][0], tea["slot"]
    for k, judge in enumerate(tea["judges"][:2]):
        db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=slot.address,
                            attempt=1, value="1", client_id=f"declared-raw-{k}"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_judge_overwriting_the_chiefs_declared_value_is_recorded_as_its_writer(tea):
    entry, slot = tea["entries"][0], tea["slot"]
    chiefs = mark_service.correct_mark(tea["chief"], heat_id=tea["heat"].id, entry_id=entry.id,
                                       address=slot.address, value=str(slot.min),
                                       reason="裁判长录入难度", expected=None)
    assert chiefs.mark.judge_id == tea["chief"].id
    judge = tea["judges"][1]
    result = mark_service.record_mark(judge, entry_id=entry.id, address=slot.address,
                                      value=str(slot.max), client_id="declared-judge-1")
    assert result.status == "updated"
    stored = db.session.scalars(select(Mark)).all()
    assert len(stored) == 1 and stored[0].judge_id == judge.id
    assert Decimal(stored[0].value) == slot.max


def test_a_late_replay_of_one_judges_declared_value_does_not_undo_anothers(tea):
    entry, slot = tea["entries"][0], tea["slot"]
    a, b = tea["judges"][0], tea["judges"][1]
    mark_service.record_mark(a, entry_id=entry.id, address=slot.address, value="0.8",
                             client_id="declared-a-01", seq=900)
    mark_service.record_mark(b, entry_id=entry.id, address=slot.address, value="0.9",
                             client_id="declared-b-01", seq=100)   # another tablet's clock
    late = mark_service.record_mark(a, entry_id=entry.id, address=slot.address, value="0.8",
                                    client_id="declared-a-01", seq=900)
    assert late.status == "superseded" and late.mark.value == "0.9"
    newer = mark_service.record_mark(a, entry_id=entry.id, address=slot.address, value="1",
                                     client_id="declared-a-02", seq=901)
    assert newer.status == "updated" and newer.mark.judge_id == a.id


# --- 6. corrections carry the value they correct -----------------------------------------

def test_a_stale_correction_is_refused_naming_the_current_value_and_its_writer(event):
    judge, entry = event["judges"][0], event["entries"][0]
    first = mark_service.record_mark(judge, entry_id=entry.id, address="work", value="40",
                                     client_id="stale-000001")
    mark_service.record_mark(judge, entry_id=entry.id, address="work", value="44",
                             client_id="stale-000002")
    with pytest.raises(Conflict) as err:
        mark_service.correct_mark(event["chief"], heat_id=event["heat"].id,
                                  mark_id=first.mark.id, value="38", reason="复核更正分数",
                                  expected="40")
    assert "44" in err.value.message and judge.username in err.value.message
    assert db.session.get(Mark, first.mark.id).value == "44"
    ok = mark_service.correct_mark(event["chief"], heat_id=event["heat"].id,
                                   mark_id=first.mark.id, value="38", reason="复核更正分数",
                                   expected="44.0")
    assert ok.mark.value == "38"


def test_a_correction_for_no_mark_yet_is_refused_when_one_was_entered(event):
    judge, entry = event["judges"][0], event["entries"][0]
    mark_service.record_mark(judge, entry_id=entry.id, address="exam", value="70",
                             client_id="nomark-00001")
    with pytest.raises(Conflict):
        mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, entry_id=entry.id,
                                  address="exam", judge_id=judge.id, value="75",
                                  reason="补录理论成绩", expected=None)


@pytest.mark.parametrize("whom", ["organiser", "outsider"])
def test_a_correction_is_credited_only_to_a_judge_of_the_heat_or_the_chief(event, whom):
    from competition.models import Role
    from tests.conftest import create_user
    user = event["organiser"] if whom == "organiser" else create_user("outsider", Role.JUDGE)
    with pytest.raises(ServiceError) as err:
        mark_service.correct_mark(event["chief"], heat_id=event["heat"].id,
                                  entry_id=event["entries"][0].id, address="exam",
                                  judge_id=user.id, value="75", reason="补录理论成绩")
    assert err.value.field == "judge_id"
    assert count_marks() == 0


def test_the_chiefs_correction_form_sends_the_value_it_corrects(client, auth, event):
    judge, entry = event["judges"][0], event["entries"][0]
    first = mark_service.record_mark(judge, entry_id=entry.id, address="work", value="40",
                                     client_id="form-0000001")
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}/entry/{entry.id}")
    assert 'name="expected" value="40"' in page.get_data(as_text=True)
    mark_service.record_mark(judge, entry_id=entry.id, address="work", value="44",
                             client_id="form-0000002")
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/correct",
                    data={"mark_id": str(first.mark.id), "entry_id": str(entry.id),
                          "kind": "correction", "value": "38", "reason": "复核更正分数",
                          "expected": "40"})
    # a refused form post goes back with the reason flashed (web/judge.py)
    assert r.status_code == 303
    assert db.session.get(Mark, first.mark.id).value == "44"
    shown = client.get(f"/judge/chief/heat/{event['heat'].id}/entry/{entry.id}")
    assert f"当前为 44（由 {judge.username} 录入）" in shown.get_data(as_text=True)
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "mark.correct")).all()


# --- 7. a whole sheet is one write --------------------------------------------------------

SHEET = [{"criterion": "exam", "value": "80"}, {"criterion": "work", "value": "45.5"},
         {"criterion": "steps.prepare", "value": 1}, {"criterion": "steps.clean", "value": 0}]


def post_sheet(client, entry_id, marks=None, client_id="sheet-000001", seq=None, **extra):
    body = {"entry_id": entry_id, "client_id": client_id, "marks": marks or SHEET, **extra}
    if seq is not None:
        body["seq"] = seq
    return client.post("/api/sheets", json=body)


def test_a_whole_sheet_is_stored_in_one_write_with_one_version(judge_client, event):
    before = version(event)
    r = post_sheet(judge_client, event["entries"][0].id, seq=100)
    assert r.status_code == 201, r.json
    assert r.json["status"] == "created"
    assert [m["criterion"] for m in r.json["marks"]] == [m["criterion"] for m in SHEET]
    assert {m["status"] for m in r.json["marks"]} == {"created"}
    assert all(m["seq"] == 100 for m in r.json["marks"])
    assert count_marks() == 4
    assert version(event) == before + 1
    again = post_sheet(judge_client, event["entries"][0].id, seq=100)
    assert again.status_code == 200 and again.json["status"] == "duplicate"
    assert count_marks() == 4 and version(event) == before + 1
    changed = [dict(m) for m in SHEET]
    changed[1]["value"] = "50"
    upd = post_sheet(judge_client, event["entries"][0].id, changed, "sheet-000002", seq=200)
    assert upd.json["status"] == "updated" and version(event) == before + 2
    assert [m["status"] for m in upd.json["marks"]] == ["unchanged", "updated", "unchanged",
                                                        "unchanged"]
    late = post_sheet(judge_client, event["entries"][0].id, seq=100, client_id="sheet-000003")
    assert late.json["status"] == "superseded" and version(event) == before + 2
    assert db.session.scalar(select(Mark.value).where(Mark.criterion == "work")) == "50"


@pytest.mark.parametrize("bad, field, status", [
    ({"criterion": "work", "value": "61"}, "value", 400),
    ({"criterion": "work", "value": "1e999999999"}, "value", 400),
    ({"criterion": "work", "value": {"x": 1}}, "value", 400),
    ({"criterion": "work", "value": "45", "note": ["x"]}, "note", 400),
    ({"criterion": "nope", "value": "1"}, "criterion", 400),
    ({"criterion": "work", "value": "45", "attempt": 9}, "attempt", 400),
    ({"criterion": "exam", "value": "70"}, "criterion", 400),      # twice in one sheet
])
def test_one_invalid_mark_refuses_the_whole_sheet_naming_it(judge_client, event, bad, field,
                                                            status):
    before = version(event)
    base = [m for m in SHEET if m["criterion"] != "work"]     # "exam" stays: sent twice
    r = post_sheet(judge_client, event["entries"][0].id, base + [bad])
    assert r.status_code == status, r.json
    assert r.json["field"] == field and r.json["index"] == len(base)
    assert r.json["criterion"] == bad["criterion"]
    assert count_marks() == 0 and version(event) == before
    assert db.session.scalar(select(func.count(AuditLog.id))) == 0


@pytest.mark.parametrize("body, field", [
    ({"marks": []}, "marks"), ({"marks": "x"}, "marks"), ({"marks": [5]}, "marks"),
    ({"client_id": "a" * 56}, "client_id"), ({"client_id": "abcdefgh\n"}, "client_id"),
    ({"seq": -5}, "seq"), ({"entry_id": 2 ** 63}, "entry_id")])
def test_a_malformed_sheet_is_refused_naming_the_field(judge_client, event, body, field):
    data = {"entry_id": event["entries"][0].id, "client_id": "sheet-bad-01", "marks": SHEET,
            **body}
    r = judge_client.post("/api/sheets", json=data)
    assert r.status_code == 400 and r.json["field"] == field
    assert count_marks() == 0


def test_a_sheet_for_a_signed_off_heat_is_refused_but_its_retry_is_acknowledged(
        judge_client, event):
    from competition.services.heats import lock_heat
    e = event["entries"][0].id
    assert post_sheet(judge_client, e).status_code == 201
    lock_heat(event["chief"], event["heat"].id)
    assert post_sheet(judge_client, e).json["status"] == "duplicate"
    r = post_sheet(judge_client, event["entries"][1].id, client_id="sheet-late-01")
    assert r.status_code == 409 and r.json["field"] == "heat_id"
    assert count_marks() == len(SHEET)


def test_a_judge_not_on_the_heat_cannot_send_a_sheet(client, auth, event):
    other = build_event(n_entries=1, n_judges=1, code="other",
                        competition=event["competition"])
    auth.login(other["judges"][0].username)
    r = post_sheet(client, event["entries"][0].id)
    assert r.status_code == 403 and count_marks() == 0
