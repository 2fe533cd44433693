"""The hostile-files set, end to end: a zip bomb, huge dimensions, 100,000 rows, a renamed
non-workbook and a damaged zip are refused at the import with the file named and nothing
stored; names with a right-to-left override (U+202E) or 500 characters get a precise row
error; what does get in (a formula, markup, a 50-character name, a 200-character
employer) goes through the LED page, the public API, the certificate PDF and the
workbooks safely: escaped, fitted, never a formula, never a 500."""
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from competition.extensions import db
from competition.formatting.cells import safe_row
from competition.models import Contestant
from exports.certificates import render_certificates
from exports.data import CertificateData
from tests.factories import build_event

from ..integration._registration_setup import HEADER, person_row, setup_event
from .test_files_workbooks import with_dimension, zip_bomb

RTL = "\u202e"
FORMULA = '=HYPERLINK("http://evil.example","x")'
MARKUP = "<script>alert('x')</script>"
LONG_NAME = "欧阳" * 25                          # 50 characters: the most a name may have
LONG_EMPLOYER = "示例县城关镇第二社区居家养老服务中心" * 11  # 198 characters


def sheet(rows: list[list]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(HEADER)
    for r in rows:
        ws.append(safe_row(ws, r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def many_rows(n: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(HEADER)
    row = person_row(1)
    for _ in range(n):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def damaged() -> bytes:
    data = bytearray(sheet([person_row(1)]))
    middle = len(data) // 2
    data[middle:middle + 400] = b"\x00" * 400
    return bytes(data)


def upload(client, data: bytes, filename: str):
    """POST the file as a browser would (encoded in memory: the test client's own encoder
    spools big bodies to a temporary file it never closes)."""
    boundary, body = encode_multipart({"sheet": FileStorage(io.BytesIO(data), filename)})
    return client.post("/admin/registration/import", data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


@pytest.fixture
def organiser(app, client):
    setup_event()
    client.post("/auth/login", data={"username": "org", "password": "pw-1234"})
    return client


@pytest.mark.parametrize("make, filename, words", [
    (lambda: zip_bomb(), "炸弹.xlsx", "解压后达"),
    (lambda: with_dimension("A1:XFD1048576"), "巨大.xlsx", "行"),
    (lambda: many_rows(100_000), "十万行.xlsx", "一次最多导入 50000 行"),
    (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "改名的PDF.xlsx", "不是 Excel"),
    (lambda: "姓名,身份证号\n张三,990101".encode(), "报名表.csv.xlsx", "不是 Excel"),
    (damaged, "损坏.xlsx", "工作簿"),
])
def test_hostile_workbooks_are_refused_naming_the_file_and_nothing_is_stored(
        app, organiser, make, filename, words):
    uploads = Path(app.instance_path) / "uploads"
    before = set(uploads.glob("*.xlsx"))
    resp = upload(organiser, make(), filename)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert filename in page and words in page
    assert db.session.scalar(select(func.count()).select_from(Contestant)) == 0
    assert set(uploads.glob("*.xlsx")) <= before


def test_rtl_overrides_and_500_character_names_get_a_precise_row_error(app, organiser):
    rows = [person_row(i) for i in range(5)]
    rows[0][0] = "王" + RTL + "五"
    rows[1][3] = "示例县" + RTL + "厂一第"
    rows[2][0] = "欧" * 500
    rows[3][3] = "示" * 500
    resp = upload(organiser, sheet(rows), "报名表.xlsx")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert page.count("不可见字符") == 2 and "U+202E" in page
    assert "最多 50 个字" in page or "50" in page
    assert "最多 200" in page or "200 个字符" in page
    assert RTL not in page
    token = page.split("/admin/registration/import/")[1][:32]
    assert organiser.post(f"/admin/registration/import/{token}").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Contestant)) == 0
    # the form says the same
    resp = organiser.post("/admin/registration/new", data={
        "name": "李" + RTL + "四", "id_number": rows[4][2], "employer": "示例县第一机械厂",
        "phone": rows[4][4], "trade": "lathe"})
    assert resp.status_code == 400 and "不可见字符" in resp.get_data(as_text=True)


def test_what_gets_in_is_shown_safely_on_the_led_page_api_pdf_and_workbooks(app, client):
    ev = build_event(blind=False)
    hostile = [FORMULA, MARKUP, LONG_NAME]
    for entry, name in zip(ev["entries"], hostile):
        entry.contestant.name = name
        entry.contestant.employer = LONG_EMPLOYER
    ev["trade"].rule_text = ev["trade"].rule_text.replace("blind = true", "blind = false", 1)
    db.session.commit()
    # the live API: the names as they are (JSON), never a 500
    api = client.get("/api/trades/mini/standings")
    assert api.status_code == 200
    assert set(hostile) <= {r["name"] for r in api.get_json()["rows"]}
    # the LED and public pages: never a 500, markup escaped
    for page in ("/screen/trade/mini", "/results/mini", "/screen/rotate?trades=mini"):
        resp = client.get(page)
        assert resp.status_code == 200, page
        assert MARKUP not in resp.get_data(as_text=True), page
    # the workbooks: text, never a formula; the long employer intact
    client.post("/auth/login", data={"username": ev["organiser"].username,
                                     "password": "pw-1234"})
    for path in ("/admin/registration/contestants.xlsx", "/admin/documents/mini/results.xlsx",
                 "/admin/registration/contestants.xlsx?masked=1"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        wb = load_workbook(io.BytesIO(resp.data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], path
        values = {c.value for c in cells}
        assert FORMULA in values and LONG_EMPLOYER in values, path
    page = client.get("/admin/registration/").get_data(as_text=True)
    assert MARKUP not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("name", [LONG_NAME, FORMULA, MARKUP, "王" + RTL + "五", "欧" * 500])
def test_the_certificate_pdf_fits_hostile_text_on_the_page(name):
    data = CertificateData(serial="2026-MINI-0001-ABCDEF", competition="测试职工技能大赛",
                           name=name, employer=LONG_EMPLOYER, trade="测试工种", award="一等奖",
                           verify_url="http://192.0.2.10:5000/verify/2026-MINI-0001-ABCDEF",
                           title="县技术能手", bodies=("示例县总工会",), date="2026年12月7日")
    out = io.BytesIO()
    render_certificates([data], out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "一等奖" in text


def test_a_zip_with_a_path_traversal_member_is_only_read_never_unpacked(organiser):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sheet([person_row(1)]))) as src, zipfile.ZipFile(
            out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../../../../tmp/evil.txt", b"x")
    resp = upload(organiser, out.getvalue(), "穿越.xlsx")
    assert resp.status_code == 200          # read in memory: the stray member is ignored
    assert not Path("/tmp/evil.txt").exists()
