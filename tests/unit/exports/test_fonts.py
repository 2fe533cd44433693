"""Finding and registering an embeddable Chinese font."""
import logging
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from exports import fonts

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv("CJK_FONT_PATH", raising=False)
    fonts._reset_for_tests()
    yield
    fonts._reset_for_tests()


def test_a_font_in_a_collection_is_chosen_with_a_hash_suffix():
    assert fonts.parse_font_path("C:/Windows/Fonts/simsun.ttc#1") == (
        Path("C:/Windows/Fonts/simsun.ttc"), 1)
    assert fonts.parse_font_path("/x/a#b.ttf") == (Path("/x/a#b.ttf"), 0)


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-zenhei is not installed")
def test_the_sans_style_finds_an_embedded_truetype_font():
    choice = fonts.resolve_cjk_font("sans")
    assert choice.embedded and choice.path
    assert choice.name in pdfmetrics.getRegisteredFontNames()
    assert pdfmetrics.stringWidth("中文", choice.name, 10) == pytest.approx(20, abs=0.5)


@pytest.mark.skipif(not UKAI.is_file(), reason="fonts-arphic-ukai is not installed")
def test_the_kai_style_prefers_a_kai_font():
    assert "ukai" in fonts.resolve_cjk_font("kai").path


@pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-zenhei is not installed")
def test_a_configured_path_wins_and_may_name_a_subfont(monkeypatch):
    monkeypatch.setenv("CJK_FONT_PATH", f"{WQY}#1")
    choice = fonts.resolve_cjk_font("kai")
    assert (choice.path, choice.subfont_index) == (str(WQY), 1)


def test_a_latin_only_configured_font_is_skipped_with_a_warning(caplog):
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not Path(dejavu).is_file():
        pytest.skip("DejaVu is not installed")
    with caplog.at_level(logging.WARNING, logger="exports.fonts"):
        choice = fonts.resolve_cjk_font("sans", path=dejavu)
    assert choice.path != dejavu
    assert "no Chinese glyphs" in caplog.text


def test_without_any_font_it_falls_back_to_stsong_with_a_warning(monkeypatch, caplog):
    monkeypatch.setitem(fonts.CANDIDATES, "sans", [(Path("/nonexistent/x.ttf"), 0)])
    with caplog.at_level(logging.WARNING, logger="exports.fonts"):
        choice = fonts.resolve_cjk_font("sans")
    assert choice.name == fonts.FALLBACK_CID_FONT and not choice.embedded
    assert "NOT embedded" in caplog.text


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown font style"):
        fonts.resolve_cjk_font("gothic")
