"""Sign-off, unlock with a reason, corrections and appeals after sign-off, assignments,
progress, discrepancies and the audit log of a heat."""
import io
import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Heat, Mark, Role
from competition.services import heats as heat_service
from competition.services import marks as mark_service
from competition.services.heats import Conflict, Forbidden, JudgingError
from competition.services.scoresheets import heat_discrepancies, heat_progress, heat_summary
from tests.conftest import create_user
from tests.factories import build_event


@pytest.fixture
def event(app):
    return build_event(n_entries=3, n_judges=3)


def mark(event, judge_no=0, entry_no=0, criterion="work", value="40", cid=None):
    return mark_service.record_mark(
        event["judges"][judge_no], entry_id=event["entries"][entry_no].id, address=criterion,
        value=value, client_id=cid or f"c-{judge_no}-{entry_no}-{criterion}-{value}".replace(
            ".", "_")[:64])


def audit(action=None):
    stmt = select(AuditLog).order_by(AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return db.session.scalars(stmt).all()


def test_sign_off_records_who_and_when(event):
    heat_service.lock_heat(event["chief"], event["heat"].id)
    heat = db.session.get(Heat, event["heat"].id)
    assert heat.locked_at is not None and heat.locked_by_id == event["chief"].id
    row = audit("heat.lock")[-1]
    assert row.user_id == event["chief"].id and row.new["locked"] is True


def test_a_locked_heat_refuses_changes(event, client, auth):
    mark(event, value="40")
    heat_service.lock_heat(event["chief"], event["heat"].id)
    auth.login(event["judges"][0].username)
    r = client.post("/api/marks", json={"client_id": "after-lock-01",
                                        "entry_id": event["entries"][0].id,
                                        "criterion": "work", "value": "45"})
    assert r.status_code == 409 and r.json["field"] == "heat_id"
    r = client.post("/api/marks", json={"client_id": "after-lock-02",
                                        "entry_id": event["entries"][1].id,
                                        "criterion": "work", "value": "45"})
    assert r.status_code == 409
    assert [m.value for m in db.session.scalars(select(Mark))] == ["40"]
    page = client.get(f"/judge/heat/{event['heat'].id}").get_data(as_text=True)
    banner = re.search(r'<p class="locked-banner"[^>]*>', page).group(0)
    assert "hidden" not in banner


def test_signing_off_twice_is_a_conflict(event):
    heat_service.lock_heat(event["chief"], event["heat"].id)
    with pytest.raises(Conflict):
        heat_service.lock_heat(event["chief"], event["heat"].id)


@pytest.mark.parametrize("reason", [None, "", "   ", "ok"])
def test_unlock_needs_a_written_reason(event, reason):
    heat_service.lock_heat(event["chief"], event["heat"].id)
    with pytest.raises(JudgingError) as err:
        heat_service.unlock_heat(event["chief"], event["heat"].id, reason)
    assert err.value.field == "reason"
    assert db.session.get(Heat, event["heat"].id).locked


def test_unlock_without_a_reason_from_the_page_leaves_the_heat_locked(event, client, auth):
    heat_service.lock_heat(event["chief"], event["heat"].id)
    auth.login(event["chief"].username)
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/unlock", data={"reason": ""})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Heat, event["heat"].id).locked
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/unlock",
                    data={"reason": "第3号工位评分录入错误，需更正"})
    db.session.expire_all()
    assert not db.session.get(Heat, event["heat"].id).locked
    row = audit("heat.unlock")[-1]
    assert row.reason == "第3号工位评分录入错误，需更正" and row.old["locked"] is True


def test_a_correction_after_sign_off_is_recorded_as_such_with_its_reason(event):
    stored = mark(event, value="40").mark
    heat_service.lock_heat(event["chief"], event["heat"].id)
    mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, mark_id=stored.id,
                              value="44", reason="复核作品后更正")
    row = audit("mark.correct")[-1]
    assert (row.old["value"], row.new["value"], row.reason) == ("40", "44", "复核作品后更正")
    assert row.new["kind"] == "correction" and row.user_id == event["chief"].id
    assert db.session.get(Mark, stored.id).value == "44"
    with pytest.raises(JudgingError):
        mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, mark_id=stored.id,
                                  value="45", reason="")


def test_the_arbitration_panel_records_appeal_decisions_and_re_scores(event):
    panel = create_user("panel", Role.ARBITRATION)
    stored = mark(event, value="30").mark
    heat_service.lock_heat(event["chief"], event["heat"].id)
    mark_service.record_appeal_decision(panel, heat_id=event["heat"].id,
                                        entry_id=event["entries"][0].id, decision="upheld",
                                        reason="选手申诉：量具误差，经复测属实")
    mark_service.correct_mark(panel, heat_id=event["heat"].id, mark_id=stored.id, value="38",
                              reason="申诉成立，重新评分", kind="appeal")
    decision, rescore = audit("appeal.decision")[-1], audit("mark.appeal")[-1]
    assert decision.new["decision"] == "upheld" and decision.reason.startswith("选手申诉")
    assert (rescore.old["value"], rescore.new["value"]) == ("30", "38")
    assert rescore.new["kind"] == "appeal"
    with pytest.raises(Forbidden):   # the chief judge does not decide appeals
        mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, mark_id=stored.id,
                                  value="39", reason="not mine to do", kind="appeal")
    with pytest.raises(Forbidden):   # nor does the panel lock heats
        heat_service.unlock_heat(panel, event["heat"].id, "a good reason")


def test_the_chief_judge_enters_an_adjustment_with_a_reason(app):
    ev = build_event(n_entries=1, n_judges=1, rule_file="../../scoring_rules/lathe.toml",
                     code="lathe")
    from competition.services.rules import rule_for
    slot = next(s for s in rule_for(ev["trade"]).slots() if s.input == "adjustment")
    result = mark_service.correct_mark(ev["chief"], heat_id=ev["heat"].id,
                                       entry_id=ev["entries"][0].id, address=slot.address,
                                       value=str(slot.min), reason="量具误差，统一扣分")
    assert result.status == "created" and result.mark.judge_id == ev["chief"].id


def test_every_change_appears_in_the_audit_log_with_old_and_new_values(event, client, auth):
    first = mark(event, value="40", cid="audit-0000001").mark
    mark(event, value="42", cid="audit-0000002")
    heat_service.lock_heat(event["chief"], event["heat"].id)
    mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, mark_id=first.id,
                              value="43", reason="复核更正")
    heat_service.unlock_heat(event["chief"], event["heat"].id, "补录漏评项目")
    mark_service.correct_mark(event["chief"], heat_id=event["heat"].id, mark_id=first.id,
                              value="", reason="录错选手，删除")
    trail = [(r.action, (r.old or {}).get("value"), (r.new or {}).get("value"))
             for r in audit() if r.object_type == "mark"]
    assert trail == [("mark.create", None, "40"), ("mark.update", "40", "42"),
                     ("mark.correct", "42", "43"), ("mark.correct", "43", None)]
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}/audit").get_data(as_text=True)
    for text in ("裁判修改评分", "裁判长更正", "解除锁定", "42", "43", "补录漏评项目",
                 "录错选手，删除"):
        assert text in page
    assert "mark.update" not in page   # the chief judge reads actions in words
    csv_text = client.get(f"/judge/chief/heat/{event['heat'].id}/audit.csv").get_data(
        as_text=True)
    assert csv_text.startswith("\ufeff时间,操作人,操作") and "复核更正" in csv_text
    xlsx = client.get(f"/judge/chief/heat/{event['heat'].id}/audit.xlsx")
    from openpyxl import load_workbook
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).active.values)
    assert rows[0][:3] == ("时间", "操作人", "操作") and len(rows) == 1 + len(audit())


def test_assignments_decide_who_judges_what(event, client, auth):
    j1, j2, j3 = event["judges"]
    heat_service.assign_judges(event["chief"], event["heat"].id, {j1.id: ["work"], j2.id: None})
    with pytest.raises(Forbidden):   # j3 was removed
        mark(event, judge_no=2)
    with pytest.raises(Forbidden):   # j1 marks "work" only
        mark(event, judge_no=0, criterion="exam", value="80")
    assert mark(event, judge_no=0, criterion="work").status == "created"
    assert mark(event, judge_no=1, criterion="exam", value="80").status == "created"
    row = audit("heat.assign")[-1]
    assert row.new["judges"] == {str(j1.id): ["work"], str(j2.id): None}
    auth.login(event["chief"].username)
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/assign",
                    data={"judge": [str(j3.id)], f"criteria_{j3.id}": ["exam"]})
    assert r.status_code == 303
    db.session.expire_all()
    heat = db.session.get(Heat, event["heat"].id)
    assert [(a.user_id, a.criteria) for a in heat.assignments] == [(j3.id, ["exam"])]


def test_only_judges_can_be_assigned(event):
    with pytest.raises(JudgingError):
        heat_service.assign_judges(event["chief"], event["heat"].id, {event["chief"].id: None})


def test_progress_counts_missing_marks_by_judge(event):
    mark(event, judge_no=0, entry_no=0, criterion="work")
    progress = {p["judge"].id: p for p in heat_progress(event["heat"])}
    first = progress[event["judges"][0].id]
    # each judge owes "work" (3 judges) for 3 entries; exam and the two checklist items
    # take one mark from any of the judges (issue 13: they were counted once per judge,
    # 12 per judge); violations are optional
    assert first["expected"] == 3 and first["entered"] == 1
    assert ("002", "work#1") in first["missing"]
    assert progress[event["judges"][1].id]["entered"] == 0
    shared = {r["criterion"]: r for r in heat_summary(event["heat"])["shared"]}
    assert shared["理论考试"]["expected"] == 3
    assert ("001", "exam#1") in shared["理论考试"]["missing"]
    assert heat_summary(event["heat"])["expected"] == 3 * (1 + 3 + 2)


def test_marks_too_far_from_the_others_are_flagged(event, client, auth):
    mark(event, judge_no=0, value="50")
    mark(event, judge_no=1, value="50")
    mark(event, judge_no=2, value="30")   # 20 below the others' mean; threshold 10
    flagged = heat_discrepancies(event["heat"])
    assert [(d["judge"].id, d["value"]) for d in flagged] == [(event["judges"][2].id, 30)]
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    assert "flag" in page and "20.00" in page


def test_the_chief_judge_pages_render(event, client, auth):
    mark(event)
    auth.login(event["chief"].username)
    for url in ("/judge/chief", f"/judge/chief/heat/{event['heat'].id}",
                f"/judge/chief/heat/{event['heat'].id}/entry/{event['entries'][0].id}"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/judge/chief/heat/{event['heat'].id}/audit.pdf").status_code == 404
    # an open heat's state reads 未签字确认, not the button's 打开 ("Open")
    home = client.get("/judge/chief").get_data(as_text=True)
    assert '<span class="badge warn">未签字确认</span>' in home


def test_the_assignment_list_shows_the_trades_own_judges_and_folds_the_others(event, client,
                                                                            auth):
    j1, j2, j3 = event["judges"]
    heat_service.assign_judges(event["chief"], event["heat"].id, {j1.id: None})
    outsider = create_user("other_trade_j9", Role.JUDGE, display_name="别的工种裁判")
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    own, _, folded = page.partition('class="other-judges"')
    assert f'name="criteria_{j1.id}"' in own       # assigned: with its criteria
    assert f'name="criteria_{outsider.id}"' not in page
    assert "别的工种裁判" in folded and "别的工种裁判" not in own
    # a folded judge can still be picked; then marks every criterion
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/assign",
                    data={"judge": [str(j1.id), str(outsider.id)]})
    assert r.status_code == 303
    db.session.expire_all()
    heat = db.session.get(Heat, event["heat"].id)
    assert sorted((a.user_id, a.criteria) for a in heat.assignments) == [
        (j1.id, None), (outsider.id, None)]


def test_the_arbitration_panel_reads_its_own_words(event, client, auth):
    create_user("panel", Role.ARBITRATION)
    stored = mark(event, value="30").mark
    auth.login("panel")
    assert "<h1>仲裁组</h1>" in client.get("/judge/chief").get_data(as_text=True)
    r = client.post(f"/judge/chief/heat/{event['heat'].id}/correct", follow_redirects=True,
                    data={"mark_id": stored.id, "entry_id": event["entries"][0].id,
                          "kind": "appeal", "value": "38", "reason": "申诉成立，重新评分"})
    # re-scoring after an appeal is done on the appeal's page (a case), not here
    assert "申诉按案件办理" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mark, stored.id).value == "30"


def test_signing_off_with_marks_missing_warns_first(event, client, auth):
    mark(event)
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    assert "项评分未录入" in page and "window.confirm(" in page


def test_the_chief_reads_the_organisers_seating_in_words(event, client, auth):
    """Seating by hand and a change of workstations show in the heat's audit trail as
    sentences, not as codes and dictionaries."""
    from competition.services import draws, seating
    late = event["entries"][2]
    late.heat_id, late.workstation = None, None
    db.session.commit()
    seating.seat_entry(late.id, event["heat"].id, event["organiser"], workstation="7",
                       reason="补报名")
    draws.set_workstations(db.session.get(Heat, event["heat"].id), 25, event["organiser"])
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}/audit").get_data(as_text=True)
    for text in ("组委会安排场次", "未安排场次", "第1场，7号工位", "工位数调整", "25个工位",
                 "补报名"):
        assert text in page, text
    assert "entry.seat" not in page and "heat_name" not in page


def test_the_audit_trail_names_people_not_their_sign_in_names(event, client, auth):
    judge = event["judges"][0]
    judge.display_name = "王示例（裁判）"
    db.session.commit()
    mark(event, value="40", cid="names-000001")
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}/audit").get_data(as_text=True)
    assert "王示例（裁判）" in page and judge.username not in page
