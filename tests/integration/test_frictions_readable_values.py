"""Issue 18: values as a person reads them on the chief judge's entry page and in the
results workbook's marks-detail sheet: a completion time as 8:20 (not 500 seconds), a
checklist item as ✓/✗ (not 1/0). Display only: SQLite."""
import io

import pytest
from openpyxl import load_workbook

from competition.config import PROJECT_ROOT
from competition.extensions import db
from competition.models import Mark, Trade
from competition.services.standings import trade_changed
from tests.factories import build_event

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def ev(app):
    ev = build_event(n_entries=2, blind=False)
    trade = db.session.get(Trade, ev["trade"].id)
    trade.rule_file = "bus_driver.toml"
    trade.rule_text = (PROJECT_ROOT / "scoring_rules" / "bus_driver.toml").read_text("utf-8")
    entry, judge = ev["entries"][0], ev["judges"][0]
    for criterion, value in (("course_time", "500"), ("precheck.tyres", "1"),
                             ("precheck.lights", "0"), ("theory_exam", "88")):
        db.session.add(Mark(entry_id=entry.id, judge_id=judge.id, criterion=criterion,
                            value=value))
    db.session.commit()
    trade_changed(trade.id)
    return ev


def test_the_chief_reads_times_and_checklist_items(client, auth, ev):
    auth.login(ev["organiser"].username)
    page = client.get(f"/judge/chief/heat/{ev['heat'].id}/entry/{ev['entries'][0].id}")
    assert page.status_code == 200
    cells = page.get_data(as_text=True)
    assert ">8:20" in cells and "✓" in cells and "✗" in cells
    assert '<td class="num">500' not in cells and '<td class="num">1\n' not in cells
    assert '<td class="num">88' in cells


def test_the_marks_detail_sheet_reads_the_same(client, auth, ev):
    auth.login(ev["organiser"].username)
    resp = client.get("/admin/documents/results.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    detail = {(r[3], r[6]) for r in wb["评分明细"].iter_rows(min_row=3, values_only=True)}
    values = {v for _, v in detail}
    assert "8:20" in values and "✓" in values and "✗" in values and 88 in values
    assert 500 not in values


def test_the_chief_corrects_a_time_as_read(client, auth, ev):
    auth.login(ev["chief"].username)
    url = f"/judge/chief/heat/{ev['heat'].id}/entry/{ev['entries'][0].id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="value" value="8:20"' in page and 'name="expected" value="500"' in page
    mark = db.session.scalar(db.select(Mark).where(Mark.criterion == "course_time"))
    resp = client.post(f"/judge/chief/heat/{ev['heat'].id}/correct",
                       data={"mark_id": mark.id, "entry_id": ev["entries"][0].id,
                             "kind": "correction", "expected": "500", "value": "8:30",
                             "reason": "复核计时录像"})
    assert resp.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Mark, mark.id).value == "510"
    assert ">8:30" in client.get(url).get_data(as_text=True)
