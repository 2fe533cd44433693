"""Adding, editing, withdrawing and reinstating a contestant: validated, audited, history kept."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Contestant, Entry, Stage
from competition.services import registration as svc

from ._registration_setup import person_id, setup_event


@pytest.fixture
def ev(app):
    return setup_event()


def fields(i=1, **over):
    pid = person_id(i)
    base = {"name": "测试选手", "gender": "男" if int(pid[16]) % 2 else "女", "id_number": pid,
            "employer": "示例县第一机械厂", "phone": "13900000001", "trade": "lathe",
            "grade": "三级"}
    base.update(over)
    return base


def test_adding_through_the_page_validates_each_field(client, auth, ev):
    auth.login("org")
    resp = client.post("/admin/registration/new", data=fields(phone="12345"))
    assert resp.status_code == 400 and "手机" in resp.get_data(as_text=True)
    assert client.post("/admin/registration/new", data=fields()).status_code == 302
    c = db.session.scalar(select(Contestant))
    assert (c.name, c.grade, c.trade.code) == ("测试选手", "L3", "lathe")
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "contestant.create"))
    assert log.new["id_number"] == person_id(1)


def test_an_edit_records_the_old_and_new_values(client, auth, ev):
    c = svc.add_contestant(ev["competition"], fields(), ev["organiser"])
    auth.login("org")
    resp = client.post(f"/admin/registration/{c.id}/edit",
                       data={**fields(), "phone": "13900000002", "employer": "示例县第二机械厂",
                             "reason": "选手更正"})
    assert resp.status_code == 302
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "contestant.update"))
    assert log.old == {"phone": "13900000001", "employer": "示例县第一机械厂"}
    assert log.new == {"phone": "13900000002", "employer": "示例县第二机械厂"}
    assert log.reason == "选手更正"


def test_the_history_speaks_the_organisers_words(client, auth, ev):
    """Field labels, grade labels and 是/否 in the history, not keys, codes and True/False."""
    c = svc.add_contestant(ev["competition"], fields(), ev["organiser"])
    auth.login("org")
    client.post(f"/admin/registration/{c.id}/edit", data={**fields(), "grade": "二级"})
    client.post(f"/admin/registration/{c.id}/withdraw", data={"reason": "因病"})
    page = client.get(f"/admin/registration/{c.id}/edit").get_data(as_text=True)
    assert "现技能等级</span> 三级/高级工" in page and "二级/技师" in page
    assert "已退赛</span> 是" in page
    for raw in ("L3", "True", "False", ">grade<", ">withdrawn<"):
        assert raw not in page


def test_an_edit_cannot_make_a_duplicate(ev):
    svc.add_contestant(ev["competition"], fields(1), ev["organiser"])
    other = svc.add_contestant(ev["competition"], fields(2), ev["organiser"])
    with pytest.raises(svc.ServiceError) as exc:
        svc.update_contestant(other, {"id_number": person_id(1), "gender": fields(1)["gender"]},
                              ev["organiser"])
    assert exc.value.field == "id_number"


def test_withdrawal_keeps_the_contestant_and_marks_the_entries(client, auth, ev):
    c = svc.add_contestant(ev["competition"], fields(), ev["organiser"])
    stage = Stage(trade_id=ev["lathe"].id, seq=1, name="预赛")
    db.session.add(stage)
    db.session.flush()
    db.session.add(Entry(stage_id=stage.id, contestant_id=c.id))
    db.session.commit()
    auth.login("org")
    resp = client.post(f"/admin/registration/{c.id}/withdraw", data={"reason": ""})
    assert resp.status_code == 302 and c.withdrawn_at is None      # a reason is required
    client.post(f"/admin/registration/{c.id}/withdraw", data={"reason": "因病退赛"})
    db.session.refresh(c)
    assert c.withdrawn_at is not None and c.withdrawn_reason == "因病退赛"
    assert db.session.scalar(select(Entry.status)) == "withdrawn"
    page = client.get("/admin/registration/").get_data(as_text=True)
    assert "因病退赛" in page
    client.post(f"/admin/registration/{c.id}/reinstate", data={"reason": "康复"})
    db.session.refresh(c)
    assert c.withdrawn_at is None and db.session.scalar(select(Entry.status)) == "active"
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions[-2:] == ["contestant.withdraw", "contestant.reinstate"]
    page = client.get(f"/admin/registration/{c.id}/edit").get_data(as_text=True)
    assert "变更记录" in page and "因病退赛" in page and "康复" in page


def test_a_contestant_stored_without_a_phone_can_still_be_edited(ev):
    from competition.models import Contestant
    pid = person_id(7)
    c = Contestant(competition_id=ev["competition"].id, trade_id=ev["lathe"].id, name="无电话",
                   gender="男" if int(pid[16]) % 2 else "女", id_number=pid,
                   employer="示例县第一机械厂", phone="")
    db.session.add(c)
    db.session.commit()
    svc.update_contestant(c, {"employer": "示例县第二机械厂"}, ev["organiser"])
    assert c.employer == "示例县第二机械厂"
    with pytest.raises(svc.ServiceError):            # but a phone given must be valid
        svc.update_contestant(c, {"phone": "123"}, ev["organiser"])
    db.session.rollback()
