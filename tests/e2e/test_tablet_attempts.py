"""The tablet and the chief judge's page with issue 16's constructs, in Chromium at tablet
size (1024x768), SQLite only (nothing here depends on the database): a routine performed
twice with its difficulty and a restart declared per attempt, units beside the inputs,
another judge's value of a one-mark criterion shown read-only with who entered it, and
the WorldSkills spread limit naming who must re-mark. Screenshots: /tmp/attempts-*.png."""
import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark
from competition.services import marks as mark_service
from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e


def slot(key):
    return f'.slot[data-key="{key}"]'


def give(ev, judge, entry, address, value, attempt=1):
    mark_service.record_mark(ev["judges"][judge], entry_id=ev["entries"][entry].id,
                             address=address, value=value, attempt=attempt,
                             client_id=f"e2e-{judge}-{entry}-{address}-{attempt}"
                             .replace("@", "-").replace(".", "-"))


def test_a_judge_enters_each_attempts_declared_values_and_re_marks(live_server, new_page):
    ev = build_event(n_entries=2, n_judges=3, rule_file="attempts_rule.toml",
                     code="attempts", blind=False)
    give(ev, 1, 0, "pieces", "12")                 # judge 2 enters the one-mark count
    for j, v in ((1, "3"), (2, "3")):
        give(ev, j, 0, "aspect", v)
    give(ev, 0, 0, "aspect", "1")                  # 1, 3, 3: judge 1 must re-mark
    entry = ev["entries"][0]
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["judges"][0].username)
    page.goto(f"{live_server.url}/judge/heat/{ev['heat'].id}")
    page.click(f'.entry-tile[data-entry="{entry.id}"]')
    page.wait_for_selector("#score-form:not([hidden])")
    # attempts grouped, each with its own difficulty and restart
    heads = page.locator(".crit-judged .attempt-head").all_inner_texts()
    assert heads[:2] == ["第 1 次", "第 2 次"]
    assert page.locator(f'{slot("routine@difficulty#2")} .slot-value').is_visible()
    # units beside the inputs
    assert page.inner_text(f'{slot("theory#1")} .slot-unit') == "分"
    # another judge's count: shown, read-only, who entered it
    assert page.input_value(f'{slot("pieces#1")} .slot-value') == "12"
    assert page.is_disabled(f'{slot("pieces#1")} .slot-value')
    assert ev["judges"][1].username in page.inner_text(f'{slot("pieces#1")} .slot-note')
    assert page.inner_text(f'{slot("pieces#1")} .slot-unit') == "件"
    # the spread limit: judge 1's 1 is outside
    note = page.inner_text(f'{slot("aspect#1")} .slot-note')
    assert "重新评分" in note and "超过 1" in note
    assert "needs-remark" in page.get_attribute(slot("aspect#1"), "class")
    page.screenshot(path="/tmp/attempts-tablet.png", full_page=True)
    for key, value in (("routine#1", "8"), ("routine#2", "7"), ("routine@difficulty#1", "2.0"),
                       ("routine@difficulty#2", "2.5"), ("routine@restart#2", "1")):
        page.fill(f"{slot(key)} .slot-value", value)
    page.click(f'{slot("aspect#1")} .choice[data-value="2"]')
    page.click("#save-marks")
    page.wait_for_function(
        "() => document.getElementById('unsent-count').textContent === '0'", timeout=20000)
    # the re-mark is in: the note goes once the tablet re-reads the sheet
    page.wait_for_function(
        "() => !document.querySelector('.slot[data-key=\"aspect#1\"]')"
        ".classList.contains('needs-remark')", timeout=20000)
    rows = {(m.criterion, m.attempt): m.value for m in db.session.scalars(
        select(Mark).where(Mark.entry_id == entry.id,
                           Mark.judge_id == ev["judges"][0].id))}
    assert rows == {("routine", 1): "8", ("routine", 2): "7",
                    ("routine@difficulty", 1): "2", ("routine@difficulty", 2): "2.5",
                    ("routine@restart", 2): "1", ("aspect", 1): "2"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 1
    page.screenshot(path="/tmp/attempts-tablet-saved.png", full_page=True)


def test_the_chief_sees_who_must_re_mark_held_parts_and_ranks_by_lot(live_server, new_page):
    ev = build_event(n_entries=2, n_judges=3, rule_file="attempts_rule.toml",
                     code="attempts", blind=False)
    for e in range(2):                     # equal marks: a tie the lot decides
        for a, dd in ((1, "2.0"), (2, "2.5")):
            for j in range(3):
                give(ev, j, e, "routine", "8", attempt=a)
            give(ev, 0, e, "routine@difficulty", dd, attempt=a)
        give(ev, 1, e, "pieces", "12")
        give(ev, 2, e, "theory", "80")
    for j, v in enumerate(("1", "3", "3")):
        give(ev, j, 1, "aspect", v)
    for j in range(3):
        give(ev, j, 0, "aspect", "2")
    ev["stage"].draw_seed = "e2e-draw-seed"
    db.session.commit()
    page = new_page(1024, 768)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}")
    remarks = page.inner_text("#remarks")
    assert "须重新评分" in remarks and ev["judges"][0].username in remarks
    assert "2 > 1" in remarks
    text = page.inner_text("main")
    assert "组评分须重新评分" in text             # the sign-off warning says so
    # entry 2's aspect (1, 3, 3) differs from entry 1's (2, 2, 2): no tie yet
    assert page.locator(".result-flags").count() == 2
    assert "名次并列" not in page.inner_text("main")
    page.screenshot(path="/tmp/attempts-chief-heat.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 1
    mark_service.record_mark(ev["judges"][0], entry_id=ev["entries"][1].id,
                             address="aspect", value="2", client_id="e2e-remark-0001")
    for j in (1, 2):
        mark_service.record_mark(ev["judges"][j], entry_id=ev["entries"][1].id,
                                 address="aspect", value="2", client_id=f"e2e-remark-{j}")
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}")
    assert page.locator("#remarks").count() == 0
    assert page.inner_text("main").count("名次并列，抽签决定") == 2
    page.screenshot(path="/tmp/attempts-chief-lot.png", full_page=True)
    # the chief adds a per-attempt adjustment from the entry's page: the attempt is chosen
    page.goto(f"{live_server.url}/judge/chief/heat/{ev['heat'].id}/entry/{ev['entries'][0].id}")
    form = page.locator("form:has(select[name=attempt])")
    form.locator("select[name=criterion]").select_option("bonus")
    form.locator("select[name=attempt]").select_option("2")
    form.locator("input[name=value]").fill("1.5")
    form.locator("input[name=reason]").fill("风力补偿，第2次")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "更正已记录" in page.inner_text("main") or "已记录" in page.inner_text("main")
    stored = db.session.scalars(select(Mark).where(Mark.criterion == "bonus")).all()
    assert [(m.attempt, m.value) for m in stored] == [(2, "1.5")]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024 + 1
    page.screenshot(path="/tmp/attempts-chief-entry.png", full_page=True)
    # and cannot add an aspect mark of its own: refused, naming the judges who mark it
    form = page.locator("form:has(select[name=attempt])")
    form.locator("select[name=criterion]").select_option("aspect")
    form.locator("input[name=value]").fill("2")
    form.locator("input[name=reason]").fill("补录评分")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    alert = page.inner_text("[role=alert]")
    assert ev["judges"][0].username in alert and "超出评分组" in alert
