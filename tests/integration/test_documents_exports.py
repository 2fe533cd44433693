"""Results workbook, bulletins and score sheets from the demo event: downloaded from the
organiser's pages and written by `flask export ...`, then reopened and checked."""
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contestant, Entry, Heat, Role, Stage
from competition.services import documents as svc
from tests.conftest import create_user

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages)


def lathe_heat(comp) -> Heat:
    lathe = trade(comp)
    return next(h for s in lathe.stages for h in s.heats if h.entries)


def test_the_results_workbook_has_every_trade_and_the_judges_marks(demo, client, auth):
    auth.login("admin", "demo-admin")
    resp = client.get("/admin/documents/results.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1].startswith("评分明细")
    assert "车工" in wb.sheetnames
    results = svc.trade_results(trade(demo))
    rows = list(wb["车工"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(results.rows)
    first = rows[0]
    assert first[0] == 1 and isinstance(first[len(results.criteria) + 6], float)  # total
    assert first[2] == results.rows[0].name
    detail = list(wb["评分明细"].iter_rows(min_row=3, max_row=50, values_only=True))
    assert detail and all(r[0] for r in detail)
    assert any(isinstance(r[6], (int, float)) for r in detail)
    summary = {r[1]: r for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert summary["lathe"][2] == len(results.rows)


def test_the_bulletin_names_the_dates_and_where_to_appeal(demo, client, auth):
    auth.login("admin", "demo-admin")
    resp = client.get("/admin/documents/lathe/bulletin.pdf?published_on=2026-11-25"
                      "&appeal_deadline=2026年11月28日17:00&appeal_to=大赛仲裁组（302室）")
    assert resp.status_code == 200
    text = pdf_text(resp.data)
    assert "车工" in text and "成绩公示" in text and "2026年11月25日" in text
    assert "2026年11月28日17:00" in text and "大赛仲裁组（302室）" in text
    top = svc.trade_results(trade(demo)).rows[0]
    assert top.name in text
    assert client.get("/admin/documents/lathe/bulletin.pdf?published_on=soon").status_code == 400


def test_score_sheets_show_lots_and_criteria_but_never_names(demo, client, auth):
    heat = lathe_heat(demo)
    auth.login("admin", "demo-admin")
    resp = client.get(f"/admin/documents/heats/{heat.id}/score-sheets.pdf")
    assert resp.status_code == 200
    text = pdf_text(resp.data)
    assert "车工评分表" in text and heat.name in text and "裁判签字" in text
    for e in heat.entries:
        assert e.lot_number in text
        assert e.contestant.name not in text
    assert client.get("/admin/documents/heats/999999/score-sheets.pdf").status_code == 404


def test_a_chief_judge_prints_score_sheets_of_their_own_trade_only(demo, client, auth):
    heat = lathe_heat(demo)
    lathe = trade(demo)
    other = next(t for t in demo.trades if t.id != lathe.id)
    create_user("doc_chief_a", Role.CHIEF_JUDGE, trade_id=lathe.id)
    create_user("doc_chief_b", Role.CHIEF_JUDGE, trade_id=other.id)
    auth.login("doc_chief_a")
    assert client.get(f"/admin/documents/heats/{heat.id}/score-sheets.pdf").status_code == 200
    auth.logout()
    auth.login("doc_chief_b")
    assert client.get(f"/admin/documents/heats/{heat.id}/score-sheets.pdf").status_code == 403


def test_every_export_command_writes_its_file(demo, runner, tmp_path):
    heat = lathe_heat(demo)
    cases = [
        (["certificates", "--trade", "lathe"], "c.pdf", "certificate(s) written"),
        (["results"], "r.xlsx", "results workbook written"),
        (["bulletin", "--trade", "lathe", "--published-on", "2026-11-25"], "b.pdf",
         "bulletin written"),
        (["score-sheets", "--heat", str(heat.id)], "s.pdf", "score sheets written"),
    ]
    for args, name, said in cases:
        out = tmp_path / name
        result = runner.invoke(args=["export", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert said in result.output and out.stat().st_size > 1000
    certs = svc.current_certificates(trade=trade(demo))
    text = pdf_text((tmp_path / "c.pdf").read_bytes())
    assert certs and all(c.serial in text for c in certs)
    assert "2026年11月25日" in pdf_text((tmp_path / "b.pdf").read_bytes())
    assert load_workbook(tmp_path / "r.xlsx", read_only=True).sheetnames[0] == "汇总"


def test_a_sample_certificate_tries_a_layout_file(demo, runner, tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"border": false, "fields": {"heading": null}}', encoding="utf-8")
    bad.write_text('{"fields": {"name": {"x": 400}}}', encoding="utf-8")
    out = tmp_path / "sample.pdf"
    result = runner.invoke(args=["export", "sample-certificate", "--layout", str(good),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "欧阳示例" in text and "荣 誉 证 书" not in text
    result = runner.invoke(args=["export", "sample-certificate", "--layout", str(bad),
                                 "--out", str(out)])
    assert result.exit_code != 0 and "field 'name' lies outside" in result.output


@pytest.mark.parametrize("args, message", [
    (["certificates", "--out", "x.pdf"], "give --trade CODE or --all"),
    (["certificates", "--trade", "nope", "--out", "x.pdf"], "no trade 'nope'"),
    (["score-sheets", "--heat", "999999", "--out", "x.pdf"], "no heat 999999"),
])
def test_export_commands_say_what_is_wrong(demo, runner, args, message):
    result = runner.invoke(args=["export", *args])
    assert result.exit_code != 0 and message in result.output


def test_id_numbers_appear_in_no_document(demo, admin, client, auth):
    svc.issue_certificates(trade(demo), admin)
    ids = set(db.session.scalars(select(Contestant.id_number).join(
        Entry, Entry.contestant_id == Contestant.id).join(Stage, Stage.id == Entry.stage_id)
        .where(Stage.trade_id == trade(demo).id)).all())
    auth.login("admin", "demo-admin")
    texts = [pdf_text(client.get(url).data) for url in (
        "/admin/documents/lathe/certificates.pdf", "/admin/documents/lathe/bulletin.pdf")]
    assert ids and not any(i in t for i in ids for t in texts)


def test_the_results_workbook_can_be_written_as_a_background_job(demo, client, auth):
    import time
    auth.login("admin", "demo-admin")
    resp = client.post("/admin/documents/jobs/results")
    assert resp.status_code == 302
    job_url = resp.headers["Location"]
    assert "成绩表" in client.get(job_url).get_data(as_text=True)
    deadline, state = time.monotonic() + 120, {}
    while time.monotonic() < deadline:
        state = client.get(job_url + ".json").get_json()
        if state["done"]:
            break
        time.sleep(0.2)
    assert state["status"] == "done" and state["total"] == len(demo.trades), state
    with client.get(job_url + "/download") as resp:
        assert resp.mimetype == XLSX
        wb = load_workbook(io.BytesIO(resp.data), read_only=True)
        assert wb.sheetnames[0] == "汇总" and "车工" in wb.sheetnames
        wb.close()
    assert "成绩表" in client.get("/admin/documents/").get_data(as_text=True)


def test_document_times_are_the_venues_not_the_servers(demo, app):
    """A server on UTC printed 02:53 for a workbook made at 10:53 in the venue."""
    from datetime import datetime, timezone

    from competition.services.documents import _local
    with app.app_context():
        at = _local(datetime(2026, 11, 25, 17, 30, tzinfo=timezone.utc))
        assert (at.day, at.hour) == (26, 1)                # Asia/Shanghai by default
        assert _local(datetime(2026, 11, 25, 2, 53)).hour == 10  # SQLite: naive UTC


def test_a_layout_typo_is_pointed_at_in_chinese(demo, client, auth):
    auth.login("admin", "demo-admin")
    page = client.post("/admin/documents/layout", data={"layout": '{"fields": {"a": 1,}}'}
                       ).get_data(as_text=True)
    assert "第 1 行第 20 列附近有错误" in page and "Expecting" not in page


def test_a_bulletin_of_heats_not_signed_off_says_its_results_are_provisional(app, client, auth):
    """QA: a bulletin printed while heats are open looked final, and a contestant without
    marks yet printed as 缺考 (absent)."""
    from competition.extensions import db
    from competition.models import Mark
    from competition.services.heats import lock_heat
    from tests.factories import build_event
    ev = build_event(n_entries=3)
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=ev["judges"][0].id,
                        criterion="exam", value="80"))
    db.session.commit()
    auth.login(ev["organiser"].username)
    text = pdf_text(client.get("/admin/documents/mini/bulletin.pdf").data)
    assert "临时成绩" in text and "1个场次未经裁判长签字确认" in text
    assert "待评分" in text and "缺考" not in text.replace("不是缺考", "")
    lock_heat(ev["chief"], ev["heat"].id)
    text = pdf_text(client.get("/admin/documents/mini/bulletin.pdf").data)
    assert "临时成绩" not in text and "缺考" in text
