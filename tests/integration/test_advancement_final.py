"""Stages move on only from final results (issue 13): confirming a stage's advancement
with heats not signed off warns, needs the organiser's tick and records it in the audit
row; contestants without marks in an open heat are 待评分, not 缺考."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Mark
from competition.services import draws as svc
from competition.services import heats as heat_service
from competition.services.errors import Conflict
from tests.factories import build_event


@pytest.fixture
def ev(app):
    ev = build_event(n_entries=6, code="advf")
    # exam only for four of six: 95, 90, 85, 80; two not scored yet
    for e, v in zip(ev["entries"][:4], ["95", "90", "85", "80"]):
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    ev["stage"].name = "预赛"
    db.session.commit()
    ev["final"] = svc.create_stage(ev["trade"], "决赛", ev["organiser"])
    return ev


def advanced(ev):
    return db.session.scalars(select(Entry).where(Entry.stage_id == ev["final"].id)).all()


def post(client, ev, **extra):
    ids = [str(e.id) for e in ev["entries"][:2]]
    return client.post(f"/admin/stages/{ev['stage'].id}/advancement",
                       data={"top_n": "2", "ties": "include", "entry": ids, **extra})


def test_the_page_warns_and_shows_unscored_contestants_as_not_scored_yet(ev, client, auth):
    auth.login(ev["organiser"].username)
    page = client.get(f"/admin/stages/{ev['stage'].id}/advancement?top_n=2"
                      ).get_data(as_text=True)
    assert "本阶段成绩尚未确定" in page and "第1场" in page
    assert "2 名选手尚无评分" in page
    assert 'name="accept_unfinal"' in page
    assert page.count("待评分") >= 2 and "无成绩（缺考）" not in page


def test_without_the_tick_nobody_advances(ev, client, auth):
    auth.login(ev["organiser"].username)
    resp = post(client, ev)
    assert resp.status_code == 302
    assert advanced(ev) == []
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "advancement.confirm")) is None
    with pytest.raises(Conflict) as err:
        svc.confirm_advancement(ev["stage"], {"top_n": 2}, ev["organiser"])
    assert err.value.field == "accept_unfinal"
    db.session.rollback()


def test_with_the_tick_they_advance_and_the_audit_row_says_what_was_not_final(
        ev, client, auth):
    auth.login(ev["organiser"].username)
    post(client, ev, accept_unfinal="1")
    assert len(advanced(ev)) == 2
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "advancement.confirm"))
    problems = row.new["results_not_final"]
    assert problems["open_heats"] == ["第1场"] and problems["unscored"] == 2


def test_from_signed_off_heats_no_tick_is_needed_and_the_unscored_are_absent(
        ev, client, auth):
    heat_service.lock_heat(ev["chief"], ev["heat"].id)
    auth.login(ev["organiser"].username)
    page = client.get(f"/admin/stages/{ev['stage'].id}/advancement?top_n=2"
                      ).get_data(as_text=True)
    assert "本阶段成绩尚未确定" not in page and 'name="accept_unfinal"' not in page
    assert "无成绩（缺考）" in page
    post(client, ev)
    assert len(advanced(ev)) == 2
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "advancement.confirm"))
    assert "results_not_final" not in row.new
