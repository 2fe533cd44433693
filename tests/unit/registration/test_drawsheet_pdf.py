"""The draw sheet PDF: long venue and heat names stay inside their cells (QA saw the venue
column wrap into four lines while the time column had room to spare)."""
from io import BytesIO

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from competition.registration.drawsheet import (
    COLUMNS,
    PDF_MIN_SIZE,
    PDF_PAD,
    DrawRow,
    DrawSheet,
    _pdf_cell,
    pdf_column_widths,
    to_pdf,
)
from exports.fonts import cjk_font

LONG_VENUE = "示例县第一机械厂培训中心（二号车间东侧数控实训区）"
VERY_LONG = "示例县供电公司技能培训基地" * 6


def sheet(venues, heats=("第1场",)):
    rows = [DrawRow(f"{i:03d}", heats[i % len(heats)], venues[i % len(venues)],
                    "2026-12-01 08:30", i, "欧阳秀英", "示例县自来水公司第二净水厂设备维修车间")
            for i in range(1, 31)]
    return DrawSheet("第十三届职工技能大赛 车工 预赛 抽签表", "s", "2026-11-25 12:00", rows)


def test_columns_fill_the_page_and_no_header_is_squeezed():
    font = cjk_font()
    total = A4[0] - 30 * mm
    widths = pdf_column_widths(sheet([LONG_VENUE, "示例县工人文化宫"]), font, total)
    assert abs(sum(widths) - total) < 0.5
    for head, w in zip(COLUMNS, widths):
        assert stringWidth(head, font, 9.5) + 2 * PDF_PAD <= w + 0.01, head
    # the venue gets more room than the time, which is as wide as its text only
    assert widths[2] > widths[3] and widths[3] < stringWidth("2026-12-01 08:30 ", font, 9.5) + 12


def test_a_long_venue_wraps_to_two_lines_inside_its_cell():
    font = cjk_font()
    widths = pdf_column_widths(sheet([LONG_VENUE]), font, A4[0] - 30 * mm)
    para = _pdf_cell(LONG_VENUE, font, widths[2])
    lines = para.text.split("<br/>")
    size = para.style.fontSize
    assert len(lines) <= 2 and size >= PDF_MIN_SIZE
    assert all(stringWidth(x, font, size) <= widths[2] - 2 * PDF_PAD + 0.01 for x in lines)
    assert "".join(lines) == LONG_VENUE            # nothing cut off


def test_an_absurdly_long_venue_shrinks_and_still_stays_in_its_column():
    font = cjk_font()
    widths = pdf_column_widths(sheet([VERY_LONG]), font, A4[0] - 30 * mm)
    para = _pdf_cell(VERY_LONG, font, widths[2])
    size = para.style.fontSize
    assert all(stringWidth(x, font, size) <= widths[2] - 2 * PDF_PAD + 0.01
               for x in para.text.split("<br/>"))
    assert "".join(para.text.split("<br/>")) == VERY_LONG


def test_the_pdf_keeps_every_character_and_escapes_markup():
    font = cjk_font()
    s = sheet([LONG_VENUE, "A&B <实训楼>"], heats=("第12场 补赛（下午加场）", "第1场"))
    reader = PdfReader(BytesIO(to_pdf(s, font)))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert LONG_VENUE in text.replace(" ", "") and "A&B <实训楼>" in text
    assert len(reader.pages) >= 1


def test_the_xlsx_venue_column_is_as_wide_as_the_venue_and_wraps_beyond_40():
    from openpyxl import load_workbook

    from competition.registration.drawsheet import to_xlsx
    ws = load_workbook(BytesIO(to_xlsx(sheet(["示例县第一机械厂培训中心二号车间"])))).active
    assert ws.column_dimensions["C"].width == 2 * 16 + 2                # 32 display columns
    assert not ws["C4"].alignment.wrap_text
    ws = load_workbook(BytesIO(to_xlsx(sheet([VERY_LONG])))).active
    assert ws.column_dimensions["C"].width == 40 and ws["C4"].alignment.wrap_text
    assert ws["C4"].value == VERY_LONG
    ws = load_workbook(BytesIO(to_xlsx(sheet(["示例县工人文化宫"])))).active
    assert ws.column_dimensions["C"].width == 22                        # as before
