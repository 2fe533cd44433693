"""Benchmark: 10,000 award certificates into one PDF (target < 60 s, < 500 MB peak RSS).

    .venv/bin/python bench/bench_certificates.py [N] [--floor] [--background]

Each run is a fresh process so that peak RSS (ru_maxrss) belongs to this run alone.
--floor measures the bare-library floor: a reportlab page of the same Chinese text with the
same embedded font, no layout fitting, no QR code. --background prints a scanned blank
(a 2480x1754 JPEG) under every page, as the layout form allows. Every fifth certificate is
a team member's (the team's name on its own line); every one carries its rank.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.certificates import render_certificates  # noqa: E402
from exports.data import CertificateData  # noqa: E402
from exports.fonts import cjk_font  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
AWARDS = ["一等奖", "二等奖", "三等奖", "优秀奖"]


def certificates(n: int):
    """Fictional certificates, generated lazily (a batch from the database streams too)."""
    for i in range(n):
        name = SURNAMES[i % 22] + GIVEN[(i * 7) % 24] + GIVEN[(i * 13) % 24][: i % 2]
        yield CertificateData(
            serial=f"2026-T{i % 41:02d}-{i:05d}", competition="第十三届职工技能大赛",
            name=name, employer=f"示例县第{i % 97 + 1}机械厂" + "装配分厂" * (i % 3),
            trade="车工", award=AWARDS[i % 4], title="县技术能手" if i % 10 == 0 else None,
            verify_url=f"http://192.168.1.10:5000/verify/2026-T{i % 41:02d}-{i:05d}",
            bodies=("示例县总工会", "示例县人力资源和社会保障局"), date=date(2026, 11, 25),
            rank=i % 30 + 1, team_name=f"第{i % 97 + 1}机械厂代表队" if i % 5 == 0 else None)


def background_layout(folder: str):
    """The default layout over a scanned blank (a generated 300-dpi A4 JPEG)."""
    from PIL import Image, ImageDraw

    from exports.layout import load_layout
    path = os.path.join(folder, "blank.jpg")
    img = Image.new("RGB", (3508, 2480), (252, 246, 230))
    draw = ImageDraw.Draw(img)
    for i in range(0, 60, 12):
        draw.rectangle([60 + i, 60 + i, 3448 - i, 2420 - i], outline=(200, 160, 60), width=6)
    img.save(path, quality=85)
    return load_layout({"background": path, "border": False})


def floor(n: int, path: str) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas
    font = cjk_font("kai")
    c = Canvas(path, pagesize=landscape(A4), pageCompression=1)
    for cert in certificates(n):
        for k, (x, y, text) in enumerate([
                (100, 420, cert.name + " 同志："), (100, 390, cert.employer),
                (100, 350, f"在{cert.competition}{cert.trade}比赛中，成绩优异，荣获"),
                (380, 300, cert.award), (500, 150, "　".join(cert.bodies)),
                (500, 120, "2026年11月25日"), (60, 40, "证书编号：" + cert.serial)]):
            c.setFont(font, 16 + k)
            c.drawString(x, y, text)
        c.showPage()
    c.save()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    out = os.path.join(tempfile.mkdtemp(), "certs.pdf")
    cjk_font("kai"), cjk_font("sans")  # font loading is counted in RSS, not in time
    t0 = time.perf_counter()
    if "--floor" in sys.argv:
        floor(n, out)
        label = "bare reportlab floor"
    elif "--background" in sys.argv:
        layout = background_layout(os.path.dirname(out))
        t0 = time.perf_counter()
        render_certificates(certificates(n), out, layout)
        label = "render_certificates over a scanned blank"
    else:
        render_certificates(certificates(n), out)
        label = "render_certificates"
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = os.path.getsize(out) / 1e6
    print(f"{label}: {n} pages in {elapsed:.1f} s ({elapsed / n * 1000:.2f} ms/page), "
          f"peak RSS {rss:.0f} MB, file {size:.1f} MB")


if __name__ == "__main__":
    main()
