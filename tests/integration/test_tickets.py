"""Admission tickets (准考证), their check-in page and the contestants' look-up (issue 18)."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import pytest

from competition.extensions import db
from competition.services.tickets import look_up, tickets_data
from tests.conftest import FreshRequestClient, make_app
from tests.factories import build_event

NINE = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)   # 09:00 in Beijing


def seated_event(blind: bool):
    ev = build_event(n_entries=3, n_judges=1, blind=blind)
    ev["heat"].starts_at = NINE
    db.session.commit()
    return ev


def test_a_ticket_says_when_and_where_and_the_lot_unless_blind(app):
    open_ev = seated_event(blind=False)
    t = tickets_data(open_ev["competition"], base="http://192.168.1.10:5000")[0]
    assert (t.name, t.trade, t.heat, t.when, t.venue) == ("测试选手1", "测试工种", "第1场", "2026年12月8日 09:00",
                                                          "示例县职业技术学校")
    assert t.lot == "001 / 1号工位" and t.id_masked.startswith("9901") and "*" in t.id_masked
    assert t.qr_url.startswith("http://192.168.1.10:5000/ticket/")


def test_a_blind_trade_prints_no_lot(app):
    ev = seated_event(blind=True)
    assert {t.lot for t in tickets_data(ev["competition"], base="http://x")} == {"检录时公布"}


def test_the_printed_qr_opens_the_ticket_page(app, client, runner, tmp_path):
    seated_event(blind=False)
    out = tmp_path / "tickets.pdf"
    result = runner.invoke(args=["export", "tickets", str(out), "--base-url", "http://192.168.1.10:5000"])
    assert result.exit_code == 0, result.output
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(out), str(png)], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png) + "-1.png"], capture_output=True, text=True)
    urls = sorted(decoded.stdout.split())
    assert len(urls) == 2 and all(u.startswith("http://192.168.1.10:5000/ticket/") for u in urls)
    page = client.get(urls[0].replace("http://192.168.1.10:5000", "")).get_data(as_text=True)
    assert "测试选手" in page and "第1场" in page and "2026年12月8日 09:00" in page


def test_a_forged_ticket_token_shows_nothing(app, client):
    seated_event(blind=False)
    assert client.get("/ticket/MQ.forged").status_code == 404
    assert client.get("/ticket/" + "x" * 300).status_code == 404


def test_a_contestant_finds_their_heat_with_number_and_name_only(app, client):
    ev = seated_event(blind=True)
    c = ev["entries"][0].contestant
    found = look_up(ev["competition"], c.id_number, c.name)
    # blind and not started yet (the heat is in the future of the test's clock? 2026-12-08
    # 09:00 Beijing): the lot is not shown before the heat starts
    assert [(f.trade, f.heat, f.when) for f in found] == [("测试工种", "第1场", "2026年12月8日 09:00")]
    assert look_up(ev["competition"], c.id_number, "别人") == []
    html = client.post("/lookup", data={"id_number": c.id_number, "name": c.name}).get_data(as_text=True)
    assert "第1场" in html and "示例县职业技术学校" in html and c.employer not in html
    miss = client.post("/lookup", data={"id_number": c.id_number, "name": "别人"}).get_data(as_text=True)
    assert "第1场" not in miss


def test_the_look_up_is_rate_limited(app):
    seated_event(blind=False)
    limited = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                       RATELIMIT_STORAGE_URI="memory://")
    limited.test_client_class = FreshRequestClient
    client = limited.test_client()
    codes = [client.post("/lookup", data={"id_number": "990101198001010006", "name": "x"}).status_code
             for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


@pytest.mark.parametrize("trade", ["", "mini"])
def test_the_organiser_prints_tickets_as_a_job(app, client, auth, trade):
    ev = seated_event(blind=False)
    auth.login(ev["organiser"].username)
    from competition.services import document_jobs
    response = client.post("/admin/schedule/tickets", data={"trade": trade})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    for _ in range(100):
        state = client.get(f"/admin/documents/jobs/{job_id}.json").get_json()
        if state["done"]:
            break
        import time
        time.sleep(0.1)
    assert state["status"] == "done", state
    with client.get(f"/admin/documents/jobs/{job_id}/download") as pdf:
        assert pdf.data[:4] == b"%PDF"
    assert document_jobs.TICKETS_KIND in document_jobs.KINDS
