"""The demo's heats have start times and venues (QA walk-through): /admin/schedule/ had
"尚未安排时间" for all 66 heats, /admin/venues/ showed no heat today and the venue's LED
page showed nothing. Now they run over a few days from today, without conflicts."""
import pytest
from sqlalchemy import select

from competition.demo import DemoSize
from competition.extensions import db
from competition.models import Competition
from competition.services.schedule import competition_schedule
from competition.services.venues import venue_day, venues
from competition.timefmt import local_today
from tests.conftest import create_user
from tests.demo_cache import load_demo_cached

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_the_demo_schedule_has_times_venues_and_no_conflicts(app, client, auth):
    load_demo_cached(app, DemoSize())          # as `flask demo` loads it
    comp = db.session.scalar(select(Competition))
    schedule = competition_schedule(comp)
    assert len(schedule.rows) == 66
    assert all(r.start is not None and r.heat.venue for r in schedule.rows)
    assert schedule.conflicts == []
    days = sorted({r.start.date() for r in schedule.rows})
    assert days[0] == local_today(comp) and 2 <= len(days) <= 5
    assert len({r.heat.venue for r in schedule.rows}) == 3
    today = venues(comp)
    assert sum(v.today for v in today) >= 12 and all(v.today for v in today)
    vd = venue_day(comp, "示例县职业技术学校实训楼")
    assert vd.heats and vd.screen_trades and vd.judges
    create_user("qa_admin", "organiser")
    auth.login("qa_admin")
    page = client.get("/admin/schedule/").get_data(as_text=True)
    assert "尚未安排时间" not in page
    led = client.get("/screen/venue/示例县职业技术学校实训楼")
    assert led.status_code == 200
    assert vd.screen_trades[0].name in led.get_data(as_text=True)
