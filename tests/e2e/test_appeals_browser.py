"""An appeal in Chromium at 1366x768 and on a phone (issue 18): the organiser files it, the arbitration
panel takes it up, re-scores a mark and upholds it; the page shows the linked re-score."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Appeal, Mark, Role
from competition.services import marks as mark_service
from tests.conftest import create_user
from tests.e2e.pages import sign_in
from tests.factories import build_event

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS", "/tmp")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_filing_reviewing_rescoring_and_deciding_an_appeal(app, live_server, new_page, size):
    ev = build_event(n_entries=3, n_judges=1)
    create_user("arb", Role.ARBITRATION, display_name="仲裁组王某")
    entry = ev["entries"][1]
    mark_service.record_mark(ev["judges"][0], entry_id=entry.id, address="work", value="40",
                             client_id="appeal-e2e-0001")
    db.session.commit()
    page = new_page(*size)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/appeals/")
    assert page.locator("nav >> text=申诉").count() >= 1          # in the organiser's menu
    page.select_option("select[name=trade]", "mini")
    page.fill("input[name=entry]", entry.lot_number)
    page.fill("textarea[name=grounds]", "作品质量评分明显偏低，请求复核")
    page.click("text=登记申诉 >> nth=-1")
    page.wait_for_load_state()
    assert "申诉 #1 已登记" in page.inner_text("body")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/appeal-filed-{size[0]}.png", full_page=True)
    assert "已登记" in page.inner_text("dd.status")
    page.context.clear_cookies()

    sign_in(page, live_server.url, "arb")
    page.goto(f"{live_server.url}/admin/appeals/1")
    page.click("text=开始复核 >> nth=-1")
    page.wait_for_load_state()
    assert "复核中" in page.inner_text("dd.status")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/appeal-review-{size[0]}.png", full_page=True)
    row = page.locator("table.marks tbody tr").first
    row.locator("input[name=value]").fill("52")
    row.locator("input[name=reason]").fill("复看作品后更正")
    row.locator("button").click()
    page.wait_for_load_state()
    assert "52" in page.inner_text("table.rescorings")
    page.check("input[value=upheld]")
    page.fill("textarea[name=reason]", "原评分有误，申诉成立")
    page.click("text=记录裁决")
    page.wait_for_load_state()
    assert "申诉成立" in page.inner_text("dd.status")
    assert "原评分有误" in page.inner_text("dd.decision")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/appeal-{size[0]}.png", full_page=True)
    page.goto(f"{live_server.url}/admin/appeals/")
    assert "申诉成立" in page.inner_text("table.appeals")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=f"{SHOTS}/appeals-list-{size[0]}.png", full_page=True)
    db.session.expire_all()
    assert db.session.scalars(select(Appeal)).one().status == "upheld"
    assert db.session.scalars(select(Mark).where(Mark.entry_id == entry.id)).one().value == "52"
