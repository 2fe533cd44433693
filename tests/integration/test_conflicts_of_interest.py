"""Conflicts of interest (回避): a judge of a contestant's own employer is named to the chief
judge before the assignment is saved; a confirmation needs a reason and is audited; the
analysis then compares the judge's marks at home and away (issue 17)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Mark
from competition.services.analysis import trade_analysis
from competition.services.conflicts import ConflictOfInterest
from competition.services.heats import assign_judges
from tests.factories import build_event

HOME = "示例县第1机械厂"     # build_event: contestants 1 and 4 of 6 work here


def event_with_a_judge_from_home():
    ev = build_event(n_entries=6, n_judges=3)
    ev["judges"][0].employer = HOME
    db.session.commit()
    return ev


def test_assigning_a_judge_of_a_contestants_employer_names_them_and_saves_nothing(app):
    ev = event_with_a_judge_from_home()
    heat, j1 = ev["heat"], ev["judges"][0]
    before = {a.user_id for a in heat.assignments}
    with pytest.raises(ConflictOfInterest) as err:
        assign_judges(ev["chief"], heat.id, {j.id: None for j in ev["judges"]})
    message = err.value.message
    assert j1.display_name in message and HOME in message
    assert "001 测试选手1" in message and "004 测试选手4" in message and "测试选手2" not in message
    db.session.rollback()
    assert {a.user_id for a in heat.assignments} == before
    assert not db.session.scalar(select(AuditLog.id).where(AuditLog.action == "heat.assign_conflict"))


def test_a_confirmation_with_a_reason_is_audited_and_not_asked_again(app):
    ev = event_with_a_judge_from_home()
    heat = ev["heat"]
    wanted = {j.id: None for j in ev["judges"]}
    assign_judges(ev["chief"], heat.id, wanted, conflict_reason="本工种裁判不足，已报组委会同意")
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "heat.assign_conflict"))
    assert row.reason == "本工种裁判不足，已报组委会同意"
    assert row.new["judges"][0]["entries"] == ["001 测试选手1", "004 测试选手4"]
    # saving the same assignment again does not ask again
    assign_judges(ev["chief"], heat.id, {**wanted, ev["judges"][1].id: ["work"]})


def test_a_reason_too_short_is_no_confirmation(app):
    ev = event_with_a_judge_from_home()
    with pytest.raises(ConflictOfInterest):
        assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]}, conflict_reason=" ok ")


def test_the_chief_sees_the_names_on_the_assign_page(app, client, auth):
    ev = event_with_a_judge_from_home()
    auth.login(ev["chief"].username)
    form = {"judge": [str(j.id) for j in ev["judges"]]}
    response = client.post(f"/judge/chief/heat/{ev['heat'].id}/assign", data=form,
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "应当回避" in html and ev["judges"][0].display_name in html and "001 测试选手1" in html


def test_the_organiser_records_a_judges_employer(app, client, auth):
    ev = build_event(n_entries=1, n_judges=1)
    auth.login(ev["organiser"].username)
    judge = ev["judges"][0]
    client.post(f"/admin/users/{judge.id}/employer", data={"employer": f"  {HOME} "})
    db.session.refresh(judge)
    assert judge.employer == HOME
    assert db.session.scalar(select(AuditLog.new).where(AuditLog.action == "user.employer")) == {"employer": HOME}
    html = client.get("/admin/users/").get_data(as_text=True)
    assert f'value="{HOME}"' in html


def test_home_bias_is_found_from_real_marks(app):
    """Judge 1 (of 示例县第1机械厂) gives its two workers 10 points more than judges 2-3 do,
    and everyone else what they give."""
    ev = event_with_a_judge_from_home()
    j1, j2, j3 = ev["judges"]
    n = 0
    for i, entry in enumerate(ev["entries"]):
        v = 40 + 2 * i
        home = entry.contestant.employer == HOME
        for judge, value in ((j1, v + (10 if home else 0)), (j2, v), (j3, v)):
            n += 1
            db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion="work", attempt=1,
                                value=str(value), client_id=f"coi-{n:04d}"))
    db.session.commit()
    stats = {s.judge: s for s in trade_analysis(ev["trade"]).judges}[j1.id]
    # at home: +10 above the panel's median (v) on 2 marks; away: 0 on 4 — fewer than three
    # marks at home, so no finding yet, but the split is reported
    assert stats.own_employer == (2, 10) and stats.other_employers == (4, 0)
    assert not any(f.code == "home_bias" for f in stats.findings)
