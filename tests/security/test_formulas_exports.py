"""Formula injection: a name typed as =HYPERLINK(...) is imported as it is, and every
workbook we write (contestants list full and masked, results, draw, promotion list,
marking scheme, audit log) keeps it as text: reopened with openpyxl, no cell is a formula.
The CSV audit export prefixes such text with an apostrophe."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competition.demo import DemoSize
from competition.extensions import db
from competition.formatting.cells import csv_safe, is_formula_like, safe_row, set_value
from competition.models import AuditLog, Contestant, Entry, Heat, Stage
from exports.promotions import PromotionListData, PromotionListRow, promotion_list_xlsx

from ..integration._registration_setup import HEADER, person_row, setup_event

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def text_workbook(rows: list[list]) -> bytes:
    """A sign-up sheet whose cells are typed as text (as Excel stores '=HYPERLINK(...))."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(HEADER)
    for r in rows:
        ws.append(safe_row(ws, r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def formulas(data: bytes) -> list:
    """Every formula cell of a workbook: (sheet, coordinate, value)."""
    wb = load_workbook(io.BytesIO(data))
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"]


def texts(data: bytes) -> set:
    wb = load_workbook(io.BytesIO(data))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


@pytest.fixture
def hostile_demo(app):
    from tests.demo_cache import load_demo_cached
    comp = load_demo_cached(app, DemoSize(big=12, small=6))   # built once per worker
    lathe = next(t for t in comp.trades if t.code == "lathe")
    people = db.session.scalars(select(Contestant).where(Contestant.trade_id == lathe.id)
                                .order_by(Contestant.id)).all()
    for person, name in zip(people, HOSTILE):
        person.name = name
        person.employer = name
    heat = db.session.scalars(select(Heat).join(Stage).where(Stage.trade_id == lathe.id)
                              .join(Entry, Entry.heat_id == Heat.id)).first()
    db.session.add(AuditLog(action="mark.correct", object_type="mark", object_id=1,
                            competition_id=comp.id, trade_id=lathe.id, heat_id=heat.id,
                            old={"value": "=1+1"}, new={"value": "@SUM(A1)"},
                            reason=HOSTILE[0]))
    db.session.commit()
    return comp, lathe, heat


def test_the_helper_keeps_formula_like_text_as_text():
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(safe_row(ws, [*HOSTILE, "正常", 3, None]))
    set_value(ws.cell(row=2, column=1), HOSTILE[0])
    out = io.BytesIO()
    wb.save(out)
    assert formulas(out.getvalue()) == []
    # the value itself is unchanged (XML turns a bare CR into a line feed)
    assert {h.replace("\r", "\n") for h in HOSTILE} <= texts(out.getvalue())
    assert [is_formula_like(v) for v in ("=a", "a=", "", None, 3)] == [True] + [False] * 4
    assert csv_safe("=1+1") == "'=1+1" and csv_safe("-2") == "-2" and csv_safe("名") == "名"


def test_a_formula_name_is_imported_as_it_is_and_the_contestants_lists_keep_it_text(
        app, client, auth):
    setup_event()
    auth.login("org")
    rows = [person_row(1), person_row(2)]
    rows[0][0] = HOSTILE[0]
    rows[1][3] = HOSTILE[1]
    resp = client.post("/admin/registration/import", data={
        "sheet": (io.BytesIO(text_workbook(rows)), "报名表.xlsx")},
        content_type="multipart/form-data")
    assert resp.status_code == 200
    token = resp.get_data(as_text=True).split("/admin/registration/import/")[1][:32]
    resp = client.post(f"/admin/registration/import/{token}")
    assert resp.status_code == 302, resp.get_data(as_text=True)[-3000:]
    assert db.session.scalar(select(Contestant.name).where(
        Contestant.name == HOSTILE[0])) == HOSTILE[0]
    for masked in ("0", "1"):
        resp = client.get(f"/admin/registration/contestants.xlsx?masked={masked}")
        assert resp.status_code == 200
        assert formulas(resp.data) == []
        assert {HOSTILE[0], HOSTILE[1]} <= texts(resp.data)


def test_results_draw_and_audit_exports_keep_hostile_names_text(hostile_demo, client, auth):
    comp, lathe, heat = hostile_demo
    auth.login("admin", "demo-admin")
    downloads = {
        "results": client.get("/admin/documents/results.xlsx"),
        "trade results": client.get(f"/admin/documents/{lathe.code}/results.xlsx"),
        "draw": client.get(f"/admin/stages/{heat.stage_id}/draw.xlsx"),
        "audit": client.get(f"/judge/chief/heat/{heat.id}/audit.xlsx"),
        "masked list": client.get("/admin/registration/contestants.xlsx?masked=1"),
    }
    for what, resp in downloads.items():
        assert resp.status_code == 200, what
        assert formulas(resp.data) == [], what
    assert HOSTILE[0] in texts(downloads["results"].data)
    assert HOSTILE[0] in texts(downloads["draw"].data)
    assert HOSTILE[0] in texts(downloads["audit"].data)
    csv = client.get(f"/judge/chief/heat/{heat.id}/audit.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and ',=HYPERLINK' not in csv


def test_the_promotion_list_and_the_marking_scheme_keep_text_text(hostile_demo):
    rows = [PromotionListRow(name=n, id_number="990101199001011234", employer=n, trade=n,
                             old_grade="无", new_grade="五级/初级工", basis="按获奖等次",
                             award="一等奖", total=Decimal("90.5"), reason=n) for n in HOSTILE]
    for masked in (False, True):
        data = promotion_list_xlsx(PromotionListData(competition=HOSTILE[0], rows=rows),
                                   masked=masked)
        assert formulas(data) == []
        assert HOSTILE[0] in texts(data)
    from competition.rules.scheme_xlsx import scheme_bytes
    _, lathe, _ = hostile_demo
    text = lathe.rule_text.replace('name = "', 'name = "=', 1)
    data = scheme_bytes(text, HOSTILE[0])
    assert formulas(data) == []
