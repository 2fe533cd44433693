"""One clock: with the server's own clock far away (TZ=America/Los_Angeles) and the time
just after midnight in Beijing (17:30 UTC, still the 7th in UTC and in Los Angeles),
pages and documents show Beijing dates and times: the jobs list, the audit trail and its
export, heat start times, certificates, the bulletin's 公示日期, the results workbook and
the promotion list. A competition's own time zone setting wins."""
import io
import os
import time
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition import timefmt
from competition.extensions import db
from competition.models import AuditLog, Competition, Heat, Job, Role, Trade, User
from tests.conftest import create_user

NOW = datetime(2026, 12, 7, 17, 30, tzinfo=timezone.utc)     # Beijing: 12-08 01:30
EARLIER = datetime(2026, 12, 7, 16, 10, 5, tzinfo=timezone.utc)  # Beijing: 12-08 00:10:05


@pytest.fixture
def far_away(monkeypatch):
    """The server process in Los Angeles, and the current time 17:30 UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    monkeypatch.setattr(timefmt, "_utc_now", lambda: NOW)
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_stored_times_are_utc_and_shown_in_the_competition_zone(app, far_away):
    naive = datetime(2026, 12, 7, 16, 10)                    # as SQLite hands it back
    assert timefmt.format_local(naive) == "2026-12-08 00:10"
    assert timefmt.format_local(EARLIER, "%H:%M:%S") == "00:10:05"
    assert timefmt.local_today() == date(2026, 12, 8)
    assert timefmt.format_local(None) == ""
    london = Competition(code="L", name="x", year=2026, settings={"timezone": "Europe/London"})
    assert timefmt.local_today(london) == date(2026, 12, 7)
    broken = Competition(code="B", name="x", year=2026, settings={"timezone": "Mars/Base"})
    assert timefmt.zone_name(broken) == "Asia/Shanghai"
    app.config["COMPETITION_TIMEZONE"] = "Asia/Urumqi"
    assert timefmt.zone_name() == "Asia/Urumqi"


def test_sqlite_and_postgresql_hand_back_the_same_instant(app):
    """Stored as UTC; SQLite returns it naive, PostgreSQL aware: the helper reads both."""
    db.session.add(AuditLog(action="t", object_type="x", at=EARLIER))
    db.session.commit()
    db.session.expire_all()
    back = db.session.scalar(select(AuditLog.at))
    assert timefmt.as_utc(back) == EARLIER
    assert timefmt.format_local(back, "%Y-%m-%d %H:%M:%S") == "2026-12-08 00:10:05"


@pytest.fixture
def event(app):
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app)   # the demo, built once per worker


def test_pages_show_beijing_times_whatever_the_servers_clock(event, client, auth, far_away):
    create_user("org", Role.ORGANISER)
    auth.login("org")
    lathe = db.session.scalar(select(Trade).where(Trade.code == "lathe"))
    heat = db.session.scalar(select(Heat).where(Heat.stage_id == lathe.stages[0].id))
    heat.starts_at = NOW
    db.session.add(Job(kind="certificates", created_at=NOW, status="done"))
    db.session.add(AuditLog(action="heat.workstations", object_type="heat", object_id=heat.id,
                            heat_id=heat.id, trade_id=lathe.id, at=EARLIER,
                            old={"workstations": 1}, new={"workstations": 2}))
    db.session.commit()
    jobs = client.get("/admin/documents/").get_data(as_text=True)
    assert "2026-12-08 01:30" in jobs and 'data-timezone="Asia/Shanghai"' in jobs
    stages = client.get(f"/admin/trades/{lathe.code}/stages").get_data(as_text=True)
    assert "2026-12-08 01:30" in stages
    audit = client.get(f"/judge/chief/heat/{heat.id}/audit").get_data(as_text=True)
    assert "2026-12-08 00:10:05" in audit
    export = client.get(f"/judge/chief/heat/{heat.id}/audit.csv")
    assert "2026-12-08 00:10:05" in export.get_data(as_text=True)
    assert "20261208-0130" in export.headers["Content-Disposition"]


def test_documents_carry_beijing_dates(event, far_away):
    from competition.services import documents as docs
    from competition.services import promotions
    from competition.services.promotions.documents import export_data
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    lathe = db.session.scalar(select(Trade).where(Trade.code == "lathe"))
    cert = docs.issue_certificates(lathe, admin)[0]
    assert cert.data["date"] == "2026年12月8日"
    lathe.results_published_at = EARLIER
    db.session.commit()
    assert docs.bulletin_data(lathe).published_on == date(2026, 12, 8)
    data = docs.results_data(event)
    assert data.generated_at == "2026-12-08 01:30"
    buf = io.BytesIO()
    docs.write_results_workbook(event, buf, data)
    cells = [c for ws in load_workbook(io.BytesIO(buf.getvalue())).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "生成时间：2026-12-08 01:30" in cells
    promotions.propose(lathe, admin)
    promotions.confirm(lathe, admin, results_not_final={"test": True})
    assert export_data(event).date == date(2026, 12, 8)
    event.settings = {**(event.settings or {}), "timezone": "Europe/London"}
    db.session.commit()
    assert docs.results_data(event).generated_at == "2026-12-07 17:30"


def test_a_heat_start_typed_by_the_organiser_is_beijing_time(app, client, auth, far_away):
    from competition.models import Stage
    comp = Competition(code="T", name="测试赛", year=2026)
    lathe = Trade(competition=comp, code="lathe", name="车工", rule_file="lathe.toml",
                  rule_text="")
    stage = Stage(trade=lathe, name="决赛")
    db.session.add_all([comp, lathe, stage])
    db.session.commit()
    create_user("org", Role.ORGANISER)
    auth.login("org")
    client.post(f"/admin/stages/{stage.id}/heats", data={
        "name": "第一场", "workstations": "10", "starts_at": "2026-12-08T01:30"})
    heat = db.session.scalar(select(Heat).where(Heat.stage_id == stage.id))
    assert timefmt.as_utc(heat.starts_at) == NOW
    page = client.get(f"/admin/trades/{lathe.code}/stages").get_data(as_text=True)
    assert "2026-12-08 01:30" in page
