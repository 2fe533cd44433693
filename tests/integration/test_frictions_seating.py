"""Issue 18: late registrants are seated several at once with one reason (one audit row
each), all or nothing; two organisers seating at the same moment (real threads, SQLite
and PostgreSQL, many rounds) never give the same workstation or lot number twice."""

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Entry, Stage, User
from competition.services import draws, seating
from competition.services import registration as reg
from competition.services.errors import ServiceError

from ._registration_setup import person_row, setup_event, workbook
from .test_marks_concurrency import run_together  # the shared real-threads harness

FIELDS = ("name", "gender", "id_number", "employer", "phone", "trade", "grade")
ROUNDS = 12


def add_late(ev, i):
    """A contestant who registers after the draw, entered into the stage (in no heat)."""
    c = reg.add_contestant(ev["competition"], {**dict(zip(FIELDS, person_row(i))),
                                               "trade": "lathe"}, ev["organiser"])
    draws.enter_registered(db.session.get(Stage, ev["stage_id"]), ev["organiser"])
    return db.session.scalar(select(Entry).where(Entry.contestant_id == c.id)).id


@pytest.fixture
def ev(app):
    ev = setup_event()
    reg.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 5)]),
                     ev["organiser"])
    stage = draws.create_stage(ev["lathe"], "预赛", ev["organiser"])
    draws.create_heat(stage, "第1场", 40, ev["organiser"])
    draws.create_heat(stage, "第2场", 40, ev["organiser"])
    draws.run_draw(stage, ev["organiser"], seed="seat-many")
    return {**ev, "stage_id": stage.id, "heats": [h.id for h in stage.heats]}


def test_three_late_registrants_are_seated_at_once_with_one_reason(client, auth, ev):
    late = [add_late(ev, 40 + i) for i in range(3)]
    auth.login("org")
    draw = client.get(f"/admin/stages/{ev['stage_id']}/draw").get_data(as_text=True)
    assert f'href="/admin/stages/{ev["stage_id"]}/seat-late"' in draw and "批量安排场次" in draw
    page = client.get(f"/admin/stages/{ev['stage_id']}/seat-late").get_data(as_text=True)
    for i in late:
        assert f'name="entry_ids" value="{i}" checked' in page
    heat = ev["heats"][0]
    taken = set(db.session.scalars(select(Entry.workstation).where(Entry.heat_id == heat)))
    resp = client.post(f"/admin/stages/{ev['stage_id']}/seat-late",
                       data={"entry_ids": [str(i) for i in late], "heat_id": str(heat),
                             "reason": "补报名（第二批）"})
    assert resp.status_code == 302
    db.session.expire_all()
    seated = [db.session.get(Entry, i) for i in late]
    free = [w for w in range(1, 41) if w not in taken][:3]
    assert [e.workstation for e in seated] == free
    assert all(e.heat_id == heat for e in seated)
    lots = db.session.scalars(select(Entry.lot_number).where(
        Entry.stage_id == ev["stage_id"])).all()
    assert len(set(lots)) == len(lots) == 7
    logs = db.session.scalars(select(AuditLog).where(AuditLog.action == "entry.seat")).all()
    assert sorted(r.object_id for r in logs) == sorted(late)
    assert {r.reason for r in logs} == {"补报名（第二批）"} and logs[0].new["together"] == 3
    page = client.get(resp.location).get_data(as_text=True)
    assert "已将 3 名参赛者安排到第1场" in page and "未分入任何场次" not in page


def test_a_selection_that_does_not_fit_changes_nothing(client, auth, ev):
    late = [add_late(ev, 40 + i) for i in range(3)]
    auth.login("org")
    url = f"/admin/stages/{ev['stage_id']}/seat-late"
    resp = client.post(url, data={"entry_ids": [str(i) for i in late],
                                  "heat_id": str(ev["heats"][0]), "reason": ""})
    assert resp.status_code == 400 and "请填写安排或调整场次的原因" in resp.get_data(as_text=True)
    resp = client.post(url, data={"heat_id": str(ev["heats"][0]), "reason": "补报名"})
    assert resp.status_code == 400 and "请勾选" in resp.get_data(as_text=True)
    seating.seat_entry(late[0], ev["heats"][1], ev["organiser"], reason="补报名")
    resp = client.post(url, data={"entry_ids": [str(i) for i in late],
                                  "heat_id": str(ev["heats"][0]), "reason": "补报名"})
    assert resp.status_code == 409 and "已在第2场" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Entry, i).heat_id for i in late[1:]] == [None, None]
    with pytest.raises(ServiceError) as err:    # more than the heat's free workstations
        seating.seat_many(ev["stage_id"], late[1:] + [add_late(ev, 60 + i) for i in range(40)],
                          ev["heats"][0], ev["organiser"], reason="补报名")
    assert err.value.field == "heat_id"
    assert db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.stage_id == ev["stage_id"], Entry.heat_id.isnot(None))) == 5


def test_two_organisers_seating_at_once_never_double_seat(app, ev):
    org2 = User(username="org2", role="organiser", display_name="org2")
    org2.set_password("pw-1234")
    db.session.add(org2)
    db.session.commit()
    users = [ev["organiser"].id, org2.id]
    for n in range(ROUNDS):
        late = [add_late(ev, 100 + 2 * n), add_late(ev, 101 + 2 * n)]
        # even rounds: both into one heat (the same free workstation); odd: one into each
        # heat (the stage's same next lot number)
        heats = [ev["heats"][0]] * 2 if n % 2 == 0 else ev["heats"]

        def seat(k, late=late, heats=heats):
            def call():
                entries = seating.seat_many(ev["stage_id"], [late[k]], heats[k],
                                            db.session.get(User, users[k]),
                                            reason="补报名")
                return [(e.heat_id, e.workstation, e.lot_number) for e in entries]
            return call
        results = run_together(app, [seat(0), seat(1)])
        assert not any(isinstance(r, Exception) for r in results), (n, results)
    rows = db.session.execute(select(Entry.heat_id, Entry.workstation, Entry.lot_number)
                              .where(Entry.stage_id == ev["stage_id"])).all()
    assert len(rows) == 4 + 2 * ROUNDS
    assert len({(h, w) for h, w, _ in rows}) == len(rows)
    assert len({int(lot) for _, _, lot in rows}) == len(rows)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "entry.seat")) == 2 * ROUNDS
