"""QR codes as inline SVG, encoded by reportlab's QR encoder (no extra dependency).

The module matrix is drawn as one SVG path of horizontal runs: small, sharp when printed
at any size, and fast (no reportlab drawing objects per module)."""
from __future__ import annotations

import itertools

from markupsafe import Markup


def qr_svg(text: str, border: int = 4, level: str = "M") -> Markup:
    """An <svg> QR code of ``text`` (error correction L/M/Q/H) that scales to its box."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
    code = QRCode(None, getattr(QRErrorCorrectLevel, level))
    code.addData(text)
    code.make()
    size = code.getModuleCount() + 2 * border
    parts = []
    for r, row in enumerate(code.modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            n = len(list(run))
            if dark:
                parts.append(f"M{c + border},{r + border}h{n}v1h-{n}z")
            c += n
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" class="qr">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>')
