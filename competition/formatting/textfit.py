"""Fit text into a box: shrink to fit, wrap Chinese text, never overflow.

Widths come from reportlab's font metrics, so what fits here fits on the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

# Characters that must not start a line (Chinese line-breaking rule, 避头点).
NO_LINE_START = set("，。、：；！？）》」』”’】〕,.;:!?)]}%")
NO_LINE_END = set("（《「『“‘【〔([{")
IDEOGRAPHIC_SPACE = "\u3000"
HARD_FLOOR = 4.0  # pt: below min_size, text still shrinks to fit down to this
_TOKEN = re.compile(r"[A-Za-z0-9\-_.@/:+#%]+|\s+|.", re.S)


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: list[str]
    leading: float

    @property
    def height(self) -> float:
        return self.size + self.leading * (len(self.lines) - 1)


def tokens(text: str) -> list[str]:
    """Split into break units: a Latin word or number stays whole, CJK per character.
    Text with inner ideographic spaces (a list of names: "示例县总工会　示例县人社局")
    breaks only at those spaces."""
    if IDEOGRAPHIC_SPACE in text.strip(IDEOGRAPHIC_SPACE):
        indent = text[:len(text) - len(text.lstrip(IDEOGRAPHIC_SPACE))]
        units = re.split(f"({IDEOGRAPHIC_SPACE}+)", text.lstrip(IDEOGRAPHIC_SPACE))
        return [indent + units[0], *units[1:]] if indent else units
    return _TOKEN.findall(text)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking at ``size``; honours explicit newlines and 避头点 rules.
    A single unit wider than the line is put on a line of its own (the caller shrinks)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, font, size, width))
    return lines


def _wrap_paragraph(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line, line_w = "", 0.0
    units = tokens(text)
    if len(units) > 1 and any(stringWidth(u, font, size) > width for u in units):
        units = _TOKEN.findall(text)
    for tok in units:
        w = stringWidth(tok, font, size)
        if line and line_w + w > width and not tok.isspace():
            if tok[0] in NO_LINE_START and len(line) > 1:
                # carry the last character down with the punctuation
                tok, line = line[-1] + tok, line[:-1]
                w = stringWidth(tok, font, size)
            elif line[-1] in NO_LINE_END and len(line) > 1:
                tok, line = line[-1] + tok, line[:-1]
                w = stringWidth(tok, font, size)
            lines.append(line.rstrip())
            line, line_w = tok.lstrip(), stringWidth(tok.lstrip(), font, size)
            continue
        line += tok
        line_w += w
    lines.append(line.rstrip())
    _no_orphan(lines, font, size, width)
    return lines


def _no_orphan(lines: list[str], font: str, size: float, width: float) -> None:
    """A paragraph's last line never holds one Chinese character alone (a certificate
    read "...荣" / "获" on a line of its own): the previous line gives its last character
    down, when that leaves it more than one and the two still fit."""
    if len(lines) < 2 or len(lines[-1]) != 1 or not _cjk(lines[-1]):
        return
    prev = lines[-2]
    if len(prev) < 3 or not _cjk(prev[-1]) or prev[-1] in NO_LINE_END:
        return
    moved = prev[-1] + lines[-1]
    if stringWidth(moved, font, size) <= width:
        lines[-2], lines[-1] = prev[:-1], moved


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch[0] <= "\u9fff" or "\uf900" <= ch[0] <= "\ufaff"


def fit(text: str, font: str, max_size: float, width: float, *,
        height: float | None = None, max_lines: int = 1, leading: float = 1.3,
        step: float = 0.5) -> Fitted:
    """The largest size <= max_size at which ``text`` fits ``width`` on one line or, if
    ``max_lines`` > 1, wrapped into at most that many lines (and within ``height``).
    If nothing fits it keeps shrinking down to HARD_FLOOR: text never overflows its box."""
    one_pt = stringWidth(text, font, 1.0) if "\n" not in text else None
    size = max_size
    while size >= HARD_FLOOR:
        if one_pt is not None and one_pt * size <= width and _fits_height(1, size, leading,
                                                                          height):
            return Fitted(size, [text], size * leading)
        if max_lines > 1 or one_pt is None:
            lines = wrap(text, font, size, width)
            if (len(lines) <= max_lines and _fits_height(len(lines), size, leading, height)
                    and all(stringWidth(x, font, size) <= width + 0.01 for x in lines)):
                return Fitted(size, lines, size * leading)
        size -= step
    return Fitted(HARD_FLOOR, wrap(text, font, HARD_FLOOR, width), HARD_FLOOR * leading)


def _fits_height(n_lines: int, size: float, leading: float, height: float | None) -> bool:
    if height is None:
        return True
    return size + size * leading * (n_lines - 1) <= height + 0.01


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` with "…" so that it fits ``width`` on one line (table cells)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
