"""The old appeal path on the chief-entry page (a decision or re-score without a case) is
gone (issue 18's cases, left over): the page links to the appeals instead, and a post to
the old routes records nothing and goes to the appeal under review, or the appeals page."""
from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Mark, Role
from competition.services import appeals
from tests.conftest import create_user
from tests.factories import build_event


def setup():
    ev = build_event(n_entries=2, n_judges=1, blind=False)
    panel = create_user("panel_mini", Role.ARBITRATION)
    mark = Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id, criterion="exam", attempt=1,
                value="30", client_id="old-appeal-1")
    db.session.add(mark)
    db.session.commit()
    return ev, panel, mark


def test_the_arbitration_panel_is_sent_to_the_cases_and_nothing_is_recorded(app, client, auth):
    ev, panel, mark = setup()
    heat, entry = ev["heat"], ev["entries"][0]
    auth.login(panel.username)
    page = client.get(f"/judge/chief/heat/{heat.id}/entry/{entry.id}").get_data(as_text=True)
    assert "/judge/chief/heat/%d/appeal" % heat.id not in page and 'name="kind" value="appeal"' not in page
    assert 'href="/admin/appeals/"' in page
    r = client.post(f"/judge/chief/heat/{heat.id}/appeal",
                    data={"entry_id": entry.id, "decision": "upheld", "reason": "选手申诉属实"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/admin/appeals/")
    r = client.post(f"/judge/chief/heat/{heat.id}/correct", follow_redirects=True,
                    data={"mark_id": mark.id, "entry_id": entry.id, "kind": "appeal", "value": "38",
                          "reason": "申诉成立，重新评分"})
    assert "申诉按案件办理" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mark, mark.id).value == "30"
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action.in_(["appeal.decision", "mark.appeal"]))).all()


def test_with_an_appeal_under_review_the_old_post_goes_to_its_page(app, client, auth):
    ev, panel, mark = setup()
    appeal = appeals.file_appeal(panel, entry_id=ev["entries"][0].id, grounds="量具误差")
    appeals.start_review(panel, appeal.id)
    auth.login(panel.username)
    r = client.post(f"/judge/chief/heat/{ev['heat'].id}/correct",
                    data={"mark_id": mark.id, "entry_id": ev["entries"][0].id, "kind": "appeal",
                          "value": "38", "reason": "申诉成立，重新评分"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/admin/appeals/{appeal.id}")


def test_the_chief_still_corrects_on_the_entry_page(app, client, auth):
    ev, _panel, mark = setup()
    auth.login(ev["chief"].username)
    page = client.get(f"/judge/chief/heat/{ev['heat'].id}/entry/{ev['entries'][0].id}").get_data(as_text=True)
    assert 'name="kind" value="correction"' in page
    client.post(f"/judge/chief/heat/{ev['heat'].id}/correct",
                data={"mark_id": mark.id, "entry_id": ev["entries"][0].id, "kind": "correction",
                      "value": "35", "reason": "复核更正分数", "expected": "30"})
    db.session.expire_all()
    assert db.session.get(Mark, mark.id).value == "35"
