"""Shared set-up for the registration, draw and bracket app tests (fictional data only)."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook

from competition.extensions import db
from competition.models import Competition, Role, Trade
from competition.registration import make_number
from tests.conftest import create_user
from tests.factories import DATA

HEADER = ["姓名", "性别", "身份证号", "单位", "手机号", "工种", "现技能等级"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = ["建国", "秀英", "志强", "桂兰", "德明", "海燕", "国华", "丽娟", "文博", "春梅"]


def person_id(i: int) -> str:
    """A fictional but valid ID number (region 99...)."""
    return make_number(f"99{i % 100:02d}01", date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                       (i * 7) % 1000)


def person_row(i: int, trade: str = "车工", employer: str | None = None) -> list:
    pid = person_id(i)
    gender = "男" if int(pid[16]) % 2 else "女"
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
    return [name, gender, pid, employer or f"示例县第{i % 5 + 1}机械厂",
            f"139{i:08d}"[-11:], trade, ["五级", "四级/中级工", "高级工", "", "技师"][i % 5]]


def workbook(rows: list[list], header: list[str] = HEADER) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def setup_event():
    """A competition with two trades (lathe, the safety quiz) and one user per role."""
    comp = Competition(code="T13", name="第十三届职工技能大赛（测试）", year=2026,
                       organiser="示例县总工会")
    db.session.add(comp)
    text = (DATA / "mini_rule.toml").read_text(encoding="utf-8")
    lathe = Trade(competition=comp, code="lathe", name="车工", rule_file="mini_rule.toml",
                  rule_text=text)
    quiz = Trade(competition=comp, code="quiz", name="安全知识竞赛", rule_file="mini_rule.toml",
                 rule_text=text)
    db.session.add_all([lathe, quiz])
    db.session.commit()
    users = {
        "organiser": create_user("org", Role.ORGANISER),
        "judge": create_user("judge", Role.JUDGE),
        "chief": create_user("chief", Role.CHIEF_JUDGE, trade_id=quiz.id),
        "other_judge": create_user("judge2", Role.JUDGE),
    }
    return {"competition": comp, "lathe": lathe, "quiz": quiz, **users}
