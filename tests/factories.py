"""Build small fictional events in the test database."""
from __future__ import annotations

from pathlib import Path

from competition.extensions import db
from competition.models import Competition, Contestant, Entry, Heat, JudgeAssignment, Role, Stage, Trade

from .conftest import create_user

DATA = Path(__file__).parent / "data"


def fake_id_number(i: int) -> str:
    """A fictional 18-digit ID number (region 99 does not exist) with a valid check digit."""
    body = f"990101{1980 + i % 30:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def build_event(n_entries: int = 6, n_judges: int = 3, rule_file: str = "mini_rule.toml",
                code: str = "mini", blind: bool = True, competition: Competition | None = None):
    """A competition with one trade, one stage, one heat, entries, judges assigned,
    a chief judge and an organiser. Returns a namespace-like dict."""
    comp = competition or Competition(code="TEST", name="测试职工技能大赛", year=2026,
                                      organiser="示例县总工会")
    db.session.add(comp)
    text = (DATA / rule_file).read_text(encoding="utf-8")
    trade = Trade(competition=comp, code=code, name="测试工种", name_en="Test trade",
                  rule_file=rule_file, rule_text=text, blind=blind)
    stage = Stage(trade=trade, seq=1, name="决赛")
    heat = Heat(stage=stage, seq=1, name="第1场", venue="示例县职业技术学校", workstations=20)
    db.session.add_all([trade, stage, heat])
    db.session.flush()
    entries = []
    for i in range(n_entries):
        c = Contestant(competition_id=comp.id,
                       trade_id=trade.id, name=f"测试选手{i + 1}", gender="男",
                       id_number=fake_id_number(i), employer=f"示例县第{i % 3 + 1}机械厂")
        db.session.add(c)
        db.session.flush()
        e = Entry(stage_id=stage.id, heat_id=heat.id, contestant_id=c.id,
                  lot_number=f"{i + 1:03d}", workstation=i + 1)
        db.session.add(e)
        entries.append(e)
    db.session.commit()
    judges = [create_user(f"judge{k + 1}_{code}", Role.JUDGE) for k in range(n_judges)]
    for j in judges:
        db.session.add(JudgeAssignment(heat_id=heat.id, user_id=j.id))
    chief = create_user(f"chief_{code}", Role.CHIEF_JUDGE, trade_id=trade.id)
    organiser = create_user(f"organiser_{code}", Role.ORGANISER)
    db.session.commit()
    return {"competition": comp, "trade": trade, "stage": stage, "heat": heat,
            "entries": entries, "judges": judges, "chief": chief, "organiser": organiser}
