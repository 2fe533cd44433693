"""The quiz bracket in Chromium: a judge enters a result on a tablet-sized page and the LED
bracket (1920x480 strip, 768x384 panel) shows it without a reload, fitted to the screen."""
import pytest

from competition.extensions import db
from competition.models import JudgeAssignment, Team
from competition.services import brackets as bsvc
from competition.services import draws
from tests.integration._registration_setup import setup_event

pytestmark = pytest.mark.e2e

TEAMS = ["自来水公司队", "供电公司队", "公安局队", "纺织厂队", "第一机械厂队", "人民医院队",
         "第二中学队", "交通运输局队", "环卫所队", "消防救援队", "农商银行队"]


def quiz_bracket():
    ev = setup_event()
    for name in TEAMS:
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=name, employer="示例县" + name[:-1]))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    heat = draws.create_heat(stage, "赛场A", 16, ev["organiser"])
    db.session.add(JudgeAssignment(heat_id=heat.id, user_id=ev["judge"].id))
    db.session.commit()
    draws.run_draw(stage, ev["organiser"], seed="quiz-e2e")
    bracket = bsvc.create_bracket(stage, "single_elimination", ev["organiser"],
                                  third_place=True)
    return ev, bracket


def fits(page):
    return page.evaluate("(() => { const m = document.getElementById('bracket');"
                         " return [m.scrollHeight <= m.clientHeight + 1,"
                         " m.scrollWidth <= m.clientWidth + 1,"
                         " document.documentElement.scrollHeight <= innerHeight]; })()")


@pytest.mark.parametrize("width, height", [(1920, 480), (768, 384)])
def test_a_result_entered_by_a_judge_appears_on_the_led_bracket(live_server, new_page, width,
                                                                height):
    ev, bracket = quiz_bracket()
    screen = new_page(width, height)
    screen.goto(f"{live_server.url}/screen/bracket/{bracket.id}")
    screen.wait_for_function("document.getElementById('bracket').dataset.parts")
    screen.evaluate("window.__noReload = true")
    assert fits(screen) == [True, True, True]
    assert screen.evaluate("parseFloat(getComputedStyle(document.getElementById('bracket'))"
                           ".fontSize)") >= 10

    tablet = new_page(1024, 768)
    tablet.goto(f"{live_server.url}/auth/login")
    tablet.fill("input[name=username]", "judge")
    tablet.fill("input[name=password]", "pw-1234")
    tablet.click("button[type=submit]")
    tablet.goto(f"{live_server.url}/brackets/{bracket.id}")
    form = tablet.locator("form.result").first
    form.locator("input[name=score_a]").fill("135")
    form.locator("input[name=score_b]").fill("120")
    form.locator("button[type=submit]").click()
    tablet.wait_for_load_state()

    screen.wait_for_function("document.getElementById('bracket').innerText.includes('135')",
                             timeout=15000)
    assert screen.evaluate("window.__noReload") is True
    assert fits(screen) == [True, True, True]


def test_a_forty_team_bracket_on_a_strip_is_shown_in_readable_halves(live_server, new_page):
    ev = setup_event()
    for i in range(40):
        db.session.add(Team(competition_id=ev["competition"].id, trade_id=ev["quiz"].id,
                            name=f"示例县第{i + 1}代表队", employer=f"示例县单位{i}"))
    db.session.commit()
    stage = draws.create_stage(ev["quiz"], "知识竞赛", ev["organiser"], format="bracket")
    draws.create_heat(stage, "赛场A", 40, ev["organiser"])
    draws.run_draw(stage, ev["organiser"], seed="forty")
    bracket = bsvc.create_bracket(stage, "single_elimination", ev["organiser"])
    screen = new_page(1920, 480)
    screen.goto(f"{live_server.url}/screen/bracket/{bracket.id}")
    screen.wait_for_function("document.getElementById('bracket').dataset.parts")
    assert screen.evaluate("document.getElementById('bracket').dataset.parts") == "2"
    assert screen.evaluate("parseFloat(getComputedStyle(document.getElementById('bracket'))"
                           ".fontSize)") >= 14
    assert fits(screen) == [True, True, True]
