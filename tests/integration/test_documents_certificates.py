"""Certificates end to end: issue from the standings, download, verify (genuine, void,
unknown), void and re-issue with an audit trail, batches as background jobs."""
import io
import shutil
import subprocess
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditLog, Certificate, Role
from competition.services import document_jobs as jobs
from competition.services import documents as svc
from tests.conftest import create_user

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)


def pdf_text(data: bytes) -> list[str]:
    return [p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages]


def test_awarded_entries_get_one_certificate_each_with_a_trade_serial(demo, admin):
    lathe = trade(demo)
    awarded = svc.awarded(lathe)
    assert awarded and all(a.certificate is None for a in awarded)
    issued = svc.issue_certificates(lathe, admin)
    # <year>-<TRADE>-<nnnn>-<keyed random part> (tests/security/test_blind_public.py)
    assert [c.serial[:-7] for c in issued] == [f"2026-LATHE-{i:04d}" for i in
                                               range(1, len(awarded) + 1)]
    assert [c.award for c in issued] == [a.award for a in awarded]
    assert svc.issue_certificates(lathe, admin) == []          # nothing twice
    audit = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "certificate.issue")).all()
    assert len(audit) == len(issued) and audit[0].user_id == admin.id


def test_the_verification_page_says_genuine_void_or_unknown_and_hides_id_numbers(
        demo, admin, client):
    lathe = trade(demo)
    lathe.published = True      # unpublished: only 成绩尚未公布 (tests/security/test_blind_public)
    first, second = svc.issue_certificates(lathe, admin)[:2]
    page = client.get(f"/verify/{first.serial}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "真实有效" in html
    assert first.data["name"] in html and first.award in html
    from competition.models import Contestant
    person = db.session.get(Contestant, first.contestant_id)
    assert person.id_number not in html and person.id_number[-4:] + "<" not in html
    new = svc.reissue_certificate(first, admin, "单位名称更正")
    html = client.get(f"/verify/{first.serial}").get_data(as_text=True)
    assert "已作废" in html and new.serial in html
    svc.void_certificate(second, admin, "成绩复核后取消")
    assert "已作废" in client.get(f"/verify/{second.serial}").get_data(as_text=True)
    unknown = client.get("/verify/2026-LATHE-9999")
    assert unknown.status_code == 404 and "未查到" in unknown.get_data(as_text=True)


def test_void_and_reissue_need_a_reason_and_are_audited(demo, admin):
    trade(demo).published = True
    cert = svc.issue_certificates(trade(demo), admin)[0]
    with pytest.raises(svc.DocumentError, match="reason"):
        svc.void_certificate(cert, admin, "  ")
    new = svc.reissue_certificate(cert, admin, "姓名错字")
    assert cert.voided_at and cert.replaced_by_id == new.id and new.serial != cert.serial
    assert (new.contestant_id, new.award) == (cert.contestant_id, cert.award)
    with pytest.raises(svc.DocumentError, match="void already"):
        svc.void_certificate(cert, admin, "again")
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.object_type == "certificate", AuditLog.reason == "姓名错字")).all()
    assert sorted(actions) == ["certificate.issue", "certificate.void"]
    assert svc.verify(cert.serial).status == "void"
    assert svc.verify(new.serial).status == "genuine"


def test_a_trade_pdf_prints_current_certificates_in_rank_order_with_working_qr_codes(
        demo, admin, client, auth, tmp_path, app):
    app.config["PUBLIC_BASE_URL"] = "http://192.0.2.10:5000/"
    lathe = trade(demo)
    issued = svc.issue_certificates(lathe, admin)
    svc.void_certificate(issued[-1], admin, "测试作废")
    auth.login("admin", "demo-admin")
    resp = client.get("/admin/documents/lathe/certificates.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    texts = pdf_text(resp.data)
    assert len(texts) == len(issued) - 1
    for cert, text in zip(issued, texts):
        assert cert.serial in text and cert.data["name"] in text and cert.award in text
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbarimg/pdftoppm not installed: QR decoding not checked")
    (tmp_path / "c.pdf").write_bytes(resp.data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",
                    str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p-*.png"))
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True,
                         text=True).stdout.split()
    assert out == [f"http://192.0.2.10:5000/verify/{issued[0].serial}"]


def test_a_competition_batch_runs_as_a_job_whose_progress_the_page_polls(
        demo, admin, client, auth):
    auth.login("admin", "demo-admin")
    resp = client.post("/admin/documents/jobs")
    assert resp.status_code == 302
    job_url = resp.headers["Location"]
    assert "证书批量生成" in client.get(job_url).get_data(as_text=True)
    state = {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(job_url + ".json").get_json()
        if state["done"]:
            break
        time.sleep(0.2)
    assert state["status"] == "done", state
    current = svc.current_certificates(comp=demo)
    assert state["total"] == state["progress"] == len(current) > 0
    with client.get(job_url + "/download") as pdf:   # a file response: close it
        texts = pdf_text(pdf.data)
    assert len(texts) == len(current)
    assert [next(c.serial for c in current if c.serial in t) for t in texts] == \
        [c.serial for c in current]          # the fixed order: trade, rank, serial


def test_a_failing_job_records_its_error(demo, admin, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(svc, "current_certificates", broken)
    job = jobs.start_certificate_job(demo, trade(demo), admin, run_in_thread=False)
    db.session.refresh(job)
    assert job.status == "failed" and "disk full" in job.error


@pytest.mark.parametrize("role", [Role.JUDGE, Role.CHIEF_JUDGE, Role.SCREEN, Role.ARBITRATION])
def test_only_organisers_reach_the_certificate_pages(demo, client, auth, role):
    create_user("someone", role)
    auth.login("someone")
    cert_pages = ["/admin/documents/", "/admin/documents/lathe",
                  "/admin/documents/lathe/certificates.pdf", "/admin/documents/results.xlsx"]
    for url in cert_pages:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/documents/jobs").status_code == 403
    assert client.post("/admin/documents/lathe/issue").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_but_may_verify(demo, admin, client):
    cert = svc.issue_certificates(trade(demo), admin)[0]
    assert client.get("/admin/documents/").status_code == 302
    assert client.get(f"/verify/{cert.serial}").status_code == 200


def test_the_organiser_pages_issue_reissue_and_void(demo, admin, client, auth):
    auth.login("admin", "demo-admin")
    assert client.get("/admin/documents/").status_code == 200
    client.post("/admin/documents/lathe/issue")
    certs = svc.current_certificates(trade=trade(demo))
    html = client.get("/admin/documents/lathe").get_data(as_text=True)
    assert all(c.serial in html for c in certs)
    client.post(f"/admin/documents/certificate/{certs[0].serial}/reissue",
                data={"reason": "更正"})
    client.post(f"/admin/documents/certificate/{certs[1].serial}/void", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(Certificate, certs[0].id).voided_at is not None
    assert db.session.get(Certificate, certs[1].id).voided_at is None    # no reason given
    one = client.get(f"/admin/documents/certificate/{certs[1].serial}.pdf")
    assert certs[1].serial in pdf_text(one.data)[0]


def test_a_certificate_that_no_longer_matches_the_results_is_flagged_and_reissued(
        demo, admin):
    lathe = trade(demo)
    cert = svc.issue_certificates(lathe, admin)[0]
    right = cert.award
    cert.award = "三等奖"             # as if the results changed after it was printed
    db.session.commit()
    flagged = [a for a in svc.awarded(lathe) if a.stale]
    assert [a.certificate.id for a in flagged] == [cert.id]
    new = svc.reissue_certificate(cert, admin, "成绩更正")
    assert new.award == right and not any(a.stale for a in svc.awarded(lathe))


def test_the_organiser_sets_a_layout_for_pre_printed_paper_and_prints_a_sample(
        demo, admin, client, auth):
    auth.login("admin", "demo-admin")
    bad = client.post("/admin/documents/layout", data={"layout": '{"fields": {"name": '
                                                       '{"template": "{nmae}"}}}'})
    assert bad.status_code == 400 and "unknown placeholder" in bad.get_data(as_text=True)
    assert client.post("/admin/documents/layout", data={"layout": "{oops"}).status_code == 400
    db.session.refresh(demo)
    assert "certificate_layout" not in (demo.settings or {})
    good = '{"border": false, "fields": {"heading": null, "name": {"y": 70}}}'
    assert client.post("/admin/documents/layout", data={"layout": good}).status_code == 302
    db.session.refresh(demo)
    assert demo.settings["certificate_layout"]["fields"]["name"] == {"y": 70}
    sample = pdf_text(client.get("/admin/documents/layout/sample.pdf").data)[0]
    assert "欧阳示例" in sample and "荣 誉 证 书" not in sample
    svc.issue_certificates(trade(demo), admin)
    printed = pdf_text(client.get("/admin/documents/lathe/certificates.pdf").data)[0]
    assert "荣 誉 证 书" not in printed
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "settings.update"))


def test_a_serial_taken_meanwhile_issues_nothing_and_says_so(demo, admin, monkeypatch):
    from competition.services import certificates
    lathe = trade(demo)
    lathe.published = True
    first = svc.issue_certificates(lathe, admin)[0]
    svc.void_certificate(first, admin, "重发测试")     # its entry needs one again ...
    monkeypatch.setattr(certificates, "_next_number", lambda t: 1)  # ... under a taken serial
    with pytest.raises(svc.DocumentError, match="at the same time"):
        svc.issue_certificates(lathe, admin)
    assert svc.verify(first.serial).status == "void"


def test_a_confirmed_promotion_is_printed_on_the_certificate(demo, admin):
    from competition.services import promotions
    lathe = trade(demo)
    lst = promotions.propose(lathe, admin)
    if not lst.promoted:
        pytest.skip("the demo's lathe results promote nobody under the current policy")
    promotions.confirm(lathe, admin)
    certs = svc.issue_certificates(lathe, admin)
    noted = [c for c in certs if c.data.get("promotion_note")]
    assert noted and all("晋升" in c.data["promotion_note"] or "评定" in c.data["promotion_note"]
                         for c in noted)
    out = io.BytesIO()
    svc.write_certificates(noted[:1], demo, out)
    assert noted[0].data["promotion_note"] in pdf_text(out.getvalue())[0]


@pytest.mark.parametrize("host, lan, expected", [
    ("192.168.1.10:5000", [], "http://192.168.1.10:5000"),   # a venue PC's own address
    ("127.0.0.1:5000", ["192.168.1.10"], "http://192.168.1.10:5000"),  # phones can't open 127.0.0.1
    ("localhost:8080", ["10.0.0.5"], "http://10.0.0.5:8080"),
    ("localhost", [], "http://localhost"),                      # nothing better known
])
def test_the_qr_address_is_one_a_phone_on_the_venue_network_can_open(
        app, monkeypatch, host, lan, expected):
    from competition import netinfo
    from competition.services import certificates
    monkeypatch.setattr(netinfo, "lan_addresses", lambda: lan)
    with app.test_request_context("/", base_url=f"http://{host}"):
        assert certificates.base_url() == expected
    app.config["PUBLIC_BASE_URL"] = "https://cert.example.org/"
    with app.test_request_context("/", base_url=f"http://{host}"):
        assert certificates.base_url() == "https://cert.example.org"


def test_the_organiser_publishes_a_trades_results_from_its_documents_page(demo, admin,
                                                                          client, auth):
    """Without this button the page warned 'not published yet' forever: nothing set it."""
    t = trade(demo)
    auth.login("admin", "demo-admin")
    page = client.get("/admin/documents/lathe").get_data(as_text=True)
    assert "成绩尚未公布" in page and "/admin/documents/lathe/publish" in page
    resp = client.post("/admin/documents/lathe/publish", data={"published": "1"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    db.session.refresh(t)
    assert t.published and t.results_published_at is not None
    assert "成绩已公布" in page and "成绩尚未公布" not in page
    client.post("/admin/documents/lathe/publish", data={"published": "0"})
    db.session.refresh(t)
    assert not t.published and t.results_published_at is None
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.object_type == "trade", AuditLog.trade_id == t.id)).all()
    assert "results.publish" in actions and "results.unpublish" in actions
