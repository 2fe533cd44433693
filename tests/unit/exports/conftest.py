"""Helpers for reopening generated documents."""
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def pdf_pages_text(path_or_bytes) -> list[str]:
    """The text of every page (pypdf), for asserting on names, serials and awards."""
    import io
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    # a line break inside a wrapped cell is not part of the text being looked for
    return [page.extract_text().replace("\n", "") for page in PdfReader(src).pages]


def render_png(pdf: Path, out_prefix: Path, *, dpi: int = 150, first: int = 1,
               last: int | None = None) -> list[Path]:
    """Render pages with poppler's pdftoppm; returns the PNG paths in page order."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    cmd = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    subprocess.run(cmd + [str(pdf), str(out_prefix)], check=True)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


def decode_qr(png: Path) -> list[str]:
    """Every QR code zbarimg finds in the image."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (Debian zbar-tools) is not installed: cannot decode QR codes")
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                           str(png)], capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line]
