"""QA walk-through: the screens page's layout=leaders example is the trade with the most
contestants (it linked to the first trade in order), and the draw page of a stage with
marks links to the late-entrant page, which seats several at once (its note said each late
entrant is seated one by one, 逐一)."""
import pytest
from sqlalchemy import select

from competition.demo import BIG_TRADE, DemoSize
from competition.extensions import db
from competition.models import Stage, Trade
from competition.trade_order import in_order
from tests.conftest import create_user
from tests.demo_cache import load_demo_cached

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_the_leaders_example_and_the_late_entrants_note(app, client, auth):
    comp = load_demo_cached(app, DemoSize())
    assert in_order(comp.trades, comp)[0].code != BIG_TRADE
    create_user("org_polish", "organiser")
    auth.login("org_polish")
    page = client.get("/screen/").get_data(as_text=True)
    leaders = page.split('id="layout-leaders"', 1)[1].split("</section>", 1)[0]
    assert f"/screen/trade/{BIG_TRADE}?layout=leaders" in leaders
    lathe = db.session.scalar(select(Trade).where(Trade.code == BIG_TRADE))
    stage = db.session.scalar(select(Stage).where(Stage.trade_id == lathe.id, Stage.seq == 1))
    draw = client.get(f"/admin/stages/{stage.id}/draw").get_data(as_text=True)
    note = draw.split('id="draw-closed"', 1)[1].split("</p>", 1)[0]
    assert f'href="/admin/stages/{stage.id}/seat-late"' in note
    assert "逐一" not in note and "一次安排多名" in note
