"""Award certificates: reopened as text, rendered to images, QR codes decoded."""
from datetime import date

import pydantic
import pytest

from exports.certificates import certificate_pdf, render_certificates
from exports.data import CertificateData
from exports.layout import DEFAULT_LAYOUT, load_layout

from .conftest import decode_qr, pdf_pages_text, render_png

BASE = "http://192.168.1.10:5000/verify/"


def cert(serial="2026-LATHE-0001", **kw) -> CertificateData:
    values = dict(serial=serial, competition="第十三届职工技能大赛", name="张小明",
                  employer="示例县第一机械厂", trade="车工", award="一等奖",
                  verify_url=BASE + serial, title="县技术能手",
                  bodies=("示例县总工会", "示例县人力资源和社会保障局"),
                  date=date(2026, 11, 25))
    values.update(kw)
    return CertificateData(**values)


def test_the_pdf_text_holds_name_employer_award_title_serial_and_date():
    (text,) = pdf_pages_text(certificate_pdf(cert()))
    for expected in ("张小明 同志", "示例县第一机械厂", "车工", "一等奖", "县技术能手",
                     "2026-LATHE-0001", "2026年11月25日", "示例县总工会"):
        assert expected in text


def test_a_team_certificate_has_no_honorific_and_no_title_line_without_a_title():
    (text,) = pdf_pages_text(certificate_pdf(cert(name="示例县供电公司代表队", team=True,
                                                  title=None)))
    assert "示例县供电公司代表队：" in text
    assert "同志" not in text and "称号" not in text


def test_a_batch_keeps_the_given_order_one_page_each(tmp_path):
    serials = [f"2026-LATHE-{i:04d}" for i in (3, 1, 2)]
    out = tmp_path / "batch.pdf"
    seen = []
    pages = render_certificates((cert(s) for s in serials), out,
                                progress=seen.append, progress_every=2)
    assert pages == 3 and seen == [2, 3]
    texts = pdf_pages_text(str(out))
    assert [next(s for s in serials if s in t) for t in texts] == serials


def test_an_empty_batch_is_still_a_valid_pdf(tmp_path):
    out = tmp_path / "none.pdf"
    assert render_certificates([], out) == 0
    assert "无获奖证书" in pdf_pages_text(str(out))[0]


def test_the_qr_code_decodes_to_the_verification_url(tmp_path):
    serials = ["2026-LATHE-0001", "2026-ELDERLY_CARE-0123"]
    out = tmp_path / "qr.pdf"
    render_certificates([cert(s) for s in serials], out)
    pngs = render_png(out, tmp_path / "page", dpi=150)
    assert [decode_qr(p) for p in pngs] == [[BASE + s] for s in serials]


def test_long_names_and_employers_shrink_or_wrap_but_stay_on_the_page(tmp_path):
    long = cert(name="欧阳长孙无忌", employer="示例县城关镇第二社区居家养老服务中心"
                "（示例县民政局下属事业单位）",
                competition="2026年示例县第十三届职工技能大赛暨安全生产和劳动保护知识竞赛",
                bodies=("示例县总工会", "示例县人力资源和社会保障局", "示例县民政局",
                        "示例县卫生健康委员会"))
    (text,) = pdf_pages_text(certificate_pdf(long))
    assert "示例县民政局下属事业单位" in text
    # each issuing body stays whole on a line
    assert all(body in text for body in long.bodies)


def test_a_layout_override_moves_boxes_and_removes_printed_parts():
    layout = load_layout({"border": False, "fields": {"heading": None,
                                                      "name": {"y": 70, "size": 30}}})
    assert "heading" not in layout.fields and layout.fields["name"].y == 70
    assert layout.fields["name"].template == DEFAULT_LAYOUT["fields"]["name"]["template"]
    (text,) = pdf_pages_text(certificate_pdf(cert(), layout))
    assert "荣 誉 证 书" not in text and "张小明" in text


@pytest.mark.parametrize("override, message", [
    ({"fields": {"name": {"template": "{nmae}"}}}, "unknown placeholder"),
    ({"fields": {"name": {"template": "{name"}}}, "malformed template"),
    ({"fields": {"name": {"x": 250}}}, "outside"),
    ({"fields": {"name": {"color": "red"}}}, "#RRGGBB"),
    ({"page": "Letter"}, "unknown page"),
    ({"fields": {"name": {"colour": "#000000"}}}, "Extra inputs"),
    ({"qr": {"x": 280}}, "QR code lies outside"),
])
def test_a_bad_layout_is_refused_with_the_reason(override, message):
    with pytest.raises(pydantic.ValidationError, match=message):
        load_layout(override)


def test_portrait_and_custom_paper_sizes():
    layout = load_layout({"orientation": "portrait", "fields": {
        k: {"x": 10, "width": 150} for k in DEFAULT_LAYOUT["fields"]}, "qr": {"x": 10}})
    assert layout.size_mm == (210, 297)
    assert load_layout({"page_size_mm": [300, 215]}).size_mm == (300, 215)
    with pytest.raises(pydantic.ValidationError, match="outside the 260.0x185.0 mm page"):
        load_layout({"page_size_mm": [260, 185]})  # the default boxes do not fit
    assert pdf_pages_text(certificate_pdf(cert(), layout))[0]


def test_a_void_certificate_is_printed_with_void_across_it(tmp_path):
    (text,) = pdf_pages_text(certificate_pdf(cert(void=True)))
    assert "作 废" in text and "VOID" in text
    assert "作 废" not in pdf_pages_text(certificate_pdf(cert()))[0]


def test_the_pre_printed_paper_example_in_the_readme_is_a_valid_layout():
    import json
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[3] / "exports" / "README.md").read_text("utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", readme, re.S).group(1))
    layout = load_layout(example)
    assert "heading" not in layout.fields and not layout.border
    (text,) = pdf_pages_text(certificate_pdf(cert(), layout))
    assert "张小明" in text and "荣 誉 证 书" not in text
