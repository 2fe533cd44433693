"""Deleting a stage in Chromium: the confirmation names the stage (even one with a quote
in its name), cancelling keeps it, accepting deletes it; a stage with marks offers no
delete button but says why. Screenshot: /tmp/stages-delete.png."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark, Stage
from competition.services import draws
from tests.e2e.pages import sign_in
from tests.factories import build_event


def test_delete_a_stage_in_the_browser(live_server, new_page):
    ev = build_event(n_entries=2)
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    extra = draws.create_stage(ev["trade"], "加赛'A", ev["organiser"])
    extra_id = extra.id
    page = new_page(1280, 900)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/trades/mini/stages")
    assert "本赛段已录入成绩，不能删除。" in page.inner_text("main")
    assert page.locator("button:has-text('删除本赛段')").count() == 1
    seen = []
    page.once("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    page.click("button:has-text('删除本赛段')")
    assert seen == ["删除赛段“加赛'A”及其场次和抽签结果？"]
    db.session.expire_all()
    assert db.session.get(Stage, extra_id) is not None
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('删除本赛段')")
    page.wait_for_load_state()
    assert "赛段“加赛'A”已删除。" in page.inner_text("main")
    page.screenshot(path="/tmp/stages-delete.png", full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(Stage).where(Stage.id == extra_id)) is None
