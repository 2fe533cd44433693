"""The LED screen of a team trade (the safety quiz): a team's employer only repeats its
name (汽车运输公司队, 示例县汽车运输公司), so the name takes the employer column's room
and is not cut (it read 汽车运输…); a contestant's row keeps its employer. Checked at the
three screen sizes venues use; screenshots go to /tmp/h7/ when that folder exists."""
import os

import pytest

from competition.extensions import db
from competition.models import Team
from competition.services import draws
from tests.factories import build_event
from tests.integration._registration_setup import setup_event

pytestmark = pytest.mark.e2e

TEAMS = [("汽车运输公司队", "示例县汽车运输公司"), ("环境卫生管理所队", "示例县环境卫生管理所"),
         ("钢结构有限公司队", "示例县钢结构有限公司"), ("供电公司队", "示例县供电公司")]

ROWS = """Array.from(document.querySelectorAll('#rows .led-row')).map(li => {
  const n = li.querySelector('.name');
  return [n.textContent, n.scrollWidth <= n.clientWidth + 1, !!li.querySelector('.employer')];
})"""


def quiz_trade():
    ev = setup_event()
    ev["quiz"].blind = False
    for name, employer in TEAMS:
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=name, employer=employer))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    draws.enter_registered(stage, ev["organiser"])
    return ev


def shot(page, name):
    if os.path.isdir("/tmp/h7"):
        page.screenshot(path=f"/tmp/h7/{name}.png")


@pytest.mark.parametrize("size", [(1920, 1080), (1920, 480), (768, 384)])
def test_team_names_take_the_employer_column_and_are_not_cut(live_server, new_page, size):
    quiz_trade()
    page = new_page(*size)
    page.goto(f"{live_server.url}/screen/trade/quiz")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length > 0")
    shot(page, f"led_quiz_{size[0]}x{size[1]}")
    rows = page.evaluate(ROWS)
    assert rows and {r[0] for r in rows} <= {n for n, _ in TEAMS}
    assert all(fits and not employer for _, fits, employer in rows), rows
    assert page.evaluate("[document.documentElement.scrollWidth,"
                         " document.documentElement.scrollHeight]") == list(size)
    # the column is headed 队名, with no 单位 heading over nothing
    heads = page.evaluate("Array.from(document.querySelectorAll('.led-cols span'))"
                          ".filter(e => e.offsetParent && getComputedStyle(e).visibility"
                          " !== 'hidden' && !e.children.length).map(e => e.textContent)")
    assert "队名" in heads and "姓名" not in heads and "工作单位" not in heads, heads


def test_a_contestant_row_keeps_its_employer(live_server, new_page):
    build_event(n_entries=3, blind=False)
    page = new_page(1920, 480)
    page.goto(f"{live_server.url}/screen/trade/mini")
    page.wait_for_function("document.querySelectorAll('#rows .led-row').length > 0")
    rows = page.evaluate(ROWS)
    assert rows and all(employer for _, _, employer in rows)
    assert not page.query_selector("#rows .name.wide")
    assert page.is_visible(".led-cols .col-name") and page.is_hidden(".led-cols .col-team")
