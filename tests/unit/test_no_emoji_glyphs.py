"""Pages and screens draw only characters the venue's fonts have. The venue PC's Chromium on
Debian gets fonts-wqy-zenhei (run.sh), which has no emoji: a 🏆 beside the champion showed
as an empty box on the LED bracket and the staff bracket page. Symbols from the Basic
Multilingual Plane (★ ✓ ✗ ●) are in the CJK fonts; emoji (U+1F000 and above) are not."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["templates", "competition/static/js", "competition/static/css"]


def test_no_page_or_screen_script_uses_an_emoji():
    found = {}
    for place in PLACES:
        for path in (ROOT / place).rglob("*"):
            if path.suffix not in (".html", ".js", ".css") or "vendor" in path.parts:
                continue
            chars = {c for c in path.read_text(encoding="utf-8") if ord(c) >= 0x1F000}
            if chars:
                found[str(path.relative_to(ROOT))] = sorted(chars)
    assert not found, found
