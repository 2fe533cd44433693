"""Chinese fonts for reportlab: find an embeddable TrueType CJK font, register it once.

reportlab embeds TrueType outlines only (not CFF/OTF, so not Noto CJK's .otf/.ttc).
Search order for a style, first usable wins:

1. a configured path (argument, else the CJK_FONT_PATH environment variable); a font inside
   a collection is chosen with a ``#N`` suffix: ``C:/Windows/Fonts/simsun.ttc#0``;
2. the style's system candidates (Windows simkai/simsun/msyh/simhei, Debian fonts-arphic-ukai,
   fonts-wqy-zenhei, macOS Arial Unicode);
3. reportlab's built-in STSong-Light CID font, with a logged warning: it is *not* embedded,
   so the PDF viewer substitutes a font of its own (poppler spaces Latin letters and digits
   wrongly with it). Install fonts-wqy-zenhei or configure CJK_FONT_PATH instead.

Usage::

    from exports.fonts import cjk_font
    canvas.setFont(cjk_font(), 12)          # sans (黑体) for tables and bulletins
    canvas.setFont(cjk_font("kai"), 28)     # 楷体 for certificates (falls back to sans)

Nothing runs at import time; registration is cached and thread-safe.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

FALLBACK_CID_FONT = "STSong-Light"
_WIN = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"

# (path, subfont index) candidates per style, best first.
_SANS = [
    (_WIN / "msyh.ttc", 0), (_WIN / "msyh.ttf", 0), (_WIN / "simhei.ttf", 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0),
    (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
]
_KAI = [
    (_WIN / "simkai.ttf", 0), (_WIN / "STKAITI.TTF", 0),
    (Path("/usr/share/fonts/truetype/arphic/ukai.ttc"), 0),          # AR PL UKai CN
    (Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"), 0),
]
_SONG = [
    (_WIN / "simsun.ttc", 0), (_WIN / "simsun.ttf", 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),         # AR PL UMing CN
]
CANDIDATES: dict[str, list[tuple[Path, int]]] = {
    "sans": _SANS,
    "kai": _KAI + _SANS,
    "song": _SONG + _SANS,
}

_lock = threading.Lock()
_registered: dict[tuple[str, str | None], "FontChoice"] = {}


@dataclass(frozen=True)
class FontChoice:
    """The font registered for a style: its reportlab name and where it came from."""
    name: str
    path: str | None
    subfont_index: int
    embedded: bool


def parse_font_path(spec: str) -> tuple[Path, int]:
    """``"/x/simsun.ttc#1"`` -> (Path("/x/simsun.ttc"), 1); no suffix means index 0."""
    base, sep, index = spec.rpartition("#")
    if sep and index.isdigit():
        return Path(base), int(index)
    return Path(spec), 0


def cjk_font(style: str = "sans", path: str | None = None) -> str:
    """The reportlab font name to pass to setFont for Chinese text in ``style``
    ("sans", "kai" or "song"). See resolve_cjk_font."""
    return resolve_cjk_font(style, path).name


def resolve_cjk_font(style: str = "sans", path: str | None = None) -> FontChoice:
    """Register (once) and return the best available CJK font for ``style``.

    ``path`` (else $CJK_FONT_PATH) is tried first. Never raises for a missing font: falls
    back to STSong-Light with a warning. Raises ValueError for an unknown style.
    """
    if style not in CANDIDATES:
        raise ValueError(f"unknown font style {style!r}; use one of {sorted(CANDIDATES)}")
    configured = path or os.environ.get("CJK_FONT_PATH") or None
    key = (style, configured)
    with _lock:
        if key not in _registered:
            _registered[key] = _find_and_register(style, configured)
        return _registered[key]


def _find_and_register(style: str, configured: str | None) -> FontChoice:
    candidates = list(CANDIDATES[style])
    if configured:
        candidates.insert(0, parse_font_path(configured))
    for font_path, index in candidates:
        if not font_path.is_file():
            if configured and (font_path, index) == parse_font_path(configured):
                log.warning("configured CJK font %s does not exist", font_path)
            continue
        choice = _try_register(font_path, index)
        if choice is not None:
            return choice
    return _register_fallback()


def _try_register(font_path: Path, index: int) -> FontChoice | None:
    name = f"CJK-{font_path.stem}-{index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return FontChoice(name, str(font_path), index, True)
    try:
        font = TTFont(name, str(font_path), subfontIndex=index)
    except (TTFError, OSError, ValueError) as err:  # CFF outlines, bad index, unreadable
        log.warning("cannot use %s#%d as a CJK font: %s", font_path, index, err)
        return None
    if ord("中") not in font.face.charToGlyph:
        log.warning("%s#%d has no Chinese glyphs; skipped", font_path, index)
        return None
    pdfmetrics.registerFont(font)
    log.info("CJK font: %s#%d as %s", font_path, index, name)
    return FontChoice(name, str(font_path), index, True)


def _register_fallback() -> FontChoice:
    log.warning(
        "no embeddable TrueType CJK font found: using %s, which is NOT embedded (viewers "
        "substitute a font; Latin text and digits may be spaced wrongly). Install "
        "fonts-wqy-zenhei / fonts-arphic-ukai or set CJK_FONT_PATH.", FALLBACK_CID_FONT)
    if FALLBACK_CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FontChoice(FALLBACK_CID_FONT, None, 0, False)


def _reset_for_tests() -> None:
    """Forget the cached choices (registered reportlab fonts stay registered)."""
    with _lock:
        _registered.clear()
