"""Benchmark: a 10,000-row sign-up sheet validates and imports in under 20 s.

    .venv/bin/python bench/bench_import.py [ROWS] [--pg]

Builds a fictional sheet (41 trades, region-99 ID numbers, a few hundred employers), a
fresh database (SQLite file by default; --pg: a scratch PostgreSQL database at
127.0.0.1:5432, dropped afterwards), and times: writing the sheet (not part of the
target), reading + validating it (the report page), and validating + importing it in
one transaction (what the organiser's "import" does: the sheet is read again).
"""
from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

TRADES = ["车工", "数控车工", "钳工", "装配钳工", "焊工", "电工", "配电线路工", "汽车维修工",
          "农机修理工", "叉车司机", "公交驾驶员", "中式烹调师", "中式面点师", "乡土名菜烹饪",
          "育婴员", "养老护理员", "家政服务员", "美发师", "茶艺师", "矿山救护工", "细纱挡车工",
          "络筒工", "乳品检验员", "食品检验员", "化工总控工", "涂装工", "电梯安装维修工", "砌筑工",
          "钢筋工", "木工", "果树修剪工", "植保无人机驾驶员", "电子商务师", "互联网营销师",
          "快递员", "收银员", "保安员", "消防设施操作员", "环卫工", "水质检验工",
          "信息通信网络运行管理员"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
GRADES = ["五级/初级工", "四级", "高级工", "", "技师", "三级/高级工", "无"]


def sheet(n: int) -> bytes:
    from competition.registration import make_number
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(["姓名", "性别", "身份证号", "单位", "手机号", "工种", "现技能等级"])
    base = date(1966, 1, 1)
    for i in range(n):
        pid = make_number(f"99{i % 90 + 10:02d}{i % 7:02d}", base + timedelta(days=(i * 37) % 14000),
                          i % 1000)
        ws.append([SURNAMES[i % 20] + GIVEN[(i * 7) % 24] + GIVEN[(i * 13) % 24][: i % 2],
                   "男" if int(pid[16]) % 2 else "女", pid, f"示例县第{i % 300 + 1}机械厂",
                   f"13{i % 10}{i:08d}"[-11:], TRADES[i % 41], GRADES[i % 7]])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def make_app(pg: bool):
    from competition import create_app
    if pg:
        import psycopg
        name = f"bench_import_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        name = None
        url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-0123456789",
                      "REDIS_URL": None})
    return app, name


def drop(name: str) -> None:
    import psycopg
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    pg = "--pg" in sys.argv
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from competition.extensions import db
    from competition.models import Competition, Contestant, Trade
    from competition.services import registration as svc

    t0 = time.perf_counter()
    data = sheet(n)
    t_write = time.perf_counter() - t0
    app, pg_name = make_app(pg)
    try:
        with app.app_context():
            upgrade()
            comp = Competition(code="B13", name="第十三届职工技能大赛", year=2026,
                               organiser="示例县总工会")
            db.session.add(comp)
            db.session.add_all(Trade(competition=comp, code=f"t{i:02d}", name=name,
                                     rule_file="x.toml") for i, name in enumerate(TRADES))
            db.session.commit()
            t0 = time.perf_counter()
            report = svc.check_sheet(comp, data)
            t_check = time.perf_counter() - t0
            assert report.ok, report.errors[:5]
            t0 = time.perf_counter()
            result = svc.import_sheet(comp, data, None)
            t_import = time.perf_counter() - t0
            stored = db.session.scalar(select(func.count(Contestant.id)))
            assert result.imported == stored == n
            db.session.remove()
            db.engine.dispose()
    finally:
        if pg_name:
            drop(pg_name)
    backend = "PostgreSQL" if pg else "SQLite"
    print(f"{n} rows, {len(data) / 1e6:.1f} MB sheet, {backend}")
    print(f"  write sheet (setup)          {t_write:6.2f} s")
    print(f"  read + validate (report)     {t_check:6.2f} s")
    print(f"  read + validate + import     {t_import:6.2f} s   (target < 20 s)")


if __name__ == "__main__":
    main()
