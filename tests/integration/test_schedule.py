"""The schedule across trades and venues (issue 18): conflicts shown before they happen,
and the downloads a clerk prints."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import openpyxl
import pypdf

from competition.extensions import db
from competition.models import Heat, JudgeAssignment
from competition.services.schedule import competition_schedule
from tests.factories import build_event

# 2026-12-08 09:00 and 10:00 in Beijing
NINE = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)
TEN = datetime(2026, 12, 8, 2, 0, tzinfo=timezone.utc)


def two_trades_at_once():
    """Two trades' heats overlapping at two venues; the lathe's judge 1 also judges the
    fitters; build_event's contestants 1 and 2 are the same people (ID numbers) in both."""
    a = build_event(n_entries=3, n_judges=2, code="lathe")
    b = build_event(n_entries=2, n_judges=1, code="fitter", competition=a["competition"])
    a["heat"].starts_at, b["heat"].starts_at = NINE, TEN
    b["heat"].venue = "示例县供电公司培训中心"
    db.session.add(JudgeAssignment(heat_id=b["heat"].id, user_id=a["judges"][0].id))
    empty = Heat(stage_id=b["stage"].id, seq=2, name="第2场", venue="示例县供电公司培训中心", workstations=10)
    db.session.add(empty)
    db.session.commit()
    return a, b


def test_the_conflicts_are_named(app):
    a, b = two_trades_at_once()
    words = [w for _c, w in competition_schedule(a["competition"]).conflicts]
    judge = a["judges"][0].display_name
    assert any(w.startswith(f"Judge {judge} is in two heats at once") for w in words)
    assert any("ID number ending" in w and a["entries"][0].contestant.id_number[-4:] in w for w in words)
    assert any("第2场 has no judges assigned" in w for w in words)
    assert any("第2场 has no start time" in w for w in words)


def test_the_organiser_sees_the_calendar_by_day_venue_and_list(app, client, auth):
    a, _b = two_trades_at_once()
    auth.login(a["organiser"].username)
    html = client.get("/admin/schedule/").get_data(as_text=True)
    assert "2026年12月8日" in html and "09:00–11:00" in html and "10:00–12:00" in html
    assert "同时在两个场次" in html and "尚未分配裁判" in html
    assert "示例县供电公司培训中心" in client.get("/admin/schedule/?view=venue").get_data(as_text=True)
    assert client.get("/admin/schedule/?view=list").status_code == 200


def test_the_workbook_has_a_sheet_per_day_and_per_venue(app, client, auth):
    a, _b = two_trades_at_once()
    auth.login(a["organiser"].username)
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/admin/schedule/schedule.xlsx").data))
    assert wb.sheetnames == ["2026年12月8日", "未排时间", "示例县供电公司培训中心", "示例县职业技术学校"]
    rows = list(wb["2026年12月8日"].iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["09:00–11:00", "10:00–12:00"]
    assert rows[0][6] == "3/20" and "同时在两个场次" in rows[0][9]


def test_the_pdf_prints_each_day(app, client, auth):
    a, _b = two_trades_at_once()
    auth.login(a["organiser"].username)
    response = client.get("/admin/schedule/schedule.pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "日程表" in text and "2026年12月8日" in text and "未排时间" in text
    venue = client.get("/admin/schedule/schedule.pdf?by=venue")
    assert "示例县供电公司培训中心" in "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(venue.data)).pages)
