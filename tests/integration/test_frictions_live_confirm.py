"""Issue 18: 冻结大屏 and 开始颁奖揭晓 change every screen during a live ceremony, so the
server acts on them only when confirmed; an unconfirmed post (a page without script, a
double click) gets a confirmation page and changes nothing. Not about the database:
SQLite only."""
import pytest

from competition import live
from competition.extensions import db
from competition.models import AuditLog, Mark
from tests.factories import build_event

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_freeze_and_reveal_need_confirming(app, client, auth):
    ev = build_event(n_entries=2, blind=False)
    for entry, value in zip(ev["entries"], ("70", "80")):
        db.session.add(Mark(entry_id=entry.id, judge_id=ev["judges"][0].id,
                            criterion="exam", value=value))
    db.session.commit()
    auth.login(ev["organiser"].username)
    tid = ev["trade"].id
    for action, words in (("freeze", "是否冻结"), ("reveal_begin", "是否开始")):
        resp = client.post(f"/admin/live/{tid}/{action}")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200 and words in page and 'name="confirm" value="1"' in page
        assert live.load_trade(tid).frozen is False
    assert db.session.scalars(db.select(AuditLog.action)).all() == []
    assert client.post(f"/admin/live/{tid}/freeze", data={"confirm": "1"}).status_code == 302
    assert live.load_trade(tid).frozen is True
    # reveal_next stays one click: the ceremony clicks it row after row
    client.post(f"/admin/live/{tid}/reveal_begin", data={"confirm": "1"})
    assert client.post(f"/admin/live/{tid}/reveal_next").status_code == 302
    assert live.load_trade(tid).reveal_count == 1
    page = client.get("/admin/live/").get_data(as_text=True)
    assert 'id="confirm-control"' in page
