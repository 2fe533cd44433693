"""The contestants list (报名名单) as Excel, opened again the way a clerk would look at it:
title, headers, one row per contestant in lot order, Chinese text intact, ID numbers as
text, columns wide enough, header frozen; the masked copy hides ID numbers and phones."""
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.formatting.widths import display_width
from competition.models import Contestant
from competition.registration.roster import HEADERS
from competition.services import draws
from competition.services import registration as reg

from ._registration_setup import person_row, setup_event, workbook

LONG_EMPLOYER = "示例县自来水公司第二净水厂设备维修车间"


@pytest.fixture
def ev(app):
    ev = setup_event()
    rows = [person_row(i, employer=LONG_EMPLOYER if i == 5 else None) for i in range(1, 24)]
    rows += [person_row(i, "安全知识竞赛") for i in range(30, 33)]
    reg.import_sheet(ev["competition"], workbook(rows), ev["organiser"])
    stage = draws.create_stage(ev["lathe"], "预赛", ev["organiser"])
    draws.create_heat(stage, "第1场", 12, ev["organiser"], venue="示例县职业技术学校实训楼")
    draws.create_heat(stage, "第2场", 12, ev["organiser"], venue="示例县第一机械厂培训中心")
    draws.run_draw(stage, ev["organiser"], seed="roster")
    first = db.session.scalar(select(Contestant).order_by(Contestant.id))
    reg.withdraw_contestant(first, ev["organiser"], "因病退赛")
    return {**ev, "stage": stage, "withdrawn": first}


def download(client, **args):
    resp = client.get("/admin/registration/contestants.xlsx", query_string=args)
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return resp, load_workbook(BytesIO(resp.data))


def test_a_trades_list_is_what_the_clerk_expects(client, auth, ev):
    auth.login("org")
    resp, wb = download(client, trade="lathe")
    assert "报名名单-车工.xlsx" in unquote(resp.headers["Content-Disposition"])
    assert wb.sheetnames == ["车工"]
    ws = wb["车工"]
    assert ws["A1"].value == "第十三届职工技能大赛（测试） 车工 报名名单"
    assert tuple(c.value for c in ws[2]) == HEADERS
    rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=3) if r[0].value]
    rows = [r for r in rows if isinstance(r[0], int)]
    assert len(rows) == 23
    col = {h: i for i, h in enumerate(HEADERS)}
    # sorted by lot number 001..023; stage, heat, venue and workstation filled in
    assert [r[col["抽签号"]] for r in rows] == [f"{i:03d}" for i in range(1, 24)]
    assert {r[col["赛段"]] for r in rows} == {"预赛"}
    assert {r[col["场次"]] for r in rows} == {"第1场", "第2场"}
    assert "示例县职业技术学校实训楼" in {r[col["赛场"]] for r in rows}
    assert all(isinstance(r[col["工位号"]], int) for r in rows)
    # the organiser's copy: full ID numbers as text (no lost digits), phones in full
    c = ev["withdrawn"]
    mine = next(r for r in rows if r[col["身份证号"]] == c.id_number)
    assert mine[col["姓名"]] == c.name and mine[col["手机号"]] == c.phone
    assert mine[col["状态"]] == "退赛：因病退赛" and mine[col["性别"]] in ("男", "女")
    assert {r[col["现技能等级"]] for r in rows} >= {"五级/初级工", "四级/中级工"}
    id_cell = ws.cell(row=3, column=col["身份证号"] + 1)
    assert id_cell.data_type == "s" and id_cell.value == rows[0][col["身份证号"]]
    # widths from the content: the long employer and the ID number fit; header frozen
    assert ws.column_dimensions["F"].width >= display_width(LONG_EMPLOYER)
    assert ws.column_dimensions["E"].width >= 18
    assert ws.freeze_panes == "D3" and ws.print_title_rows == "$1:$2"
    assert ws.auto_filter.ref.startswith("A2:O")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_the_masked_copy_hides_id_numbers_and_phones(client, auth, ev):
    auth.login("org")
    resp, wb = download(client, trade="lathe", masked="1")
    ws = wb["车工"]
    assert "已脱敏" in ws["A1"].value
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    ids = [ws.cell(row=r, column=col["身份证号"]).value for r in range(3, 26)]
    phones = [ws.cell(row=r, column=col["手机号"]).value for r in range(3, 26)]
    assert all(len(x) == 18 and x[4:14] == "*" * 10 for x in ids)
    assert all(p[3:7] == "****" for p in phones)
    everything = "".join(str(c.value) for row in ws.iter_rows() for c in row)
    for c in db.session.scalars(select(Contestant)):
        assert c.id_number not in everything and c.phone not in everything


def test_the_whole_competition_has_everyone_and_a_sheet_per_trade(client, auth, ev):
    auth.login("org")
    _, wb = download(client)
    assert wb.sheetnames == ["全部选手", "安全知识竞赛", "车工"]   # pinyin order (issue 18)
    everyone = wb["全部选手"]
    names = [everyone.cell(row=r, column=8).value for r in range(3, everyone.max_row + 1)]
    assert names.count("车工") == 23 and names.count("安全知识竞赛") == 3
    quiz = wb["安全知识竞赛"]
    assert quiz.cell(row=3, column=2).value is None      # not drawn: no lot yet
    assert quiz.freeze_panes == "D3"


def test_the_contestants_page_links_the_export(client, auth, ev):
    auth.login("org")
    page = client.get("/admin/registration/?trade=lathe").get_data(as_text=True)
    assert 'href="/admin/registration/contestants.xlsx?trade=lathe"' in page
    assert "报名名单（Excel）" in page and "masked=1" in page


def test_an_unknown_trade_says_so_and_judges_may_not_export(client, auth, ev):
    auth.login("org")
    resp = client.get("/admin/registration/contestants.xlsx?trade=nope",
                      follow_redirects=True)
    assert "没有代码为 nope 的工种" in resp.get_data(as_text=True)
    auth.logout()
    auth.login("judge")
    assert client.get("/admin/registration/contestants.xlsx").status_code == 403
