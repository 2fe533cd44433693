"""Award certificates (获奖证书) as print-ready PDF.

    render_certificates(certs, "out.pdf", layout)   # a batch, one page each, in the given order
    certificate_pdf(cert, layout) -> bytes          # one certificate

Pages are drawn as the iterable yields them; nothing is collected per certificate. What is
the same on every page (frame, background, heading, closing line) is drawn once into a PDF
form and placed by reference. The QR code is one filled path (see exports.qr).
Memory: reportlab holds each finished page's content stream (~4 KB) until save().
"""
from __future__ import annotations

import io
import os
from typing import BinaryIO, Callable, Iterable

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from competition.formatting.textfit import fit

from .data import CertificateData
from .fonts import cjk_font
from .layout import OPTIONAL_PLACEHOLDERS, CertificateLayout, TextBox, load_layout, template_fields
from .qr import draw_qr, qr_matrix

STATIC_FORM = "certificate-static"
ProgressFn = Callable[[int], None]


def certificate_pdf(cert: CertificateData, layout: CertificateLayout | None = None,
                    font_path: str | None = None) -> bytes:
    """One certificate as PDF bytes."""
    buf = io.BytesIO()
    render_certificates([cert], buf, layout, font_path=font_path)
    return buf.getvalue()


def render_certificates(certs: Iterable[CertificateData], out: str | os.PathLike | BinaryIO,
                        layout: CertificateLayout | None = None, *,
                        font_path: str | None = None, progress: ProgressFn | None = None,
                        progress_every: int = 100, title: str = "获奖证书") -> int:
    """Draw one page per certificate, in iteration order, into ``out`` (a path or a binary
    file). ``progress(n)`` is called every ``progress_every`` pages and at the end.
    Returns the number of pages. Raises ValueError if a verification URL is too long
    for a QR code."""
    layout = layout or load_layout()
    if isinstance(out, os.PathLike):
        out = os.fspath(out)
    width_mm, height_mm = layout.size_mm
    canvas = Canvas(out, pagesize=(width_mm * mm, height_mm * mm), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("skill-competition exports.certificates")
    painter = _Painter(canvas, layout, font_path)
    count = 0
    for cert in certs:
        painter.page(cert)
        count += 1
        if progress and count % progress_every == 0:
            progress(count)
    if count == 0:  # an empty PDF is not valid: say so on the page
        canvas.setFont(cjk_font("sans", font_path), 14)
        canvas.drawString(20 * mm, (height_mm - 30) * mm, "（无获奖证书）")
        canvas.showPage()
    _save_binary(canvas)
    if progress:
        progress(count)
    return count


def _save_binary(canvas: Canvas) -> None:
    """Save with plain Flate streams. reportlab's default also ASCII85-encodes every
    stream, in pure Python without its optional C accelerator: 1.3 ms a page, more than
    drawing it. Binary streams are standard PDF and a fifth smaller."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas.save()
    finally:
        rl_config.useA85 = saved


class _Painter:
    """Draws certificates on one canvas with one layout."""

    def __init__(self, canvas: Canvas, layout: CertificateLayout, font_path: str | None):
        self.canvas = canvas
        self.layout = layout
        self.page_h = layout.size_mm[1] * mm
        self.fonts = {style: cjk_font(style, font_path) for style in ("kai", "sans", "song")}
        self.dynamic = [(k, b) for k, b in layout.fields.items() if not b.static]
        self._static_drawn = False

    def page(self, cert: CertificateData) -> None:
        if not self._static_drawn:
            self._define_static_form()
        self.canvas.doForm(STATIC_FORM)
        values = cert.fields()
        for _key, box in self.dynamic:
            used = template_fields(box.template)
            if any(not values[name] for name in used & OPTIONAL_PLACEHOLDERS):
                continue
            self.text(box, box.template.format(**values))
        if self.layout.qr is not None:
            self.qr(cert.verify_url)
        if cert.void:
            self._void_mark()
        self.canvas.showPage()

    def _void_mark(self) -> None:
        """作废 across the page: a voided certificate's copy can never pass for valid."""
        c = self.canvas
        c.saveState()
        c.setFillColor(HexColor("#D00000"), alpha=0.35)
        c.setFont(self.fonts["sans"], 120)
        c.translate(self.layout.size_mm[0] * mm / 2, self.page_h / 2)
        c.rotate(25)
        c.drawCentredString(0, -40, "作 废  VOID")
        c.restoreState()

    def _define_static_form(self) -> None:
        c, layout = self.canvas, self.layout
        c.beginForm(STATIC_FORM)
        w, h = layout.size_mm[0] * mm, self.page_h
        if layout.background and layout.print_background:
            c.drawImage(layout.background, 0, 0, width=w, height=h,
                        preserveAspectRatio=False, mask="auto")
        if layout.border:
            _frame(c, w, h, HexColor(layout.border_color))
        for _key, box in layout.fields.items():
            if box.static:
                self.text(box, box.template)
        if layout.qr is not None and layout.qr.caption:
            q = layout.qr
            c.setFont(self.fonts["sans"], q.caption_size)
            c.setFillColorRGB(0.25, 0.25, 0.25)
            c.drawCentredString((q.x + q.size / 2) * mm,
                                self.page_h - (q.y + q.size) * mm - q.caption_size,
                                q.caption)
        c.endForm()
        self._static_drawn = True

    def text(self, box: TextBox, text: str) -> None:
        c = self.canvas
        font = self.fonts[box.font]
        width = box.width * mm
        height = box.height * mm if box.height else None
        fitted = fit(text, font, box.size, width, height=height, max_lines=box.max_lines)
        top = self.page_h - box.y * mm
        if height:  # centre the block vertically in its box
            top -= max(0.0, (height - fitted.height) / 2)
        baseline = top - fitted.size * 0.88
        c.saveState()  # colour, line width and text render mode stay inside
        c.setFillColor(HexColor(box.color))
        tx = c.beginText()
        tx.setFont(font, fitted.size)
        if box.bold:  # CJK fonts have no bold face: fill and stroke the outline
            c.setStrokeColor(HexColor(box.color))
            c.setLineWidth(fitted.size * 0.035)
            tx.setTextRenderMode(2)
        x0 = box.x * mm
        for i, line in enumerate(fitted.lines):
            line_w = c.stringWidth(line, font, fitted.size)
            dx = {"left": 0.0, "center": (width - line_w) / 2, "right": width - line_w}
            tx.setTextOrigin(x0 + dx[box.align], baseline - i * fitted.leading)
            tx.textOut(line)
        c.drawText(tx)
        c.restoreState()

    def qr(self, url: str) -> None:
        q = self.layout.qr
        matrix = qr_matrix(url, q.level)
        size = q.size * mm
        draw_qr(self.canvas, matrix, q.x * mm, self.page_h - q.y * mm - size, size)


def _frame(c: Canvas, w: float, h: float, color) -> None:
    """A double frame with small corner squares, in the layout's colour."""
    c.saveState()
    c.setStrokeColor(color)
    c.setLineWidth(3)
    c.rect(9 * mm, 9 * mm, w - 18 * mm, h - 18 * mm)
    c.setLineWidth(0.8)
    c.rect(12.5 * mm, 12.5 * mm, w - 25 * mm, h - 25 * mm)
    c.setFillColor(color)
    s = 4 * mm
    for x, y in ((9 * mm, 9 * mm), (w - 9 * mm, 9 * mm), (9 * mm, h - 9 * mm),
                 (w - 9 * mm, h - 9 * mm)):
        c.rect(x - s / 2, y - s / 2, s, s, stroke=0, fill=1)
    c.restoreState()
