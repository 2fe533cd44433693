"""Fitting text into boxes: shrink, wrap, never overflow."""
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from competition.formatting.textfit import HARD_FLOOR, ellipsize, fit, wrap
from exports.fonts import cjk_font

FONT = None


def font():
    global FONT
    FONT = FONT or cjk_font("kai")
    return FONT


def test_a_four_character_name_keeps_its_full_size():
    # 4 glyphs x 26 pt = 104 pt, well inside 200 pt
    assert fit("张小明同", font(), 26, 200).size == 26


def test_a_thirty_character_employer_shrinks_to_the_width():
    employer = "示例县城关镇第二社区居家养老服务中心示例县民政局下属事业单位"  # 30 chars
    assert len(employer) == 30
    fitted = fit(employer, font(), 16, 300)   # 30 x 16 = 480 pt > 300: shrinks to 10
    assert fitted.lines == [employer] and fitted.size == 10


def test_a_paragraph_wraps_before_it_shrinks_when_lines_are_allowed():
    text = "在第十三届职工技能大赛暨安全生产和劳动保护知识竞赛养老护理员比赛中成绩优异荣获"
    fitted = fit(text, font(), 20, 400, height=60, max_lines=2)
    assert fitted.size == 20 and len(fitted.lines) == 2


def test_closing_punctuation_never_starts_a_line():
    lines = wrap("一二三四五，六七八", font(), 10, 50)   # 5 glyphs a line
    assert not any(line.startswith("，") for line in lines)
    assert "".join(lines) == "一二三四五，六七八"


def test_a_list_of_bodies_breaks_between_names_only():
    lines = wrap("示例县总工会　示例县人力资源和社会保障局　示例县民政局", font(), 10, 130)
    assert lines == ["示例县总工会", "示例县人力资源和社会保障局", "示例县民政局"]


def test_latin_words_and_numbers_are_not_split():
    assert wrap("编号2026-LATHE-0001号", font(), 10, 60) == ["编号", "2026-LATHE-0001", "号"]


def test_ellipsize_cuts_to_the_width():
    cut = ellipsize("示例县城关镇第二社区居家养老服务中心", font(), 10, 60)
    assert cut.endswith("…") and stringWidth(cut, font(), 10) <= 60


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet="张王示例县第一机械厂（）、，。ABC 123", min_size=1, max_size=80),
       width=st.floats(min_value=40, max_value=400), max_lines=st.integers(1, 3))
def test_fitted_text_never_overflows_and_loses_nothing(text, width, max_lines):
    fitted = fit(text, font(), 24, width, height=24 * 1.3 * max_lines, max_lines=max_lines)
    if fitted.size > HARD_FLOOR:
        assert all(stringWidth(line, font(), fitted.size) <= width + 0.01
                   for line in fitted.lines)
        assert len(fitted.lines) <= max_lines
    assert "".join(fitted.lines).replace(" ", "") == text.strip().replace(" ", "")


def test_no_chinese_character_is_left_alone_on_the_last_line():
    # 10 glyphs of 10 pt in a 95 pt line: 9 fit, the 10th (获) would sit alone
    text = "在本届技能大赛中荣获"
    width = stringWidth(text[:9], font(), 10) + 1
    lines = wrap(text, font(), 10, width)
    assert lines == ["在本届技能大赛中", "荣获"]
    assert "".join(lines) == text


def test_a_latin_word_or_a_single_line_is_left_as_it_is():
    assert wrap("荣获", font(), 10, 500) == ["荣获"]
    text = "在本届技能大赛中荣获A"
    width = stringWidth(text[:10], font(), 10) + 1
    assert wrap(text, font(), 10, width)[-1] == "A"
