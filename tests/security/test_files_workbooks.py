"""Hostile workbooks are refused before openpyxl opens them: a zip bomb (declared sizes,
compression ratio), too many members, a sheet declaring a million rows or 16,000 columns,
more rows than the cap while reading (a dimension that lies), a renamed non-workbook and a
damaged zip. Each gets a precise error naming the file; nothing is saved."""
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contestant
from competition.registration import SheetError, read_sheet
from competition.registration.zipcheck import Limits, WorkbookRefused, check_xlsx

from ..integration._registration_setup import HEADER, person_row, setup_event, workbook

MB = 1024 * 1024


def zip_bomb(expanded: int = 200 * MB) -> bytes:
    """A real workbook whose sheet expands to ``expanded`` bytes: one name padded with
    zeros, a few hundred KB compressed. What the 2 MB bomb of the report does, smaller."""
    good = workbook([person_row(1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, data)
                continue
            cut = data.index(b">", data.index(b"<t")) + 1   # inside the first name
            with dst.open(info.filename, "w") as member:
                member.write(data[:cut])
                chunk = b"0" * MB
                for _ in range(expanded // MB):
                    member.write(chunk)
                member.write(data[cut:])
    return out.getvalue()


def with_dimension(ref: str) -> bytes:
    """A small workbook whose sheet declares the dimension ``ref``."""
    good = workbook([person_row(1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                if "<dimension" in text:
                    start = text.index("<dimension")
                    end = text.index("/>", start) + 2
                    text = text[:start] + f'<dimension ref="{ref}"/>' + text[end:]
                else:
                    text = text.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
                data = text.encode()
            dst.writestr(info, data)
    return out.getvalue()


def many_members(n: int = 500) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook([person_row(1)]))) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(n):
            dst.writestr(f"xl/media/x{i}.xml", b"<x/>")
    return out.getvalue()


def rows_workbook(n: int) -> bytes:
    """``n`` data rows under the header (write-only; one short cell each after the first)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(HEADER)
    for i in range(n):
        ws.append(person_row(i) if i < 2 else ["张三"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("data, code", [
    (zip_bomb(), "member_too_large"),
    (b"PK\x03\x04" + b"\x00" * 200, "not_xlsx"),            # a damaged zip
    (b"%PDF-1.4 renamed to .xlsx", "not_xlsx"),
    (many_members(), "too_many_members"),
    (with_dimension("A1:G1048576"), "too_many_rows"),
    (with_dimension("A1:XFD10"), "too_many_columns"),
])
def test_hostile_files_are_refused_with_a_precise_code(data, code):
    with pytest.raises(SheetError) as err:
        read_sheet(data)
    assert err.value.code == code


def test_a_compression_ratio_beyond_a_workbooks_is_refused_under_the_size_limits():
    with pytest.raises(WorkbookRefused) as err:
        check_xlsx(io.BytesIO(zip_bomb(20 * MB)))
    assert err.value.code == "compression_ratio" and err.value.params["ratio"] > 100


def test_the_total_expanded_size_is_capped():
    limits = Limits(max_total_bytes=10 * MB, max_member_bytes=100 * MB, max_ratio=10 ** 6)
    with pytest.raises(WorkbookRefused) as err:
        check_xlsx(io.BytesIO(zip_bomb(20 * MB)), limits)
    assert err.value.code == "too_large"


def test_rows_are_counted_while_reading_whatever_the_dimension_says():
    data = rows_workbook(120)
    assert len(read_sheet(data, limits=Limits(max_rows=200)).rows) == 120
    with pytest.raises(SheetError) as err:   # write-only sheets declare no dimension
        read_sheet(data, limits=Limits(max_rows=100))
    assert err.value.code == "too_many_rows"


def test_a_real_workbook_passes_the_checks():
    sheet = read_sheet(workbook([person_row(i) for i in range(20)]))
    assert len(sheet.rows) == 20


@pytest.mark.parametrize("data, words", [
    (zip_bomb(), "解压后达"),
    (b"%PDF-1.4", "不是 Excel"),
    (with_dimension("A1:G1048576"), "1048576 行"),
])
def test_the_upload_names_the_file_and_the_problem_and_saves_nothing(app, client, auth, data,
                                                                        words):
    setup_event()
    auth.login("org")
    uploads = Path(app.instance_path) / "uploads"
    before = set(uploads.glob("*.xlsx"))
    resp = client.post("/admin/registration/import", data={
        "sheet": (io.BytesIO(data), "恶意报名表.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "恶意报名表.xlsx" in page and words in page
    assert db.session.scalar(select(func.count()).select_from(Contestant)) == 0
    assert set(uploads.glob("*.xlsx")) <= before
