"""The fictional demo event (`flask --app competition demo`, in competition/cli/demo.py).

Every trade with a rule file in RULES_DIR becomes a trade of the demo competition, with
fictional contestants (names from a generator, ID numbers in region 99, which no real
province uses), judges with known demo passwords, and marks so the leaderboards are not
empty. Running it twice changes nothing; --reset rebuilds it; --contestants N builds a
full-scale event for benchmarks.
"""
from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, insert, select

from .demo_marks import marks_for_entry
from .demo_people import PASSWORDS, fake_id_number, fake_name, hash_password, judges_needed, trade_user
from .demo_schedule import VENUES, slot_start
from .extensions import db
from .models import (
    AuditLog,
    Bracket,
    Certificate,
    Competition,
    Contestant,
    Entry,
    Heat,
    JudgeAssignment,
    Mark,
    Match,
    Promotion,
    Role,
    Stage,
    Team,
    Trade,
    User,
)

DEMO_CODE = "DEMO13"
DEMO_NAME = "第十三届职工技能大赛（演示）"
DEMO_ORGANISER = "示例县总工会　示例县人力资源和社会保障局（虚构）"
BIG_TRADE = "lathe"          # the one trade with 300 contestants
BIG_TRADE_SIZE = 300
SMALL_TRADE_SIZE = 8
EMPLOYERS = ["示例县第一机械厂", "示例县供电公司", "示例县自来水公司", "示例县职业技术学校",
             "示例县纺织有限公司", "示例县公共交通公司", "示例县人民医院后勤中心",
             "示例县乳业有限公司", "示例县化工园区管理公司", "示例县建筑工程有限公司",
             "示例县邮政快递服务中心", "示例县大酒店", "示例县家政服务协会",
             "示例县农机服务站", "示例县矿山救护大队", "示例县环境卫生管理所"]
GRADES = ["L5", "L4", "L4", "L3", "L3", "L2", None]


@dataclass
class DemoSize:
    big: int = BIG_TRADE_SIZE
    small: int = SMALL_TRADE_SIZE
    marks: bool = True
    judges_min: int = 3
    seed: int = 13
    log: list[str] = field(default_factory=list)


def read_rule_files(rules_dir: Path) -> list[tuple[Path, dict]]:
    """Every rule file with its parsed TOML (trade order: file name)."""
    found = []
    for path in sorted(rules_dir.glob("*.toml")):
        with path.open("rb") as f:
            found.append((path, tomllib.load(f)))
    return found


def load_demo(size: DemoSize | None = None, reset: bool = False) -> tuple[Competition, bool]:
    """Create the demo competition if it is not there. Returns (competition, created)."""
    size = size or DemoSize()
    existing = db.session.scalar(select(Competition).where(Competition.code == DEMO_CODE))
    if existing is not None and reset:
        remove_demo(existing)
        existing = None
    users = _ensure_users()
    if existing is not None:
        return existing, False
    rng = random.Random(size.seed)
    comp = Competition(code=DEMO_CODE, name=DEMO_NAME, year=2026, organiser=DEMO_ORGANISER)
    db.session.add(comp)
    db.session.flush()
    rules = read_rule_files(Path(current_app.config["RULES_DIR"]))
    _check_rules(rules)
    for index, (path, data) in enumerate(rules):
        _build_trade(comp, path, data, size, rng, users, index)
    from .demo_teams import build_safety_contest  # the team trades and a bracket
    build_safety_contest(comp, users, marks=size.marks)
    db.session.commit()
    return comp, True


def _check_rules(rules: list[tuple[Path, dict]]) -> None:
    """Refuse to build the demo on rule files that do not validate (RuleError lists
    every problem as file:line: field: message)."""
    from .rules import parse_rule
    for path, _ in rules:
        parse_rule(path.read_text(encoding="utf-8"), path.name)


def _ensure_users() -> dict[str, User]:
    """The organiser, screen and arbitration accounts (trade accounts come per trade)."""
    wanted = [("admin", Role.ORGANISER, "organiser", "赛务管理员（演示）"),
              ("screen", Role.SCREEN, "screen", "大屏（演示）"),
              ("arbitration", Role.ARBITRATION, "arbitration", "仲裁组（演示）")]
    users = {}
    for username, role, pw_key, display in wanted:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, role=role.value, display_name=display)
            user.password_hash = hash_password(PASSWORDS[pw_key])
            db.session.add(user)
        users[username] = user
    db.session.flush()
    return users


def _build_trade(comp, path, data, size, rng, users, index: int = 0) -> None:
    info = data.get("trade", {})
    code = info.get("code", path.stem)
    trade = Trade(competition=comp, code=code, name=info.get("name", code),
                  name_en=info.get("name_en", ""), rule_file=path.name,
                  rule_text=path.read_text(encoding="utf-8"), blind=bool(info.get("blind")))
    db.session.add(trade)
    db.session.flush()
    n = size.big if code == BIG_TRADE else size.small
    n_judges = judges_needed(data, size.judges_min)
    chief = trade_user(f"chief_{code}", Role.CHIEF_JUDGE, "chief",
                        f"{trade.name}裁判长（演示）", trade)
    judges = [trade_user(f"{code}_j{k}", Role.JUDGE, "judge",
                          f"{trade.name}裁判{k}（演示）") for k in range(1, n_judges + 1)]
    db.session.flush()
    stages = _stages(trade, n)
    _contestants(comp, trade, n, rng)
    first = stages[0]
    heats = _heats(first, n, index)
    for h in heats:
        db.session.add_all(JudgeAssignment(heat=h, user=j) for j in judges)
    entries = _draw(first, users["admin"], code)
    if size.marks:
        from .rules import parse_rule
        _marks(parse_rule(trade.rule_text, path.name), entries, judges, chief, rng)


def _stages(trade: Trade, n: int) -> list[Stage]:
    if n > 60:
        stages = [Stage(trade=trade, seq=1, name="预赛", is_final=False,
                        advancement={"top_n": 30}),
                  Stage(trade=trade, seq=2, name="决赛", is_final=True)]
    else:
        stages = [Stage(trade=trade, seq=1, name="决赛", is_final=True)]
    db.session.add_all(stages)
    return stages


def _contestants(comp, trade, n, rng) -> list[Contestant]:
    people = []
    for _ in range(n):
        female = rng.random() < 0.4
        people.append(Contestant(
            competition_id=comp.id, trade_id=trade.id, name=fake_name(rng),
            gender="女" if female else "男", id_number=fake_id_number(rng, female),
            employer=rng.choice(EMPLOYERS), phone="", grade=rng.choice(GRADES)))
    db.session.add_all(people)
    db.session.flush()
    return people


def _heats(stage: Stage, n: int, index: int = 0, per_heat: int = 20) -> list[Heat]:
    """The trade's heats (the index-th trade in file order): one after another from a slot
    of the first two days (demo_schedule), at a venue that changes with the trade, so the
    schedule has no judge, chief or contestant in two places at once."""
    count = max(1, -(-n // per_heat))
    first = 0 if count > 1 else index % 8
    heats = [Heat(stage=stage, seq=i + 1, name=f"第{i + 1}场", venue=VENUES[(index + i) % len(VENUES)],
                  starts_at=slot_start(first + i), workstations=per_heat) for i in range(count)]
    db.session.add_all(heats)
    db.session.flush()
    return heats


def _draw(stage: Stage, organiser: User, code: str) -> list[Entry]:
    """The real draw (services.draws) with a recorded seed, so "re-run and compare" on the
    draw page reproduces the demo's lots."""
    from .services.draws import run_draw
    run_draw(stage, organiser, seed=f"demo-{code}", spread_employers=True)
    return db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)
                              .order_by(Entry.id)).all()


def _marks(rule, entries, judges, chief, rng) -> None:
    """Marks for about four entries in five: the event is under way."""
    rows = []
    for entry in entries:
        if rng.random() > 0.8:
            continue
        skill = min(0.93, max(0.35, rng.gauss(0.74, 0.12)))
        for crit, value, judge_index, attempt in marks_for_entry(rule, skill, rng):
            judge = chief if judge_index is None else judges[judge_index % len(judges)]
            rows.append({"entry_id": entry.id, "judge_id": judge.id, "criterion": crit,
                         "attempt": attempt, "value": value})
    if rows:
        db.session.execute(insert(Mark), rows)


def remove_demo(comp: Competition) -> None:
    """Delete the demo competition and everything under it (not the user accounts)."""
    trade_ids = [t.id for t in comp.trades]
    stage_ids = db.session.scalars(select(Stage.id).where(Stage.trade_id.in_(trade_ids))).all()
    heat_ids = db.session.scalars(select(Heat.id).where(Heat.stage_id.in_(stage_ids))).all()
    entry_ids = select(Entry.id).where(Entry.stage_id.in_(stage_ids))
    bracket_ids = select(Bracket.id).where(Bracket.stage_id.in_(stage_ids))
    db.session.execute(delete(Match).where(Match.bracket_id.in_(bracket_ids)))
    db.session.execute(delete(Bracket).where(Bracket.stage_id.in_(stage_ids)))
    db.session.execute(delete(Mark).where(Mark.entry_id.in_(entry_ids)))
    db.session.execute(delete(AuditLog).where(AuditLog.competition_id == comp.id))
    db.session.execute(delete(AuditLog).where(AuditLog.trade_id.in_(trade_ids)))
    db.session.execute(delete(JudgeAssignment).where(JudgeAssignment.heat_id.in_(heat_ids)))
    db.session.execute(delete(Entry).where(Entry.stage_id.in_(stage_ids)))
    db.session.execute(delete(Heat).where(Heat.id.in_(heat_ids)))
    db.session.execute(delete(Stage).where(Stage.id.in_(stage_ids)))
    db.session.execute(delete(Certificate).where(Certificate.competition_id == comp.id))
    db.session.execute(delete(Promotion).where(Promotion.competition_id == comp.id))
    db.session.execute(delete(Contestant).where(Contestant.competition_id == comp.id))
    db.session.execute(delete(Team).where(Team.competition_id == comp.id))
    db.session.execute(User.__table__.update().where(User.trade_id.in_(trade_ids))
                       .values(trade_id=None))
    db.session.execute(delete(Trade).where(Trade.id.in_(trade_ids)))
    db.session.execute(delete(Competition).where(Competition.id == comp.id))
    db.session.commit()
