"""Importing sign-up sheets through the organiser's pages and the CLI: validation first,
all or nothing, good rows only on request; the template; who may import."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditLog, Contestant, Team
from competition.services import registration as svc

from ._registration_setup import person_id, person_row, setup_event, workbook


def count(model=Contestant):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, data, **form):
    return client.post("/admin/registration/import",
                       data={"sheet": (BytesIO(data), "报名表.xlsx"), **form},
                       content_type="multipart/form-data")


def bad_sheet():
    rows = [person_row(i) for i in range(1, 6)]
    rows[1][2] = rows[1][2][:-1] + ("0" if rows[1][2][-1] != "0" else "1")  # row 3: check digit
    rows[3][4] = "1380013800"                                                # row 5: 10 digits
    rows[4][5] = "厨师长"                                                     # row 6: no such trade
    return workbook(rows)


@pytest.fixture
def ev(app):
    return setup_event()


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(client, auth, ev):
    auth.login("org")
    resp = upload(client, bad_sheet())
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "3 行有错误" in page or "3 rows with errors" in page or "有错误" in page
    for row, column in ((3, "身份证号"), (5, "手机号"), (6, "工种")):
        assert f'<td class="num">{row}</td><td>{column}</td>' in page
    assert count() == 0
    # "import everything" is refused while rows are bad: still nothing written
    token = page.split("/admin/registration/import/")[1].split('"')[0]
    resp = client.post(f"/admin/registration/import/{token}", data={"filename": "x.xlsx"})
    assert resp.status_code == 409 and count() == 0


def test_the_organiser_can_import_the_good_rows_only(client, auth, ev):
    auth.login("org")
    page = upload(client, bad_sheet()).get_data(as_text=True)
    token = page.split("/admin/registration/import/")[1].split('"')[0]
    resp = client.post(f"/admin/registration/import/{token}",
                       data={"good_only": "1", "filename": "报名表.xlsx"})
    assert resp.status_code == 302
    assert count() == 2
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "registration.import"))
    assert log.new["imported"] == 2 and log.new["skipped_rows"] == [3, 5, 6]
    assert log.user_id == ev["organiser"].id


def test_confirming_the_same_check_twice_says_so_instead_of_a_bare_404(client, auth, ev):
    """The Back button after an import, then the import button again: the sheet was
    imported once; the organiser is told so and lands on the contestants list."""
    auth.login("org")
    page = upload(client, bad_sheet()).get_data(as_text=True)
    token = page.split("/admin/registration/import/")[1].split('"')[0]
    client.post(f"/admin/registration/import/{token}", data={"good_only": "1"})
    resp = client.post(f"/admin/registration/import/{token}", data={"good_only": "1"},
                       follow_redirects=True)
    assert resp.status_code == 200 and count() == 2
    assert "已经导入过" in resp.get_data(as_text=True)
    assert client.post("/admin/registration/import/not-a-token").status_code == 404


def test_a_clean_sheet_imports_every_row_with_grades_as_codes(client, auth, ev):
    auth.login("org")
    page = upload(client, workbook([person_row(i) for i in range(1, 11)])).get_data(as_text=True)
    token = page.split("/admin/registration/import/")[1].split('"')[0]
    client.post(f"/admin/registration/import/{token}", data={})
    assert count() == 10
    grades = set(db.session.scalars(select(Contestant.grade)))
    assert grades == {"L5", "L4", "L3", None, "L2"}


def test_importing_the_same_sheet_twice_finds_the_duplicates(ev):
    data = workbook([person_row(i) for i in range(1, 4)])
    svc.import_sheet(ev["competition"], data, ev["organiser"])
    with pytest.raises(svc.ImportRefused) as exc:
        svc.import_sheet(ev["competition"], data, ev["organiser"])
    assert {e.code for e in exc.value.report.errors} == {"already_registered"}
    assert count() == 3


def test_an_import_that_fails_while_writing_leaves_nothing_behind(ev, monkeypatch):
    def boom(*a, **kw):
        raise RuntimeError("disk full")
    monkeypatch.setattr(svc, "audit", boom)
    with pytest.raises(RuntimeError):
        svc.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 6)]),
                         ev["organiser"])
    assert count() == 0


def test_a_team_sheet_creates_the_teams(ev):
    rows = [person_row(i, "安全知识竞赛", "示例县自来水公司") + ["水务一队"] for i in range(3)]
    rows += [person_row(i, "安全知识竞赛", "示例县供电公司") + ["电力队"] for i in range(3, 6)]
    header = ["姓名", "性别", "身份证号", "单位", "手机号", "工种", "现技能等级", "队名"]
    result = svc.import_sheet(ev["competition"], workbook(rows, header), ev["organiser"],
                              team=True)
    assert result.imported == 6 and result.teams_created == 2
    assert count(Team) == 2


def test_a_file_that_is_not_a_workbook_gets_a_message(client, auth, ev):
    auth.login("org")
    resp = upload(client, b"PK not really")
    assert resp.status_code == 400 and count() == 0


def test_the_template_downloads_with_the_trades(client, auth, ev):
    auth.login("org")
    resp = client.get("/admin/registration/template.xlsx?team=1")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.data))
    assert [c.value for c in wb["报名表"][1]][-1] == "队名"
    # trades in the Chinese order (issue 18): by pinyin, an(quan) before che(gong)
    assert [r[0].value for r in wb["选项"].iter_rows(max_col=1)][:2] == ["安全知识竞赛", "车工"]


@pytest.mark.parametrize("who, status", [("judge", 403), ("chief", 403), (None, 302)])
def test_only_the_organiser_may_import(client, auth, ev, who, status):
    if who:
        auth.login(who)
    assert upload(client, bad_sheet()).status_code == status
    assert client.get("/admin/registration/").status_code == status
    assert client.get("/admin/registration/template.xlsx").status_code == status
    assert count() == 0


def test_the_cli_refuses_a_bad_sheet_and_imports_good_rows_on_request(runner, ev, tmp_path):
    path = tmp_path / "报名表.xlsx"
    path.write_bytes(bad_sheet())
    result = runner.invoke(args=["registration", "import", str(path)])
    assert result.exit_code != 0 and "nothing was imported" in result.output
    assert "row 3" in result.output
    assert count() == 0
    result = runner.invoke(args=["registration", "import", str(path), "--good-only"])
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output and count() == 2
    out = tmp_path / "template.xlsx"
    result = runner.invoke(args=["registration", "template", str(out)])
    assert result.exit_code == 0 and out.stat().st_size > 1000


def test_the_contestants_list_searches_and_shows_full_id_numbers_to_the_organiser(
        client, auth, ev):
    svc.import_sheet(ev["competition"], workbook([person_row(i) for i in range(1, 6)]),
                     ev["organiser"])
    auth.login("org")
    page = client.get("/admin/registration/?q=" + person_id(2)).get_data(as_text=True)
    assert person_id(2) in page and person_id(3) not in page


def test_a_registration_that_appears_between_check_and_import_refuses_the_whole_import(ev):
    data = workbook([person_row(i) for i in range(1, 6)])
    report = svc.check_sheet(ev["competition"], data)
    assert report.ok
    # meanwhile someone registers the person of row 4 by hand
    row = person_row(3)
    svc.add_contestant(ev["competition"], dict(zip(
        ["name", "gender", "id_number", "employer", "phone", "trade", "grade"],
        row[:5] + ["lathe", row[6]])), ev["organiser"])
    with pytest.raises(svc.Conflict):
        svc.import_report(ev["competition"], report, ev["organiser"])
    assert count() == 1
