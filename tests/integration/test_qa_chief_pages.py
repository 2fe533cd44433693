"""What a chief judge reads on the heat and entry pages: judges by their names (not their
log-in names), criteria by their names in the rule's order (not the rule's internal keys)."""
import html
import json
import re

import pytest

from competition.extensions import db
from competition.services import marks as mark_service
from tests.factories import build_event


@pytest.fixture
def event(app):
    ev = build_event(n_entries=2, n_judges=3)
    for k, judge in enumerate(ev["judges"], start=1):
        judge.display_name = f"测试裁判{k}号"
    db.session.commit()
    return ev


def mark(ev, judge_no, criterion, value, entry_no=0):
    mark_service.record_mark(ev["judges"][judge_no], entry_id=ev["entries"][entry_no].id,
                             address=criterion, value=value,
                             client_id=f"qa-{judge_no}-{entry_no}-{criterion}".replace(".", "_"))


def cells(html):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_a_discrepancy_names_the_judge_as_the_chief_knows_them(event, client, auth):
    mark(event, 0, "work", "50")
    mark(event, 1, "work", "50")
    mark(event, 2, "work", "30")          # 20 below the others; the rule flags > 10
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    flagged = page[page.index("flag"):]
    assert "测试裁判3号" in flagged
    assert event["judges"][2].username not in cells(flagged)


def test_the_entry_page_lists_marks_by_name_in_the_rules_order(event, client, auth):
    mark(event, 0, "steps.prepare", "1")
    mark(event, 0, "work", "40")
    mark(event, 1, "work", "42")
    auth.login(event["chief"].username)
    url = f"/judge/chief/heat/{event['heat'].id}/entry/{event['entries'][0].id}"
    page = client.get(url).get_data(as_text=True)
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    names = [c for c in cells(table) if c in ("作品质量", "准备工作")]
    assert names == ["作品质量", "作品质量", "准备工作"]      # work before steps, as in the rule
    visible = re.sub(r"<[^>]+>", " ", page)          # what the chief reads, not attributes
    for key in ("steps.prepare", "work", "exam"):
        assert key not in visible, key
    assert "测试裁判1号" in table and "测试裁判2号" in table
    assert event["judges"][0].username not in cells(table)
    # the "add a mark" form offers the judges by name too
    assert re.search(r'<option value="\d+">测试裁判1号</option>', page)


def test_signing_off_with_a_flagged_mark_says_so_first(event, client, auth):
    mark(event, 0, "work", "50")
    mark(event, 1, "work", "50")
    mark(event, 2, "work", "30")          # flagged, never corrected
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    raw = re.search(r"window\.confirm\((.*?)\)\"", page).group(1)
    confirm = json.loads(html.unescape(raw))      # what the browser's dialog says
    assert "有 1 项评分与其他裁判的差值超出细则允许范围" in confirm
    assert "项评分未录入" in confirm and "仍要签字确认吗" in confirm
    assert "有 1 项评分与其他裁判的差值超出细则允许范围（见“评分差异”）。</strong>" in page
