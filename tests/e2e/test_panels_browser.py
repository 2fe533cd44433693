"""Judging panels and advancement in Chromium at tablet size (issue 13): the chief judge's
heat page shows who marks what, the heat total and a removed judge's marks as not counted;
the advancement page warns about an open heat and needs the tick. Screenshots go to
/tmp/panels-*.png for a look."""
from competition.extensions import db
from competition.services import draws as svc
from competition.services import heats as heat_service
from competition.services import marks as mark_service
from tests.e2e.pages import sign_in
from tests.factories import build_event


def test_the_chief_sees_who_marks_what_and_marks_not_counted(live_server, new_page):
    ev = build_event(n_entries=3, n_judges=3, code="pnl")
    j1, j2, j3 = ev["judges"]
    for j in ev["judges"]:
        mark_service.record_mark(j, entry_id=ev["entries"][0].id, address="work",
                                 value="40", client_id=f"e2e-work-{j.id}-0")
    mark_service.record_mark(j1, entry_id=ev["entries"][0].id, address="exam", value="85",
                             client_id="e2e-exam-0001")
    heat_service.assign_judges(ev["chief"], ev["heat"].id,
                               {j1.id: ["exam"], j2.id: ["work", "steps"],
                                j3.id: ["steps", "safety"]})
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}")
    text = page.inner_text("main")
    assert "评分分工" in text and "仅由该裁判评分" in text
    assert "评分不计入：该裁判已不在评分组" in page.inner_text("table.not-counted")
    # exam 1 (judge 1 only) + work 1 (judge 2 alone: the rule wants 3) + steps 2 = 4 x 3
    assert page.inner_text("[data-heat-total]").strip().endswith("/ 12")
    assert "评分细则要求 3 名裁判，已指派 1 名" in text
    # the page fits the tablet's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 1
    page.screenshot(path="/tmp/panels-chief-heat.png", full_page=True)


def test_the_advancement_page_warns_and_asks_for_the_tick(live_server, new_page):
    from competition.models import Mark
    ev = build_event(n_entries=4, code="pnla")
    for e, v in zip(ev["entries"][:3], ["90", "80", "70"]):
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    ev["stage"].name = "预赛"
    db.session.commit()
    svc.create_stage(ev["trade"], "决赛", ev["organiser"])
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/stages/{ev['stage'].id}/advancement?top_n=2")
    assert "本阶段成绩尚未确定" in page.inner_text("#unfinal-warning")
    assert "待评分" in page.inner_text("table")
    page.screenshot(path="/tmp/panels-advancement.png", full_page=True)
    page.check("input[name=accept_unfinal]")
    page.click("button.primary.big")
    page.wait_for_load_state()
    assert "2 名选手晋级" in page.inner_text("main") or "2" in page.inner_text("main")
