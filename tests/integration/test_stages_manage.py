"""Stages: no second stage of the same name, deleting a stage without marks (audited,
refused with the reason otherwise), and the draw page offers no re-draw once marks exist."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Heat, JudgeAssignment, Mark, Stage
from competition.services import draws as svc
from tests.factories import build_event


def _login(client, ev):
    client.post("/auth/login", data={"username": ev["organiser"].username, "password": "pw-1234"})


def test_a_second_stage_with_the_same_name_is_refused(client, app):
    ev = build_event(n_entries=2)
    _login(client, ev)
    resp = client.post("/admin/trades/mini/stages", data={"name": " 决赛 ", "format": "ranked"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "已有名为" in page and "决赛" in page
    assert db.session.scalar(select(db.func.count(Stage.id))) == 1


def test_a_stage_without_marks_can_be_deleted_with_its_heats_and_draw(client, app):
    ev = build_event(n_entries=3)
    _login(client, ev)
    client.post("/admin/trades/mini/stages", data={"name": "加赛", "format": "ranked"})
    extra = db.session.scalar(select(Stage).where(Stage.name == "加赛"))
    client.post(f"/admin/stages/{extra.id}/heats", data={"name": "加赛第1场", "workstations": 5})
    heat = db.session.scalar(select(Heat).where(Heat.stage_id == extra.id))
    db.session.add(JudgeAssignment(heat_id=heat.id, user_id=ev["judges"][0].id))
    for c in ev["entries"]:
        db.session.add(Entry(stage_id=extra.id, contestant_id=c.contestant_id))
    db.session.commit()
    svc.run_draw(extra, ev["organiser"], seed="x")
    page = client.get("/admin/trades/mini/stages").get_data(as_text=True)
    assert f"/admin/stages/{extra.id}/delete" in page
    # the first stage has no marks yet either, but it is offered too; the later one goes
    resp = client.post(f"/admin/stages/{extra.id}/delete", follow_redirects=True)
    assert "已删除" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Stage, extra.id) is None
    assert db.session.scalar(select(db.func.count(Heat.id)).where(Heat.id == heat.id)) == 0
    assert db.session.scalar(select(db.func.count(Entry.id)).where(Entry.stage_id == extra.id)) == 0
    first = db.session.get(Stage, ev["stage"].id)
    assert first.is_final   # the remaining last stage is the final again
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "stage.delete"))
    assert row.object_id == extra.id and row.old["name"] == "加赛" and row.old["entries"] == 3


def test_a_stage_with_marks_is_not_deleted_and_the_reason_is_shown(client, app):
    ev = build_event(n_entries=2)
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    _login(client, ev)
    stage_id = ev["stage"].id
    page = client.get("/admin/trades/mini/stages").get_data(as_text=True)
    assert f"/admin/stages/{stage_id}/delete" not in page
    assert "已录入成绩，不能删除" in page
    resp = client.post(f"/admin/stages/{stage_id}/delete", follow_redirects=True)
    assert "已录入成绩，不能删除" in resp.get_data(as_text=True)
    assert db.session.get(Stage, stage_id) is not None
    assert db.session.scalar(select(db.func.count(AuditLog.id))
                             .where(AuditLog.action == "stage.delete")) == 0


def test_the_draw_page_offers_no_redraw_once_marks_exist_and_points_to_seating(client, app):
    ev = build_event(n_entries=3)
    stage = ev["stage"]
    svc.run_draw(stage, ev["organiser"], seed="a")
    _login(client, ev)
    before = client.get(f"/admin/stages/{stage.id}/draw").get_data(as_text=True)
    assert ">重新抽签</button>" in before and 'id="drawform"' in before
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    after = client.get(f"/admin/stages/{stage.id}/draw").get_data(as_text=True)
    assert ">重新抽签</button>" not in after and 'id="drawform"' not in after
    assert 'id="draw-closed"' in after and "安排场次" in after


def test_an_empty_heat_is_deleted_on_both_backends(client, app):
    """Its heat.create audit row points at it (heat_id): the row stays, unlinked."""
    ev = build_event(n_entries=1)
    _login(client, ev)
    client.post(f"/admin/stages/{ev['stage'].id}/heats", data={"name": "备用场", "workstations": 3})
    spare = db.session.scalar(select(Heat).where(Heat.name == "备用场"))
    db.session.add(JudgeAssignment(heat_id=spare.id, user_id=ev["judges"][0].id))
    db.session.commit()
    assert len(spare.assignments) == 1
    assert client.post(f"/admin/heats/{spare.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Heat, spare.id) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "heat.delete"))
