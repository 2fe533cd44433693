"""The champion line of the staff bracket page and of the LED bracket (/screen/bracket/<id>)
reads 冠军：<name> with a full-width colon, as the public results page does (it was
"冠军: " with an ASCII colon and a space)."""
from sqlalchemy import select

from competition.demo_teams import QUIZ_TRADE
from competition.extensions import db
from competition.models import User
from tests.demo_cache import load_demo_cached
from tests.e2e.pages import sign_in
from tests.integration.test_bracket_results_demo import finish


def test_the_champion_line_has_a_full_width_colon(live_server, new_page):
    comp = load_demo_cached(live_server.app)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    quiz = next(t for t in comp.trades if t.code == QUIZ_TRADE)
    bracket = finish(quiz, admin)
    db.session.commit()
    page = new_page(1366, 768)
    page.goto(f"{live_server.url}/screen/bracket/{bracket.id}")
    page.wait_for_selector("#bracket p.champion")
    led = page.inner_text("#bracket p.champion")
    assert led.startswith("★ 冠军：") and ": " not in led
    sign_in(page, live_server.url, "admin", "demo-admin")
    page.goto(f"{live_server.url}/brackets/{bracket.id}")
    staff = page.inner_text("p.champion")
    assert staff.startswith("★ 冠军：") and ": " not in staff
