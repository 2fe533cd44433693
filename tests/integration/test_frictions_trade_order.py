"""Issue 18: trades are listed in a Chinese order (the event's own, else pinyin), not in
the order of their English codes or ids, on the organiser's, public and screen pages and
in the exports. 车工 (lathe) was created first; 安全知识竞赛 (quiz) sorts before it."""
import pytest

from competition.extensions import db
from competition.models import Competition
from competition.services import documents

from ._registration_setup import setup_event


@pytest.fixture
def ev(app):
    return setup_event()


def _before(page: str, first: str, second: str) -> bool:
    assert first in page and second in page, (first, second)
    return page.index(first) < page.index(second)


def test_pages_list_trades_by_pinyin(client, auth, ev):
    auth.login("org")
    for path in ("/", "/admin/", "/admin/live/", "/screen/", "/admin/registration/",
                 "/admin/rules/", "/admin/users/", "/admin/schedule/", "/admin/appeals/"):
        page = client.get(path).get_data(as_text=True)
        assert _before(page, "安全知识竞赛", "车工"), path
    assert [t["code"] for t in client.get("/api/trades").get_json()] == ["quiz", "lathe"]


def test_the_events_own_order_wins(client, auth, ev):
    comp = db.session.get(Competition, ev["competition"].id)
    comp.settings = {**(comp.settings or {}), "trade_order": ["lathe", "quiz"]}
    db.session.commit()
    auth.login("org")
    for path in ("/", "/admin/live/", "/screen/"):
        assert _before(client.get(path).get_data(as_text=True), "车工", "安全知识竞赛"), path


def test_exports_list_trades_by_pinyin(ev):
    comp = ev["competition"]
    assert [t.name for t in documents.results_data(comp).trades][:2] == ["安全知识竞赛", "车工"]
