"""回避 in Chromium (issue 17): the chief judge ticks a judge who works for two contestants'
employer, is warned by name before anything is saved, gives that judge's criteria for those
two to another judge and saves; the judges' tablets then follow it (the judge standing
aside no longer has those lots; the substitute has only them, and can mark them).
Screenshots: /tmp/conflict-*.png."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import JudgeAssignment, PanelSubstitution, Role
from tests.conftest import create_user
from tests.e2e.pages import sign_in
from tests.factories import build_event

HOME = "示例县第1机械厂"     # contestants 1 and 4 of 6


def test_the_chief_is_warned_and_reassigns_the_criteria_for_those_contestants(live_server, new_page):
    ev = build_event(n_entries=6, n_judges=3, blind=False, code="coi")
    j1 = ev["judges"][0]
    j1.employer, j1.display_name, j1.trade_id = HOME, "张裁判", ev["trade"].id
    db.session.delete(db.session.scalar(select(JudgeAssignment).where(JudgeAssignment.user_id == j1.id)))
    spare = create_user("spare_coi", Role.JUDGE, display_name="李裁判", employer="示例县第9机械厂",
                        trade_id=ev["trade"].id)
    db.session.commit()
    heat = ev["heat"]
    page = new_page(1280, 900)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/judge/chief/heat/{heat.id}")
    page.check(f"input[name=judge][value='{j1.id}']")
    page.click("text=保存分配")
    page.wait_for_load_state()
    # warned by name, before saving: nothing stored
    text = page.inner_text("main")
    assert "应当回避" in text and "张裁判" in text and "001 测试选手1" in text and "004 测试选手4" in text
    assert not db.session.scalars(select(PanelSubstitution)).all()
    db.session.expire_all()
    assert j1.id not in {a.user_id for a in heat.assignments}
    box = page.locator("#conflicts")
    assert "张裁判 与以下选手同在 示例县第1机械厂" in box.inner_text()
    assert page.is_checked(f"input[name=judge][value='{j1.id}']")     # what was ticked is kept
    page.screenshot(path="/tmp/conflict-warning.png", full_page=True)
    selects = box.locator("select")
    assert selects.count() == 4             # 理论考试, 作品质量, 操作步骤, 安全文明生产
    for i in range(selects.count()):
        selects.nth(i).select_option(label="改派：李裁判")
    page.click("text=保存分配")
    page.wait_for_load_state()
    assert "裁判分配已保存。" in page.inner_text("body")
    db.session.expire_all()
    subs = db.session.scalars(select(PanelSubstitution)).all()
    assert {(s.entry_id, s.substitute_id) for s in subs} == \
        {(e.id, spare.id) for e in (ev["entries"][0], ev["entries"][3])} and len(subs) == 8
    assert j1.id in {a.user_id for a in heat.assignments}
    # the stored choice is shown
    assert page.locator("#conflicts select").first.input_value() == str(spare.id)
    page.screenshot(path="/tmp/conflict-reassigned.png", full_page=True)

    # the tablets: judge 1 without lots 001 and 004, the substitute with only them
    tablet = new_page(1024, 768)
    sign_in(tablet, live_server.url, j1.username)
    tablet.goto(f"{live_server.url}/judge/heat/{heat.id}")
    lots = tablet.locator(".entry-tile").all_inner_texts()
    assert not any("001" in t or "004" in t for t in lots) and len(lots) == 4
    sub_tablet = new_page(1024, 768)
    sign_in(sub_tablet, live_server.url, spare.username)
    assert f"/judge/heat/{heat.id}" in sub_tablet.content()       # the heat is on their home page
    sub_tablet.goto(f"{live_server.url}/judge/heat/{heat.id}")
    lots = sub_tablet.locator(".entry-tile").all_inner_texts()
    assert len(lots) == 2 and "001" in lots[0] and "004" in lots[1]
    sub_tablet.screenshot(path="/tmp/conflict-substitute-tablet.png", full_page=True)


def test_a_criterion_reassigned_for_one_lot_is_hidden_there_and_marked_by_the_substitute(live_server, new_page):
    """Only 作品质量 of lots 001 and 004 is given away: judge 1's tablet hides it on those
    lots (and does not count it as missing), the substitute marks it and it is stored."""
    from competition.models import Mark
    from competition.services.heats import assign_judges
    ev = build_event(n_entries=6, n_judges=3, blind=False, code="coip")
    j1 = ev["judges"][0]
    j1.employer = HOME
    spare = create_user("spare_coip", Role.JUDGE, display_name="李裁判", employer="示例县第9机械厂")
    db.session.commit()
    assign_judges(ev["chief"], ev["heat"].id, {j.id: None for j in ev["judges"]},
                  substitutes={(j1.id, "work"): spare.id}, conflict_reason="其余评分项不涉及主观评判")
    home, away = ev["entries"][0], ev["entries"][1]
    tablet = new_page(1024, 768)
    sign_in(tablet, live_server.url, j1.username)
    tablet.goto(f"{live_server.url}/judge/heat/{ev['heat'].id}")
    tablet.click(f'.entry-tile[data-entry="{home.id}"]')
    tablet.wait_for_selector("#score-form:not([hidden])")
    assert tablet.is_hidden('fieldset[data-criterion="work"]')
    assert "该选手的“作品质量”由 李裁判 评分" in tablet.inner_text('[data-field="aside"]')
    assert tablet.is_visible('fieldset[data-criterion="exam"]')
    tablet.screenshot(path="/tmp/conflict-partial-judge.png", full_page=True)
    tablet.click(f'.entry-tile[data-entry="{away.id}"]')
    assert tablet.is_visible('fieldset[data-criterion="work"]')
    assert tablet.is_hidden('[data-field="aside"]')
    sub = new_page(1024, 768)
    sign_in(sub, live_server.url, spare.username)
    sub.goto(f"{live_server.url}/judge/heat/{ev['heat'].id}")
    sub.click(f'.entry-tile[data-entry="{home.id}"]')
    sub.wait_for_selector("#score-form:not([hidden])")
    assert sub.is_visible('fieldset[data-criterion="work"]') and sub.locator("fieldset.crit").count() == 1
    sub.fill('.slot[data-key="work#1"] .slot-value', "45")
    sub.click("#save-marks")
    sub.wait_for_function("() => document.getElementById('unsent-count').textContent === '0'", timeout=20000)
    stored = db.session.scalar(select(Mark).where(Mark.entry_id == home.id, Mark.judge_id == spare.id))
    assert stored is not None and stored.value == "45"
