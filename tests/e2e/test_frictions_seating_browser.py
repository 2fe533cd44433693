"""Issue 18 in Chromium: the organiser seats three late entrants at once (untick one,
choose the heat, one reason), on a laptop and on a phone. Screenshots to $SCREENSHOTS."""
import os

import pytest

from competition.extensions import db
from competition.models import Contestant, Entry
from tests.e2e.pages import sign_in
from tests.factories import build_event, fake_id_number

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_seating_a_selection_of_late_entrants(live_server, new_page, size):
    ev = build_event(n_entries=3, blind=False)
    late = []
    for i in range(3):
        c = Contestant(competition_id=ev["competition"].id, trade_id=ev["trade"].id,
                       name=f"补报选手{i + 1}", gender="女", id_number=fake_id_number(50 + i),
                       employer="示例县第一纺织厂")
        db.session.add(c)
        db.session.flush()
        e = Entry(stage_id=ev["stage"].id, contestant_id=c.id)
        db.session.add(e)
        late.append(e)
    db.session.commit()
    page = new_page(*size)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/stages/{ev['stage'].id}/seat-late")
    assert page.is_checked("[data-all]")
    page.uncheck(f"input[name=entry_ids][value='{late[2].id}']")
    assert not page.is_checked("[data-all]")
    page.fill("input[name=reason]", "补报名")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/seat-late-{size[0]}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=已将 2 名参赛者安排到第1场")
    db.session.expire_all()
    assert [db.session.get(Entry, e.id).workstation for e in late] == [4, 5, None]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/seat-late-done-{size[0]}.png", full_page=True)
