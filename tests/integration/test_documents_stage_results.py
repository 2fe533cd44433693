"""The organiser's documents page of a two-stage trade offers per-stage results: the
trade's workbook (overall ranking + a sheet per stage) and a bulletin of either stage."""
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from ._stages_setup import build_two_stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_trade_page_offers_the_workbook_and_a_bulletin_per_stage(app, client, auth):
    ev = build_two_stage()
    auth.login("organiser_mini")
    html = client.get("/admin/documents/mini").get_data(as_text=True)
    assert "/admin/documents/mini/results.xlsx" in html
    assert "初赛、决赛" in html
    assert f'<option value="{ev["stage"].id}">初赛</option>' in html
    assert f'<option value="{ev["final"].id}">决赛</option>' in html


def test_the_trade_workbook_downloads_with_a_sheet_per_stage(app, client, auth):
    build_two_stage()
    auth.login("organiser_mini")
    resp = client.get("/admin/documents/mini/results.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["汇总", "测试工种", "测试工种-初赛", "测试工种-决赛", "评委一致性",
                             "评分明细"]


def test_a_preliminary_bulletin_names_the_stage_and_who_went_on(app, client, auth):
    ev = build_two_stage()
    auth.login("organiser_mini")
    resp = client.get(f"/admin/documents/mini/bulletin.pdf?stage={ev['stage'].id}")
    assert resp.status_code == 200
    text = "".join(p.extract_text().replace("\n", "")
                   for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert "初赛成绩公示" in text and text.count("晋级决赛") == 3
    assert client.get("/admin/documents/mini/bulletin.pdf?stage=999").status_code == 404


def test_a_one_stage_trade_page_has_no_stage_choice(app, client, auth):
    from tests.factories import build_event
    build_event(n_entries=2)
    auth.login("organiser_mini")
    html = client.get("/admin/documents/mini").get_data(as_text=True)
    assert "/admin/documents/mini/results.xlsx" in html and 'name="stage"' not in html


def test_only_the_organiser_downloads_a_trade_workbook(app, client, auth):
    build_two_stage()
    auth.login("chief_mini")
    assert client.get("/admin/documents/mini/results.xlsx").status_code == 403


def test_the_export_commands_write_a_trade_workbook_and_a_stage_bulletin(app, runner, tmp_path):
    build_two_stage()
    out = tmp_path / "mini.xlsx"
    result = runner.invoke(args=["export", "results", "--trade", "mini", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames == ["汇总", "测试工种", "测试工种-初赛", "测试工种-决赛",
                                             "评委一致性", "评分明细"]
    pdf = tmp_path / "b.pdf"
    result = runner.invoke(args=["export", "bulletin", "--trade", "mini", "--stage", "初赛",
                                 "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "初赛成绩公示" in "".join(p.extract_text().replace("\n", "")
                                 for p in PdfReader(str(pdf)).pages)
    result = runner.invoke(args=["export", "bulletin", "--trade", "mini", "--stage", "半决赛",
                                 "--out", str(pdf)])
    assert result.exit_code != 0 and "1 初赛, 2 决赛" in result.output
