"""The certificate layout as a clerk's form: paper, a scanned blank as background, each
field's position, width, size, alignment and whether it is printed; a preview of one real
certificate of a trade; reset. Errors name the field in Chinese and keep what was typed.
The stored format stays the JSON overrides (the advanced view still takes them)."""
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from competition.extensions import db
from competition.services import documents as svc
from competition.services.certificate_form import form_values

from ._documents_setup import admin, demo, trade  # noqa: F401 (fixtures)

URL = "/admin/documents/layout"


def pdf_text(data: bytes) -> list[str]:
    return [p.extract_text().replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages]


def images_on(data: bytes) -> int:
    return sum(len(p.images) for p in PdfReader(io.BytesIO(data)).pages)


def png(size=(842, 595), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (250, 240, 220)).save(buf, fmt)
    return buf.getvalue()


def form(**changes) -> dict:
    data = {k: v for k, v in form_values(None).items() if v != ""}
    for key, value in changes.items():
        key = key.replace("__", ".")
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def layout(comp) -> dict:
    db.session.refresh(comp)
    return (comp.settings or {}).get("certificate_layout") or {}


@pytest.fixture
def organiser(demo, client, auth):
    auth.login("admin", "demo-admin")
    return client


def test_the_form_shows_every_field_in_chinese_with_its_position(organiser):
    html = organiser.get(URL).get_data(as_text=True)
    for label in ("姓名", "单位", "工种", "奖项", "名次", "日期", "证书编号", "颁发单位", "二维码",
                  "纸张", "背景图片", "距左边", "距顶部", "字号", "对齐", "恢复默认版式"):
        assert label in html, label
    assert 'name="name.x" value="40"' in html and 'name="rank.show"' in html
    assert 'name="layout"' in html                     # the advanced JSON view is still there


def test_a_clerk_moves_hides_and_adds_fields_and_the_certificates_follow(
        demo, admin, organiser):
    resp = organiser.post(URL, data=form(heading__show=None, name__y="70", name__size="30",
                                         rank__show="1", rank__x="200", rank__y="118",
                                         employer__align="center", page="A4"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    stored = layout(demo)
    assert stored["fields"]["heading"] is None
    assert stored["fields"]["name"]["y"] == 70 and stored["fields"]["name"]["size"] == 30
    assert stored["fields"]["rank"]["template"] == "第{rank}名"
    assert stored["fields"]["employer"]["align"] == "center"
    assert 'name="name.y" value="70"' in organiser.get(URL).get_data(as_text=True)
    svc.issue_certificates(trade(demo), admin)
    text = pdf_text(organiser.get("/admin/documents/lathe/certificates.pdf").data)[0]
    assert "荣 誉 证 书" not in text and "第1名" in text


def test_errors_name_the_field_in_chinese_and_keep_what_was_typed(demo, organiser):
    resp = organiser.post(URL, data=form(name__x="四十", employer__x="100",
                                         employer__width="217", qr__size="5"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "姓名 · 距左边（毫米）：请输入数字" in html
    assert "单位：右边缘" in html and "297" in html          # 100 + 217 > 297 mm
    assert "二维码 · 尺寸（毫米）" in html
    assert 'name="name.x" value="四十" inputmode="decimal"' in html
    assert 'name="employer.x" value="100"' in html
    assert 'aria-invalid="true"' in html
    assert layout(demo) == {}                             # nothing saved


def test_the_page_size_and_orientation_bound_the_fields(demo, organiser):
    resp = organiser.post(URL, data=form(page="A5", orientation="portrait"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "148" in html     # A5 portrait is 148 mm wide
    keys = ("heading", "name", "employer", "team", "body", "award", "title", "promotion",
            "closing", "bodies", "date", "serial")
    ok = form(page="A4", orientation="portrait", **{f"{k}__width": "120" for k in keys},
              **{f"{k}__x": "20" for k in keys})
    assert organiser.post(URL, data=ok).status_code == 302
    assert layout(demo)["orientation"] == "portrait"


def test_a_scanned_blank_is_uploaded_previewed_and_left_off_the_print(
        demo, admin, organiser):
    resp = organiser.post(URL, data={**form(heading__show=None, border=None,
                                            print_background=None),
                                     "background_file": (io.BytesIO(png()), "blank.png")},
                          content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    stored = layout(demo)
    assert stored["background"].startswith("bg-") and stored["print_background"] is False
    preview = organiser.post(f"{URL}/preview", data=form(preview_trade="lathe",
                                                         background=stored["background"],
                                                         print_background=None))
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert images_on(preview.data) == 1                   # the preview shows the scan
    svc.issue_certificates(trade(demo), admin)
    printed = organiser.get("/admin/documents/lathe/certificates.pdf").data
    assert images_on(printed) == 0                        # the print leaves it off
    again = organiser.post(URL, data=form(background=stored["background"],
                                          print_background="1"))
    assert again.status_code == 302 and layout(demo)["background"] == stored["background"]
    assert images_on(organiser.get("/admin/documents/lathe/certificates.pdf").data) > 0
    organiser.post(URL, data=form(background=stored["background"], remove_background="1"))
    assert "background" not in layout(demo)


@pytest.mark.parametrize("upload,message", [
    (b"GIF89a" + b"\0" * 100, "仅接受 PNG 或 JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "无法读取"),
    (b"", "文件为空"),
])
def test_a_background_that_is_not_a_png_or_jpeg_is_refused(demo, organiser, upload, message):
    resp = organiser.post(URL, data={**form(name__y="77"),
                                     "background_file": (io.BytesIO(upload), "scan.png")},
                          content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "背景图片" in html and message in html
    assert 'name="name.y" value="77"' in html and layout(demo) == {}


def test_a_background_larger_than_the_limit_is_refused(demo, organiser, app):
    app.config["CERTIFICATE_BACKGROUND_MAX_BYTES"] = 2000
    big = png(fmt="JPEG", size=(2000, 1400))
    assert len(big) > 2000
    resp = organiser.post(URL, data={**form(), "background_file": (io.BytesIO(big), "a.jpg")},
                          content_type="multipart/form-data")
    assert resp.status_code == 400 and "大于" in resp.get_data(as_text=True)


def test_the_preview_prints_real_data_of_the_chosen_trade_without_saving(
        demo, organiser):
    lathe = trade(demo)
    awarded = svc.awarded(lathe)
    longest = max(awarded, key=lambda a: len(a.entry.employer or ""))
    resp = organiser.post(f"{URL}/preview", data=form(preview_trade="lathe", name__y="60"))
    assert resp.status_code == 200
    text = pdf_text(resp.data)[0]
    assert longest.entry.display_name in text and lathe.name in text and longest.award in text
    assert layout(demo) == {}
    bad = organiser.post(f"{URL}/preview", data=form(preview_trade="lathe", name__size="x"))
    assert bad.status_code == 400 and "姓名 · 字号" in bad.get_data(as_text=True)


def test_reset_brings_back_the_default(demo, organiser):
    organiser.post(URL, data=form(heading__show=None))
    assert layout(demo)["fields"]["heading"] is None
    assert organiser.post(f"{URL}/reset").status_code == 302
    assert layout(demo) == {}
    assert 'name="heading.show" value="1" checked' in organiser.get(URL).get_data(as_text=True)


def test_fields_set_in_the_advanced_view_survive_a_form_save(demo, organiser):
    advanced = '{"fields": {"name": {"template": "{name}：", "color": "#112233"}, ' \
               '"motto": {"template": "培训、练兵、比武、晋级", "x": 40, "y": 150, "width": 100}}}'
    assert organiser.post(URL, data={"layout": advanced}).status_code == 302
    assert "motto" in organiser.get(URL).get_data(as_text=True)
    assert organiser.post(URL, data=form(name__x="45")).status_code == 302
    fields = layout(demo)["fields"]
    assert fields["name"]["template"] == "{name}：" and fields["name"]["color"] == "#112233"
    assert fields["name"]["x"] == 45 and fields["motto"]["template"] == "培训、练兵、比武、晋级"


LONG = ("示例县城关镇第二社区居家养老服务中心暨示例县第一机械厂职工技能培训学校附属实训基地"
        "（第三分部）")


def test_a_long_employer_name_is_shrunk_to_its_box_and_nothing_leaves_the_page(
        demo, organiser, app):
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exports.fonts import cjk_font
    longest = max(svc.awarded(trade(demo)), key=lambda a: len(a.entry.employer or ""))
    longest.entry.contestant.employer = LONG
    db.session.commit()
    resp = organiser.post(f"{URL}/preview", data=form(preview_trade="lathe"))
    page = PdfReader(io.BytesIO(resp.data)).pages[0]
    width = float(page.mediabox.width)
    font = cjk_font("kai", app.config.get("CJK_FONT_PATH"))
    lines = []
    page.extract_text(visitor_text=lambda text, cm, tm, fd, size: lines.append(
        (text.strip(), tm[4], size)) if text.strip() else None)
    employer = next(line for line in lines if LONG in line[0])
    text, x, size = employer
    assert size < 15                                       # shrunk from the box's 15 pt
    assert x + stringWidth(text, font, size) <= (40 + 217) * mm + 0.5
    for text, x, size in lines:
        assert 0 <= x and x + stringWidth(text, font, size) <= width, text


def test_fields_placed_over_each_other_are_pointed_out(demo, organiser):
    assert 'id="layout-overlaps"' not in organiser.get(URL).get_data(as_text=True)
    assert organiser.post(URL, data=form(rank__show="1", rank__x="100", rank__y="60")
                          ).status_code == 302               # saved: only a warning
    html = organiser.get(URL).get_data(as_text=True)
    assert 'id="layout-overlaps"' in html and "姓名 与 名次" in html


def test_an_image_uploaded_with_a_refused_form_is_kept_for_the_next_try(demo, organiser):
    resp = organiser.post(URL, data={**form(name__x="x"),
                                     "background_file": (io.BytesIO(png()), "blank.png")},
                          content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and layout(demo) == {}
    name = html.split('name="background" value="')[1].split('"')[0]
    assert name.startswith("bg-")                          # shown as the current image
    assert organiser.post(URL, data=form(background=name)).status_code == 302
    assert layout(demo)["background"] == name
    # a name that is no stored upload is never taken (it would be read as a file)
    bad = organiser.post(URL, data=form(background="/etc/passwd"))
    assert bad.status_code == 400 and "请重新上传" in bad.get_data(as_text=True)
    assert layout(demo)["background"] == name
