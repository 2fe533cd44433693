"""QR codes from reportlab's encoder, drawn as one path: valid with either mask choice."""
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from exports.qr import path_operators, qr_matrix

from .conftest import decode_qr, render_png


def test_dark_runs_become_rectangles_of_one_path_filled_once():
    matrix = [[True, True, False],
              [False, True, True],
              [True, False, True]]
    assert path_operators(matrix).split("\n") == [
        "0 0 2 1 re", "1 1 2 1 re", "0 2 1 1 re", "2 2 1 1 re", "f"]


def test_the_matrix_has_the_size_of_its_version():
    matrix = qr_matrix("http://192.168.1.10:5000/verify/2026-LATHE-0001")
    assert len(matrix) == 33 and all(len(row) == 33 for row in matrix)   # version 4, level M


def test_fixed_and_best_masks_both_decode(tmp_path):
    from exports.qr import draw_qr
    url = "http://192.168.1.10:5000/verify/2026-LATHE-0042"
    pdf = tmp_path / "qr.pdf"
    c = Canvas(str(pdf), pagesize=(80 * mm, 40 * mm))
    draw_qr(c, qr_matrix(url), 5 * mm, 5 * mm, 30 * mm)
    c.showPage()
    draw_qr(c, qr_matrix(url, best_mask=True), 5 * mm, 5 * mm, 30 * mm)
    c.showPage()
    c.save()
    pngs = render_png(pdf, tmp_path / "p", dpi=150)
    assert [decode_qr(p) for p in pngs] == [[url], [url]]
