"""Admission tickets (准考证): two to an A4 page, each with a QR code that opens the ticket's
check-in page. Drawn on the canvas directly (no flowables) so that 10,000 stay within the
certificates' budget; the QR code is one path (exports.qr).

Pure: TicketData in, PDF out.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from competition.formatting.textfit import ellipsize

from .fonts import cjk_font
from .qr import draw_qr, qr_matrix

NOTES = ("请携带本准考证和身份证，于开赛前30分钟到赛场检录；迟到15分钟以上不得入场。",
         "检录时出示本证二维码；场次、工位以检录时公布为准。")


@dataclass(frozen=True)
class TicketData:
    title: str               # the competition's name
    name: str
    id_masked: str
    employer: str
    trade: str
    stage: str
    heat: str
    when: str                # 2026年12月8日 09:00
    venue: str
    lot: str                 # lot / workstation, or "检录时公布"
    number: str              # ticket number (准考证号)
    qr_url: str


def render_tickets(tickets: Iterable[TicketData], out: str | os.PathLike | BinaryIO, *,
                   font_path: str | None = None, progress: Callable[[int], None] | None = None,
                   progress_every: int = 100) -> int:
    """Write the tickets, two to a page; returns how many."""
    font = cjk_font(path=font_path)
    c = Canvas(out if not isinstance(out, os.PathLike) else str(out), pagesize=A4)
    c.setTitle("准考证")
    width, height = A4
    n = 0
    for n, ticket in enumerate(tickets, 1):
        half = (n - 1) % 2
        _ticket(c, ticket, font, 12 * mm, height / 2 * (1 - half) + 8 * mm, width - 24 * mm, height / 2 - 16 * mm)
        if half == 1:
            c.showPage()
        if progress and n % progress_every == 0:
            progress(n)
    if n % 2 == 1 or n == 0:
        if n == 0:
            c.setFont(font, 14)
            c.drawCentredString(width / 2, height / 2, "（无准考证）")
        c.showPage()
    c.save()
    if progress:
        progress(n)
    return n


def _ticket(c: Canvas, t: TicketData, font: str, x: float, y: float, w: float, h: float) -> None:
    c.setLineWidth(1.2)
    c.rect(x, y, w, h)
    c.setFont(font, 17)
    c.drawCentredString(x + w / 2, y + h - 14 * mm, ellipsize(t.title, font, 17, w - 20 * mm))
    c.setFont(font, 22)
    c.drawCentredString(x + w / 2, y + h - 25 * mm, "准　考　证")
    qr = 38 * mm
    # level L: a printed ticket scanned at a desk; a smaller code is faster to encode and read
    draw_qr(c, qr_matrix(t.qr_url, "L"), x + w - qr - 8 * mm, y + h - qr - 32 * mm, qr)
    c.setFont(font, 8)
    c.drawCentredString(x + w - qr / 2 - 8 * mm, y + h - qr - 35 * mm, "检录扫码")
    rows = [("准考证号", t.number), ("姓　　名", t.name), ("身份证号", t.id_masked), ("工作单位", t.employer),
            ("工　　种", t.trade), ("赛　　段", t.stage), ("场　　次", t.heat), ("时　　间", t.when),
            ("赛　　场", t.venue), ("抽签号/工位", t.lot)]
    label_w, line = 26 * mm, 8.6 * mm
    text_w = w - qr - 24 * mm - label_w
    top = y + h - 36 * mm
    for i, (label, value) in enumerate(rows):
        row_y = top - i * line
        c.setFont(font, 10.5)
        c.drawString(x + 10 * mm, row_y, label)
        c.setFont(font, 12)
        c.drawString(x + 10 * mm + label_w, row_y, ellipsize(value or "—", font, 12, text_w))
        c.setLineWidth(0.3)
        c.line(x + 10 * mm + label_w, row_y - 2, x + 10 * mm + label_w + text_w, row_y - 2)
    c.setFont(font, 8.5)
    for i, note in enumerate(NOTES):
        c.drawString(x + 10 * mm, y + 12 * mm - i * 4.5 * mm, ellipsize(note, font, 8.5, w - 20 * mm))
