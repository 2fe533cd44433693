"""No-shows (缺考, issue 18): at the heat's start the organiser or the trade's chief judge
marks those not checked in absent after a confirmation; audited; absent entries leave the
judges' tablets and their marks are refused; the standings, documents and stage counts
say 缺考 (not 待评分) and give no rank; the organiser can undo it. A check-in arriving
while the absent-marking runs is either recorded first or refused (the heat's lock)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Mark, Role, User
from competition.services import checkin as svc
from competition.services import standings
from competition.services.errors import Conflict, Forbidden, ServiceError
from tests.conftest import create_user
from tests.factories import build_event
from tests.integration.test_marks_concurrency import run_together


def _mark(entry, judge, criterion="work", value="40"):
    db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=criterion, attempt=1,
                        value=value, client_id=f"t-{entry.id}-{judge.id}-{criterion}"))
    db.session.commit()
    standings.trade_changed(entry.stage.trade_id)


def test_the_unchecked_are_marked_absent_after_the_list_and_it_shows_everywhere(app):
    ev = build_event(n_entries=4, n_judges=1)
    a, b, c, d = ev["entries"]
    svc.record_arrival(ev["chief"], a.id)
    _mark(b, ev["judges"][0])                     # not checked in, but marked: present
    plan = svc.absent_candidates(ev["chief"], ev["heat"].id)
    assert [e.id for e in plan.absent] == [c.id, d.id]
    assert [e.id for e in plan.marked_not_checked_in] == [b.id]

    svc.record_arrival(ev["organiser"], d.id)     # arrives between the list and the confirm
    result = svc.mark_absent(ev["chief"], ev["heat"].id, [c.id, d.id])
    assert result.marked == [c.display_name]
    assert [name for name, _why in result.skipped] == [d.display_name]
    db.session.expire_all()
    assert [e.status for e in (a, b, c, d)] == ["active", "active", "absent", "active"]
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "entry.absent")).all()
    assert [(r.object_id, r.user_id) for r in audit] == [(c.id, ev["chief"].id)]

    # standings: 缺考, unranked, flagged for the screens; the others pending as before
    trade = ev["trade"]
    ts = standings.trade_standings(trade)
    rows = {r.entry: r for r in ts.standings.rows}
    assert rows[str(c.id)].rank is None and rows[str(c.id)].status == "absent"
    public = {r["key"]: r for r in standings.public_rows(ts, True)}
    assert public[str(c.id)]["noshow"] is True and public[str(d.id)]["noshow"] is False

    # documents (the results workbook, bulletins): 缺考 even before sign-off, 待评分 for d
    from competition.services.documents import trade_results
    remarks = {r.name: r.status for r in trade_results(trade).rows}
    assert remarks[c.display_name] == "缺考" and remarks[d.display_name] == "待评分"
    assert all(r.award is None for r in trade_results(trade).rows if r.name == c.display_name)

    # the stage's counts: absent, not "not scored yet"
    from competition.services.stage_final import stage_state
    state = stage_state(ev["stage"])
    assert state.unscored_locked == 1 and state.unscored_open == 2      # c; a and d

    # the tablet: c is gone from the judge's list
    from competition.services.scoresheets import judge_sheet
    sheet = judge_sheet(ev["judges"][0], ev["heat"])
    assert c.id not in [e["id"] for e in sheet["entries"]] and len(sheet["entries"]) == 3


def test_marks_for_an_absent_entry_are_refused_with_the_reason(app, client, auth):
    ev = build_event(n_entries=2, n_judges=1)
    a, b = ev["entries"]
    svc.mark_absent(ev["organiser"], ev["heat"].id, [b.id])
    auth.login(ev["judges"][0].username)
    r = client.post("/api/marks", json={"client_id": "cid-00000001", "entry_id": b.id,
                                        "criterion": "work", "value": "45"})
    assert r.status_code == 409 and r.json["field"] == "entry_id"
    assert "缺考" in r.json["error"] and b.lot_number in r.json["error"]
    r = client.post("/api/sheets", json={"client_id": "sheet-00000001", "entry_id": b.id, "seq": 1,
                                         "marks": [{"criterion": "work", "value": "45"}]})
    assert r.status_code == 409 and "缺考" in r.json["error"], r.json
    assert client.post("/api/marks", json={"client_id": "cid-00000002", "entry_id": a.id,
                                           "criterion": "work", "value": "45"}).status_code == 201
    from competition.services.marks import correct_mark
    with pytest.raises(Conflict):
        correct_mark(ev["chief"], heat_id=ev["heat"].id, reason="补录成绩", value="40",
                     entry_id=b.id, address="work", attempt=1, judge_id=ev["judges"][0].id)
    assert db.session.scalar(select(Mark.id).where(Mark.entry_id == b.id)) is None


def test_who_may_mark_and_undo_and_the_undo_checks_in(app):
    ev = build_event(n_entries=2, n_judges=1)
    a, b = ev["entries"]
    other_chief = create_user("chief_other", Role.CHIEF_JUDGE)
    for who in (ev["judges"][0], other_chief):
        with pytest.raises(Forbidden):
            svc.mark_absent(who, ev["heat"].id, [b.id])
    svc.mark_absent(ev["chief"], ev["heat"].id, [a.id, b.id])
    with pytest.raises(Conflict):                       # a check-in after it: refused, says why
        svc.record_arrival(ev["judges"][0], b.id)
    with pytest.raises(Forbidden):
        svc.undo_absent(ev["chief"], b.id, "迟到")
    with pytest.raises(ServiceError):                   # a reason is required
        svc.undo_absent(ev["organiser"], b.id, "")
    entry = svc.undo_absent(ev["organiser"], b.id, "经裁判长准许迟到入场")
    assert entry.status == "active" and entry.checked_in_at is not None
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "entry.absent_undo")).one()
    assert row.reason == "经裁判长准许迟到入场" and row.object_id == b.id
    with pytest.raises(Conflict):
        svc.undo_absent(ev["organiser"], b.id, "again")
    db.session.expire_all()
    assert db.session.get(Entry, a.id).status == "absent"


def test_pages_confirm_list_mark_and_undo(app, client, auth):
    ev = build_event(n_entries=3, n_judges=1)
    a, b, c = ev["entries"]
    heat_id = ev["heat"].id
    auth.login(ev["chief"].username)
    client.post(f"/checkin/heat/{heat_id}", data={"code": a.lot_number})
    page = client.get(f"/checkin/heat/{heat_id}").get_data(as_text=True)
    assert f"/checkin/heat/{heat_id}/absent" in page
    assert f"/checkin/heat/{heat_id}/absent" in client.get(f"/judge/chief/heat/{heat_id}").get_data(as_text=True)
    confirm = client.get(f"/checkin/heat/{heat_id}/absent").get_data(as_text=True)
    assert b.display_name in confirm and c.display_name in confirm and a.display_name not in confirm
    r = client.post(f"/checkin/heat/{heat_id}/absent", data={"entry": [str(b.id), str(c.id)]},
                    follow_redirects=True)
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and text.count('class="absent"') == 2
    assert "undo-absent" not in text                       # the chief does not undo
    auth.logout()
    auth.login(ev["judges"][0].username)
    assert client.get(f"/checkin/heat/{heat_id}/absent").status_code == 403
    assert client.post(f"/checkin/heat/{heat_id}/absent", data={"entry": [str(a.id)]}).status_code == 403
    auth.logout()
    auth.login(ev["organiser"].username)
    text = client.get(f"/checkin/heat/{heat_id}").get_data(as_text=True)
    assert f"/checkin/entry/{b.id}/undo-absent" in text
    r = client.post(f"/checkin/entry/{b.id}/undo-absent", data={"reason": ""}, follow_redirects=True)
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Entry, b.id).status == "absent"   # refused: no reason
    client.post(f"/checkin/entry/{b.id}/undo-absent", data={"reason": "准许迟到"})
    db.session.expire_all()
    assert db.session.get(Entry, b.id).status == "active"


def test_a_check_in_racing_the_absent_marking_is_one_or_the_other(app):
    """Two clients at once, real threads, both backends: the arrival either lands first (and
    that contestant is not marked absent) or is refused (absent); never absent and checked in."""
    ev = build_event(n_entries=12, n_judges=1)
    heat_id = ev["heat"].id
    judge_id, chief_id = ev["judges"][0].id, ev["chief"].id
    ids = [e.id for e in ev["entries"]]
    db.session.commit()
    outcomes = set()
    for entry_id in ids:
        def arrive(entry_id=entry_id):
            return svc.record_arrival(db.session.get(User, judge_id), entry_id)[1]

        def absent(entry_id=entry_id):
            return svc.mark_absent(db.session.get(User, chief_id), heat_id, [entry_id]).marked
        arrived, marked = run_together(app, [arrive, absent])
        entry = db.session.get(Entry, entry_id)
        if isinstance(arrived, Conflict):
            assert marked and entry.status == "absent" and entry.checked_in_at is None
            outcomes.add("absent")
        else:
            assert arrived is True, arrived
            assert marked == [] and entry.status == "active" and entry.checked_in_at is not None
            outcomes.add("arrived")
    rows = db.session.scalars(select(AuditLog.object_id).where(AuditLog.action == "entry.absent")).all()
    assert len(rows) == len(set(rows)) == sum(
        1 for i in ids if db.session.get(Entry, i).status == "absent")


def test_a_judges_mark_racing_the_absent_marking_is_one_or_the_other(app):
    """The judge's tablet sends a mark while the chief marks the no-shows: either the mark is
    stored first (the contestant is present: not marked absent) or the entry is absent first
    (the mark is refused); never an absent entry with marks."""
    from competition.services.marks import record_mark
    ev = build_event(n_entries=10, n_judges=1)
    heat_id, judge_id, chief_id = ev["heat"].id, ev["judges"][0].id, ev["chief"].id
    ids = [e.id for e in ev["entries"]]
    db.session.commit()
    for n, entry_id in enumerate(ids):
        def mark(entry_id=entry_id, n=n):
            return record_mark(db.session.get(User, judge_id), entry_id=entry_id, address="work", value="40",
                               client_id=f"race-{n:08d}").status

        def absent(entry_id=entry_id):
            return svc.mark_absent(db.session.get(User, chief_id), heat_id, [entry_id]).marked
        marked_result, absent_result = run_together(app, [mark, absent])
        entry = db.session.get(Entry, entry_id)
        has_marks = db.session.scalar(select(Mark.id).where(Mark.entry_id == entry_id)) is not None
        if isinstance(marked_result, Conflict):
            assert absent_result and entry.status == "absent" and not has_marks
        else:
            assert marked_result == "created", marked_result
            assert absent_result == [] and entry.status == "active" and has_marks


def test_the_workbook_bulletin_and_certificates_of_a_no_show(app, client, auth):
    """Before sign-off: the no-show is 缺考 in the results workbook and on the bulletin (the
    unscored one stays 待评分); certificates go to the awarded only, never to the no-show."""
    import io

    from openpyxl import load_workbook

    from competition.services.certificates import awarded
    from tests.integration.test_documents_exports import pdf_text
    ev = build_event(n_entries=3, n_judges=1)
    a, b, c = ev["entries"]
    for criterion, value in (("exam", "90"), ("work", "60")):
        _mark(a, ev["judges"][0], criterion, value)
    svc.mark_absent(ev["chief"], ev["heat"].id, [c.id])
    auth.login(ev["organiser"].username)
    resp = client.get("/admin/documents/results.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data))["测试工种"]
    cells = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    assert "缺考" in cells and "待评分" in cells
    text = pdf_text(client.get("/admin/documents/mini/bulletin.pdf").data)
    assert "缺考" in text.replace("不是缺考", "") and "待评分" in text
    winners = awarded(ev["trade"])
    assert winners and all(x.entry.id != c.id for x in winners)


def test_the_heats_audit_log_says_it_in_words(app, client, auth):
    ev = build_event(n_entries=2, n_judges=1)
    a, b = ev["entries"]
    svc.record_arrival(ev["chief"], a.id)
    svc.mark_absent(ev["chief"], ev["heat"].id, [b.id])
    svc.undo_absent(ev["organiser"], b.id, "经裁判长准许迟到入场")
    auth.login(ev["chief"].username)
    text = client.get(f"/judge/chief/heat/{ev['heat'].id}/audit").get_data(as_text=True)
    assert "选手检录" in text and "标记缺考" in text and "撤销缺考（准许迟到）" in text
    assert "经裁判长准许迟到入场" in text and "entry.absent" not in text
