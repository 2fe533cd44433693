"""Blind trades stay blind on public views until results are published:
(a) /verify/<serial> of an unpublished trade says only 成绩尚未公布, and serials carry a
keyed random part; (b) rebinding a trade to a rule with blind = true sets the trade's flag;
(c) a criterion judged blind hides names on the public API, page and LED page too."""
import re

import pytest

from competition.extensions import db
from competition.models import Certificate, Role
from competition.services import certificates
from competition.services.trades import names_hidden_publicly, rebind_rule
from tests.conftest import create_user
from tests.factories import DATA, build_event

SERIAL = re.compile(r"^2026-MINI-\d{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")


def rule_text(trade_blind: bool, work_blind: bool | None = None) -> str:
    text = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    text = text.replace("blind = true", f"blind = {str(trade_blind).lower()}", 1)
    if work_blind is not None:
        text = text.replace('name = "作品质量"\n',
                            f'name = "作品质量"\nblind = {str(work_blind).lower()}\n', 1)
    return text


def names(resp) -> list:
    return [r.get("name") for r in resp.get_json()["rows"]]


# --- (a) verification ---------------------------------------------------------------------

@pytest.fixture
def certificate(app):
    ev = build_event(blind=True)
    entry = ev["entries"][0]
    cert = Certificate(serial=certificates.make_serial(ev["trade"], 1),
                       competition_id=ev["competition"].id, trade_id=ev["trade"].id,
                       contestant_id=entry.contestant_id, award="一等奖", title="县技术能手",
                       data={"name": "测试选手1", "employer": "示例县第1机械厂",
                             "trade": "测试工种", "competition": "测试职工技能大赛"})
    db.session.add(cert)
    db.session.commit()
    return ev, cert


def test_verifying_a_certificate_of_unpublished_results_shows_only_not_yet_published(
        certificate, client):
    ev, cert = certificate
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "成绩尚未公布" in html
    for secret in ("测试选手1", "示例县第1机械厂", "一等奖", "县技术能手", "真实有效"):
        assert secret not in html
    ev["trade"].published = True
    db.session.commit()
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "真实有效" in html and "测试选手1" in html and "一等奖" in html


def test_serials_carry_a_keyed_random_part(app):
    ev = build_event()
    trade = ev["trade"]
    serials = [certificates.make_serial(trade, n) for n in range(1, 30)]
    assert all(SERIAL.match(s) for s in serials) and len(set(serials)) == len(serials)
    assert len({s[-6:] for s in serials}) > 25               # not a counter
    assert certificates.make_serial(trade, 1) == serials[0]  # a number has one serial
    app.config["SECRET_KEY"] = "another-installation-key-0123"
    assert certificates.make_serial(trade, 1) != serials[0]  # unguessable without the key
    assert len(serials[0]) <= 40


def test_the_next_number_reads_serials_with_the_random_part(app):
    ev = build_event()
    trade = ev["trade"]
    for n in (1, 2, 7):
        db.session.add(Certificate(serial=certificates.make_serial(trade, n),
                                   competition_id=ev["competition"].id, trade_id=trade.id,
                                   award="一等奖", data={}))
    db.session.add(Certificate(serial="2026-MINI-0009", competition_id=ev["competition"].id,
                               trade_id=trade.id, award="一等奖", data={}))   # an old serial
    db.session.commit()
    assert certificates._next_number(trade) == 10


# --- (b) the flag follows the bound rule ---------------------------------------------------

def test_rebinding_to_a_blind_rule_makes_the_trade_blind_on_the_public_api(app, client, tmp_path):
    ev = build_event(blind=False)
    trade = ev["trade"]
    trade.rule_text = rule_text(trade_blind=False)
    db.session.commit()
    app.config["RULES_DIR"] = str(tmp_path)
    assert "测试选手1" in names(client.get("/api/trades/mini/standings"))
    (tmp_path / trade.rule_file).write_text(rule_text(trade_blind=True), encoding="utf-8")
    create_user("org", Role.ORGANISER)
    client.post("/auth/login", data={"username": "org", "password": "pw-1234"})
    resp = client.post("/admin/rules/mini/rebind", data={"reason": "盲评"})
    assert resp.status_code == 302
    db.session.refresh(trade)
    assert trade.blind is True
    assert set(names(client.get("/api/trades/mini/standings"))) == {None}
    # and back: a rule without blind judging shows names again
    (tmp_path / trade.rule_file).write_text(rule_text(trade_blind=False), encoding="utf-8")
    rebind_rule(trade, ev["organiser"], "改为公开评分")
    assert trade.blind is False
    assert "测试选手1" in names(client.get("/api/trades/mini/standings"))


def test_creating_a_competition_binds_the_rules_blind_flag(app, tmp_path):
    from competition.services.setup import create_competition
    (tmp_path / "mini_rule.toml").write_text(rule_text(trade_blind=True), encoding="utf-8")
    app.config["RULES_DIR"] = str(tmp_path)
    comp = create_competition("T", "测试", 2026, "示例县总工会")
    assert [t.blind for t in comp.trades] == [True]


# --- (c) a criterion judged blind ----------------------------------------------------------

@pytest.fixture
def criterion_blind(app):
    ev = build_event(blind=False)
    ev["trade"].rule_text = rule_text(trade_blind=False, work_blind=True)
    db.session.commit()
    return ev


def test_a_criterion_judged_blind_hides_names_on_public_views_until_published(
        criterion_blind, client):
    trade = criterion_blind["trade"]
    assert names_hidden_publicly(trade)
    api = client.get("/api/trades/mini/standings")
    assert set(names(api)) == {None} and all(r.get("lot") for r in api.get_json()["rows"])
    assert not any(r.get("employer") for r in api.get_json()["rows"])
    for page in ("/results/mini", "/screen/trade/mini"):
        html = client.get(page).get_data(as_text=True)
        assert "测试选手" not in html and "示例县第1机械厂" not in html, page
    assert [t["blind"] for t in client.get("/api/trades").get_json()] == [True]
    trade.published = True
    db.session.commit()
    assert "测试选手1" in names(client.get("/api/trades/mini/standings"))


def test_a_rule_without_blind_criteria_shows_names(app, client):
    ev = build_event(blind=False)
    ev["trade"].rule_text = rule_text(trade_blind=False, work_blind=False)
    db.session.commit()
    assert not names_hidden_publicly(ev["trade"])
    assert "测试选手1" in names(client.get("/api/trades/mini/standings"))
