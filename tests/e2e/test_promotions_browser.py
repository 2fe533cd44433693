"""The promotion pages in Chromium: a refused policy keeps the typed text and says in
Chinese what is wrong; a list that promotes nobody is confirmed with one click; a team's
members are listed one by one. Screenshots go to /tmp/promotions-*.png for a look."""
from tests.e2e.pages import sign_in
from tests.integration.test_promotions_gaps import NOBODY, TOP, event, team_event


def test_a_refused_policy_and_an_empty_list_in_the_browser(live_server, new_page):
    ev = event(NOBODY)
    page = new_page(1280, 900)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/promotions/")
    page.click("text=更换晋级办法")
    typed = 'version = 1\nname = "本届办法"\nmax_grade = "总工程师"\n[[rules]]\nkind = "rank"\ntop = 0\n'
    page.check("input[name=source][value=text]")
    page.fill("textarea[name=text]", typed)
    page.click("text=校验并启用")
    page.wait_for_load_state()
    assert page.input_value("textarea[name=text]") == typed
    alert = page.inner_text("#policy-form [role=alert]")
    assert "第 3 行，max_grade：“总工程师”不是职业技能等级" in alert
    assert "第 6 行，rules[#1].top：不能小于 1（填写的是 0）" in alert
    page.screenshot(path="/tmp/promotions-policy-refused.png", full_page=True)

    page.goto(f"{live_server.url}/admin/promotions/{ev['trade'].code}")
    page.click("text=根据当前成绩生成")
    page.wait_for_load_state()
    assert "本工种成绩尚未最终确定" in page.inner_text("#results-not-final")  # heats not locked
    page.check("input[name=accept_unfinal]")
    page.click("button:has-text('确认名单：本工种无人晋级')")
    page.wait_for_load_state()
    assert "已确认：本工种无人晋级（共 4 人参与判定）。" in page.inner_text("main")
    page.screenshot(path="/tmp/promotions-empty-confirmed.png", full_page=True)


def test_team_members_on_the_list_in_the_browser(live_server, new_page):
    ev, _teams = team_event(TOP.format(n=1))
    page = new_page(1280, 900)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/promotions/{ev['trade'].code}")
    page.click("text=根据当前成绩生成")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "一厂队团体成绩：第1名（前1名），由四级/中级工晋升为三级/高级工" in text
    page.screenshot(path="/tmp/promotions-team.png", full_page=True)
