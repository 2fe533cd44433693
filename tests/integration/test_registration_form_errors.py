"""The add-contestant form reports every field's problem at once, keeps what was typed,
and offers the grade as a choice of the competition's grade ladder."""
import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Competition, Contestant

from ._registration_setup import person_id, setup_event


@pytest.fixture
def ev(app):
    return setup_event()


def test_every_field_error_is_reported_at_once_and_the_typed_values_stay(client, auth, ev):
    auth.login("org")
    bad_id = person_id(1)[:-1] + ("0" if person_id(1)[-1] != "0" else "1")  # wrong check digit
    resp = client.post("/admin/registration/new", data={
        "name": "测试选手", "gender": "", "id_number": bad_id, "employer": "示例县第一机械厂",
        "phone": "12345", "trade": "lathe", "grade": "L3", "team": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'data-field="id_number"' in page and 'data-field="phone"' in page
    assert "校验位" in page and "手机" in page
    assert "请更正以下各项" in page and "手机号：" in page and "身份证号：" in page
    # what was typed stays in the form
    assert f'value="{bad_id}"' in page and 'value="12345"' in page and 'value="示例县第一机械厂"' in page
    assert re.search(r'<option value="三级/高级工" selected>三级/高级工</option>', page)
    assert db.session.scalar(select(Contestant)) is None


def test_the_grade_is_a_choice_of_the_competitions_ladder(client, auth, ev):
    auth.login("org")
    page = client.get("/admin/registration/new").get_data(as_text=True)
    assert '<select name="grade"' in page and '<input name="grade"' not in page
    for label in ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"):
        assert f">{label}</option>" in page
    assert "学徒工" not in page   # the five-level ladder by default
    comp = db.session.get(Competition, ev["competition"].id)
    comp.settings = {**(comp.settings or {}), "grade_ladder": "eight"}
    db.session.commit()
    page = client.get("/admin/registration/new").get_data(as_text=True)
    assert ">学徒工</option>" in page
    resp = client.post("/admin/registration/new", data={
        "name": "测试选手", "gender": "", "id_number": person_id(2), "employer": "示例县第一机械厂",
        "phone": "13900000002", "trade": "lathe", "grade": "二级/技师", "team": ""})
    assert resp.status_code == 302
    assert db.session.scalar(select(Contestant)).grade == "L2"
