"""The 回避 reassignment form on a 1024 px tablet: a criterion's name stays on one line
(it broke mid-word, 咬/边) and the dropdowns start in one column (they started at ragged
positions)."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import JudgeAssignment
from tests.e2e.pages import sign_in
from tests.factories import build_event


def test_the_reassignment_form_is_a_grid_of_one_line_labels(live_server, new_page):
    ev = build_event(n_entries=6, n_judges=3, blind=False, code="coigrid")
    j1 = ev["judges"][0]
    j1.employer, j1.display_name, j1.trade_id = "示例县第1机械厂", "张裁判", ev["trade"].id
    db.session.delete(db.session.scalar(select(JudgeAssignment).where(JudgeAssignment.user_id == j1.id)))
    db.session.commit()
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}")
    page.check(f"input[name=judge][value='{j1.id}']")
    page.click("text=保存分配")
    page.wait_for_load_state()
    box = page.locator("#conflicts")
    box.screenshot(path="/tmp/qa-conflicts-1024.png")
    names = box.locator(".crit-name")
    assert names.count() == 4
    for i in range(names.count()):          # one line each
        height, line = names.nth(i).evaluate(
            "e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)"
            " || 1.5 * parseFloat(getComputedStyle(e).fontSize)]")
        assert height < 1.5 * line + 16, names.nth(i).inner_text()
    lefts = {round(box.locator("select").nth(i).bounding_box()["x"]) for i in range(4)}
    assert len(lefts) == 1
