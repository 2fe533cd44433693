"""Team members get certificates: one each (the member's name, the team's name, employer,
trade, award) with its own serial and a QR code the verification page resolves; besides
the team certificate or instead of it, as the organiser chooses."""
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from competition.demo_teams import TEAM_TRADE
from competition.extensions import db
from competition.models import Certificate, Team
from competition.services import certificates as certs
from competition.services import documents as svc

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)


def pdf_text(data: bytes) -> list[str]:
    return [p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages]


def _teams(awarded):
    return [a for a in awarded if a.entry.team_id and not a.member]


def test_each_member_of_an_awarded_team_gets_a_certificate_of_their_own(demo, admin):
    t = trade(demo, TEAM_TRADE)
    rows = svc.awarded(t)
    teams = _teams(rows)
    assert teams, "the demo's team trade has awarded teams"
    team = db.session.get(Team, teams[0].entry.team_id)
    members = sorted(team.members, key=lambda m: (m.name, m.id))
    i = rows.index(teams[0])
    assert [a.entry.display_name for a in rows[i + 1:i + 1 + len(members)]] == \
        [m.name for m in members]                        # right after their team
    issued = svc.issue_certificates(t, admin)
    assert len({c.serial for c in issued}) == len(issued) == len(rows)
    mine = [c for c in issued if c.team_id == team.id and c.contestant_id is not None]
    assert sorted(c.contestant_id for c in mine) == sorted(m.id for m in team.members)
    for cert in mine:
        member = next(m for m in team.members if m.id == cert.contestant_id)
        assert cert.data["name"] == member.name and cert.data["team_name"] == team.name
        assert cert.data["employer"] == member.employer and cert.data["trade"] == t.name
        assert cert.award == teams[0].award and cert.data["team"] is False
    team_cert = next(c for c in issued if c.team_id == team.id and c.contestant_id is None)
    assert team_cert.data["name"] == team.name and "team_name" not in team_cert.data
    assert svc.issue_certificates(t, admin) == []       # nothing twice


@pytest.mark.parametrize("mode,team_certs,member_certs", [("team", True, False),
                                                          ("members", False, True)])
def test_the_organiser_chooses_team_members_or_both(demo, admin, client, auth, mode,
                                                    team_certs, member_certs):
    auth.login("admin", "demo-admin")
    page = client.get("/admin/documents/").get_data(as_text=True)
    assert 'id="team-certificates"' in page and "每名队员" in page
    assert client.post("/admin/documents/team-certificates",
                       data={"mode": mode}).status_code == 302
    db.session.refresh(demo)
    assert certs.team_certificate_mode(demo) == mode
    issued = svc.issue_certificates(trade(demo, TEAM_TRADE), admin)
    teams = {c for c in issued if c.team_id and c.contestant_id is None}
    members = {c for c in issued if c.team_id and c.contestant_id is not None}
    assert bool(teams) is team_certs and bool(members) is member_certs


def test_an_unknown_choice_is_refused_in_chinese_not_a_500(demo, client, auth):
    auth.login("admin", "demo-admin")
    resp = client.post("/admin/documents/team-certificates", data={"mode": "everyone"})
    assert resp.status_code == 400 and "团队" in resp.get_data(as_text=True)


def test_a_members_certificate_prints_names_and_verifies_by_its_qr_code(
        demo, admin, client, auth, app, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "http://192.0.2.10:5000/"
    issued = svc.issue_certificates(trade(demo, TEAM_TRADE), admin)
    cert = next(c for c in issued if c.team_id and c.contestant_id)
    auth.login("admin", "demo-admin")
    pdf = client.get(f"/admin/documents/certificate/{cert.serial}.pdf").data
    text = pdf_text(pdf)[0]
    for part in (cert.data["name"], cert.data["team_name"], cert.data["employer"],
                 cert.data["trade"], cert.award, cert.serial):
        assert part in text, part
    assert "同志" in text                                # a person, unlike the team's
    # verification shows a certificate once the trade's results are published (issue 14)
    trade(demo, TEAM_TRADE).published = True
    db.session.commit()
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "真实有效" in html and cert.data["name"] in html and cert.data["team_name"] in html
    certs.set_team_certificate_mode(demo, admin, "team")  # later: teams only; a member's
    new = svc.reissue_certificate(cert, admin, "姓名更正")     # certificate still re-issues
    assert (new.contestant_id, new.team_id) == (cert.contestant_id, cert.team_id)
    assert new.serial != cert.serial and new.data["team_name"] == cert.data["team_name"]
    assert db.session.get(Certificate, cert.id).replaced_by_id == new.id
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbarimg/pdftoppm not installed: QR decoding not checked")
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp_path / "c.pdf"),
                    str(tmp_path / "p")], check=True)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(next(tmp_path.glob("p*.png")))],
                         capture_output=True, text=True).stdout.split()
    assert out == [f"http://192.0.2.10:5000/verify/{cert.serial}"]
