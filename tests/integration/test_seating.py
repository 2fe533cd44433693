"""Seating by hand: a contestant who registers after marks exist (no redraw possible) is
seated in a heat by the organiser, the heat's judge sees and marks them, the standings
count them; moves of unmarked entries; every refusal says in Chinese what is wrong."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Heat, JudgeAssignment, Trade
from competition.services import draws
from competition.services import registration as reg
from competition.services.marks import record_mark
from competition.services.standings import trade_standings

from ._registration_setup import person_row, setup_event, workbook

FIELDS = ("name", "gender", "id_number", "employer", "phone", "trade", "grade")


@pytest.fixture
def ev(app):
    """23 lathe contestants drawn into heats of 12, 12 and 5; the judge marks heat 1;
    then a 24th contestant registers and is entered, in no heat."""
    ev = setup_event()
    reg.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 24)]),
                     ev["organiser"])
    stage = draws.create_stage(ev["lathe"], "预赛", ev["organiser"])
    for name, n in (("第1场", 12), ("第2场", 12), ("第3场", 5)):
        draws.create_heat(stage, name, n, ev["organiser"], venue="示例县职业技术学校")
    draws.run_draw(stage, ev["organiser"], seed="late-2026")
    heat1 = stage.heats[0]
    db.session.add(JudgeAssignment(heat_id=heat1.id, user_id=ev["judge"].id))
    db.session.commit()
    first = sorted(heat1.entries, key=lambda e: e.workstation)[0]
    record_mark(ev["judge"], entry_id=first.id, address="exam", value="80")
    late = reg.add_contestant(ev["competition"], {**dict(zip(FIELDS, person_row(40))),
                                                  "trade": "lathe"}, ev["organiser"])
    draws.enter_registered(stage, ev["organiser"])
    entry = db.session.scalar(select(Entry).where(Entry.contestant_id == late.id))
    return {**ev, "stage": stage, "heats": list(stage.heats), "late": entry, "marked": first}


def seat(client, entry, **form):
    return client.post(f"/admin/entries/{entry.id}/seat", data=form)


def test_a_late_entrant_is_seated_at_the_next_free_workstation_and_judged(client, auth, ev):
    auth.login("org")
    stage, heat1, late = ev["stage"], ev["heats"][0], ev["late"]
    assert late.heat_id is None
    # the redraw is refused now that marks exist: seating by hand is the way
    page = client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "不能重新抽签；迟到的选手请在下表中点击“安排场次”" in page
    page = client.get("/admin/trades/lathe/stages").get_data(as_text=True)
    assert "1 名参赛者未分入任何场次" in page and "为他们安排场次" in page
    assert f'href="/admin/stages/{stage.id}/draw"' in page
    page = client.get(f"/admin/stages/{stage.id}/draw").get_data(as_text=True)
    assert "1 名参赛者未分入任何场次，裁判无法为其评分" in page
    assert f'href="/admin/entries/{late.id}/seat"' in page
    # the marked entry offers no move
    assert f'href="/admin/entries/{ev["marked"].id}/seat"' not in page
    form = client.get(f"/admin/entries/{late.id}/seat").get_data(as_text=True)
    taken = {e.workstation for e in heat1.entries}
    free = [w for w in range(1, 13) if w not in taken]
    assert "尚未分入任何场次" in form and f"下一个空余工位：{free[0]} 号" in form
    assert "留空：024" in form
    version = db.session.get(Trade, ev["lathe"].id).standings_version
    resp = seat(client, late, heat_id=heat1.id, workstation="", lot_number="", reason="补报名")
    assert resp.status_code == 302 and resp.location.endswith(f"/admin/stages/{stage.id}/draw")
    db.session.expire_all()
    late = db.session.get(Entry, late.id)
    assert (late.heat_id, late.workstation, late.lot_number) == (heat1.id, free[0], "024")
    page = client.get(resp.location).get_data(as_text=True)
    assert f"第1场，{free[0]} 号工位，抽签号 024" in page and "未分入任何场次" not in page
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "entry.seat"))
    assert log.user_id == ev["organiser"].id and log.reason == "补报名"
    assert log.heat_id == heat1.id and log.old["heat"] is None
    assert log.new == {"heat": heat1.id, "heat_name": "第1场", "workstation": free[0],
                       "lot": "024", "name": late.display_name}
    assert db.session.get(Trade, ev["lathe"].id).standings_version > version
    # the judge of heat 1 sees lot 024 on the tablet page and can mark it
    auth.logout()
    auth.login("judge")
    page = client.get(f"/judge/heat/{heat1.id}").get_data(as_text=True)
    assert "024" in page
    record_mark(ev["judge"], entry_id=late.id, address="exam", value="91")
    rows = {r.entry: r for r in trade_standings(ev["lathe"], stage).standings.rows}
    assert rows[str(late.id)].status != "absent" and rows[str(late.id)].total is not None


def test_an_unmarked_entry_moves_to_another_heat_and_workstation(client, auth, ev):
    auth.login("org")
    heat2, heat3 = ev["heats"][1], ev["heats"][2]
    mover = sorted(heat2.entries, key=lambda e: e.workstation)[0]
    lot = mover.lot_number
    taken3 = {e.workstation for e in heat3.entries}
    free3 = [w for w in range(1, 6) if w not in taken3]
    assert free3, "the seed 'late-2026' leaves room in heat 3"
    resp = seat(client, mover, heat_id=heat3.id, workstation=str(free3[-1]), reason="调换场次")
    assert resp.status_code == 302
    db.session.expire_all()
    mover = db.session.get(Entry, mover.id)
    assert (mover.heat_id, mover.workstation, mover.lot_number) == (heat3.id, free3[-1], lot)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "entry.move"))
    assert log.old["heat"] == heat2.id and log.new["heat"] == heat3.id


def test_the_rerun_from_the_seed_still_agrees_after_seating_by_hand(client, auth, ev):
    """The late entrant was not in the draw and the moved one was moved on purpose: the
    re-run check leaves both out and finds the rest exactly as the seed gives."""
    auth.login("org")
    stage, heat1, heat2 = ev["stage"], ev["heats"][0], ev["heats"][1]
    assert seat(client, ev["late"], heat_id=heat1.id, reason="补报名").status_code == 302
    mover = sorted(heat2.entries, key=lambda e: e.workstation)[0]
    assert seat(client, mover, heat_id=heat1.id, reason="调换场次").status_code == 302
    assert draws.verify_draw(stage) == []
    page = client.get(f"/admin/stages/{stage.id}/draw?verify=1").get_data(as_text=True)
    assert "结果完全一致" in page and "2 名参赛者在抽签后由人工安排或调换了场次" in page


def error_of(resp) -> str:
    page = resp.get_data(as_text=True)
    assert 'role="alert"' in page and "Traceback" not in page
    return page


def test_refusals_name_what_is_wrong_and_change_nothing(client, auth, ev):
    auth.login("org")
    heat1, heat2, heat3 = ev["heats"]
    late, marked = ev["late"], ev["marked"]
    holder = sorted(heat2.entries, key=lambda e: e.workstation)[0]
    cases = [
        ({"heat_id": heat1.id, "reason": ""}, 400, "请填写安排或调整场次的原因"),
        ({"heat_id": "", "reason": "补报名"}, 400, "请选择本赛段的一个场次"),
        ({"heat_id": "abc", "reason": "补报名"}, 400, "请选择本赛段的一个场次"),
        ({"heat_id": heat1.id, "workstation": "第三", "reason": "补报名"}, 400,
         "工位号须为从 1 起的整数"),
        ({"heat_id": heat1.id, "workstation": "13", "reason": "补报名"}, 400,
         "第1场 的工位号为 1 至 12"),
        ({"heat_id": heat2.id, "workstation": str(holder.workstation), "reason": "补报名"},
         409, f"第2场 的 {holder.workstation} 号工位已被占用（抽签号 {holder.lot_number}"),
        ({"heat_id": heat1.id, "lot_number": holder.lot_number, "reason": "补报名"}, 409,
         f"抽签号 {holder.lot_number} 已属于 {holder.display_name}"),
        ({"heat_id": heat1.id, "lot_number": "x" * 21, "reason": "补报名"}, 400,
         "抽签号最多 20 个字符"),
    ]
    for form, status, text in cases:
        resp = seat(client, late, **form)
        assert resp.status_code == status, (form, resp.status_code)
        assert text in error_of(resp), (form, text)
    # an entry with marks stays where it is
    resp = seat(client, marked, heat_id=heat2.id, reason="调换场次")
    assert resp.status_code == 409 and "已有评分，不能再调整场次或工位" in error_of(resp)
    # a signed-off heat takes nobody
    heat3.locked_at = heat3.locked_at or __import__("datetime").datetime(2026, 12, 1)
    db.session.commit()
    resp = seat(client, late, heat_id=heat3.id, reason="补报名")
    assert resp.status_code == 409 and "第3场 已签字锁定" in error_of(resp)
    # a full heat says so
    heat2.workstations = len(heat2.entries)
    db.session.commit()
    resp = seat(client, late, heat_id=heat2.id, reason="补报名")
    assert resp.status_code == 409 and "已全部占用" in error_of(resp)
    db.session.expire_all()
    assert db.session.get(Entry, late.id).heat_id is None
    assert db.session.get(Entry, marked.id).heat_id == heat1.id
    assert not db.session.scalars(select(AuditLog).where(
        AuditLog.action.in_(["entry.seat", "entry.move"]))).all()


def test_a_withdrawn_entrant_is_not_seated_and_other_stages_heats_are_refused(client, auth, ev):
    auth.login("org")
    late = ev["late"]
    other = draws.create_stage(ev["lathe"], "决赛", ev["organiser"])
    final_heat = draws.create_heat(other, "决赛场", 10, ev["organiser"])
    resp = seat(client, late, heat_id=final_heat.id, reason="补报名")
    assert resp.status_code == 400 and "请选择本赛段的一个场次" in error_of(resp)
    reg.withdraw_contestant(late.contestant, ev["organiser"], "因病退赛")
    resp = seat(client, late, heat_id=ev["heats"][0].id, reason="补报名")
    assert resp.status_code == 409 and "已退赛或被取消资格" in error_of(resp)
    assert client.get("/admin/entries/999999/seat").status_code == 404


def test_the_draw_page_counts_registered_contestants_not_yet_in_the_stage(client, auth, ev):
    auth.login("org")
    reg.add_contestant(ev["competition"], {**dict(zip(FIELDS, person_row(41))),
                                           "trade": "lathe"}, ev["organiser"])
    page = client.get(f"/admin/stages/{ev['stage'].id}/draw").get_data(as_text=True)
    assert "1 名已报名选手尚未加入本赛段" in page


def test_only_the_organiser_seats(client, auth, ev):
    auth.login("judge")
    late = ev["late"]
    assert client.get(f"/admin/entries/{late.id}/seat").status_code == 403
    resp = seat(client, late, heat_id=ev["heats"][0].id, reason="补报名")
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Entry, late.id).heat_id is None


def test_a_full_heat_gets_a_spare_workstation_for_the_late_entrant(client, auth, ev):
    auth.login("org")
    heat3, late = ev["heats"][2], ev["late"]
    used = max(e.workstation for e in heat3.entries)
    # fewer than a workstation in use: refused, in Chinese, nothing changes
    page = client.post(f"/admin/heats/{heat3.id}/workstations",
                       data={"workstations": str(used - 1)},
                       follow_redirects=True).get_data(as_text=True)
    assert f"第3场 的 {used} 号工位正在使用，工位数不能少于 {used} 个" in page
    page = client.post(f"/admin/heats/{heat3.id}/workstations", data={"workstations": "很多"},
                       follow_redirects=True).get_data(as_text=True)
    assert "工位数" in page and 'role="alert"' in page
    db.session.expire_all()
    assert db.session.get(Heat, heat3.id).workstations == 5
    # one more bench: the seat page offers it, the entrant takes it
    resp = client.post(f"/admin/heats/{heat3.id}/workstations",
                       data={"workstations": "6", "next": f"/admin/entries/{late.id}/seat"})
    assert resp.status_code == 302 and resp.location.endswith(f"/admin/entries/{late.id}/seat")
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "heat.workstations"))
    assert log.old == {"workstations": 5} and log.new == {"workstations": 6}
    assert seat(client, late, heat_id=heat3.id, workstation="6",
                reason="补报名").status_code == 302
    db.session.expire_all()
    assert db.session.get(Entry, late.id).workstation == 6


@pytest.mark.parametrize("lang, text", [("en", "Seat in a heat"), ("zh_CN", "安排场次")])
def test_the_seating_pages_render_in_both_languages(client, auth, ev, lang, text):
    auth.login("org")
    late = ev["late"]
    resp = client.get(f"/admin/entries/{late.id}/seat?lang={lang}")
    assert resp.status_code == 200 and text in resp.get_data(as_text=True)
    resp = seat(client, late, heat_id=ev["heats"][0].id, workstation="99", reason="补报名")
    assert resp.status_code == 400
    resp = client.get(f"/admin/stages/{ev['stage'].id}/draw?lang={lang}&verify=1")
    assert resp.status_code == 200
    resp = client.get(f"/admin/trades/lathe/stages?lang={lang}")
    assert resp.status_code == 200
