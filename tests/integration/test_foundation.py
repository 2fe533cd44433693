"""The foundation: factory settings, model constraints, sign-in and roles, /api/trades."""
import pytest
from sqlalchemy.exc import IntegrityError

from competition import create_app
from competition.config import Config, ConfigError
from competition.extensions import db
from competition.formatting.masking import mask_id
from competition.models import Entry, Mark, Role
from tests.conftest import create_user
from tests.factories import build_event


def test_production_mode_refuses_the_default_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config({"COMPETITION_ENV": "production"}))


def test_production_mode_starts_with_a_real_secret_key(tmp_path):
    app = create_app(Config({"COMPETITION_ENV": "production", "SECRET_KEY": "x" * 32,
                             "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite"}))
    assert app.config["SECRET_KEY"] == "x" * 32


def test_id_numbers_are_masked_keeping_four_digits_each_side():
    assert mask_id("320102198001011234") == "3201**********1234"
    assert mask_id("") == ""


def test_a_mark_cannot_exist_without_an_entry(app):
    ev = build_event(n_entries=1)
    db.session.add(Mark(entry_id=None, judge_id=ev["judges"][0].id, criterion="work",
                        value="50"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_mark_cannot_exist_without_a_judge(app):
    ev = build_event(n_entries=1)
    db.session.add(Mark(entry_id=ev["entries"][0].id, judge_id=None, criterion="work",
                        value="50"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_lot_numbers_are_unique_within_a_heat(app):
    ev = build_event(n_entries=2)
    second = ev["entries"][1]
    second.lot_number = ev["entries"][0].lot_number
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_entry_is_a_contestant_or_a_team_not_both(app):
    ev = build_event(n_entries=1)
    db.session.add(Entry(stage_id=ev["stage"].id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_sign_in_with_wrong_password_is_refused(client, auth):
    create_user("alice", Role.ORGANISER)
    response = auth.login("alice", "wrong")
    assert response.status_code == 401
    assert "/admin/" not in response.headers.get("Location", "")


def test_organiser_signs_in_and_lands_on_the_dashboard(client, auth):
    create_user("alice", Role.ORGANISER)
    response = auth.login("alice")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role, status", [
    (Role.ORGANISER, 200), (Role.JUDGE, 403), (Role.CHIEF_JUDGE, 403), (Role.SCREEN, 403),
    (Role.ARBITRATION, 403),
])
def test_only_organisers_open_the_organiser_dashboard(client, auth, role, status):
    create_user("u", role)
    auth.login("u")
    assert client.get("/admin/").status_code == status


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_api_trades_lists_code_names_rule_and_count(client):
    build_event(n_entries=4)
    data = client.get("/api/trades").get_json()
    assert data == [{"code": "mini", "name": "测试工种", "name_en": "Test trade",
                     "rule": "mini_rule.toml", "blind": True, "contestants": 4}]


def test_the_interface_is_chinese_by_default_and_english_on_request(client):
    build_event(n_entries=1)
    assert "登录" in client.get("/auth/login").get_data(as_text=True)
    assert "Sign in" in client.get("/auth/login?lang=en").get_data(as_text=True)
