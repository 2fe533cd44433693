"""QR codes for PDFs: reportlab's own encoder, drawn as one filled path.

reportlab's QrCodeWidget draws every dark run as a separate shape (and the usual sizing
recipe builds the code twice): ~10 ms a code. Here the same encoder
(reportlab.graphics.barcode.qrencoder) builds the module matrix, and all dark runs go into
a single PDF path with one fill: a few hundred bytes of page content and no objects.

Mask pattern: the encoder's own make() tries all 8 masks and scores each (~4.7 ms a code
on the reference machine, 47 s for 10,000 certificates on its own). Any mask gives a valid,
decodable code (the mask number is in the format bits every reader decodes first), so
batches use one fixed mask (~0.7 ms). ``best_mask=True`` gives the encoder's choice.
"""
from __future__ import annotations

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

LEVELS = {"L": qrencoder.QRErrorCorrectLevel.L, "M": qrencoder.QRErrorCorrectLevel.M,
          "Q": qrencoder.QRErrorCorrectLevel.Q, "H": qrencoder.QRErrorCorrectLevel.H}
# The encoder's own scoring picks mask 6 most often for verification URLs and it has the
# lowest mean penalty over them (measured over 300 serials: 744 vs 766-971 for the others).
FIXED_MASK = 6
QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)


def qr_matrix(data: str, level: str = "M", *, best_mask: bool = False) -> list[list[bool]]:
    """The module matrix (rows top to bottom, True = dark) encoding ``data``.
    Raises KeyError for an unknown level, ValueError if the data does not fit a QR code."""
    code = qrencoder.QRCode(None, LEVELS[level])
    code.addData(data)
    if best_mask:
        code.make()
    else:
        code.version = code.calculate_version()
        code.makeImpl(False, FIXED_MASK)
    return [list(map(bool, row)) for row in code.modules]


def path_operators(matrix: list[list[bool]]) -> str:
    """PDF path operators in module units (origin top-left of the code, y down): one
    ``re`` per horizontal run of dark modules, filled once with ``f``."""
    ops = []
    n = len(matrix)
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {r} {c - start} 1 re")
            else:
                c += 1
    ops.append("f")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float,
            *, quiet_zone: int = QUIET_ZONE, white_background: bool = True) -> None:
    """Draw ``matrix`` in the square whose lower-left corner is (x, y), ``size`` points
    wide, quiet zone included. A white square under it keeps a background image out of
    the quiet zone."""
    n = len(matrix)
    module = size / (n + 2 * quiet_zone)
    canvas.saveState()
    if white_background:
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # Map module (col, row) to page points: x + (q + col) * m, y + size - (q + row) * m.
    top = y + size - quiet_zone * module
    left = x + quiet_zone * module
    canvas.addLiteral(f"q {module:.4f} 0 0 {-module:.4f} {left:.3f} {top:.3f} cm")
    canvas.addLiteral(path_operators(matrix))
    canvas.addLiteral("Q")
    canvas.restoreState()
