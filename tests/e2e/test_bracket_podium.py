"""A decided knockout on the LED bracket screen: the champion and the top places with their
awards (the podium of the award ceremony), fitted to a 1920x480 strip and a 768x384 panel."""
import pytest

from competition.extensions import db
from competition.models import Match
from competition.services import brackets as bsvc
from tests.e2e.test_brackets_screen import fits, quiz_bracket

pytestmark = pytest.mark.e2e


def play_all(bracket, organiser):
    while True:
        ready = [m for m in db.session.scalars(db.select(Match).where(
            Match.bracket_id == bracket.id).order_by(Match.round, Match.slot))
            if m.status == "pending" and m.entry_a_id and m.entry_b_id]
        if not ready:
            return
        bsvc.record_result(ready[0], 3, 1, organiser)


@pytest.mark.parametrize("width, height", [(1920, 480), (768, 384)])
def test_the_led_bracket_shows_the_podium_once_decided(live_server, new_page, width, height,
                                                      tmp_path):
    ev, bracket = quiz_bracket()
    play_all(bracket, ev["organiser"])
    ranking = bsvc.bracket_view(bracket)["ranking"]
    screen = new_page(width, height)
    screen.goto(f"{live_server.url}/screen/bracket/{bracket.id}")
    screen.wait_for_function("document.getElementById('bracket').dataset.parts")
    places = screen.locator(".podium .place").all_inner_texts()
    assert [p.split()[0] for p in places] == ["1", "2", "3", "4"]
    assert ranking[0]["name"] in places[0] and "一等奖" in places[0]
    assert fits(screen) == [True, True, True]
    screen.screenshot(path=str(tmp_path / f"podium-{width}.png"))
