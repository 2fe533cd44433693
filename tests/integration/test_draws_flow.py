"""Stages, heats and the draw through the organiser's pages: reproducible from the seed,
capacity respected, exported as xlsx and PDF; advancement with a tie at the cut-off."""
from collections import Counter
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Entry, Mark, Stage
from competition.services import draws as svc
from competition.services import registration as reg
from competition.services.registration import Conflict
from tests.factories import build_event

from ._registration_setup import person_row, setup_event, workbook


@pytest.fixture
def ev(app):
    ev = setup_event()
    reg.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 24)]),
                     ev["organiser"])
    return ev


def stage_with_heats(client, code="lathe"):
    client.post(f"/admin/trades/{code}/stages", data={"name": "预赛", "format": "ranked"})
    stage = db.session.scalar(select(Stage).order_by(Stage.id.desc()))
    for name, n, venue in (("第1场", 10, "示例县职业技术学校"), ("第2场", 10, "示例县职业技术学校"),
                           ("第3场", 5, "示例县第一机械厂")):
        resp = client.post(f"/admin/stages/{stage.id}/heats",
                           data={"name": name, "workstations": n, "venue": venue,
                                 "starts_at": "2026-12-01T08:30"})
        assert resp.status_code == 302
    return stage


def placement(stage):
    rows = db.session.execute(select(Entry.contestant_id, Entry.heat_id, Entry.lot_number,
                                     Entry.workstation).where(Entry.stage_id == stage.id))
    return sorted(tuple(r) for r in rows)


def test_the_draw_is_reproducible_from_its_seed_and_respects_capacity(client, auth, ev):
    auth.login("org")
    stage = stage_with_heats(client)
    page = client.get("/admin/trades/lathe/stages").get_data(as_text=True)
    assert "第3场" in page and "示例县第一机械厂" in page
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "2026-lathe-prelim",
                                                       "spread_employers": "1"})
    db.session.refresh(stage)
    assert stage.draw_seed == "2026-lathe-prelim"
    first = placement(stage)
    assert len(first) == 23 and all(r[1] is not None for r in first)
    per_heat = Counter(r[1] for r in first)
    caps = {h.id: h.workstations for h in stage.heats}
    assert all(per_heat[h] <= caps[h] for h in caps)
    assert sorted(int(r[2]) for r in first) == list(range(1, 24))
    # the page shows the seed and the re-run agrees
    page = client.get(f"/admin/stages/{stage.id}/draw?verify=1").get_data(as_text=True)
    assert "2026-lathe-prelim" in page and "结果完全一致" in page
    # another seed changes it; the recorded seed brings it back exactly
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "other"})
    assert placement(stage) != first
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "2026-lathe-prelim",
                                                       "spread_employers": "1"})
    assert placement(stage) == first
    logs = db.session.scalars(select(AuditLog).where(AuditLog.action == "draw.run")).all()
    assert [l.new["seed"] for l in logs] == ["2026-lathe-prelim", "other", "2026-lathe-prelim"]
    assert logs[0].new["options"]["spread_employers"] is True


def test_an_empty_seed_draws_a_new_random_one(client, auth, ev):
    auth.login("org")
    stage = stage_with_heats(client)
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": ""})
    db.session.refresh(stage)
    assert len(stage.draw_seed) == 16


def test_too_few_workstations_is_refused_and_nothing_changes(client, auth, ev):
    auth.login("org")
    client.post("/admin/trades/lathe/stages", data={"name": "预赛"})
    stage = db.session.scalar(select(Stage))
    client.post(f"/admin/stages/{stage.id}/heats", data={"name": "第1场", "workstations": 5})
    resp = client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "x"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "无法抽签" in page and "23 名参赛者，但各场次共只有 5 个工位" in page
    assert "do not fit" not in page
    db.session.refresh(stage)
    assert stage.draw_seed is None
    assert db.session.scalar(select(Entry.heat_id).where(Entry.heat_id.is_not(None))) is None


def test_a_stage_without_heats_says_so_in_chinese(client, auth, ev):
    auth.login("org")
    client.post("/admin/trades/lathe/stages", data={"name": "预赛"})
    stage = db.session.scalar(select(Stage))
    page = client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "本赛段还没有场次" in page and "no heats" not in page


def test_the_rerun_check_after_a_late_entrant_explains_instead_of_failing(client, auth, ev):
    """A contestant registered after the draw and entered into the stage: the seed can no
    longer reproduce the draw (or even fit it); the draw page says so, with a way back."""
    auth.login("org")
    client.post("/admin/trades/lathe/stages", data={"name": "预赛"})
    stage = db.session.scalar(select(Stage))
    client.post(f"/admin/stages/{stage.id}/heats", data={"name": "第1场", "workstations": 23})
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "x"})
    reg.add_contestant(ev["competition"], {**dict(zip(
        ("name", "gender", "id_number", "employer", "phone", "trade", "grade"),
        person_row(30))), "trade": "lathe"}, ev["organiser"])
    client.post(f"/admin/stages/{stage.id}/enter")
    resp = client.get(f"/admin/stages/{stage.id}/draw?verify=1")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "现在无法按种子重抽核对" in page and "24 名参赛者" in page
    assert "/admin/trades/lathe/stages" in page
    page = client.get("/admin/trades/lathe/stages").get_data(as_text=True)
    assert "1 名参赛者未分入任何场次" in page


def test_the_draw_sheet_exports_as_xlsx_and_pdf(client, auth, ev):
    auth.login("org")
    stage = stage_with_heats(client)
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "sheet"})
    resp = client.get(f"/admin/stages/{stage.id}/draw.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.data)).active
    assert "抽签表" in ws["A1"].value and "sheet" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["抽签号", "场次", "赛场", "时间", "工位号", "姓名", "单位"]
    assert ws.max_row >= 3 + 23
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.fitToWidth == 1  # prints on A4
    resp = client.get(f"/admin/stages/{stage.id}/draw.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(resp.data)).pages)
    assert "抽签表" in text and "第1场" in text
    # a judge may not download it
    auth.logout()
    auth.login("judge")
    assert client.get(f"/admin/stages/{stage.id}/draw.pdf").status_code == 403


def test_the_draw_cannot_change_once_marks_exist(app):
    ev = build_event(n_entries=3)
    stage = ev["stage"]
    svc.run_draw(stage, ev["organiser"], seed="a")
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    with pytest.raises(Conflict):
        svc.run_draw(stage, ev["organiser"], seed="b")
    assert stage.draw_seed == "a"


def marks_with_a_tie(ev):
    # theory exam only: 95, 90, 85, 85, 80, 70 -> ranks 1, 2, 3, 3, 5, 6
    for e, v in zip(ev["entries"], ["95", "90", "85", "85", "80", "70"]):
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    db.session.commit()


@pytest.mark.parametrize("ties, advancing", [("include", 4), ("exclude", 2)])
def test_advancement_with_a_tie_at_the_cut_off(client, auth, app, ties, advancing):
    ev = build_event(n_entries=6, code="adv")
    marks_with_a_tie(ev)
    ev["stage"].name = "预赛"  # build_event names its one stage 决赛; two are refused
    final = svc.create_stage(ev["trade"], "决赛", ev["organiser"])
    auth.login("organiser_adv")
    stage = ev["stage"]
    page = client.get(f"/admin/stages/{stage.id}/advancement?top_n=3&ties={ties}")
    text = page.get_data(as_text=True)
    assert "晋级线上有 2 名选手并列" in text
    ids = [e.id for e in ev["entries"]]
    expected = ids[:advancing]
    # the heat is not signed off: the organiser ticks that they know (issue 13)
    resp = client.post(f"/admin/stages/{stage.id}/advancement",
                       data={"top_n": "3", "ties": ties, "entry": [str(i) for i in expected],
                             "accept_unfinal": "1"})
    assert resp.status_code == 302
    created = db.session.scalars(select(Entry).where(Entry.stage_id == final.id)).all()
    by_contestant = {e.contestant_id for e in created}
    assert by_contestant == {e.contestant_id for e in ev["entries"][:advancing]}
    assert {e.status for e in ev["entries"][:advancing]} == {"advanced"}
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "advancement.confirm"))
    assert log.new["tie_rule"] == ties and len(log.new["tied_at_cut"]) == 2


def test_advancement_refuses_a_list_that_changed_since_it_was_shown(app):
    ev = build_event(n_entries=6, code="adv2")
    marks_with_a_tie(ev)
    ev["stage"].name = "预赛"  # build_event names its one stage 决赛; two are refused
    svc.create_stage(ev["trade"], "决赛", ev["organiser"])
    with pytest.raises(Conflict):
        svc.confirm_advancement(ev["stage"], {"top_n": 3}, ev["organiser"],
                                expected=[ev["entries"][0].id], accept_unfinal=True)
    db.session.rollback()


def test_a_preferred_heat_chosen_on_the_draw_page_is_honoured_and_recorded(client, auth, ev):
    auth.login("org")
    stage = stage_with_heats(client)
    client.post(f"/admin/stages/{stage.id}/enter")
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)
                                 .order_by(Entry.id)).all()
    assert len(entries) == 23
    third = stage.heats[2]
    page = client.get(f"/admin/stages/{stage.id}/draw").get_data(as_text=True)
    assert f'name="pref_{entries[0].id}"' in page
    prefs = {f"pref_{e.id}": str(third.id) for e in entries[:3]}
    client.post(f"/admin/stages/{stage.id}/draw", data={"seed": "p", **prefs})
    assert all(e.heat_id == third.id for e in entries[:3])
    assert draws_verify(stage) == []
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "draw.run"))
    assert log.new["options"]["preferences"] == {str(e.id): third.id for e in entries[:3]}


def draws_verify(stage):
    return svc.verify_draw(stage)


def test_the_advancement_page_renders_in_english_too(client, auth, ev):
    """'or top %' was formatted by gettext in English: a 500 on the page."""
    auth.login("org")
    stage = stage_with_heats(client)
    resp = client.get(f"/admin/stages/{stage.id}/advancement?lang=en")
    assert resp.status_code == 200 and 'placeholder="or top %"' in resp.get_data(as_text=True)
    resp = client.get(f"/admin/stages/{stage.id}/advancement?lang=zh_CN")
    assert resp.status_code == 200 and "或前百分之几" in resp.get_data(as_text=True)
